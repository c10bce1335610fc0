"""Turn organisers' files into one checked Event, with every problem found on the way.

What ``load_paths`` accepts: event YAML files (``.yaml``/``.yml``), spreadsheet text files
(``.csv``, ``.tsv``, ``.txt``: their kind is told by the header row), and folders holding
them (read in name order; ``.xlsx`` and the like there get a warning to save as CSV).
Each kind of table (event, channels, vendors, products, schedule) comes from one file;
vendors, products and schedule are required. Without an event table the defaults apply
(timezone Asia/Jakarta); without a channels table the channels are the schedule's, in order
of first appearance, titled with the capitalised id. When channels are given, every slot's
channel must be one of them.

Checks across rows (references, duplicates, overlaps) run only when every table could be
read with its required columns, so one missing column does not bury the real problems.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from schedules.check import (
    ERROR,
    WARNING,
    BadValue,
    Origins,
    Problem,
    Where,
    check_event,
    code_key,
    parse_channel,
    parse_code,
    parse_date,
    parse_order_url,
    parse_price,
    parse_stock,
    parse_time,
    parse_timezone,
    parse_whatsapp,
)
from schedules.check_payments import (
    bank_problem,
    check_shipping,
    parse_bank_account,
    parse_destination,
    parse_hold_hours,
    parse_max_per_buyer,
    parse_money,
    parse_pickup,
    parse_qris,
    parse_weight,
)
from schedules.csvfiles import KIND_NAMES, Record, assign_slot_ids, decode, parse_table
from schedules.model import (
    DEFAULT_BASE_URL,
    DEFAULT_HOLD_HOURS,
    DEFAULT_PICKUP_TOWN,
    DEFAULT_TIMEZONE,
    Channel,
    Event,
    Product,
    ShippingRate,
    Slot,
    Vendor,
)
from schedules.photos import parse_photo
from schedules.rows import Row
from schedules.yamlfile import read_yaml

YAML_SUFFIXES = {".yaml", ".yml"}
TABLE_SUFFIXES = {".csv", ".tsv", ".txt"}
SHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".numbers"}
NEEDED = ("vendors", "products", "schedule")
_PLACEHOLDER = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass
class LoadResult:
    """The event read from files (``None`` when any error was found) and every problem."""

    event: Event | None
    problems: list[Problem]
    origins: Origins | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]


def load_paths(paths: Sequence[Path | str]) -> LoadResult:
    """Read, build and check an event from YAML files, CSV files or folders of them."""
    problems: list[Problem] = []
    files = _expand([Path(p) for p in paths], problems)
    all_read = not any(p.severity == ERROR for p in problems)
    tables, blocked, all_read = _read_all(files, problems, all_read)
    where = str(paths[0]) if paths else "."
    for kind in NEEDED:
        if kind in tables:
            continue
        blocked = True
        if all_read:  # else the table may well be in the file that could not be read
            message = (
                f"tidak ada data {KIND_NAMES[kind]}; tambahkan {kind}.csv atau bagian itu"
                f" di file YAML (missing {kind} table)"
            )
            problems.append(Problem(where, 0, "-", message))
    event, origins = build_event(tables, problems)
    if not blocked:
        problems += check_event(event, origins) + check_shipping(event, origins)
    problems.sort(key=lambda p: (p.file, p.row))
    failed = any(p.severity == ERROR for p in problems)
    return LoadResult(None if failed else event, problems, origins)


def _expand(paths: list[Path], problems: list[Problem]) -> list[Path]:
    """List the files to read: the paths given, and the readable files in given folders."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            # Skip hidden and lock files (".~lock.x.csv#", "~$x.xlsx") that editors leave.
            inside = [p for p in sorted(path.iterdir()) if not p.name.startswith((".", "~"))]
            found = [p for p in inside if p.suffix.lower() in _READABLE]
            for sheet in (p for p in inside if p.suffix.lower() in SHEET_SUFFIXES):
                problems.append(Problem(str(sheet), 0, "-", _SAVE_AS_CSV, WARNING))
            if not found:
                message = "folder ini tidak berisi file .csv atau .yaml (no files to read)"
                problems.append(Problem(str(path), 0, "-", message))
            files += found
        elif not path.exists():
            message = "file tidak ditemukan; periksa nama dan foldernya (file not found)"
            problems.append(Problem(str(path), 0, "-", message))
        elif path.suffix.lower() in SHEET_SUFFIXES:
            problems.append(Problem(str(path), 0, "-", _SAVE_AS_CSV))
        else:
            files.append(path)
    return files


_READABLE = YAML_SUFFIXES | TABLE_SUFFIXES
_SAVE_AS_CSV = (
    "file spreadsheet ini tidak dibaca; simpan sebagai CSV (UTF-8) lewat File > Save As"
    " (save the sheet as CSV)"
)


