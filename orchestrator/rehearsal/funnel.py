"""From claim to paid parcel: the checkout funnel per vendor, and the claims it lost.

The simulated buyers' records are the truth for payments: each payment a buyer made
must be in a paid parcel of that amount and method. The database is the truth for
claims, judged at the run's end against their deadlines: a claim nobody paid must have
expired once its hold ran out, and a claim in a paid parcel must never have expired.
A claim whose deadline has not passed is fine while it is still held. Likewise a paid
parcel of a simulated vendor must have been shipped by the end, unless it was paid too
late for that vendor's delay to have run out. ``load`` reads the database; everything
else here is pure.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from kernel.times import parse_utc

PAID_STATES = frozenset({"claimed", "paid", "packed", "shipped", "received"})
SHIPPED_STATES = frozenset({"shipped", "received"})
# Beyond twice its delay (a change heard while it sleeps waits a second round), what a
# simulated vendor may take: the desk's feed spaces updates a real second apart (minutes
# at 600x), and its requests take real time too.
SHIP_SLACK = timedelta(minutes=15)
COUNTS = ("claimed", "checked_out", "paid", "shipped", "expired", "cancelled")
HELD = "new"  # an order holding stock until its deadline, unpaid
EXPIRED, CANCELLED = "expired", "cancelled"


@dataclass(frozen=True)
class Claim:
    """One order as the database ended it, with its parcel (if any)."""

    id: int
    vendor_id: str
    status: str
    hold_until: datetime | None
    checked_out: bool  # its chat author (or link buyer) is bound to a buyer at checkout
    parcel_id: int | None = None
    parcel_status: str | None = None


@dataclass(frozen=True)
class StoredParcel:
    """A parcel as the database ended it, with the payments stored for it."""

    id: int
    vendor_id: str
    status: str
    total_idr: int | None
    transfer_code: int | None
    payments: tuple[tuple[str, int], ...]  # (method, amount)
    claims: int
    paid_at: datetime | None = None  # when its last payment was stored


@dataclass(frozen=True)
class Lost:
    """A disagreement between what a buyer did and what the database says."""

    vendor_id: str
    claims: int
    message: str


def load(db) -> tuple[list[Claim], dict[int, StoredParcel]]:
    """The claims and parcels as the run left them (nothing when there was no checkout)."""
    if not db["orders"].exists():
        return [], {}
    if not db["parcels"].exists():
        rows = db.execute("SELECT id, vendor_id, status, hold_until_utc FROM orders").fetchall()
        return [Claim(r[0], r[1], r[2], _when(r[3]), False) for r in rows], {}
    rows = db.execute(
        "SELECT o.id, o.vendor_id, o.status, o.hold_until_utc, a.buyer_id IS NOT NULL,"
        " po.parcel_id, p.status FROM orders o"
        " LEFT JOIN buyer_authors a ON a.platform = o.platform AND a.author_id = o.author_id"
        " LEFT JOIN parcel_orders po ON po.order_id = o.id"
        " LEFT JOIN parcels p ON p.id = po.parcel_id"
    ).fetchall()
    claims = [Claim(r[0], r[1], r[2], _when(r[3]), bool(r[4]), r[5], r[6]) for r in rows]
    paid: dict[int, list[tuple[str, int]]] = defaultdict(list)
    paid_at: dict[int, datetime] = {}
    for parcel_id, method, amount, at in db.execute(
        "SELECT parcel_id, method, amount_idr, at_utc FROM payments ORDER BY id"
    ):
        paid[parcel_id].append((method, amount))
        paid_at[parcel_id] = parse_utc(at)
    held = Counter(c.parcel_id for c in claims if c.parcel_id is not None)
    parcels = {
        r[0]: StoredParcel(
            r[0], r[1], r[2], r[3], r[4], tuple(paid.get(r[0], ())), held[r[0]], paid_at.get(r[0])
        )
        for r in db.execute(
            "SELECT id, vendor_id, status, total_idr, transfer_code FROM parcels"
        ).fetchall()
    }
    return claims, parcels


def _when(text: str | None) -> datetime | None:
    return parse_utc(text) if text else None


def per_vendor(claims: Iterable[Claim]) -> dict[str, dict[str, int]]:
    """Claimed, checked out, paid, shipped, expired and cancelled claims of each vendor."""
    rows: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    for claim in claims:
        row = rows[claim.vendor_id]
        row["claimed"] += 1
        row["checked_out"] += claim.checked_out
        row["paid"] += claim.parcel_status in PAID_STATES
        row["shipped"] += claim.parcel_status in SHIPPED_STATES
        row["expired"] += claim.status == EXPIRED
        row["cancelled"] += claim.status == CANCELLED
    return dict(sorted(rows.items()))


def lost_claims(
    claims: Sequence[Claim],
    parcels: Mapping[int, StoredParcel],
    buyers: Iterable,
    ended: datetime | None,
) -> list[Lost]:
    """Every claim whose end state disagrees with what its buyer did, with the reason."""
    lost = [_payment_lost(p, parcels.get(p.parcel_id)) for b in buyers for p in b.payments]
    found = [x for x in lost if x is not None]
    for claim in claims:
        paid = claim.parcel_status in PAID_STATES
        if claim.status == EXPIRED and paid:
            found.append(Lost(claim.vendor_id, 1, f"pesanan #{claim.id} kedaluwarsa padahal"
                              f" paketnya #{claim.parcel_id} sudah dibayar"))  # fmt: skip
        elif claim.status == HELD and not paid and _due(claim, ended):
            found.append(Lost(claim.vendor_id, 1, f"pesanan #{claim.id} belum dibayar tetapi"
                              " masih menahan stok setelah batas waktunya"))  # fmt: skip
    return found


def unshipped(
    parcels: Mapping[int, StoredParcel], delays: Mapping[str, timedelta], ended: datetime | None
) -> tuple[list[Lost], int]:
    """Paid parcels of simulated vendors (``delays``: vendor -> its delay) not shipped by
    the end although their vendor had time; and how many claims were paid too late to judge.
    """
    found: list[Lost] = []
    waiting = 0
    for parcel in parcels.values():
        if parcel.status not in PAID_STATES - SHIPPED_STATES or parcel.vendor_id not in delays:
            continue
        allowed = 2 * delays[parcel.vendor_id] + SHIP_SLACK
        if ended is None or parcel.paid_at is None or parcel.paid_at + allowed > ended:
            waiting += max(1, parcel.claims)
            continue
        found.append(Lost(parcel.vendor_id, max(1, parcel.claims), f"paket #{parcel.id} dibayar"
                          f" tetapi belum dikirim (status {parcel.status}) setelah"
                          f" {int(allowed.total_seconds() // 60)} menit"))  # fmt: skip
    return found, waiting


def _due(claim: Claim, ended: datetime | None) -> bool:
    """Whether the claim's hold had run out by the run's end."""
    return ended is not None and claim.hold_until is not None and claim.hold_until <= ended


def _payment_lost(payment, parcel: StoredParcel | None) -> Lost | None:
    """Why one payment a buyer made is not in the database as made (None when it is)."""
    where = f"paket #{payment.parcel_id} ({payment.vendor})"
    what = f"{payment.method} {payment.amount_idr}"
    if parcel is None:
        return Lost("?", max(1, payment.lines), f"{where}: dibayar {what}, paketnya tidak ada")
    claims = max(1, parcel.claims or payment.lines)
    if parcel.status not in PAID_STATES:
        return Lost(parcel.vendor_id, claims,
                    f"{where}: dibayar {what}, tetapi statusnya {parcel.status}")  # fmt: skip
    if (payment.method, payment.amount_idr) not in parcel.payments:
        return Lost(parcel.vendor_id, claims, f"{where}: dibayar {what}, tercatat"
                    f" {list(parcel.payments) or 'tidak ada pembayaran'}")  # fmt: skip
    due = (parcel.total_idr or 0) + (
        (parcel.transfer_code or 0) if payment.method == "transfer" else 0
    )
    if payment.amount_idr != due or payment.shown_idr != payment.amount_idr:
        return Lost(parcel.vendor_id, claims, f"{where}: dibayar {what}, halaman menunjukkan"
                    f" {payment.shown_idr}, tagihan {due}")  # fmt: skip
    return None


def summary(
    claims: Sequence[Claim], lost: Sequence[Lost], buyers: Sequence,
    not_shipped: tuple[Sequence[Lost], int] = ((), 0), simulated_vendors: int = 0,
) -> dict:  # fmt: skip
    """The report's ``checkout`` object: integer totals, per vendor, and the buyers."""
    vendors = per_vendor(claims)
    total = {k: sum(v[k] for v in vendors.values()) for k in COUNTS}
    late, waiting = not_shipped
    payments = [p for b in buyers for p in b.payments]
    return {
        "orders": total["claimed"], "checked_out": total["checked_out"], "paid": total["paid"],
        "shipped": total["shipped"], "expired": total["expired"],
        "cancelled": total["cancelled"], "lost": sum(x.claims for x in lost),
        "unshipped": sum(x.claims for x in late), "awaiting_ship": waiting,
        "simulated_vendors": simulated_vendors,
        "per_vendor": [{"vendor": v, **row} for v, row in vendors.items()],
        "buyers": {
            "simulated": len(buyers),
            "by_link": sum(b.kind == "link" for b in buyers),
            "outcomes": dict(Counter(b.outcome for b in buyers)),
            "payers_meant": sum(b.intent.pays for b in buyers),
        },
        "payments": {
            "count": len(payments), "idr": sum(p.amount_idr for p in payments),
            "by_method": dict(Counter(p.method for p in payments)),
        },
        "lost_details": [{"vendor": x.vendor_id, "claims": x.claims, "message": x.message}
                         for x in lost[:50]],
        "unshipped_details": [{"vendor": x.vendor_id, "claims": x.claims,
                               "message": x.message} for x in late[:50]],
    }  # fmt: skip
