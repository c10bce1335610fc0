"""Queries and writes of the vendor's desk on the checkout's tables. Synchronous: they run
on the store's thread, and each action is one transaction.

A vendor reads and changes only parcels whose ``vendor_id`` is theirs: every function
here takes the vendor's id and treats another vendor's parcel exactly like a missing one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlite_utils import Database

from kernel.errors import Conflict, NotFound
from kernel.times import parse_utc, utc_iso
from orchestrator.checkout import store as checkout_store
from orchestrator.checkout.model import CANCELLED, UNPAID, Details, ParcelRow
from orchestrator.fulfilment import rules
from orchestrator.orders import store as order_store
from orchestrator.orders.model import CONFIRMED, NEW, PAID, SHIPPED

_PARCEL_SQL = ", ".join(f"p.{f}" for f in checkout_store.PARCEL_COLUMNS)
_BUYER_SQL = ", ".join(f"b.{f}" for f in checkout_store.DETAIL_COLUMNS)


@dataclass(frozen=True)
class DeskLine:
    """One claim in a parcel, as the vendor packs it."""

    order_id: int
    code: str
    qty: int
    price_idr: int
    status: str
    hold_until: datetime | None = None

    @property
    def total_idr(self) -> int:
        return self.qty * self.price_idr


@dataclass(frozen=True)
class Payment:
    """What the buyer said they paid, and whether a receipt photo came with it."""

    id: int
    method: str
    amount_idr: int
    at: datetime
    has_proof: bool


@dataclass(frozen=True)
class DeskParcel:
    """One parcel on the vendor's desk: the stored row, its buyer, claims and payment."""

    row: ParcelRow
    details: Details
    lines: tuple[DeskLine, ...] = ()
    payment: Payment | None = None
    last_at: datetime | None = None  # the last event's time


@dataclass
class _Parts:
    lines: dict[int, list[DeskLine]] = field(default_factory=dict)
    payments: dict[int, Payment] = field(default_factory=dict)


def vendor_statuses(db: Database, vendor_id: str) -> list[tuple[int, str]]:
    """(parcel id, status) of every parcel of the vendor, oldest first: enough to count
    and pick a page, without reading 2,000 buyers."""
    sql = "SELECT id, status FROM parcels WHERE vendor_id = ? ORDER BY id"
    return db.execute(sql, [vendor_id]).fetchall()


def vendor_parcels(
    db: Database, vendor_id: str, ids: Sequence[int] | None = None
) -> list[DeskParcel]:
    """The vendor's parcels (all, or those of ``ids`` that are theirs), oldest first, with
    the buyer's details, claims and payment."""
    where, args = "p.vendor_id = ?", [vendor_id]
    if ids is not None:
        if not ids:
            return []
        where += f" AND p.id IN ({','.join('?' * len(ids))})"
        args += list(ids)
    rows = db.execute(
        f"SELECT {_PARCEL_SQL}, {_BUYER_SQL} FROM parcels p JOIN buyers b ON b.id = p.buyer_id"
        f" WHERE {where} ORDER BY p.id",
        args,
    ).fetchall()
    parts = _Parts()
    width = len(checkout_store.PARCEL_COLUMNS)
    parcels = [
        (checkout_store.parcel_from_row(r[:width]), checkout_store.details_from_row(r[width:]))
        for r in rows
    ]
    chosen = [row.id for row, _ in parcels]
    if chosen:
        _fixed_lines(db, chosen, parts)
        _open_lines(db, vendor_id, parcels, parts)
        _payments(db, chosen, parts)
    return [
        DeskParcel(row, details, tuple(parts.lines.get(row.id, ())), parts.payments.get(row.id))
        for row, details in parcels
    ]


def vendor_parcel(db: Database, vendor_id: str, parcel_id: int) -> DeskParcel:
    """One of the vendor's parcels; NotFound for a missing one and for another vendor's."""
    row = checkout_store.parcel(db, parcel_id)
    if row is None or row.vendor_id != vendor_id:
        raise NotFound("Paket tidak ada (parcel not found).")
    return vendor_parcels(db, vendor_id, [parcel_id])[0]


def _line(r: Sequence) -> DeskLine:
    return DeskLine(r[1], r[2], r[3], r[4], r[5], parse_utc(r[6]) if r[6] else None)


def _marks(ids: Sequence[int]) -> str:
    return ",".join("?" * len(ids))


def _fixed_lines(db: Database, ids: Sequence[int], parts: _Parts) -> None:
    rows = db.execute(
        "SELECT po.parcel_id, o.id, o.code, o.qty, o.price_idr, o.status, o.hold_until_utc"
        " FROM parcel_orders po JOIN orders o ON o.id = po.order_id"
        f" WHERE po.parcel_id IN ({_marks(ids)}) ORDER BY o.id",
        list(ids),
    )
    for r in rows:
        parts.lines.setdefault(r[0], []).append(_line(r))