def _read_all(
    files: list[Path], problems: list[Problem], all_read: bool
) -> tuple[dict[str, list[Record]], bool, bool]:
    """Read every file into tables by kind.

    Return the tables, whether one is broken (checks across rows would mislead), and
    whether every file gave its tables (else a missing table may just be unread).
    """
    tables: dict[str, list[Record]] = {}
    source: dict[str, str] = {}
    blocked = False
    for path in files:
        found, broken = _read_one(path, problems)
        blocked |= broken
        all_read &= bool(found) or not broken
        for kind, records in found.items():
            if kind in source:
                blocked = True
                message = (
                    f"data {KIND_NAMES[kind]} sudah dibaca dari {source[kind]}; berikan satu"
                    " file untuk setiap jenis (table given twice)"
                )
                problems.append(Problem(str(path), 0, "-", message))
                continue
            source[kind] = str(path)
            tables[kind] = records
    return tables, blocked, all_read


def _read_one(path: Path, problems: list[Problem]) -> tuple[dict[str, list[Record]], bool]:
    if path.suffix.lower() in YAML_SUFFIXES:
        found, more = read_yaml(path)
        problems += more
        return found, not found and any(p.severity == ERROR for p in more)
    try:
        text = decode(path.read_bytes())
    except OSError as err:
        problems.append(Problem(str(path), 0, "-", f"file tidak bisa dibaca: {err} (unreadable)"))
        return {}, True
    table, more = parse_table(text, str(path))
    problems += more
    if table is None:
        return {}, True
    return {table.kind: table.records}, bool(table.missing)


# ---- records to model objects -------------------------------------------------------------


def build_event(tables: dict[str, list[Record]], problems: list[Problem]) -> tuple[Event, Origins]:
    """Build an Event from records by kind, appending each row's problems."""
    event = _head(tables.get("event", []), problems)
    origins = Origins()
    for record in tables.get("vendors", []):
        row = Row(record, "vendors", problems)
        vendor = _vendor(row)
        if vendor:
            event.vendors.append(vendor)
            origins.vendors.append(row.where)
    for record in tables.get("products", []):
        row = Row(record, "products", problems)
        product = _product(row)
        if product:
            event.products.append(product)
            origins.products.append(row.where)
    event.slots, origins.slots = _slots(tables.get("schedule", []), event, problems)
    event.shipping, origins.shipping = _shipping(tables.get("shipping", []), problems)
    event.channels = _channels(tables.get("channels", []), problems) or _used_channels(event)
    return event, origins


def _head(records: list[Record], problems: list[Problem]) -> Event:
    if not records:
        return Event()
    for extra in records[1:]:
        message = "file acara hanya boleh berisi satu baris di bawah judul (one event only)"
        problems.append(extra.where.problem("-", message))
    row = Row(records[0], "event", problems)
    return Event(
        name=row.text("name"),
        timezone=row.value("timezone", _timezone, DEFAULT_TIMEZONE),
        base_url=row.value("base_url", _base_url, DEFAULT_BASE_URL),
        hold_hours=row.value("hold_hours", parse_hold_hours, None) or DEFAULT_HOLD_HOURS,
        pickup_town=row.text("pickup_town") or DEFAULT_PICKUP_TOWN,
    )


def _timezone(text: str) -> str:
    return parse_timezone(text) if text.strip() else DEFAULT_TIMEZONE


def _base_url(text: str) -> str:
    if not text:
        return DEFAULT_BASE_URL
    if not re.fullmatch(r"https?://[^\s/]+(/\S*)?", text):
        raise BadValue(
            f"base_url '{text}' harus diawali http:// atau https://, mis."
            " https://pasar.example.id (base URL must be a web address)"
        )
    return text.rstrip("/")


def _vendor(row: Row) -> Vendor | None:
    vendor_id, name = row.text("vendor_id"), row.text("name")
    whatsapp = row.value("whatsapp", parse_whatsapp, "")
    if not vendor_id:
        return None
    bank = (row.text("bank"), row.value("bank_account", parse_bank_account, ""))
    bank += (row.text("bank_account_name"),)
    if (wrong := bank_problem(*bank)) and "bank_account" not in row.bad:
        row.fail(*wrong)
    return Vendor(
        vendor_id,
        name,
        row.text("category"),
        row.text("owner"),
        whatsapp,
        row.text("kecamatan"),
        row.text("description"),
        row.value("qris", parse_qris, ""),
        *bank,
        hold_hours=row.value("hold_hours", parse_hold_hours, None),
        pickup=row.value("pickup", parse_pickup, False),
    )


def _product(row: Row) -> Product | None:
    code = row.value("code", parse_code, row.text("code"))
    vendor_id, name = row.text("vendor_id"), row.text("name")
    price = row.value("price_idr", parse_price, 0)
    stock = row.value("stock", parse_stock, None)
    order_url = row.value("order_url", parse_order_url, None)
    weight = row.value("weight_g", parse_weight, None)
    most = row.value("max_per_buyer", parse_max_per_buyer, None)
    photo = row.value("photo", parse_photo, "")
    if not code:
        return None
    return Product(code, vendor_id, name, price, stock, order_url, weight, most, photo)


