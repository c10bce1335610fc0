"""Checking organisers' edits before they touch the schedule: pure, no I/O, no clock.

Each check takes the form as typed (strings) and returns the new value or the errors per
field, so a page can show every message next to its field with the input kept. Values
follow the same written rules as the files (``schedules.check``), so a price, a time or a
WhatsApp number means the same in the editor as in a spreadsheet.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from kernel.formatting import local_date, local_time
from kernel.times import iso_z
from schedules import check, check_payments
from schedules.csvfiles import assign_slot_ids
from schedules.model import Event, Product, Slot, Vendor

T = TypeVar("T")
SlotLock = Callable[[Slot, datetime], str | None]

SLOT_FIELDS = ("channel", "date", "start", "end", "vendor_id", "products", "title")
VENDOR_FIELDS = (
    "id", "name", "category", "owner", "whatsapp", "kecamatan", "description",
    "qris", "bank", "bank_account", "bank_account_name", "hold_hours", "pickup",
)  # fmt: skip
PRODUCT_FIELDS = (
    "code", "vendor_id", "name", "price", "stock", "order_url", "weight_g", "max_per_buyer",
)  # fmt: skip
FORM_LEVEL = "slot"  # errors about the whole thing rather than one field

SHEET_SUFFIXES = (".csv", ".tsv", ".txt", ".yaml", ".yml")
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")  # photos the sheets name, beside them
UPLOAD_SUFFIXES = SHEET_SUFFIXES + PHOTO_SUFFIXES
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class Checked(Generic[T]):
    """The outcome of one check: the value to save, or the errors per field."""

    value: T | None = None
    errors: dict[str, str] = field(default_factory=dict)
    warnings: dict[str, str] = field(default_factory=dict)
    conflict: bool = False
    revision: int = 0

    @property
    def ok(self) -> bool:
        return self.value is not None and not self.errors

    @property
    def status(self) -> int:
        """HTTP status: 409 when the schedule's state stands in the way, 400 for bad input."""
        if self.ok:
            return 200
        return 409 if self.conflict else 400


def scheduled_lock(slot: Slot, now: datetime) -> str | None:
    """Refuse edits to a slot that has started by the schedule; ``None`` means free."""
    if slot.end <= now:
        return "Slot ini sudah tayang (already aired), jadi tidak bisa diubah atau dihapus."
    if slot.start <= now:
        return "Slot ini sedang tayang (on air), jadi tidak bisa diubah atau dihapus."
    return None


def clean(form: Mapping[str, object], names: tuple[str, ...]) -> dict[str, str]:
    """Keep only the known fields, as stripped strings, so input can be shown back."""
    return {name: str(form.get(name) or "").strip() for name in names}


def slot_form(slot: Slot, tz: ZoneInfo) -> dict[str, str]:
    """Show a slot as the form fields an organiser edits, in the event's timezone."""
    start, end = slot.start.astimezone(tz), slot.end.astimezone(tz)
    return {
        "channel": slot.channel,
        "date": start.date().isoformat(),
        "start": f"{start:%H:%M}",
        "end": f"{end:%H:%M}",
        "vendor_id": slot.vendor_id or "",
        "products": " ".join(slot.products),
        "title": slot.title,
    }


def shifted_form(slot: Slot, tz: ZoneInfo, minutes: int) -> dict[str, str]:
    """The form of ``slot`` moved by ``minutes`` (the "geser" buttons)."""
    delta = timedelta(minutes=minutes)
    return slot_form(replace(slot, start=slot.start + delta, end=slot.end + delta), tz)


MINUTES_HINT = "Geser berapa menit? Tulis angka bulat, mis. -5 atau 5 (whole minutes)."


