"""Validation of organisers' files: one rule per value, then the rules across rows.

Every problem names its file, its row (the spreadsheet row, header = 1; for YAML the line)
and its field, and says in Indonesian first what was wrong and what to do. A problem
prints as ``FILE:ROW: field: error: message`` (or ``warning:``); row 0 means the file as a
whole, and ``-`` stands for "no single field".

The written rules for values (shared by CSV and YAML, which is read as text):

- **Prices** are whole Rupiah: digits, optionally grouped in threes by ``.`` or ``,``
  (one kind of separator), optionally after ``Rp``/``Rp.`` and before a trailing ``,-``:
  ``43000``, ``43.000``, ``Rp 43.000``, ``43,000``, ``Rp 43.000,-`` are all 43000. A
  separator followed by anything but exactly three digits is a decimal and an error
  (``43000.5``, ``43.000,00``), so is a negative price. Stock follows the same rule
  without ``Rp``; an empty stock means "no limit".
- **Dates**: ``2027-02-15`` (ISO) or ``15/02/2027`` (Indonesian day/month/year). A date
  that is not on the calendar (``2027-02-30``) is an error.
- **Times**: ``15:30`` or ``15.30`` (seconds allowed: ``15:30:00``), local to the event's
  timezone. ``25:00`` is an error. A slot whose end is earlier than its start crosses
  midnight and ends the next day (``23:50``-``00:10``); an end equal to the start is an
  error.
- **WhatsApp**: spaces and dashes are ignored. An Indonesian mobile number is written
  ``+62``, ``62`` or ``0`` followed by 9-13 digits starting with ``8``; it is stored as
  ``+628...``. Any other country is written ``+`` and 8-15 digits (E.164). Empty is allowed.
- **Order URLs** start with ``https://`` and name a host. Empty is allowed.
- **Product codes** are 1-3 letters then 1-3 digits (the chat grammar's shape). Two codes
  that chat reads the same (``K01``, ``k1``) are duplicates.
- **Channel ids** are lower-cased and must be letters, digits, ``-`` or ``_``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, time
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from schedules.model import Event, Slot

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or doubtful) in an organiser's file, located for a person to fix."""

    file: str
    row: int
    field: str
    message: str
    severity: str = ERROR

    def __str__(self) -> str:
        return f"{self.file}:{self.row}: {self.field}: {self.severity}: {self.message}"


@dataclass(frozen=True)
class Where:
    """Where one record came from; ``lines`` holds per-field lines (YAML), ``bad`` the fields
    that did not read, so checks across rows skip them instead of piling up more errors."""

    file: str
    row: int
    lines: dict[str, int] = field(default_factory=dict)
    bad: frozenset[str] = frozenset()

    def row_of(self, name: str) -> int:
        return self.lines.get(name, self.row)

    def problem(self, name: str, message: str, severity: str = ERROR) -> Problem:
        return Problem(self.file, self.row_of(name), name, message, severity)


@dataclass
class Origins:
    """Where each vendor, product, slot and tariff of an event came from, in its order."""

    vendors: list[Where] = field(default_factory=list)
    products: list[Where] = field(default_factory=list)
    slots: list[Where] = field(default_factory=list)
    shipping: list[Where] = field(default_factory=list)

    @classmethod
    def unknown(cls, event: Event, file: str = "<event>") -> Origins:
        """Number the records 1, 2, ... for an event that was not read from a file."""

        def rows(items: list) -> list[Where]:
            return [Where(file, i) for i in range(1, len(items) + 1)]

        return cls(*(rows(x) for x in (event.vendors, event.products, event.slots, event.shipping)))


class BadValue(ValueError):
    """A value an organiser wrote that does not follow its written rule."""


# ---- one value ---------------------------------------------------------------------------

_THOUSANDS = re.compile(r"\d{1,3}([.,])\d{3}(?:\1\d{3})*")
_DECIMAL = re.compile(r"\d+(?:[.,]\d+)+")
_RUPIAH = re.compile(r"^rp\.?\s*", re.IGNORECASE)