def _open_lines(
    db: Database, vendor_id: str, parcels: Sequence[tuple[ParcelRow, Details]], parts: _Parts
) -> None:
    """Claims not fixed in a parcel belong to the buyer's open parcel of this vendor."""
    open_of = {}
    for row, _ in parcels:
        if row.status == UNPAID:
            open_of.setdefault(row.buyer_id, row.id)
    if not open_of:
        return
    buyers = list(open_of)
    rows = db.execute(
        "SELECT a.buyer_id, o.id, o.code, o.qty, o.price_idr, o.status, o.hold_until_utc"
        " FROM buyer_authors a JOIN orders o ON o.platform = a.platform"
        " AND o.author_id = a.author_id WHERE a.buyer_id IN"
        f" ({_marks(buyers)}) AND o.vendor_id = ? AND o.status IN (?, ?)"
        " AND NOT EXISTS (SELECT 1 FROM parcel_orders po WHERE po.order_id = o.id)"
        " ORDER BY o.id",
        [*buyers, vendor_id, NEW, CONFIRMED],
    )
    for r in rows:
        parcel_id = open_of.get(r[0])
        if parcel_id is not None:
            parts.lines.setdefault(parcel_id, []).append(_line(r))


def _payments(db: Database, ids: Sequence[int], parts: _Parts) -> None:
    rows = db.execute(
        "SELECT parcel_id, id, method, amount_idr, at_utc, proof_file FROM payments"
        f" WHERE parcel_id IN ({_marks(ids)}) ORDER BY id",
        list(ids),
    )
    for r in rows:  # the latest payment of a parcel wins
        parts.payments[r[0]] = Payment(r[1], r[2], r[3], parse_utc(r[4]), bool(r[5]))


def proof_of(db: Database, vendor_id: str | None, payment_id: int) -> tuple[str, str] | None:
    """The receipt photo's file name and kind, if the payment is of ``vendor_id``'s parcel
    (any vendor's when None: the organisers)."""
    row = db.execute(
        "SELECT y.proof_file, y.proof_type, p.vendor_id FROM payments y"
        " JOIN parcels p ON p.id = y.parcel_id WHERE y.id = ?",
        [payment_id],
    ).fetchone()
    if row is None or not row[0] or (vendor_id is not None and row[2] != vendor_id):
        return None
    return row[0], row[1] or ""


def parcel_history(db: Database, vendor_id: str, parcel_id: int) -> list[dict]:
    """The parcel's events, oldest first (only the vendor's own parcel)."""
    vendor_parcel_row(db, vendor_id, parcel_id)
    return list(
        db.query(
            "SELECT at_utc, by, kind, status_from, status_to, note FROM parcel_events"
            " WHERE parcel_id = ? ORDER BY id",
            [parcel_id],
        )
    )


def vendor_parcel_row(db: Database, vendor_id: str, parcel_id: int) -> ParcelRow:
    row = checkout_store.parcel(db, parcel_id)
    if row is None or row.vendor_id != vendor_id:
        raise NotFound("Paket tidak ada (parcel not found).")
    return row


# -- actions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Act:
    """One action of the vendor on one parcel, as the form gave it (checked already)."""

    vendor_id: str
    parcel_id: int
    action: str
    by: str
    status_seen: str  # the status the vendor's page showed: a stale page is refused
    reason: str = ""
    courier: str = ""
    resi: str = ""
    quote_idr: int | None = None
    tariff_known: bool = False
    hold_hours: int = 24


@dataclass(frozen=True)
class Done:
    """What an action did: the parcel after it, its buyer, and the orders it moved."""

    parcel: ParcelRow
    moved: tuple[int, ...] = ()  # orders moved along (to publish)
    to_cancel: tuple[int, ...] = ()  # orders the desk must cancel in this transaction


