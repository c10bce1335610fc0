"""How long the event report takes for the shipped example event after a busy show.

The example event (7 days, 2 channels, 73 vendors, 98 slots) in a real SQLite file with
``--orders`` chat orders spread over its vendor slots, ``--parcels`` parcels in every
status, 20,000 link clicks and a few host actions per day. ``report_ms`` is
``pasar-live report`` end to end (read, replay the host's actions, sum, draw the SVG
charts, write HTML, JSON and CSV); ``baseline_ms`` is reading the same rows with bare
``SELECT`` statements, the floor any report pays. Goal: under 5 s.

    python bench/event_report.py [--orders 30000] [--parcels 6000] [--runs 5]

The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

from kernel.db import open_db  # noqa: E402
from kernel.times import utc_iso  # noqa: E402
from orchestrator.checkout import schema as checkout_schema  # noqa: E402
from orchestrator.orders import schema as orders_schema  # noqa: E402
from orchestrator.report.build import read_report, write  # noqa: E402
from orchestrator.rotation import records  # noqa: E402
from overlays import clicks  # noqa: E402
from schedules import store  # noqa: E402
from schedules.loader import load_paths  # noqa: E402
from schedules.startup import EXAMPLE_EVENT  # noqa: E402

STATUSES = ("unpaid", "claimed", "paid", "packed", "shipped", "received", "expired")


def fill(path: Path, orders: int, parcels: int, seed: int) -> datetime:
    """Store the example event and a show's worth of rows; return a moment after it."""
    rng = random.Random(seed)
    event = load_paths([EXAMPLE_EVENT]).event
    db = open_db(path)
    store.migrate(db)
    store.save_event(db, event)
    for migrate in (orders_schema.migrate, checkout_schema.migrate, clicks.migrate,
                    records.migrate):  # fmt: skip
        migrate(db)
    vendor_slots = [s for s in event.slots if s.vendor_id]
    price = {p.code: p.price_idr for p in event.products}
    sold = {p.vendor_id: p.code for p in event.products}
    codes = {s.id: list(s.products) or [sold[s.vendor_id]] for s in vendor_slots}
    rows = []
    for i in range(orders):
        slot = rng.choice(vendor_slots)
        code = rng.choice(codes[slot.id])
        at = utc_iso(slot.start + (slot.end - slot.start) * rng.random())
        rows.append((code, slot.vendor_id, slot.channel, slot.id, rng.randint(1, 3),
                     rng.choice(("new", "new", "new", "cancelled", "expired")), "youtube",
                     f"a{i % 4000}", f"m{i}", at, price.get(code, 10_000), at, i + 1))  # fmt: skip
    db.conn.executemany(
        "INSERT INTO orders (code, vendor_id, channel, slot_id, qty, status, platform, author_id,"
        " message_id, created_utc, price_idr, updated_utc, message_row)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    now = max(s.end for s in event.slots) + timedelta(days=2)
    stamp = utc_iso(now)
    db.conn.executemany(
        "INSERT INTO buyers (secret_hash, csrf, created_utc, updated_utc, province)"
        " VALUES (?, 'c', ?, ?, ?)",
        [(f"h{i}", stamp, stamp, rng.choice(("Jawa Timur", "DKI Jakarta", None)))
         for i in range(parcels)],
    )  # fmt: skip
    db.conn.executemany(
        "INSERT INTO parcels (buyer_id, vendor_id, status, total_idr, created_utc, updated_utc)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [(i + 1, rng.choice(vendor_slots).vendor_id, rng.choice(STATUSES),
          rng.randrange(20_000, 400_000), stamp, stamp) for i in range(parcels)],
    )  # fmt: skip
    db.conn.executemany(
        "INSERT INTO clicks (at, code) VALUES (?, ?)",
        [(stamp, rng.choice(list(price))) for _ in range(20_000)],
    )
    db.conn.commit()
    for day_first in sorted({s.start.date() for s in vendor_slots}):
        first = min((s for s in event.slots if s.start.date() == day_first), key=lambda s: s.start)
        records.append_action(db, first.channel, {"kind": "extend", "minutes": 2.0,
                                                  "at": first.start + timedelta(minutes=1),
                                                  "by": "host"})  # fmt: skip
    db.close()
    return now


def baseline(path: Path) -> None:
    db = open_db(path)
    for sql in ("SELECT * FROM orders", "SELECT * FROM parcels JOIN buyers ON buyers.id ="
                " parcels.buyer_id", "SELECT code, count(*) FROM clicks GROUP BY code",
                "SELECT * FROM slots", "SELECT * FROM actions"):  # fmt: skip
        db.execute(sql).fetchall()
    db.close()


def report(path: Path, out: Path, now: datetime) -> None:
    db = open_db(path)
    event, figures = read_report(db, now)
    db.close()
    write(event, figures, out, now)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=30_000)
    parser.add_argument("--parcels", type=int, default=6_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="pasar-report-bench-") as folder:
        path = Path(folder) / "pasar.db"
        now = fill(path, args.orders, args.parcels, args.seed)
        took, floor = [], []
        for run in range(args.runs):
            began = time.perf_counter()
            baseline(path)
            floor.append((time.perf_counter() - began) * 1000)
            began = time.perf_counter()
            report(path, Path(folder) / f"out{run}", now)
            took.append((time.perf_counter() - began) * 1000)
        size = (Path(folder) / "out0" / "laporan.html").stat().st_size
    figures = {
        "orders": args.orders, "parcels": args.parcels, "runs": args.runs,
        "report_ms": round(statistics.median(took), 1), "report_max_ms": round(max(took), 1),
        "baseline_ms": round(statistics.median(floor), 1), "html_kb": round(size / 1024, 1),
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }  # fmt: skip
    print(json.dumps(figures))
    return figures


if __name__ == "__main__":
    main()