def parse_whole(text: str, what: str = "angka", *, rupiah: bool = False) -> int:
    """Read a whole non-negative number written with optional thousands separators."""
    t = text.strip()
    if rupiah:
        t = _RUPIAH.sub("", t)
        t = re.sub(r"\s*[,.]-$", "", t)
    if t.isascii() and t.isdigit():
        return int(t)
    if _THOUSANDS.fullmatch(t):
        return int(re.sub(r"[.,]", "", t))
    example = "45000" if rupiah else "25"
    if t.startswith("-") and (
        _THOUSANDS.fullmatch(t[1:]) or _DECIMAL.fullmatch(t[1:]) or t[1:].isdigit()
    ):
        raise BadValue(f"{what} tidak boleh negatif, mis. {example} (must not be negative)")
    if _DECIMAL.fullmatch(t):
        raise BadValue(
            f"{what} harus bilangan bulat tanpa desimal, mis. {example} (must be a whole number)"
        )
    raise BadValue(
        f"{what} '{text.strip()}' tidak terbaca; tulis angka saja, mis. {example}"
        + (" atau Rp 45.000" if rupiah else "")
        + " (must be a whole number)"
    )


def parse_price(text: str) -> int:
    """Read a price in whole Rupiah (see the module's rule)."""
    if not text.strip():
        raise BadValue("harga wajib diisi, mis. 45000 (price is required)")
    return parse_whole(text, "harga", rupiah=True)


def parse_stock(text: str) -> int | None:
    """Read a stock count; empty means no limit."""
    return parse_whole(text, "stok") if text.strip() else None


_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DMY_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


@lru_cache(maxsize=4096)
def parse_date(text: str) -> date:
    """Read ``2027-02-15`` or ``15/02/2027`` (day/month/year)."""
    t = text.strip()
    if m := _ISO_DATE.fullmatch(t):
        y, mo, d = m.groups()
    elif m := _DMY_DATE.fullmatch(t):
        d, mo, y = m.groups()
    else:
        raise BadValue(
            f"tanggal '{t}' tidak terbaca; tulis 2027-02-15 atau 15/02/2027 (hari/bulan/tahun)"
            " (date must be YYYY-MM-DD or DD/MM/YYYY)"
        )
    try:
        return date(int(y), int(mo), int(d))
    except ValueError:
        raise BadValue(
            f"tanggal '{t}' tidak ada di kalender; periksa hari dan bulannya (impossible date)"
        ) from None


_TIME = re.compile(r"(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?")


@lru_cache(maxsize=4096)
def parse_time(text: str) -> time:
    """Read ``15:30``, ``15.30`` or ``15:30:00``."""
    t = text.strip()
    m = _TIME.fullmatch(t)
    if not m:
        raise BadValue(f"jam '{t}' tidak terbaca; tulis mis. 15:30 atau 15.30 (time must be HH:MM)")
    h, mi, s = int(m[1]), int(m[2]), int(m[3] or 0)
    if h > 23 or mi > 59 or s > 59:
        raise BadValue(
            f"jam '{t}' tidak ada; jam 00-23 dan menit 00-59, mis. 15:30 (impossible time)"
        )
    return time(h, mi, s)


_WA_HINT = "tulis +628123456789, 628123456789 atau 08123456789"


def parse_whatsapp(text: str) -> str:
    """Check a WhatsApp number and return it as ``+<country><number>``; empty stays empty."""
    t = re.sub(r"[\s-]", "", text)
    if not t:
        return ""
    if t.startswith("+") and not t.startswith("+62"):
        if re.fullmatch(r"[1-9]\d{7,14}", t[1:]):
            return t
        raise BadValue(
            f"nomor WhatsApp '{text.strip()}' tidak valid; nomor luar negeri ditulis + kode negara"
            " dan 8-15 angka (invalid international number)"
        )
    for prefix in ("+62", "62", "0"):
        if t.startswith(prefix) and re.fullmatch(r"8\d{8,12}", t[len(prefix) :]):
            return "+62" + t[len(prefix) :]
    hint = ""
    if re.fullmatch(r"8\d{8,12}", t):
        hint = "; angka 0 di depan hilang? format kolomnya sebagai Teks di Excel"
    raise BadValue(
        f"nomor WhatsApp '{text.strip()}' tidak valid{hint}; {_WA_HINT} (invalid WhatsApp number)"
    )


