"""Queries on the checkout's tables (``schema`` says what each holds). Synchronous: they
run on the store's thread, and each write is one transaction.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlite_utils import Database

from kernel.errors import Conflict, NotFound
from kernel.times import parse_utc, utc_iso
from orchestrator.checkout.model import (
    CLAIMED,
    PICKUP,
    TRANSFER,
    UNPAID,
    WEB,
    Buyer,
    Details,
    ParcelRow,
)
from orchestrator.checkout.parcels import pick_transfer_code
from orchestrator.orders import store as order_store
from orchestrator.orders.model import CONFIRMED, NEW, Order

BUYER_BY = "pembeli"  # who an order event says acted, when the buyer did


def secret_hash(secret: str) -> str:
    """Only a hash of the browser's secret is stored: a copied database opens no checkout."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_buyer(db: Database, now: datetime) -> tuple[int, str]:
    """Make a buyer for a new browser; return its id and the cookie's secret."""
    secret = secrets.token_urlsafe(32)
    stamp = utc_iso(now)
    with db.atomic():
        cursor = db.execute(
            "INSERT INTO buyers (secret_hash, csrf, created_utc, updated_utc) VALUES (?, ?, ?, ?)",
            [secret_hash(secret), secrets.token_urlsafe(18), stamp, stamp],
        )
    return cursor.lastrowid, secret


# The buyer's details as columns of ``buyers`` (the vendor's desk reads them too).
DETAIL_COLUMNS = tuple(Details.__dataclass_fields__)


def details_from_row(values: Sequence) -> Details:
    """A buyer's details from their ``DETAIL_COLUMNS`` values (empty ones take defaults)."""
    return Details(**{k: v for k, v in zip(DETAIL_COLUMNS, values, strict=True) if v})


def buyer_by_secret(db: Database, secret: str) -> Buyer | None:
    """The buyer whose browser holds ``secret``, with the chat authors bound to it."""
    if not secret or len(secret) > 100:
        return None
    row = db.execute(
        f"SELECT id, csrf, {', '.join(DETAIL_COLUMNS)} FROM buyers WHERE secret_hash = ?",
        [secret_hash(secret)],
    ).fetchone()
    if row is None:
        return None
    return _buyer(db, row)


def buyer_by_id(db: Database, buyer_id: int) -> Buyer:
    row = db.execute(
        f"SELECT id, csrf, {', '.join(DETAIL_COLUMNS)} FROM buyers WHERE id = ?", [buyer_id]
    ).fetchone()
    if row is None:
        raise NotFound(f"pembeli #{buyer_id} tidak ada")
    return _buyer(db, row)


def _buyer(db: Database, row: tuple) -> Buyer:
    details = details_from_row(row[2:])
    authors = tuple(
        db.execute(
            "SELECT platform, author_id, COALESCE(author_name, '') FROM buyer_authors"
            " WHERE buyer_id = ? ORDER BY bound_utc",
            [row[0]],
        ).fetchall()
    )
    return Buyer(row[0], row[1], details, authors)


def save_details(db: Database, buyer_id: int, details: Details, now: datetime) -> int:
    """Store what the buyer typed (the form checked it already).

    A new destination voids the shipping of their unpaid parcels: a vendor's quote priced
    the old address, and the buyer's next page prices each again (from the table, or the
    vendor quotes anew). Returns how many parcels lost their shipping.
    """
    values = asdict(details)
    sets = ", ".join(f"{k} = ?" for k in values)
    stamp = utc_iso(now)
    with db.atomic():
        row = db.execute(
            f"SELECT {', '.join(DETAIL_COLUMNS)} FROM buyers WHERE id = ?", [buyer_id]
        ).fetchone()
        db.execute(f"UPDATE buyers SET {sets}, updated_utc = ? WHERE id = ?",
                   [*values.values(), stamp, buyer_id])  # fmt: skip
        if row is None or destination(details_from_row(row)) == destination(details):
            return 0
        voided = db.execute(
            "UPDATE parcels SET shipping_idr = NULL, total_idr = items_idr, updated_utc = ?"
            " WHERE buyer_id = ? AND status = ? AND shipping_idr IS NOT NULL RETURNING id",
            [stamp, buyer_id, UNPAID],
        ).fetchall()
        for (parcel_id,) in voided:
            record_event(db, parcel_id, stamp, BUYER_BY, "destination", UNPAID, UNPAID,
                         "alamat tujuan berubah: ongkir dihitung ulang")  # fmt: skip
    return len(voided)


def destination(details: Details) -> tuple[str, ...]:
    """Where a parcel goes, as far as its shipping price depends on it: the regency at
    home (the shipping table's finest column), the whole address abroad (a quote)."""
    if details.delivery == PICKUP:
        return (PICKUP,)
    if details.abroad:
        return ("abroad", details.country.strip().lower(), " ".join(details.street.split()))
    return (details.delivery, details.province, details.regency)


def web_author(buyer_id: int) -> str:
    return f"b{buyer_id}"