def parse_minutes(value: object) -> int | None:
    """Read a shift in whole minutes (form text or JSON number), at most a day either way."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    text = str(value).strip()
    if not re.fullmatch(r"[+-]?\d{1,4}", text) or abs(int(text)) > 24 * 60:
        return None
    return int(text)


def _shown(number: int | None) -> str:
    return "" if number is None else str(number)


def vendor_form(vendor: Vendor) -> dict[str, str]:
    """Show a vendor as the form fields an organiser edits; pickup as the sheets write it."""
    shown = {name: str(getattr(vendor, name)) for name in VENDOR_FIELDS}
    return {**shown, "hold_hours": _shown(vendor.hold_hours), "pickup": "ya" * vendor.pickup}


def product_form(product: Product) -> dict[str, str]:
    """Show a product as the form fields an organiser edits."""
    return {
        "code": product.code,
        "vendor_id": product.vendor_id,
        "name": product.name,
        "price": str(product.price_idr),
        "stock": _shown(product.stock),
        "order_url": product.order_url or "",
        "weight_g": _shown(product.weight_g),
        "max_per_buyer": _shown(product.max_per_buyer),
    }


def slot_json(slot: Slot, tz: ZoneInfo) -> dict[str, object]:
    """Show a slot to API clients: UTC times for programs, the form fields for people."""
    return {
        "id": slot.id,
        "channel": slot.channel,
        "start": iso_z(slot.start),
        "end": iso_z(slot.end),
        "vendor_id": slot.vendor_id,
        "products": list(slot.products),
        "title": slot.title,
        "local": slot_form(slot, tz),
    }


def check_slot(
    form: Mapping[str, object],
    event: Event,
    now: datetime,
    lock: SlotLock,
    original: Slot | None = None,
) -> Checked[Slot]:
    """Check a new or changed slot against the event, its channel's other slots and now."""
    if original is not None and (message := lock(original, now)):
        return Checked(errors={FORM_LEVEL: message}, conflict=True)
    values = clean(form, SLOT_FIELDS)
    errors: dict[str, str] = {}
    warnings: dict[str, str] = {}
    if values["channel"] not in {c.id for c in event.channels}:
        errors["channel"] = "Pilih kanal yang ada (unknown channel)."
    times = _slot_times(values, event.tz, errors, warnings)
    if values["vendor_id"] and event.vendor(values["vendor_id"]) is None:
        errors["vendor_id"] = (
            f"Penjual '{values['vendor_id']}' tidak ada; pilih dari daftar atau kosongkan"
            " untuk segmen pembawa acara (unknown vendor)."
        )
    codes = _featured_codes(values, event, errors, warnings)
    if len(values["title"]) > 120:
        errors["title"] = "Judul paling panjang 120 huruf (title too long)."
    if errors or times is None:
        return Checked(errors=errors, warnings=warnings)
    slot = Slot(
        id=original.id if original else _new_slot_id(values["channel"], times[0], event),
        channel=values["channel"],
        start=times[0],
        end=times[1],
        vendor_id=values["vendor_id"] or None,
        products=codes,
        title=values["title"],
    )
    return _check_placement(slot, event, now, lock, warnings)


def _check_placement(
    slot: Slot, event: Event, now: datetime, lock: SlotLock, warnings: dict[str, str]
) -> Checked[Slot]:
    """Refuse a time already past (or on air) and overlaps with the same channel's slots."""
    if lock(slot, now):
        message = "Waktu mulai sudah lewat (start is in the past); pilih waktu setelah sekarang."
        return Checked(errors={"start": message}, warnings=warnings, conflict=True)
    for other in event.channel_slots(slot.channel):
        if other.id != slot.id and other.start < slot.end and slot.start < other.end:
            errors = {"start": overlap_message(other, event)}
            return Checked(errors=errors, warnings=warnings, conflict=True)
    return Checked(value=slot, warnings=warnings)


def overlap_message(other: Slot, event: Event) -> str:
    """Say which slot is in the way, in the organiser's own terms."""
    vendor = event.vendor(other.vendor_id) if other.vendor_id else None
    who = vendor.name if vendor else (other.title or "segmen pembawa acara")
    return (
        f"Bertabrakan dengan slot {local_time(other.start, event.tz)}–"
        f"{local_time(other.end, event.tz)} ({who}), {local_date(other.start, event.tz)}"
        " (overlaps another slot); geser jam mulai atau jam selesai."
    )


