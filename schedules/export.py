"""Writing an event back out for organisers: one YAML file, or CSV files for spreadsheets.

CSV files are written UTF-8 with a BOM (so Excel shows the characters right), comma
separated, CRLF, one file per table: ``event.csv``, ``channels.csv``, ``vendors.csv``,
``products.csv``, ``schedule.csv`` and ``shipping.csv`` (the courier tariffs). The first
two carry what the three organiser sheets cannot (the event's name, timezone, address and
hold, the channels' titles and platform ids), so importing an export gives back an equal
event. ``schedule.csv`` gets an ``id`` column
only when some slot's id is not the one an import would give it.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence
from pathlib import Path

from kernel.csv_cells import safe_row
from schedules.csvfiles import COLUMNS, UnwritableSlotError, event_rows
from schedules.model import Event
from schedules.yamlfile import dump_yaml

TABLE_ORDER = ("event", "channels", "vendors", "products", "schedule", "shipping")


class ExportError(Exception):
    """An event that the organisers' formats cannot hold as it is."""


def export_yaml(event: Event) -> str:
    """Return the whole event as the project's YAML event file."""
    try:
        return dump_yaml(event)
    except UnwritableSlotError as err:
        raise ExportError(str(err)) from err


def csv_tables(event: Event) -> dict[str, str]:
    """Return each table's CSV text (without the BOM), keyed by kind."""
    try:
        rows = event_rows(event)
    except UnwritableSlotError as err:
        raise ExportError(str(err)) from err
    texts = {}
    for kind in TABLE_ORDER:
        columns = [c for c in COLUMNS[kind] if c != "id" or any(r.get("id") for r in rows[kind])]
        texts[kind] = csv_text(columns, rows[kind])
    return texts


def csv_text(columns: Sequence[str], rows: Sequence[dict[str, object]]) -> str:
    """Write a header and rows the way Excel reads them (comma, CRLF, quotes as needed)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows(safe_row(row.get(c) for c in columns) for row in rows)
    return buffer.getvalue()


def export_csv(event: Event, out_dir: Path) -> list[Path]:
    """Write the event's tables as CSV files in ``out_dir``; return their paths."""
    texts = csv_tables(event)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for kind, text in texts.items():
        path = out_dir / f"{kind}.csv"
        write_atomic(path, text.encode("utf-8-sig"))
        paths.append(path)
    return paths


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step, so a reader never sees half a file."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
