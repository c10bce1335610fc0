"""The work behind ``pasar-live check``, ``import`` and ``export``; the CLI only dispatches.

Each returns the process exit code and prints for the organiser, Indonesian first.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from sqlite_utils import Database

from schedules.export import ExportError, export_csv, export_yaml, write_atomic
from schedules.loader import LoadResult, load_paths
from schedules.model import Event
from schedules.photo_import import PhotoImport, attach_photos
from schedules.store import load_event, migrate, save_event

FORMATS = ("yaml", "csv")


def summary(event: Event) -> str:
    """Count what an event holds, e.g. ``73 penjual, 212 produk, 98 slot, 2 kanal, 7 hari``."""
    tz = event.tz
    days = len({s.start.astimezone(tz).date() for s in event.slots})
    return (
        f"{len(event.vendors)} penjual, {len(event.products)} produk, {len(event.slots)} slot,"
        f" {len(event.channels)} kanal, {days} hari"
    )


def _report(result: LoadResult, out: TextIO) -> None:
    for problem in result.problems:
        print(problem, file=out)


def _failed(result: LoadResult, what: str, out: TextIO) -> int:
    print(
        f"{what}: {len(result.errors)} error, {len(result.warnings)} peringatan; perbaiki"
        " baris di atas lalu jalankan lagi (fix the rows above and run again)",
        file=out,
    )
    return 1


def _warned(result: LoadResult) -> str:
    return f" ({len(result.warnings)} peringatan)" if result.warnings else ""


def check_command(
    paths: Sequence[Path | str], out: TextIO, photos: PhotoImport | None = None
) -> int:
    """Print every problem in the files; 1 when any is an error, else 0 and a summary.

    Photos are read or fetched and their headers checked; nothing is stored.
    """
    result = attach_photos(load_paths(paths), photos or PhotoImport())
    _report(result, out)
    if result.event is None:
        return _failed(result, "GAGAL", out)
    print(f"OK: {summary(result.event)}{_warned(result)}", file=out)
    return 0


def import_command(
    db: Database, paths: Sequence[Path | str], out: TextIO, photos: PhotoImport
) -> int:
    """Check the files and, only when there is no error, replace the stored event with them.

    Each photo's sizes are made and stored (in ``photos.store``) before the event is saved.
    """
    result = attach_photos(load_paths(paths), photos)
    _report(result, out)
    if result.event is None:
        return _failed(result, "TIDAK DIIMPOR, database tidak diubah (nothing imported)", out)
    migrate(db)
    revision = save_event(db, result.event)
    print(f"DIIMPOR: {summary(result.event)}, revisi {revision}{_warned(result)}", file=out)
    print(RUNNING_SERVICE, file=out)
    return 0


# Only the editor tells a running service about a change; another process cannot.
RUNNING_SERVICE = (
    "Layanan yang sedang jalan memakai acara ini setelah dimulai ulang, atau unggah file"
    " yang sama di editor (a running service picks this up after a restart, or upload"
    " the files in the editor)."
)


def export_command(db: Database, fmt: str, out_dir: Path | str, out: TextIO) -> int:
    """Write the stored event to ``out_dir`` as ``event.yaml`` or as CSV files."""
    if fmt not in FORMATS:
        print(f"format '{fmt}' tidak dikenal; pilih yaml atau csv (unknown format)", file=out)
        return 2
    event = load_event(db)
    if event is None:
        print(
            "belum ada acara di database; jalankan dulu pasar-live import FILE..."
            " (no event stored yet)",
            file=out,
        )
        return 1
    out_dir = Path(out_dir)
    try:
        if fmt == "yaml":
            out_dir.mkdir(parents=True, exist_ok=True)
            paths = [out_dir / "event.yaml"]
            write_atomic(paths[0], export_yaml(event).encode("utf-8"))
        else:
            paths = export_csv(event, out_dir)
    except (ExportError, OSError) as err:
        print(f"GAGAL mengekspor: {err} (export failed)", file=out)
        return 1
    print(f"DIEKSPOR: {summary(event)} ke {', '.join(str(p) for p in paths)}", file=out)
    return 0