def bind_web(db: Database, buyer_id: int, now: datetime) -> None:
    """A buyer who orders on our pages is their own author: bind it, once."""
    with db.atomic():
        db.execute(
            "INSERT OR IGNORE INTO buyer_authors (platform, author_id, buyer_id, author_name,"
            " bound_utc) VALUES (?, ?, ?, '', ?)",
            [WEB, web_author(buyer_id), buyer_id, utc_iso(now)],
        )


def buyers_of_orders(db: Database, order_ids: Sequence[int]) -> set[int]:
    """The buyers whose claims these orders are (to tell their pages)."""
    found: set[int] = set()
    ids = list(order_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        found.update(
            r[0]
            for r in db.execute(
                "SELECT DISTINCT a.buyer_id FROM orders o JOIN buyer_authors a"
                " ON a.platform = o.platform AND a.author_id = o.author_id"
                f" WHERE o.id IN ({','.join('?' * len(chunk))})",
                chunk,
            )
        )
    return found


# -- parcels ----------------------------------------------------------------------------

# The columns of ``parcels`` in ``ParcelRow`` order: read them, then ``parcel_from_row``.
PARCEL_COLUMNS = ("id", "buyer_id", "vendor_id", "status", "method", "transfer_code",
                  "items_idr", "shipping_idr", "total_idr", "weight_g", "courier", "resi",
                  "note", "created_utc", "updated_utc")  # fmt: skip


def parcel_from_row(r: Sequence) -> ParcelRow:
    """A ``ParcelRow`` from the values of ``PARCEL_COLUMNS``, in that order."""
    return ParcelRow(*r[:13], parse_utc(r[13]), parse_utc(r[14]))


def parcels_of(db: Database, buyer_id: int) -> list[ParcelRow]:
    sql = f"SELECT {', '.join(PARCEL_COLUMNS)} FROM parcels WHERE buyer_id = ? ORDER BY id"
    return [parcel_from_row(r) for r in db.execute(sql, [buyer_id])]


def parcel(db: Database, parcel_id: int) -> ParcelRow | None:
    sql = f"SELECT {', '.join(PARCEL_COLUMNS)} FROM parcels WHERE id = ?"
    row = db.execute(sql, [parcel_id]).fetchone()
    return parcel_from_row(row) if row else None


@dataclass(frozen=True)
class BuyerData:
    """Everything the buyer's page is built from, read in one go."""

    buyer: Buyer
    orders: list[Order]
    parcels: list[ParcelRow]
    assigned: dict[int, int]  # order id -> parcel id


def buyer_data(db: Database, buyer_id: int) -> BuyerData:
    buyer = buyer_by_id(db, buyer_id)
    orders = order_store.viewer_orders(db, [(p, a) for p, a, _ in buyer.authors])
    rows = parcels_of(db, buyer_id)
    assigned: dict[int, int] = {}
    if rows:
        marks = ",".join("?" * len(rows))
        assigned = dict(
            db.execute(
                f"SELECT order_id, parcel_id FROM parcel_orders WHERE parcel_id IN ({marks})",
                [r.id for r in rows],
            ).fetchall()
        )
    return BuyerData(buyer, orders, rows, assigned)


@dataclass(frozen=True)
class OpenParcel:
    """What the page shows for a vendor's open parcel, to store with it."""

    vendor_id: str
    items_idr: int
    shipping_idr: int | None
    weight_g: int


def sync_open(
    db: Database, buyer_id: int, wanted: Sequence[OpenParcel], now: datetime
) -> dict[str, ParcelRow]:
    """Keep one open parcel per vendor with claims to pay, each with a transfer code that
    makes its amount unique among that vendor's parcels waiting for a transfer."""
    stamp = utc_iso(now)
    out: dict[str, ParcelRow] = {}
    with db.atomic():
        for want in wanted:
            row = db.execute(
                "SELECT id, transfer_code, items_idr, shipping_idr FROM parcels"
                " WHERE buyer_id = ? AND vendor_id = ? AND status = ? ORDER BY id LIMIT 1",
                [buyer_id, want.vendor_id, UNPAID],
            ).fetchone()
            total = want.items_idr + (want.shipping_idr or 0)
            taken = _transfer_amounts(db, want.vendor_id, row[0] if row else None)
            if row is None:
                code = pick_transfer_code(total, taken)
                cursor = db.execute(
                    "INSERT INTO parcels (buyer_id, vendor_id, status, transfer_code, items_idr,"
                    " shipping_idr, total_idr, weight_g, created_utc, updated_utc)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [buyer_id, want.vendor_id, UNPAID, code, want.items_idr, want.shipping_idr,
                     total, want.weight_g, stamp, stamp],
                )  # fmt: skip
                record_event(db, cursor.lastrowid, stamp, "sistem", "opened", None, UNPAID, None)
            elif (row[2], row[3]) != (want.items_idr, want.shipping_idr) or total + row[1] in taken:
                code = row[1] if total + row[1] not in taken else pick_transfer_code(total, taken)
                db.execute(
                    "UPDATE parcels SET transfer_code = ?, items_idr = ?, shipping_idr = ?,"
                    " total_idr = ?, weight_g = ?, updated_utc = ? WHERE id = ?",
                    [code, want.items_idr, want.shipping_idr, total, want.weight_g, stamp, row[0]],
                )
        for r in parcels_of(db, buyer_id):
            if r.status == UNPAID:
                out[r.vendor_id] = r
    return out


