"""How long checking and importing a big event's spreadsheets takes.

An organiser runs ``pasar-live check`` and ``import`` again after every edit, so both
should feel instant even for a large market: the goal is under 2 s for 10,000 slots and
5,000 products. The event is generated as CSV files (prices in the forms people write,
slots around the clock so some cross midnight) in a temporary folder. Check is
``load_paths`` (read, build, every check); import is opening a fresh SQLite file,
migrating it and ``save_event``. A baseline in the same run, ``csv.reader`` over the same
files plus a raw ``executemany`` of their rows into SQLite, shows what the machine manages.

    python bench/import_event.py [--slots 10000] [--products 5000] [--vendors 1000]
                                 [--channels 5] [--repeat 5]

The last line printed is one JSON object with the figures (medians over the repeats).
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # a checkout without `pip install -e .`
    sys.path.insert(0, str(ROOT))

from kernel.db import open_db  # noqa: E402 - after the path fix above
from schedules.loader import load_paths  # noqa: E402
from schedules.store import migrate, save_event  # noqa: E402

TARGET_MS = 2000
FIRST_DAY = date(2027, 3, 1)
PRICE_FORMS = ("{:d}", "{:,d}", "Rp {:,d}")


def code_for(index: int) -> str:
    """Give product ``index`` a chat-shaped code: letters for each thousand, then 3 digits."""
    group, letters = index // 1000, ""
    while True:
        letters = chr(ord("A") + group % 26) + letters
        group = group // 26 - 1
        if group < 0:
            return f"{letters}{index % 1000:03d}"


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)


def generate(folder: Path, slots: int, products: int, vendors: int, channels: int) -> None:
    """Write vendors.csv, products.csv and schedule.csv for a consistent big event."""
    write_csv(
        folder / "vendors.csv",
        ["vendor_id", "name", "category", "owner", "whatsapp", "kecamatan", "description"],
        [
            [
                f"penjual-{v:04d}",
                f"Penjual {v}",
                "kuliner",
                f"Pemilik {v}",
                f"+62812{v:07d}",
                "Sumbersari",
                f"Produk asli Jember, nomor {v}, dikirim kurir.",
            ]
            for v in range(vendors)
        ],
    )
    write_csv(
        folder / "products.csv",
        ["code", "vendor_id", "name", "price_idr", "stock", "order_url"],
        [
            [
                code_for(p),
                f"penjual-{p % vendors:04d}",
                f"Produk {p}",
                PRICE_FORMS[p % 3].format(5000 + 500 * p).replace(",", "."),
                "" if p % 4 else str(p % 50),
                "" if p % 2 else f"https://toko.example.id/p/{p}",
            ]
            for p in range(products)
        ],
    )
    write_csv(
        folder / "schedule.csv",
        ["channel", "date", "start", "end", "vendor_id", "products", "title"],
        [_slot_row(i, channels, vendors, products) for i in range(slots)],
    )


def _slot_row(i: int, channels: int, vendors: int, products: int) -> list[str]:
    """Slot ``i``: ten minutes each, back to back around the clock on its channel."""
    channel, n = i % channels, i // channels
    start = datetime.combine(FIRST_DAY, datetime.min.time()) + timedelta(minutes=10 * n)
    end = start + timedelta(minutes=10)
    if n % 12 == 0:
        return [
            f"kanal{channel}",
            f"{start:%Y-%m-%d}",
            f"{start:%H:%M}",
            f"{end:%H:%M}",
            "",
            "",
            "Sapa penonton",
        ]
    vendor = i % vendors
    codes = [code_for(p) for p in range(vendor, products, vendors)][:3]
    return [
        f"kanal{channel}",
        f"{start:%d/%m/%Y}",
        f"{start:%H.%M}",
        f"{end:%H:%M}",
        f"penjual-{vendor:04d}",
        " ".join(codes),
        "",
    ]


def check_and_import(folder: Path, db_path: Path) -> tuple[float, float, int]:
    """Return (check ms, import ms, problems) for one run on a fresh database file."""
    started = time.perf_counter()
    result = load_paths([folder])
    checked = time.perf_counter()
    if result.event is None:
        raise SystemExit("generated event has errors:\n" + "\n".join(map(str, result.errors[:5])))
    db = open_db(db_path)
    migrate(db)
    save_event(db, result.event)
    db.close()
    done = time.perf_counter()
    return (checked - started) * 1000, (done - checked) * 1000, len(result.problems)


def baseline(folder: Path, db_path: Path) -> float:
    """Return ms to csv.reader the same files and executemany their raw rows into SQLite."""
    started = time.perf_counter()
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    for name in ("vendors", "products", "schedule"):
        with (folder / f"{name}.csv").open(encoding="utf-8-sig", newline="") as f:
            header, *rows = list(csv.reader(f))
        columns = ", ".join(f"c{i}" for i in range(len(header)))
        conn.execute(f"CREATE TABLE {name} ({columns})")
        marks = ", ".join("?" * len(header))
        conn.executemany(f"INSERT INTO {name} VALUES ({marks})", rows)
    conn.commit()
    conn.close()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slots", type=int, default=10_000)
    parser.add_argument("--products", type=int, default=5_000)
    parser.add_argument("--vendors", type=int, default=1_000)
    parser.add_argument("--channels", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    checks, imports, totals, baselines = [], [], [], []
    with tempfile.TemporaryDirectory(prefix="pasar-bench-") as tmp:
        folder = Path(tmp)
        generate(folder, args.slots, args.products, args.vendors, args.channels)
        for run in range(args.repeat):
            check_ms, import_ms, problems = check_and_import(folder, folder / f"run{run}.db")
            checks.append(check_ms)
            imports.append(import_ms)
            totals.append(check_ms + import_ms)
            baselines.append(baseline(folder, folder / f"base{run}.db"))
            print(
                f"run {run + 1}: check {check_ms:.0f} ms, import {import_ms:.0f} ms,"
                f" baseline {baselines[-1]:.0f} ms, {problems} warnings"
            )
    figures = {
        "check_ms": round(statistics.median(checks), 1),
        "import_ms": round(statistics.median(imports), 1),
        "total_ms": round(statistics.median(totals), 1),
        "baseline_ms": round(statistics.median(baselines), 1),
        "total_min_ms": round(min(totals), 1),  # least disturbed by other work on the box
        "baseline_min_ms": round(min(baselines), 1),
        "target_ms": TARGET_MS,
        "slots": args.slots,
        "products": args.products,
        "vendors": args.vendors,
        "channels": args.channels,
        "repeat": args.repeat,
        "python": platform.python_version(),
    }
    figures["total_over_baseline"] = round(figures["total_ms"] / figures["baseline_ms"], 1)
    verdict = "under" if figures["total_ms"] < TARGET_MS else "OVER"
    print(f"median total {figures['total_ms']:.0f} ms: {verdict} the {TARGET_MS} ms goal")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
