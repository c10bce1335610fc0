"""How money and time look to people: Rupiah with dots, clock times in the event's zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from kernel.times import JAKARTA

_ZONE_NAMES = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


def rupiah(amount: int | None) -> str:
    """Format whole Rupiah the Indonesian way: ``Rp 45.000``."""
    if amount is None:
        return "-"
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp {abs(int(amount)):,}".replace(",", ".")


def kilograms(grams: int | None) -> str:
    """Show a weight in grams as Indonesians write kilograms, e.g. ``0,8 kg``."""
    if grams is None:
        return "-"
    return f"{grams / 1000:.1f}".replace(".", ",") + " kg"


def zone_label(tz: ZoneInfo) -> str:
    """Name the zone as Indonesians do (WIB/WITA/WIT), else its key."""
    return _ZONE_NAMES.get(tz.key, tz.key)


def local_time(moment: datetime | None, tz: ZoneInfo = JAKARTA, seconds: bool = False) -> str:
    """Show a UTC moment as a local clock time with the zone, e.g. ``15:40 WIB``."""
    if moment is None:
        return "-"
    fmt = "%H:%M:%S" if seconds else "%H:%M"
    return f"{moment.astimezone(tz).strftime(fmt)} {zone_label(tz)}"


_DAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
_MONTHS = [
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
]  # fmt: skip


def local_date(moment: datetime | None, tz: ZoneInfo = JAKARTA) -> str:
    """Show the local day in Indonesian, e.g. ``Senin, 15 Februari 2027``."""
    if moment is None:
        return "-"
    d = moment.astimezone(tz)
    return f"{_DAYS[d.weekday()]}, {d.day} {_MONTHS[d.month - 1]} {d.year}"