_HTTPS = re.compile(r"https://[^\s/?#@]+(?:[/?#]\S*)?", re.IGNORECASE)


def parse_order_url(text: str) -> str | None:
    """Check an order link: ``https://`` and a host; empty means none."""
    t = text.strip()
    if not t:
        return None
    if not _HTTPS.fullmatch(t):
        raise BadValue(
            f"tautan pesanan '{t}' harus diawali https:// dan berisi alamat toko,"
            " mis. https://www.tokopedia.com/toko (order URL must be https://)"
        )
    return t


_CODE = re.compile(r"([A-Za-z]{1,3})(\d{1,3})")


def parse_code(text: str) -> str:
    """Check a product code's shape: 1-3 letters then 1-3 digits, like ``K01``."""
    t = text.strip()
    if not _CODE.fullmatch(t):
        raise BadValue(
            f"kode '{t}' harus 1-3 huruf lalu 1-3 angka, mis. K01 (code must look like K01)"
        )
    return t


@lru_cache(maxsize=65536)
def code_key(code: str) -> str:
    """Return the form chat reads a code as: letters without case, digits by value."""
    m = _CODE.fullmatch(code.strip())
    return f"{m[1].upper()}{int(m[2])}" if m else code.strip().upper()


@lru_cache(maxsize=1024)
def parse_channel(text: str) -> str:
    """Check a channel id (used in slot ids and overlay addresses); return it lower-cased."""
    t = text.strip().lower()
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,39}", t):
        raise BadValue(
            f"nama kanal '{text.strip()}' hanya boleh huruf, angka, - atau _, mis. utama"
            " (channel id must be a short word)"
        )
    return t


def parse_timezone(text: str) -> str:
    """Check an IANA timezone name such as ``Asia/Jakarta``."""
    t = text.strip()
    try:
        ZoneInfo(t)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadValue(
            f"zona waktu '{t}' tidak dikenal; tulis mis. Asia/Jakarta, Asia/Makassar"
            " atau Asia/Jayapura (unknown timezone)"
        ) from None
    return t


# ---- across rows -------------------------------------------------------------------------


def check_event(event: Event, origins: Origins | None = None) -> list[Problem]:
    """Check what no single row shows: duplicates, references, overlaps, idle vendors."""
    where = origins or Origins.unknown(event)
    problems: list[Problem] = []
    vendors = _unique_vendors(event, where, problems)
    products = _unique_products(event, where, problems)
    for product, at in zip(event.products, where.products, strict=True):
        if product.vendor_id not in vendors and "vendor_id" not in at.bad:
            problems.append(at.problem("vendor_id", _unknown_vendor(product.vendor_id)))
    problems += _slot_references(event, where, products)
    problems += _overlaps(event, where)
    used = {s.vendor_id for s in event.slots}
    for vendor_id, at in vendors.items():
        if vendor_id not in used:
            message = f"penjual '{vendor_id}' belum punya slot di jadwal (vendor has no slot)"
            problems.append(at.problem("vendor_id", message, WARNING))
    return problems


def _unique_vendors(event: Event, where: Origins, out: list[Problem]) -> dict[str, Where]:
    first: dict[str, Where] = {}
    for vendor, at in zip(event.vendors, where.vendors, strict=True):
        if vendor.id in first:
            message = (
                f"id penjual '{vendor.id}' sudah dipakai di baris {first[vendor.id].row};"
                " beri setiap penjual id sendiri (duplicate vendor id)"
            )
            out.append(at.problem("vendor_id", message))
        else:
            first[vendor.id] = at
    return first


