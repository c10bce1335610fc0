"""The organisers' picture of the parcels: per vendor, how many in each state and the
Rupiah behind them, who has paid parcels waiting too long to ship, and where the buyers
live. Pure: the store reads one ``ParcelFact`` per parcel, this module filters and sums.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from kernel.times import JAKARTA
from orchestrator.checkout.model import (
    CANCELLED,
    CLAIMED,
    EXPIRED,
    PACKED,
    PAID,
    PARCEL_STATUSES,
    PICKUP,
    RECEIVED,
    SHIPPED,
    UNPAID,
    Details,
)

LATE_AFTER = timedelta(hours=48)  # a paid parcel not shipped by then is flagged
PAID_STATES = frozenset({PAID, PACKED, SHIPPED, RECEIVED})


@dataclass
class VendorSales:
    """One vendor's parcels by state, with money in whole Rupiah."""

    vendor_id: str
    name: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PARCEL_STATUSES, 0))
    unpaid_idr: int = 0  # open parcels, as last priced
    claimed_idr: int = 0  # the buyer says paid, the vendor has not confirmed
    paid_idr: int = 0  # confirmed by the vendor (paid, packed, shipped, received)
    expired_idr: int = 0
    cancelled_idr: int = 0
    late: int = 0  # paid parcels not shipped ``LATE_AFTER`` after the vendor confirmed

    @property
    def parcels(self) -> int:
        return sum(self.counts.values())

    def add(self, status: str, count: int, total_idr: int) -> None:
        self.counts[status] = self.counts.get(status, 0) + count
        if status in PAID_STATES:
            self.paid_idr += total_idr
        elif status == CLAIMED:
            self.claimed_idr += total_idr
        elif status == UNPAID:
            self.unpaid_idr += total_idr
        elif status == EXPIRED:
            self.expired_idr += total_idr
        elif status == CANCELLED:
            self.cancelled_idr += total_idr


def summarise(
    names: Mapping[str, str],
    rows: Iterable[tuple[str, str, int, int]],
    late: Mapping[str, int],
) -> tuple[list[VendorSales], VendorSales]:
    """Per vendor (flagged ones first, then by name) and the event's total.

    ``rows`` are (vendor id, status, parcels, Rupiah); ``late`` counts each vendor's
    paid parcels waiting too long to ship.
    """
    by: dict[str, VendorSales] = {}
    total = VendorSales("", "Semua penjual")
    for vendor_id, status, count, idr in rows:
        sales = by.setdefault(vendor_id, VendorSales(vendor_id, names.get(vendor_id, vendor_id)))
        sales.add(status, count, idr or 0)
        total.add(status, count, idr or 0)
    for vendor_id, count in late.items():
        if vendor_id in by:
            by[vendor_id].late = count
            total.late += count
    ordered = sorted(by.values(), key=lambda s: (s.late == 0, s.name.lower()))
    return ordered, total


@dataclass(frozen=True)
class ParcelFact:
    """One parcel as the sales desk needs it: its state, money, courier and buyer."""

    id: int
    vendor_id: str
    status: str
    total_idr: int
    method: str | None
    courier: str | None
    resi: str | None
    created_at: datetime
    confirmed_at: datetime | None  # the vendor's last confirmation of the payment
    buyer: Details

    def late(self, confirmed_before: datetime) -> bool:
        """Paid (or packed) and confirmed before the moment given, still not shipped."""
        return (
            self.status in (PAID, PACKED)
            and self.confirmed_at is not None
            and self.confirmed_at < confirmed_before
        )

    @property
    def day(self) -> date:
        """The day the parcel was opened, in WIB."""
        return self.created_at.astimezone(JAKARTA).date()


@dataclass(frozen=True)
class SalesFilter:
    """What the organiser picked; empty fields pick everything."""

    vendor: str = ""
    status: str = ""
    day: date | None = None
    late_only: bool = False
    province: str = ""  # also opens the province's kabupaten/kota table

    def keeps(self, fact: ParcelFact, confirmed_before: datetime) -> bool:
        return (
            (not self.vendor or fact.vendor_id == self.vendor)
            and (not self.status or fact.status == self.status)
            and (self.day is None or fact.day == self.day)
            and (not self.late_only or fact.late(confirmed_before))
            and (not self.province or region(fact.buyer)[0] == self.province)
        )


def parse_filter(query: Mapping[str, str], vendors: Iterable[str]) -> SalesFilter:
    """The filter of a query string; values we do not know are dropped, never an error."""
    vendor = query.get("vendor", "")
    status = query.get("status", "")
    try:
        day = date.fromisoformat(query.get("day", "")[:10])
    except ValueError:
        day = None
    return SalesFilter(
        vendor=vendor if vendor in set(vendors) else "",
        status=status if status in PARCEL_STATUSES else "",
        day=day,
        late_only=query.get("late") == "1",
        province=query.get("province", "").strip()[:80],
    )


def filtered(
    facts: Iterable[ParcelFact], chosen: SalesFilter, confirmed_before: datetime
) -> list[ParcelFact]:
    return [f for f in facts if chosen.keeps(f, confirmed_before)]


def summarise_facts(
    names: Mapping[str, str], facts: Sequence[ParcelFact], confirmed_before: datetime
) -> tuple[list[VendorSales], VendorSales]:
    """``summarise`` over single parcels (already filtered)."""
    rows = [(f.vendor_id, f.status, 1, f.total_idr) for f in facts]
    late: dict[str, int] = {}
    for fact in facts:
        if fact.late(confirmed_before):
            late[fact.vendor_id] = late.get(fact.vendor_id, 0) + 1
    return summarise(names, rows, late)


PICKUP_PLACE = "(ambil sendiri / pickup)"
ABROAD_PLACE = "(luar negeri / abroad)"
UNKNOWN_PLACE = "(belum diisi / not given)"


def region(buyer: Details) -> tuple[str, str]:
    """(province, kabupaten/kota) of a buyer's parcel, or a named stand-in for pickup,
    abroad and a buyer who has not given an address yet."""
    if buyer.delivery == PICKUP:
        return PICKUP_PLACE, ""
    if buyer.abroad:
        return ABROAD_PLACE, buyer.country
    if not buyer.province:
        return UNKNOWN_PLACE, ""
    return buyer.province, buyer.regency


@dataclass
class Place:
    """Parcels bound for one province (or one kabupaten/kota), and the money paid."""

    name: str
    parcels: int = 0
    paid: int = 0
    paid_idr: int = 0


def by_place(facts: Iterable[ParcelFact], province: str = "") -> list[Place]:
    """Parcels per province, or per kabupaten/kota of ``province``; most paid first."""
    places: dict[str, Place] = {}
    for fact in facts:
        prov, regency = region(fact.buyer)
        if province and prov != province:
            continue
        name = (regency or "(tidak diketahui)") if province else prov
        place = places.setdefault(name, Place(name))
        place.parcels += 1
        if fact.status in PAID_STATES:
            place.paid += 1
            place.paid_idr += fact.total_idr
    return sorted(places.values(), key=lambda p: (-p.paid_idr, -p.parcels, p.name))
