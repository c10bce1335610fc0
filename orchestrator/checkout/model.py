"""The checkout as plain data: buyers, their details, parcels and their states.

A parcel is one buyer's goods from one vendor. It is **open** (``unpaid``) while the
buyer can still add claims to it and choose how to pay; "Saya sudah bayar" fixes its
items and total (``claimed``), and from there the vendor moves it on. Money is whole
Rupiah; times are aware UTC.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

UNPAID, CLAIMED, PAID, PACKED = "unpaid", "claimed", "paid", "packed"
SHIPPED, RECEIVED, EXPIRED, CANCELLED = "shipped", "received", "expired", "cancelled"
PARCEL_STATUSES = (UNPAID, CLAIMED, PAID, PACKED, SHIPPED, RECEIVED, EXPIRED, CANCELLED)
PARCEL_LABELS = {
    UNPAID: "menunggu pembayaran",
    CLAIMED: "menunggu konfirmasi",
    PAID: "dibayar",
    PACKED: "dikemas",
    SHIPPED: "dikirim",
    RECEIVED: "diterima",
    EXPIRED: "kedaluwarsa",
    CANCELLED: "dibatalkan",
}
# The path a parcel walks, for the buyer's progress line.
PATH = (UNPAID, CLAIMED, PAID, PACKED, SHIPPED, RECEIVED)

QRIS, TRANSFER = "qris", "transfer"
METHOD_LABELS = {QRIS: "QRIS", TRANSFER: "transfer bank"}
COURIER, PICKUP = "kurir", "ambil"
WEB = "web"  # the platform of orders placed on our own pages (order links)


@dataclass(frozen=True)
class Details:
    """What a buyer tells us to get their parcels: personal data, shown only to them,
    the parcel's vendor and the organisers."""

    name: str = ""
    whatsapp: str = ""
    delivery: str = COURIER  # COURIER or PICKUP
    province: str = ""
    regency: str = ""
    district: str = ""
    postal_code: str = ""
    street: str = ""
    country: str = "Indonesia"

    @property
    def abroad(self) -> bool:
        return self.delivery == COURIER and self.country.strip().lower() != "indonesia"

    @property
    def complete(self) -> bool:
        if not (self.name and self.whatsapp):
            return False
        if self.delivery == PICKUP:
            return True
        if self.abroad:
            return bool(self.street)
        return all((self.province, self.regency, self.district, self.postal_code, self.street))


@dataclass(frozen=True)
class Buyer:
    """One browser at checkout."""

    id: int
    csrf: str
    details: Details
    authors: tuple[tuple[str, str, str], ...] = ()  # (platform, author id, name) bound to it


@dataclass(frozen=True)
class ParcelRow:
    """A stored parcel, as the tables hold it."""

    id: int
    buyer_id: int
    vendor_id: str
    status: str
    method: str | None
    transfer_code: int | None
    items_idr: int | None
    shipping_idr: int | None
    total_idr: int | None
    weight_g: int | None
    courier: str | None
    resi: str | None
    note: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class Line:
    """One claim as the buyer sees it in a parcel."""

    order_id: int
    code: str
    name: str
    qty: int
    price_idr: int
    status: str  # the order's status (new, waiting, expired, ...)
    weight_g: int
    hold_until: datetime | None = None

    @property
    def total_idr(self) -> int:
        return self.qty * self.price_idr


@dataclass(frozen=True)
class ShippingCost:
    """What the courier costs for a parcel; ``idr`` None means the vendor must quote it."""

    idr: int | None
    days: str = ""
    destination: str = ""
    note: str = ""


@dataclass(frozen=True)
class ParcelView:
    """One parcel on the buyer's page: what is in it, what it costs, how to pay."""

    parcel_id: int | None  # None: claims not in a stored parcel yet
    vendor_id: str
    vendor_name: str
    status: str
    lines: tuple[Line, ...]
    waiting: tuple[Line, ...] = ()  # claims still on the waiting list (not charged)
    gone: tuple[Line, ...] = ()  # expired or cancelled claims, for the record
    shipping: ShippingCost = field(default_factory=lambda: ShippingCost(None))
    transfer_code: int | None = None
    method: str | None = None
    fixed_total_idr: int | None = None  # once the buyer said they paid
    courier: str | None = None
    resi: str | None = None
    note: str | None = None

    @property
    def items_idr(self) -> int:
        return sum(line.total_idr for line in self.lines)

    @property
    def weight_g(self) -> int:
        return sum(line.weight_g * line.qty for line in self.lines)

    @property
    def total_idr(self) -> int | None:
        """Items plus shipping; None while the shipping is not known."""
        if self.fixed_total_idr is not None:
            return self.fixed_total_idr
        if self.shipping.idr is None:
            return None
        return self.items_idr + self.shipping.idr

    @property
    def transfer_idr(self) -> int | None:
        """The exact transfer amount: the total plus the parcel's unique code."""
        total = self.total_idr
        if total is None or self.transfer_code is None:
            return None
        return total + self.transfer_code

    @property
    def label(self) -> str:
        return PARCEL_LABELS.get(self.status, self.status)
