"""The organisers' tables: their columns, reading them from what spreadsheets write, and
the row form of an event (which the YAML file and the CSV export share).

Spreadsheets write many dialects; this accepts what Excel and Google Sheets write in
practice: UTF-8 with or without BOM, UTF-16 with BOM (Excel "Unicode text"), then
Windows-1252 (or Latin-1) when the bytes are not UTF-8; ``,``, ``;`` (Excel in the
Indonesian locale) or tab between cells, picked by which one splits the header row into
known column names; quoted cells with newlines; CRLF; empty rows; spaces around values.
Header names ignore case, surrounding spaces, and spaces or dashes inside (``Vendor ID``).
A file's kind (vendors, products, ...) is told by its header row, not by its name.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from kernel.csv_cells import read_cell
from schedules.check import Problem, Where
from schedules.model import Channel, Event, Slot, Vendor, slot_id

COLUMNS: dict[str, tuple[str, ...]] = {
    "event": ("name", "timezone", "base_url", "hold_hours", "pickup_town"),
    "channels": ("channel", "title", "zoom_meeting_id", "youtube_broadcast_id"),
    "vendors": (
        "vendor_id", "name", "category", "owner", "whatsapp", "kecamatan", "description",
        "qris", "bank", "bank_account", "bank_account_name", "hold_hours", "pickup",
    ),
    "products": (
        "code", "vendor_id", "name", "price_idr", "stock", "order_url", "weight_g",
        "max_per_buyer", "photo",
    ),
    "schedule": ("channel", "date", "start", "end", "vendor_id", "products", "title", "id"),
    "shipping": ("destination", "first_kg_idr", "next_kg_idr", "days"),
}  # fmt: skip
REQUIRED: dict[str, tuple[str, ...]] = {
    "event": ("name",),
    "channels": ("channel",),
    "vendors": ("vendor_id", "name"),
    "products": ("code", "vendor_id", "name", "price_idr"),
    "schedule": ("channel", "date", "start", "end", "vendor_id"),
    "shipping": ("destination", "first_kg_idr", "next_kg_idr"),
}
# Required columns whose cells must be filled too (an empty vendor_id is a host segment).
FILLED: dict[str, tuple[str, ...]] = {
    kind: tuple(c for c in cols if (kind, c) != ("schedule", "vendor_id"))
    for kind, cols in REQUIRED.items()
}
# Columns that belong to one kind only: they decide a file's kind first.
_DISTINCT = {
    kind: {c for c in cols if not any(c in COLUMNS[k] for k in COLUMNS if k != kind)}
    for kind, cols in COLUMNS.items()
}
_KNOWN = {c for cols in COLUMNS.values() for c in cols}
KIND_NAMES = {
    "event": "acara (event)",
    "channels": "kanal (channels)",
    "vendors": "penjual (vendors)",
    "products": "produk (products)",
    "schedule": "jadwal (schedule)",
    "shipping": "ongkos kirim (shipping)",
}


@dataclass(frozen=True)
class Record:
    """One row as the organiser wrote it: trimmed text per column, and where it sits."""

    values: dict[str, str]
    where: Where

    def get(self, name: str) -> str:
        return self.values.get(name, "")


@dataclass
class Table:
    """The rows of one file of one kind."""

    kind: str
    file: str
    records: list[Record] = field(default_factory=list)
    missing: tuple[str, ...] = ()


def decode(data: bytes) -> str:
    """Turn a spreadsheet's bytes into text, trying the encodings spreadsheets use."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    if len(data) >= 4 and data[1:4:2] == b"\0\0" and data[0] != 0:
        return data.decode("utf-16-le", errors="replace")
    if len(data) >= 4 and data[0:4:2] == b"\0\0" and data[1] != 0:
        return data.decode("utf-16-be", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def header_name(cell: str) -> str:
    """Normalise a header cell: ``" Vendor ID "`` -> ``vendor_id``."""
    name = cell.replace("\ufeff", "").strip().lower()
    return "_".join(name.replace("-", " ").split())


def pick_delimiter(text: str) -> str:
    """Choose ``,``, ``;`` or tab: the one that splits the header into the most known names."""
    line = next((ln for ln in text.splitlines() if ln.strip()), "")

    def score(delimiter: str) -> tuple[int, int]:
        cells = next(csv.reader([line], delimiter=delimiter), [])
        return sum(header_name(c) in _KNOWN for c in cells), len(cells)

    return max((",", ";", "\t"), key=score)


def table_kind(names: Sequence[str]) -> str | None:
    """Tell a table's kind from its header names; ``None`` when none fits."""
    present = set(names)

    def score(kind: str) -> tuple[int, bool, int]:
        return (
            len(_DISTINCT[kind] & present),
            all(c in present for c in REQUIRED[kind]),
            len(present & set(COLUMNS[kind])),
        )

    best = max(COLUMNS, key=score)
    return best if score(best)[2] else None


# Rows a file may hold: a week of 73 vendors is a few hundred; this only stops a mistake.
MAX_ROWS = 100_000


def parse_table(text: str, file: str) -> tuple[Table | None, list[Problem]]:
    """Read one spreadsheet's text into records of a kind told by its header row."""
    # One newline inside cells and between rows, whatever the file's line endings.
    text = text.replace("\r\n", "\n")
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=pick_delimiter(text)))
    except csv.Error as err:
        return None, [Problem(file, 0, "-", f"file CSV rusak: {err} (unreadable CSV)")]
    numbered = [(n, row) for n, row in enumerate(rows, start=1) if any(c.strip() for c in row)]
    if not numbered:
        message = "file kosong; baris 1 harus berisi judul kolom (empty file)"
        return None, [Problem(file, 1, "-", message)]
    (head_row, head), body = numbered[0], numbered[1:]
    if len(body) > MAX_ROWS:
        count, limit = (f"{n:,}".replace(",", ".") for n in (len(body), MAX_ROWS))
        message = (
            f"file berisi {count} baris; paling banyak {limit} per file: bagi menjadi"
            f" beberapa file (too many rows, at most {limit} a file)"
        )
        return None, [Problem(file, numbered[MAX_ROWS + 1][0], "-", message)]
    names = [header_name(c) for c in head]
    kind = table_kind(names)
    if kind is None:
        message = (
            "baris judul tidak dikenali; file penjual butuh kolom vendor_id,name, produk"
            " code,vendor_id,name,price_idr, jadwal channel,date,start,end,vendor_id, ongkir"
            " destination,first_kg_idr,next_kg_idr (unrecognised header)"
        )
        return None, [Problem(file, head_row, "-", message)]
    table, problems = _header(kind, names, file, head_row)
    columns = [(i, n) for i, n in enumerate(names) if n in COLUMNS[kind]]
    width = max((i for i, _ in columns), default=-1) + 1
    for number, row in body:
        if len(row) < width:
            row = row + [""] * (width - len(row))
        values = {name: read_cell(row[i].strip()) for i, name in columns}
        extra = [c for c in row[len(names) :] if c.strip()]
        if extra:
            problems.append(Problem(file, number, "-", _too_many(len(row), len(names))))
        table.records.append(Record(values, Where(file, number)))
    return table, problems