def _slot_times(
    values: dict[str, str], tz: ZoneInfo, errors: dict[str, str], warnings: dict[str, str]
) -> tuple[datetime, datetime] | None:
    """Read local date, start and end as the files do: an earlier end is the next day."""
    day = _read(values, "date", check.parse_date, errors)
    start = _read(values, "start", check.parse_time, errors)
    end = _read(values, "end", check.parse_time, errors)
    if day is None or start is None or end is None:
        return None
    if end == start:
        errors["end"] = "Jam selesai harus setelah jam mulai (end must be after start)."
        return None
    end_day = day + timedelta(days=1) if end < start else day
    if end < start:
        warnings["end"] = "Jam selesai lebih awal dari jam mulai: slot berakhir besok harinya."
    local_start = datetime.combine(day, start, tzinfo=tz)
    local_end = datetime.combine(end_day, end, tzinfo=tz)
    for name, local in (("start", local_start), ("end", local_end)):
        if local.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != local.replace(tzinfo=None):
            errors[name] = "Jam ini tidak ada di zona waktu acara (skipped by a clock change)."
    if errors:
        return None
    return local_start.astimezone(UTC), local_end.astimezone(UTC)


def _read(values: Mapping[str, str], name: str, rule: Callable[[str], T], errors) -> T | None:
    """Apply one of the files' value rules; keep its message (capitalised) on failure."""
    try:
        return rule(values[name])
    except check.BadValue as err:
        message = str(err)
        errors[name] = message[:1].upper() + message[1:]
        return None


def split_codes(text: str) -> list[str]:
    """Read featured product codes typed as ``K01 K02`` or ``k01, k02``; no repeats."""
    return list(dict.fromkeys(c for c in re.split(r"[\s,;]+", text) if c))


def _featured_codes(
    values: dict[str, str], event: Event, errors: dict[str, str], warnings: dict[str, str]
) -> tuple[str, ...]:
    """Resolve codes as chat reads them (``k1`` is ``K01``); warn about other vendors' ones."""
    catalog = {check.code_key(p.code): p for p in event.products}
    found = [(c, catalog.get(check.code_key(c))) for c in split_codes(values["products"])]
    unknown = [c for c, p in found if p is None]
    if unknown:
        errors["products"] = f"Kode produk tidak ada: {' '.join(unknown)} (unknown codes)."
    vendor_id = values["vendor_id"]
    foreign = [p.code for _, p in found if p and vendor_id and p.vendor_id != vendor_id]
    if foreign:
        warnings["products"] = (
            f"{' '.join(foreign)} bukan produk penjual ini (not sold by this slot's vendor)."
        )
    elif not vendor_id and len(unknown) < len(found):
        warnings["products"] = "Segmen pembawa acara menampilkan produk (no vendor set)."
    return tuple(dict.fromkeys(p.code for _, p in found if p))


def _new_slot_id(channel: str, start: datetime, event: Event) -> str:
    """Name a new slot the way an import would, avoiding the ids already taken."""
    keys = [(s.channel, s.start.astimezone(event.tz), s.id) for s in event.slots]
    return assign_slot_ids([*keys, (channel, start.astimezone(event.tz), "")])[-1]


def slugify(text: str) -> str:
    """Make an id like ``kopi-bu-sum-panti`` from a name."""
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))[:60].strip("-")


def check_vendor(
    form: Mapping[str, object], event: Event, original: Vendor | None = None
) -> Checked[Vendor]:
    """Check a vendor form; the id is fixed once created because products point at it."""
    values = clean(form, VENDOR_FIELDS)
    errors: dict[str, str] = {}
    if original is not None:
        values["id"] = original.id
    elif not values["id"]:
        values["id"] = slugify(values["name"])
    if not _SLUG.fullmatch(values["id"]) or len(values["id"]) > 60:
        errors["id"] = "ID hanya huruf kecil, angka dan tanda -, mis. kopi-bu-sum (slug)."
    elif original is None and event.vendor(values["id"]) is not None:
        errors["id"] = f"ID '{values['id']}' sudah dipakai penjual lain (already taken)."
    if not values["name"]:
        errors["name"] = "Nama penjual wajib diisi (required)."
    read = {
        "whatsapp": _read(values, "whatsapp", check.parse_whatsapp, errors) or "",
        "qris": _read(values, "qris", check_payments.parse_qris, errors) or "",
        "bank_account": _read(values, "bank_account", check_payments.parse_bank_account, errors),
        "hold_hours": _read(values, "hold_hours", check_payments.parse_hold_hours, errors),
        "pickup": bool(_read(values, "pickup", check_payments.parse_pickup, errors)),
    }
    bank = (values["bank"], read["bank_account"], values["bank_account_name"])
    if read["bank_account"] is not None and (wrong := check_payments.bank_problem(*bank)):
        errors[wrong[0]] = wrong[1][:1].upper() + wrong[1][1:]
    if errors:
        return Checked(errors=errors)
    return Checked(value=Vendor(**{**values, **read}))


