"""The event as plain data: channels, vendors, products and slots.

Times on a slot are aware datetimes in UTC; the event's timezone is only for showing
and for reading organisers' spreadsheets. Prices are whole Rupiah.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

DEFAULT_TIMEZONE = "Asia/Jakarta"
DEFAULT_BASE_URL = "http://127.0.0.1:8080"


@dataclass(frozen=True)
class Channel:
    """One stream: a Zoom meeting pushed to one YouTube broadcast."""

    id: str
    title: str = ""
    zoom_meeting_id: str | None = None
    youtube_broadcast_id: str | None = None


@dataclass(frozen=True)
class Vendor:
    """A UMKM that sells through the market."""

    id: str
    name: str
    category: str = ""
    owner: str = ""
    whatsapp: str = ""
    kecamatan: str = ""
    description: str = ""
    # How buyers pay this vendor: the static QRIS in their merchant QR code, and/or a bank
    # account for transfers. Empty when the vendor takes neither (the buyer is told).
    qris: str = ""
    bank: str = ""
    bank_account: str = ""
    bank_account_name: str = ""
    hold_hours: int | None = None  # overrides the event's hold on unpaid claims
    pickup: bool = False  # buyers may collect in the event's pickup town instead of a courier


@dataclass(frozen=True)
class Product:
    """A thing a vendor sells; viewers order it by its code."""

    code: str
    vendor_id: str
    name: str
    price_idr: int
    stock: int | None = None
    order_url: str | None = None
    weight_g: int | None = None  # packed weight, for the courier's tariff
    max_per_buyer: int | None = None  # units one buyer may hold at once
    photo: str = ""  # as the organiser wrote it: a file in the event folder, a URL, foto:<id>
    photo_id: str = ""  # the stored photo's content id (schedules.photos); "" = no photo


@dataclass(frozen=True)
class Slot:
    """A stretch of air time on one channel: a vendor's turn, or a host segment."""

    id: str
    channel: str
    start: datetime
    end: datetime
    vendor_id: str | None = None
    products: tuple[str, ...] = ()
    title: str = ""

    @property
    def duration(self) -> timedelta:
        return self.end - self.start


@dataclass(frozen=True)
class ShippingRate:
    """A courier tariff to a province or a regency; the more specific row wins."""

    destination: str
    first_kg_idr: int
    next_kg_idr: int
    days: str = ""


DEFAULT_HOLD_HOURS = 24
DEFAULT_PICKUP_TOWN = "Jember"


@dataclass
class Event:
    """Everything one market needs: who sells what, and who is on air when."""

    name: str = "Pasar Virtual"
    timezone: str = DEFAULT_TIMEZONE
    base_url: str = DEFAULT_BASE_URL
    channels: list[Channel] = field(default_factory=list)
    vendors: list[Vendor] = field(default_factory=list)
    products: list[Product] = field(default_factory=list)
    slots: list[Slot] = field(default_factory=list)
    shipping: list[ShippingRate] = field(default_factory=list)
    # Unpaid claims hold stock until this many hours after their slot ends.
    hold_hours: int = DEFAULT_HOLD_HOURS
    pickup_town: str = DEFAULT_PICKUP_TOWN

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def vendor(self, vendor_id: str) -> Vendor | None:
        return next((v for v in self.vendors if v.id == vendor_id), None)

    def product(self, code: str) -> Product | None:
        return next((p for p in self.products if p.code == code), None)

    def channel_slots(self, channel: str) -> list[Slot]:
        """Return one channel's slots in time order."""
        return sorted((s for s in self.slots if s.channel == channel), key=lambda s: s.start)


def slot_id(channel: str, local_start: datetime) -> str:
    """Name a slot by its channel and local start, e.g. ``utama-2027-02-15-1540``."""
    return f"{channel}-{local_start:%Y-%m-%d-%H%M}"


def rebase(event: Event, first_start: datetime) -> Event:
    """Shift every slot so the earliest starts at ``first_start``; order and lengths stay.

    Used for the demo: the example event's dates are in the future, so a new user
    would otherwise wait months to see a show.
    """
    if not event.slots:
        return event
    offset = first_start - min(s.start for s in event.slots)
    slots = [replace(s, start=s.start + offset, end=s.end + offset) for s in event.slots]
    return replace(event, slots=slots)