def _header(kind: str, names: list[str], file: str, row: int) -> tuple[Table, list[Problem]]:
    problems = []
    seen: set[str] = set()
    for name in names:
        if name in seen:
            message = f"kolom '{name}' muncul dua kali; hapus salah satu (duplicate column)"
            problems.append(Problem(file, row, name, message))
        elif name and name not in COLUMNS[kind]:
            message = f"kolom '{name}' tidak dikenal dan diabaikan (unknown column ignored)"
            problems.append(Problem(file, row, name, message, "warning"))
        seen.add(name)
    missing = tuple(c for c in REQUIRED[kind] if c not in seen)
    for name in missing:
        message = (
            f"kolom '{name}' tidak ada di baris judul file {KIND_NAMES[kind]};"
            f" tambahkan kolom itu (missing column)"
        )
        problems.append(Problem(file, row, name, message))
    return Table(kind, file, missing=missing), problems


def _too_many(cells: int, columns: int) -> str:
    return (
        f"baris ini punya {cells} sel, lebih banyak dari {columns} kolom judul; mungkin ada"
        " koma tanpa tanda kutip (too many cells)"
    )


# ---- the row form of an event ------------------------------------------------------------


class UnwritableSlotError(ValueError):
    """A slot that a date, a start and an end cannot describe (a day or longer)."""


