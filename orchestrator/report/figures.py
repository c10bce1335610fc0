"""The event's figures after the show: pure sums over its rows, no I/O.

Per day, channel and slot: scheduled against aired times, claims and their Rupiah, paid
parcels and their Rupiah; per vendor: the same with clicks on its order links and how
many of those became orders on our own pages. Claims are orders still standing (not
cancelled, not expired); a parcel counts as paid once its vendor confirmed the money
(``paid`` and every later step). Money is whole Rupiah throughout.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from schedules.model import Event

PAID_STATUSES = frozenset({"paid", "packed", "shipped", "received"})
GONE_ORDERS = frozenset({"cancelled", "expired"})
WEB = "web"


@dataclass(frozen=True)
class OrderRow:
    """One order as the report needs it."""

    vendor_id: str
    code: str
    channel: str | None
    slot_id: str | None
    qty: int
    price_idr: int
    status: str
    platform: str
    created: datetime


@dataclass(frozen=True)
class ParcelRow:
    """One parcel as the report needs it: who sold, its state, its money."""

    vendor_id: str
    status: str
    total_idr: int | None
    province: str | None


@dataclass(frozen=True)
class Aired:
    """A slot's turn as it really ran (None: it never aired)."""

    slot_id: str
    start: datetime | None
    end: datetime | None
    status: str


@dataclass
class Tally:
    """Claims and sales of one slot, vendor or day."""

    claims: int = 0
    units: int = 0
    claimed_idr: int = 0
    parcels_paid: int = 0
    paid_idr: int = 0
    clicks: int = 0
    link_orders: int = 0

    def add_order(self, order: OrderRow) -> None:
        if order.status in GONE_ORDERS:
            return
        self.claims += 1
        self.units += order.qty
        self.claimed_idr += order.qty * order.price_idr
        if order.platform == WEB:
            self.link_orders += 1

    @property
    def conversion(self) -> float | None:
        """Share of link clicks that became an order on our pages (None without clicks)."""
        return self.link_orders / self.clicks if self.clicks else None


@dataclass
class SlotLine:
    """One scheduled slot, and how it ran."""

    slot_id: str
    channel: str
    vendor_id: str | None
    title: str
    scheduled_start: datetime
    scheduled_end: datetime
    aired: Aired | None
    tally: Tally = field(default_factory=Tally)

    @property
    def late_s(self) -> float | None:
        if self.aired is None or self.aired.start is None:
            return None
        return (self.aired.start - self.scheduled_start).total_seconds()


@dataclass
class Report:
    """Everything the report page, its JSON and its charts show."""

    name: str
    days: dict[date, list[SlotLine]]
    vendors: dict[str, Tally]
    totals: Tally
    provinces: dict[str, int]
    parcels_by_status: dict[str, int]


def build(
    event: Event,
    aired: Mapping[str, Aired],
    orders: Iterable[OrderRow],
    parcels: Iterable[ParcelRow],
    clicks: Mapping[str, int],
) -> Report:
    """Sum the event's rows into its report; ``clicks`` counts link clicks per code."""
    lines = {s.id: _line(s, aired.get(s.id)) for s in sorted(event.slots, key=_slot_key)}
    vendors: dict[str, Tally] = defaultdict(Tally, {v.id: Tally() for v in event.vendors})
    totals = Tally()
    for order in orders:
        for tally in (vendors[order.vendor_id], totals):
            tally.add_order(order)
        line = lines.get(order.slot_id or "")
        if line is not None:
            line.tally.add_order(order)
    owner = {p.code: p.vendor_id for p in event.products}
    for code, count in clicks.items():
        if code in owner:
            vendors[owner[code]].clicks += count
            totals.clicks += count
    statuses: Counter[str] = Counter()
    provinces: Counter[str] = Counter()
    for parcel in parcels:
        statuses[parcel.status] += 1
        if parcel.status in PAID_STATUSES:
            for tally in (vendors[parcel.vendor_id], totals):
                tally.parcels_paid += 1
                tally.paid_idr += parcel.total_idr or 0
            provinces[parcel.province or "(ambil sendiri / luar negeri)"] += 1
    _credit_slots(lines.values(), vendors)
    days: dict[date, list[SlotLine]] = defaultdict(list)
    for line in lines.values():
        days[line.scheduled_start.astimezone(event.tz).date()].append(line)
    return Report(event.name, dict(days), dict(vendors), totals, dict(provinces.most_common()),
                  dict(statuses))  # fmt: skip


def _slot_key(slot) -> tuple:
    return (slot.start, slot.channel, slot.id)


def _line(slot, aired: Aired | None) -> SlotLine:
    return SlotLine(slot.id, slot.channel, slot.vendor_id, slot.title or "", slot.start,
                    slot.end, aired)  # fmt: skip


def _credit_slots(lines: Iterable[SlotLine], vendors: Mapping[str, Tally]) -> None:
    """Give each vendor slot its vendor's paid parcels in proportion to its claims.

    A parcel gathers a buyer's claims from every slot of a vendor, so a slot's share of
    paid money is an estimate, rounded down; the vendor's own figures are exact.
    """
    by_vendor: dict[str, list[SlotLine]] = defaultdict(list)
    for line in lines:
        if line.vendor_id:
            by_vendor[line.vendor_id].append(line)
    for vendor_id, own in by_vendor.items():
        tally = vendors.get(vendor_id)
        claims = sum(line.tally.claims for line in own)
        if tally is None or not claims:
            continue
        for line in own:
            share = line.tally.claims / claims
            line.tally.parcels_paid = int(tally.parcels_paid * share)
            line.tally.paid_idr = int(tally.paid_idr * line.tally.claims // claims)


def day_totals(lines: Sequence[SlotLine]) -> Tally:
    """One day's claims and (estimated per slot) paid money, summed."""
    out = Tally()
    for line in lines:
        t = line.tally
        out.claims += t.claims
        out.units += t.units
        out.claimed_idr += t.claimed_idr
        out.parcels_paid += t.parcels_paid
        out.paid_idr += t.paid_idr
    return out