def _channels(records: list[Record], problems: list[Problem]) -> list[Channel]:
    channels: dict[str, Channel] = {}
    for record in records:
        row = Row(record, "channels", problems)
        channel_id = row.value("channel", parse_channel, "")
        if channel_id in channels:
            row.fail("channel", f"kanal '{channel_id}' ditulis dua kali (duplicate channel)")
        elif channel_id:
            channels[channel_id] = Channel(
                channel_id,
                row.text("title") or channel_id.capitalize(),
                row.text("zoom_meeting_id") or None,
                row.text("youtube_broadcast_id") or None,
            )
    return list(channels.values())


def _shipping(
    records: list[Record], problems: list[Problem]
) -> tuple[list[ShippingRate], list[Where]]:
    """Read the tariff rows, each destination in the name ``schedules.regions`` gives it."""
    rates, origins = [], []
    for record in records:
        row = Row(record, "shipping", problems)
        destination = row.value("destination", parse_destination, row.text("destination"))
        first_kg = row.value("first_kg_idr", parse_money, 0)
        next_kg = row.value("next_kg_idr", parse_money, 0)
        rates.append(ShippingRate(destination, first_kg, next_kg, row.text("days")))
        origins.append(row.where)
    return rates, origins


def _used_channels(event: Event) -> list[Channel]:
    ids = dict.fromkeys(s.channel for s in event.slots if s.channel)
    return [Channel(c, c.capitalize()) for c in ids]


def _slots(
    records: list[Record], event: Event, problems: list[Problem]
) -> tuple[list[Slot], list[Where]]:
    """Build slots (times to UTC, codes in the catalog's spelling, ids); return with origins."""
    tz = ZoneInfo(event.timezone)
    catalog = {code_key(p.code): p.code for p in event.products}
    fields, given, origins = [], [], []
    for record in records:
        row = Row(record, "schedule", problems)
        channel = row.value("channel", parse_channel, "")
        start, end = _span(row, tz)
        codes = tuple(catalog.get(code_key(c), c) for c in _CODES.split(row.text("products")) if c)
        fields.append(
            (channel, start, end, row.text("vendor_id") or None, codes, row.text("title"))
        )
        given.append(row.text("id"))
        origins.append(row.where)
    _duplicate_ids(given, origins, problems)
    keys = [(f[0], f[1].astimezone(tz), g) for f, g in zip(fields, given, strict=True)]
    ids = assign_slot_ids(keys)
    return [Slot(i, *f) for i, f in zip(ids, fields, strict=True)], origins


_CODES = re.compile(r"[\s,;]+")


def _span(row: Row, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """Read date, start and end; an evening slot may end after midnight, on the next day."""
    day: date | None = row.value("date", parse_date, None)
    start: time | None = row.value("start", parse_time, None)
    end: time | None = row.value("end", parse_time, None)
    if day is None or start is None or end is None:
        return _PLACEHOLDER, _PLACEHOLDER
    if end == start:
        message = (
            "jam selesai sama dengan jam mulai; slot harus punya durasi, mis. 15:30 sampai"
            " 15:40 (end must be after start)"
        )
        row.fail("end", message)
        return _PLACEHOLDER, _PLACEHOLDER
    if end < start and not crosses_midnight(start, end):
        message = (
            f"jam selesai {end:%H:%M} sebelum jam mulai {start:%H:%M}; periksa ketikannya."
            " Slot yang lewat tengah malam mulai pukul 18:00 atau lebih dan selesai pukul"
            " 06:00 atau kurang (end before start; only evening-to-morning slots cross midnight)"
        )
        row.fail("end", message)
        return _PLACEHOLDER, _PLACEHOLDER
    end_day = day + timedelta(days=1) if end < start else day
    return (
        datetime.combine(day, start, tzinfo=tz).astimezone(UTC),
        datetime.combine(end_day, end, tzinfo=tz).astimezone(UTC),
    )


def crosses_midnight(start: time, end: time) -> bool:
    """An end before the start means the next day only for an evening-to-morning slot."""
    return start >= time(18, 0) and end <= time(6, 0)


def _duplicate_ids(given: list[str], origins: list[Where], problems: list[Problem]) -> None:
    seen: dict[str, int] = {}
    for slot_id, at in zip(given, origins, strict=True):
        if slot_id and slot_id in seen:
            message = (
                f"id slot '{slot_id}' sudah dipakai di baris {seen[slot_id]} (duplicate slot id)"
            )
            problems.append(at.problem("id", message))
        elif slot_id:
            seen[slot_id] = at.row