def _unique_products(event: Event, where: Origins, out: list[Problem]) -> dict[str, str]:
    """Return chat key -> owning vendor id, reporting codes that chat would confuse."""
    first: dict[str, tuple[str, Where]] = {}
    owners: dict[str, str] = {}
    for product, at in zip(event.products, where.products, strict=True):
        key = code_key(product.code)
        if key in first:
            code, seen = first[key]
            same = "" if code == product.code else f" (chat membaca '{product.code}' = '{code}')"
            message = (
                f"kode produk '{product.code}' sudah dipakai di baris {seen.row}{same};"
                " setiap kode harus unik (duplicate product code)"
            )
            out.append(at.problem("code", message))
        else:
            first[key] = (product.code, at)
            owners[key] = product.vendor_id
    return owners


def _unknown_vendor(vendor_id: str) -> str:
    return (
        f"penjual '{vendor_id}' tidak ada di daftar penjual (vendors); periksa ejaan atau"
        " tambahkan penjualnya (unknown vendor)"
    )


def _slot_references(event: Event, where: Origins, owners: dict[str, str]) -> Iterator[Problem]:
    vendors = {v.id for v in event.vendors}
    channels = {c.id for c in event.channels}
    for slot, at in zip(event.slots, where.slots, strict=True):
        if slot.channel not in channels and "channel" not in at.bad:
            yield at.problem(
                "channel",
                f"kanal '{slot.channel}' tidak ada di daftar kanal (channels); periksa ejaan"
                " atau tambahkan kanalnya (unknown channel)",
            )
        if slot.vendor_id and slot.vendor_id not in vendors:
            yield at.problem("vendor_id", _unknown_vendor(slot.vendor_id))
        yield from _featured(slot, at, owners, slot.vendor_id in vendors)


def _featured(slot: Slot, at: Where, owners: dict[str, str], known: bool) -> Iterator[Problem]:
    for code in slot.products:
        owner = owners.get(code_key(code))
        if owner is None:
            yield at.problem(
                "products",
                f"kode produk '{code}' tidak ada di daftar produk (products); periksa ejaan"
                " (unknown product code)",
            )
        elif not slot.vendor_id:
            yield at.problem(
                "products",
                f"slot pembawa acara (tanpa penjual) menampilkan produk '{code}'; isi vendor_id"
                " atau kosongkan products (product featured in a host segment)",
                WARNING,
            )
        elif known and owner != slot.vendor_id:
            yield at.problem(
                "products",
                f"produk '{code}' milik '{owner}', bukan penjual slot ini '{slot.vendor_id}'"
                " (featured product not sold by this slot's vendor)",
                WARNING,
            )


def _overlaps(event: Event, where: Origins) -> Iterator[Problem]:
    """Sort each channel's slots by start and compare with the latest end seen so far."""
    timed = {"date", "start", "end", "channel"}
    by_channel: dict[str, list[tuple[Slot, Where]]] = defaultdict(list)
    for slot, at in zip(event.slots, where.slots, strict=True):
        if not timed & at.bad:
            by_channel[slot.channel].append((slot, at))
    tz = event.tz
    for items in by_channel.values():
        items.sort(key=lambda item: item[0].start)
        latest: tuple[Slot, Where] | None = None
        for slot, at in items:
            if latest and slot.start < latest[0].end:
                other, other_at = latest
                span = f"{other.start.astimezone(tz):%H:%M}-{other.end.astimezone(tz):%H:%M}"
                yield at.problem(
                    "start",
                    f"slot baris {at.row} bertabrakan dengan slot baris {other_at.row} ({span})"
                    f" di kanal '{slot.channel}'; geser jam mulai atau jam selesai"
                    f" (rows {at.row} and {other_at.row} overlap)",
                )
            if latest is None or slot.end > latest[0].end:
                latest = (slot, at)
