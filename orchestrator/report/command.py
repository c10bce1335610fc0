"""``pasar-live report [--out DIR]``: the event's report as files, from its database."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any, TextIO

from kernel.clock import Clock
from kernel.db import open_db
from orchestrator.report.build import NoEvent, read_report, write
from schedules import store


def add_parser(sub: Any) -> None:
    report = sub.add_parser("report", help="laporan acara (the event's report: HTML, JSON, CSV)")
    report.add_argument("--out", type=Path, default=Path("laporan"),
                        help="folder tujuan (default ./laporan)")  # fmt: skip
    report.add_argument("--db", type=Path, help="file SQLite (default ./data/pasar.db)")


def run(args: argparse.Namespace, db_path: Path, clock: Clock, out: TextIO, err: TextIO) -> int:
    """Read the database once, write the report's files, and say where they are."""
    began = time.perf_counter()
    if not db_path.exists():
        print(f"pasar-live report: database {db_path} tidak ada (not found)", file=err)
        return 2
    db = open_db(db_path)
    store.migrate(db)
    try:
        event, report = read_report(db, clock.now())
    except NoEvent as error:
        print(f"pasar-live report: {error}", file=err)
        return 2
    finally:
        db.close()
    paths = write(event, report, args.out, clock.now())
    for path in paths:
        print(path, file=out)
    t = report.totals
    print(f"{t.claims} klaim, {t.parcels_paid} paket dibayar, {len(report.days)} hari;"
          f" {time.perf_counter() - began:.1f} s", file=out)  # fmt: skip
    return 0
