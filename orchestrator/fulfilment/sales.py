"""The organisers' picture of the parcels: per vendor, how many in each state and the
Rupiah behind them, and who has paid parcels waiting too long to ship. Pure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from orchestrator.checkout.model import (
    CANCELLED,
    CLAIMED,
    EXPIRED,
    PACKED,
    PAID,
    PARCEL_STATUSES,
    RECEIVED,
    SHIPPED,
    UNPAID,
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
