"""The check, import and export commands: exit codes, messages, and what they store."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

from sqlite_utils import Database

from schedules.commands import (
    RUNNING_SERVICE,
    check_command,
    export_command,
    import_command,
)
from schedules.loader import load_paths
from schedules.photo_import import PhotoImport
from schedules.store import load_event

FIXTURES = Path(__file__).parents[1] / "fixtures"
CSVS = [FIXTURES / "vendors.csv", FIXTURES / "products.csv", FIXTURES / "schedule.csv"]
PHOTOS = PhotoImport()  # the fixtures have no photos: nothing to store
SUMMARY = "73 penjual, 212 produk, 98 slot, 2 kanal, 7 hari"


def broken_copy(folder: Path) -> Path:
    """Copy the fixtures with one slot ending when it starts (schedule.csv row 3)."""
    folder.mkdir()
    for path in CSVS:
        shutil.copy(path, folder / path.name)
    schedule = folder / "schedule.csv"
    text = schedule.read_text(encoding="utf-8")
    schedule.write_text(text.replace("15:40,15:50,sabun", "15:40,15:40,sabun"), encoding="utf-8")
    return folder


def test_check_prints_ok_and_a_summary() -> None:
    """Clean files: exit 0 and one OK line with the counts."""
    out = io.StringIO()
    assert check_command(CSVS, out) == 0
    assert out.getvalue() == f"OK: {SUMMARY}\n"


def test_check_prints_every_problem_and_fails(tmp_path: Path) -> None:
    """A bad row: its FILE:ROW line, a GAGAL line, exit 1."""
    folder = broken_copy(tmp_path / "rusak")
    out = io.StringIO()
    assert check_command([folder], out) == 1
    lines = out.getvalue().splitlines()
    assert lines[0].startswith(f"{folder / 'schedule.csv'}:3: end: error: jam selesai")
    assert lines[-1].startswith("GAGAL: 1 error, 0 peringatan")


def test_import_saves_only_a_clean_event(tmp_path: Path) -> None:
    """Errors leave the database untouched; clean files replace the event and say so."""
    db = Database(memory=True)
    out = io.StringIO()
    assert import_command(db, [broken_copy(tmp_path / "rusak")], out, PHOTOS) == 1
    assert "TIDAK DIIMPOR" in out.getvalue() and load_event(db) is None
    out = io.StringIO()
    assert import_command(db, CSVS, out, PHOTOS) == 0
    assert out.getvalue() == f"DIIMPOR: {SUMMARY}, revisi 1\n{RUNNING_SERVICE}\n"
    assert load_event(db) is not None and len(load_event(db).slots) == 98


def test_export_writes_files_that_import_back(tmp_path: Path) -> None:
    """Export from the database as YAML and as CSV; both load to the stored event."""
    db = Database(memory=True)
    import_command(db, CSVS, io.StringIO(), PHOTOS)
    stored = load_event(db)
    for fmt in ("yaml", "csv"):
        out = io.StringIO()
        assert export_command(db, fmt, tmp_path / fmt, out) == 0
        assert out.getvalue().startswith(f"DIEKSPOR: {SUMMARY} ke ")
        assert load_paths([tmp_path / fmt]).event == stored


def test_export_without_an_event_or_with_a_bad_format(tmp_path: Path) -> None:
    """An empty database and an unknown format are told, with non-zero exits."""
    out = io.StringIO()
    assert export_command(Database(memory=True), "yaml", tmp_path, out) == 1
    assert export_command(Database(memory=True), "xlsx", tmp_path, out) == 2
    assert "belum ada acara" in out.getvalue() and "pilih yaml atau csv" in out.getvalue()