def check_product(
    form: Mapping[str, object], event: Event, original: Product | None = None
) -> Checked[Product]:
    """Check a product form; the code is fixed once created because slots and orders use it."""
    values = clean(form, PRODUCT_FIELDS)
    values["code"] = original.code if original else values["code"].upper()
    errors: dict[str, str] = {}
    if _read(values, "code", check.parse_code, errors) and original is None:
        key = check.code_key(values["code"])
        taken = next((p.code for p in event.products if check.code_key(p.code) == key), None)
        if taken:
            errors["code"] = f"Kode {values['code']} sudah dipakai ({taken}); pilih kode lain."
    if event.vendor(values["vendor_id"]) is None:
        errors["vendor_id"] = "Pilih penjual yang ada (unknown vendor)."
    if not values["name"]:
        errors["name"] = "Nama produk wajib diisi (required)."
    price = _read(values, "price", check.parse_price, errors)
    stock = _read(values, "stock", check.parse_stock, errors)
    order_url = _read(values, "order_url", check.parse_order_url, errors)
    weight = _read(values, "weight_g", check_payments.parse_weight, errors)
    most = _read(values, "max_per_buyer", check_payments.parse_max_per_buyer, errors)
    if errors or price is None:
        return Checked(errors=errors)
    name, vendor_id = values["name"], values["vendor_id"]
    product = Product(values["code"], vendor_id, name, price, stock, order_url, weight, most)
    if original is not None:  # the photo is changed by its own field (editor_photos)
        product = replace(product, photo=original.photo, photo_id=original.photo_id)
    return Checked(value=product)


MAX_NAME_CHARS = 120


def upload_name(filename: str) -> str:
    """The uploaded file's own name without any folder part (problems are reported by it).

    Control characters (a NUL would break the temporary file) go, and a long name is cut
    to its last ``MAX_NAME_CHARS`` characters, which keep its extension.
    """
    name = Path(filename.replace("\\", "/")).name
    name = "".join(ch for ch in name if ch.isprintable())
    return name[-MAX_NAME_CHARS:]


def upload_problems(filenames: list[str]) -> list[str]:
    """Say why uploaded files cannot be ours: wrong kind, or two with the same name."""
    problems, seen = [], set()
    for filename in filenames:
        name = upload_name(filename)
        if name.startswith(".") or not name.lower().endswith(UPLOAD_SUFFIXES):
            problems.append(
                f"{name or filename}: bukan file .csv, .yaml atau foto (wrong file type)."
            )
        elif name in seen:
            problems.append(f"{name}: dua file bernama sama; beri nama berbeda (same name twice).")
        seen.add(name)
    return problems


def aired_changes(old: Event | None, new: Event, now: datetime, lock: SlotLock) -> list[str]:
    """List the aired or on-air slots of ``old`` that ``new`` would change or drop."""
    if old is None:
        return []

    def key(s: Slot) -> tuple:
        return (s.channel, s.start, s.end, s.vendor_id, s.products, s.title)

    kept = {key(s) for s in new.slots}
    return [
        f"{s.channel}, {local_date(s.start, old.tz)} {local_time(s.start, old.tz)}: slot ini"
        " sudah/sedang tayang tetapi berubah atau hilang di file baru."
        for s in sorted(old.slots, key=lambda s: (s.start, s.channel))
        if key(s) not in kept and lock(s, now)
    ]