def assign_slot_ids(keys: Sequence[tuple[str, datetime, str]]) -> list[str]:
    """Give each (channel, local start, id as written) its id: the written one, else
    ``slot_id(channel, local_start)``, with ``-2``, ``-3``... when that is taken."""
    taken = {given for _, _, given in keys if given}
    last_n: dict[str, int] = {}  # per base, the suffix tried last: each is tried once
    ids = []
    for channel, local_start, given in keys:
        if given:
            ids.append(given)
            continue
        base = candidate = slot_id(channel, local_start)
        n = last_n.get(base, 1)
        if n > 1:
            candidate = f"{base}-{n}"
        while candidate in taken:
            n += 1
            candidate = f"{base}-{n}"
        last_n[base] = n
        taken.add(candidate)
        ids.append(candidate)
    return ids


def event_rows(event: Event) -> dict[str, list[dict[str, object]]]:
    """Lay an event out as rows per kind; ``str()`` of each value is its written form."""
    tz = ZoneInfo(event.timezone)
    slots = [_slot_row(s, tz) for s in event.slots]
    generated = assign_slot_ids([(s.channel, s.start.astimezone(tz), "") for s in event.slots])
    keep_ids = any(g != s.id for g, s in zip(generated, event.slots, strict=True))
    for row, slot in zip(slots, event.slots, strict=True):
        row["id"] = slot.id if keep_ids else None
    return {
        "event": [{c: getattr(event, c) for c in COLUMNS["event"]}],
        "channels": [_renamed(c, "channel") for c in event.channels],
        "vendors": [_vendor_row(v) for v in event.vendors],
        # The photo's id is the service's, worked out from the photo at each import.
        "products": [{c: getattr(p, c) for c in COLUMNS["products"]} for p in event.products],
        "schedule": slots,
        "shipping": [asdict(r) for r in event.shipping],
    }


def _renamed(record: Channel | Vendor, id_column: str) -> dict[str, object]:
    """Return a record's fields under their column names (the ``id`` field's column differs)."""
    row = asdict(record)
    return {id_column: row.pop("id"), **row}


def _vendor_row(vendor: Vendor) -> dict[str, object]:
    """A vendor's row; pickup is written ``ya`` or left empty, as organisers write it."""
    return {**_renamed(vendor, "vendor_id"), "pickup": "ya" if vendor.pickup else ""}


def _slot_row(slot: Slot, tz: ZoneInfo) -> dict[str, object]:
    if slot.start.tzinfo is None or slot.end.tzinfo is None:
        raise UnwritableSlotError(f"slot {slot.id} has a start or end without a timezone")
    start, end = slot.start.astimezone(tz), slot.end.astimezone(tz)
    same_day = end.date() == start.date() and end.time() > start.time()
    next_day = end.date() == start.date() + timedelta(days=1) and end.time() < start.time()
    if not (same_day or next_day):
        raise UnwritableSlotError(
            f"slot {slot.id} ({slot.start.astimezone(UTC):%Y-%m-%d %H:%M}Z to"
            f" {slot.end.astimezone(UTC):%Y-%m-%d %H:%M}Z) cannot be written as date, start, end"
        )
    return {
        "channel": slot.channel,
        "date": start.date(),
        "start": _clock(start),
        "end": _clock(end),
        "vendor_id": slot.vendor_id,
        "products": " ".join(slot.products),
        "title": slot.title,
    }


def _clock(moment: datetime) -> str:
    return f"{moment:%H:%M:%S}" if moment.second else f"{moment:%H:%M}"