def act(db: Database, a: Act, now: datetime) -> Done:
    """Do ``a`` in one transaction: check it, change the parcel and its orders, record it.

    A cancel only fixes which orders the parcel holds and returns them: the order desk
    cancels them in the same transaction (``OrderDesk.cancel_orders``), so their stock
    moves the waiting lists up the way every cancel does.
    """
    row = vendor_parcel_row(db, a.vendor_id, a.parcel_id)
    if row.status != a.status_seen:
        raise Conflict("Paket ini sudah berubah; muat ulang halaman (the parcel changed).")
    reason = rules.refusal(a.action, row.status, tariff_known=a.tariff_known)
    if reason:
        raise Conflict(reason)
    stamp = utc_iso(now)
    to = rules.next_status(a.action)
    fixed = _fixed_ids(db, row.id)
    moved: list[int] = []
    to_cancel: tuple[int, ...] = ()
    note = a.reason or None
    if a.action == rules.CONFIRM:
        moved = _move_orders(db, fixed, (NEW, CONFIRMED), PAID, a.by, stamp)
        _update(db, row.id, stamp, status=to, note=None)
    elif a.action == rules.REJECT:
        moved = _reopen(db, row, fixed, a, now)
        to = checkout_store.parcel(db, row.id).status  # UNPAID, or CANCELLED when merged
    elif a.action == rules.PACK:
        _update(db, row.id, stamp, status=to)
    elif a.action == rules.SHIP:
        moved = _move_orders(db, fixed, (NEW, CONFIRMED, PAID), SHIPPED, a.by, stamp)
        _update(db, row.id, stamp, status=to, courier=a.courier, resi=a.resi)
        note = f"{a.courier} {a.resi}"
    elif a.action == rules.DELIVERED:
        _update(db, row.id, stamp, status=to)
    elif a.action == rules.QUOTE:
        _update(db, row.id, stamp, shipping_idr=a.quote_idr,
                total_idr=(row.items_idr or 0) + (a.quote_idr or 0))  # fmt: skip
        note = str(a.quote_idr)
    elif a.action == rules.CANCEL:
        if row.status == UNPAID:  # fix the open claims in it, for the record
            fixed = [line.order_id for line in _loose_lines(db, row)]
            db.conn.executemany(
                "INSERT OR IGNORE INTO parcel_orders (order_id, parcel_id) VALUES (?, ?)",
                [(o, row.id) for o in fixed],
            )
        to_cancel = tuple(fixed)
        _update(db, row.id, stamp, status=to, note=a.reason)
    checkout_store.record_event(db, row.id, stamp, a.by, a.action, row.status, to, note)
    return Done(checkout_store.parcel(db, row.id) or row, tuple(moved), to_cancel)


def _fixed_ids(db: Database, parcel_id: int) -> list[int]:
    rows = db.execute("SELECT order_id FROM parcel_orders WHERE parcel_id = ? ORDER BY order_id",
                      [parcel_id])  # fmt: skip
    return [r[0] for r in rows]


def _loose_lines(db: Database, row: ParcelRow) -> list[DeskLine]:
    parts = _Parts()
    _open_lines(db, row.vendor_id, [(row, Details())], parts)
    return parts.lines.get(row.id, [])


_COLUMNS = {"status", "note", "courier", "resi", "shipping_idr", "total_idr"}


def _update(db: Database, parcel_id: int, stamp: str, **values) -> None:
    assert set(values) <= _COLUMNS
    sets = ", ".join(f"{k} = ?" for k in values)
    db.execute(f"UPDATE parcels SET {sets}, updated_utc = ? WHERE id = ?",
               [*values.values(), stamp, parcel_id])  # fmt: skip


def _move_orders(
    db: Database, ids: Sequence[int], sources: tuple[str, ...], to: str, by: str, stamp: str
) -> list[int]:
    """Move the parcel's orders that are in ``sources`` to ``to``, with an event each."""
    orders = [o for o in order_store.fetch_orders(db, list(ids)) if o.status in sources]
    order_store.update_orders(db, [(to, o.qty, stamp, o.id) for o in orders])
    order_store.insert_events(db, [(o.id, stamp, by, "parcel", o.status, to, o.qty, o.qty, None)
                                   for o in orders])  # fmt: skip
    return [o.id for o in orders]


def _reopen(db: Database, row: ParcelRow, fixed: list[int], a: Act, now: datetime) -> list[int]:
    """A rejected payment: the claims go back to unpaid with a fresh hold, and the parcel
    is open again (or, when the buyer has opened another one since, closed into it)."""
    stamp = utc_iso(now)
    moved = _move_orders(db, fixed, (CONFIRMED,), NEW, a.by, stamp)
    until = utc_iso(now + timedelta(hours=a.hold_hours))
    db.conn.executemany("UPDATE orders SET hold_until_utc = ? WHERE id = ?",
                        [(until, o) for o in moved])  # fmt: skip
    db.execute("DELETE FROM parcel_orders WHERE parcel_id = ?", [row.id])
    other = db.execute(
        "SELECT id FROM parcels WHERE buyer_id = ? AND vendor_id = ? AND status = ? AND id != ?",
        [row.buyer_id, row.vendor_id, UNPAID, row.id],
    ).fetchone()
    text = f"Pembayaran ditolak penjual: {a.reason}"
    if other is None:
        _update(db, row.id, stamp, status=UNPAID, note=text)
    else:
        _update(db, row.id, stamp, status=CANCELLED,
                note=f"{text}. Pesanannya pindah ke paket yang masih terbuka.")  # fmt: skip
        _update(db, other[0], stamp, note=text)
    return moved