def _transfer_amounts(db: Database, vendor_id: str, other_than: int | None) -> set[int]:
    rows = db.execute(
        "SELECT total_idr + transfer_code FROM parcels WHERE vendor_id = ? AND status IN (?, ?)"
        " AND id != ? AND transfer_code IS NOT NULL AND total_idr IS NOT NULL"
        " AND (method IS NULL OR method = ?)",
        [vendor_id, UNPAID, CLAIMED, other_than or 0, TRANSFER],
    )
    return {r[0] for r in rows}


def record_event(
    db: Database, parcel_id: int, stamp: str, by: str, kind: str,
    status_from: str | None, status_to: str | None, note: str | None,
) -> None:  # fmt: skip
    """Add one line to the parcel's history (inside the caller's transaction)."""
    db.execute(
        "INSERT INTO parcel_events (parcel_id, at_utc, by, kind, status_from, status_to, note)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [parcel_id, stamp, by, kind, status_from, status_to, note],
    )


@dataclass(frozen=True)
class PaidClaim:
    """The buyer's "Saya sudah bayar" for one parcel, as the page saw it."""

    buyer_id: int
    parcel_id: int
    method: str
    amount_idr: int  # what the buyer was asked to pay (with the code, for a transfer)
    order_ids: tuple[int, ...]  # the claims the page showed in the parcel
    items_idr: int
    shipping_idr: int
    request_id: str
    proof_file: str | None = None
    proof_type: str | None = None


def claim_paid(db: Database, claim: PaidClaim, now: datetime) -> tuple[ParcelRow, list[int]]:
    """Fix the parcel's items and total, record the payment, hold its claims for good.

    Refused when the parcel changed since the page showed it (a new claim joined, one
    expired): the buyer looks again. Sent twice (the same ``request_id``), it is done
    once. Returns the parcel and the orders it moved to ``confirmed`` (never expire).
    """
    stamp = utc_iso(now)
    with db.atomic():
        done = db.execute(
            "SELECT parcel_id FROM payments WHERE request_id = ?", [claim.request_id]
        ).fetchone()
        row = parcel(db, claim.parcel_id)
        if row is None or row.buyer_id != claim.buyer_id:
            raise NotFound("paket tidak ada (parcel not found)")
        if done is not None:
            return row, []
        if row.status != UNPAID:
            raise Conflict("Paket ini sudah dibayar atau ditutup; muat ulang halaman.")
        buyer = buyer_by_id(db, claim.buyer_id)
        now_open = [
            o for o in order_store.viewer_orders(db, [(p, a) for p, a, _ in buyer.authors])
            if o.vendor_id == row.vendor_id and o.status in (NEW, CONFIRMED)
            and not _assigned(db, o.id)
        ]  # fmt: skip
        if tuple(sorted(o.id for o in now_open)) != tuple(sorted(claim.order_ids)):
            raise Conflict("Isi paket berubah sejak halaman dibuka; periksa lagi lalu bayar.")
        db.conn.executemany(
            "INSERT INTO parcel_orders (order_id, parcel_id) VALUES (?, ?)",
            [(o.id, row.id) for o in now_open],
        )
        fresh = [o for o in now_open if o.status == NEW]
        order_store.update_orders(db, [(CONFIRMED, o.qty, stamp, o.id) for o in fresh])
        order_store.insert_events(db, [(o.id, stamp, BUYER_BY, "paid_claimed", NEW, CONFIRMED,
                                        o.qty, o.qty, None) for o in fresh])  # fmt: skip
        total = claim.items_idr + claim.shipping_idr
        db.execute(
            "UPDATE parcels SET status = ?, method = ?, items_idr = ?, shipping_idr = ?,"
            " total_idr = ?, updated_utc = ? WHERE id = ?",
            [CLAIMED, claim.method, claim.items_idr, claim.shipping_idr, total, stamp, row.id],
        )
        db.execute(
            "INSERT INTO payments (parcel_id, method, amount_idr, at_utc, proof_file, proof_type,"
            " request_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [row.id, claim.method, claim.amount_idr, stamp, claim.proof_file, claim.proof_type,
             claim.request_id],
        )  # fmt: skip
        record_event(db, row.id, stamp, BUYER_BY, "paid_claimed", UNPAID, CLAIMED,
               f"{claim.method} {claim.amount_idr}")  # fmt: skip
        return parcel(db, row.id) or row, [o.id for o in fresh]


def _assigned(db: Database, order_id: int) -> bool:
    found = db.execute("SELECT 1 FROM parcel_orders WHERE order_id = ?", [order_id]).fetchone()
    return found is not None


def payments_of(db: Database, parcel_id: int) -> list[dict]:
    return list(db.query("SELECT * FROM payments WHERE parcel_id = ? ORDER BY id", [parcel_id]))
