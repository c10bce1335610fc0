"""How long checking a 100,000-row schedule takes, with good rows and with bad ones.

An upload of 100,000 bad rows once kept a thread busy for minutes (every row sharing the
placeholder start probed ``-2, -3, ...`` ids): the check must stay linear, under 5 s
either way. The baseline in the same run is ``csv.reader`` over the same file, the
floor any check stands on.

    python bench/check_schedule.py [--rows 100000] [--repeat 3]

The last line printed is one JSON object with the figures (medians over the repeats).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # a checkout without `pip install -e .`
    sys.path.insert(0, str(ROOT))

from schedules.loader import load_paths  # noqa: E402 - after the path fix above

GOAL_MS = 5000
VENDORS = (
    "vendor_id,name,category,owner,whatsapp,kecamatan,description\n"
    "v1,Kopi,kopi,Bu Sri,+628123007919,Ajung,Kopi\n"
)
PRODUCTS = "code,vendor_id,name,price_idr,stock,order_url\nK01,v1,Kopi,43000,25,\n"
HEADER = "channel,date,start,end,vendor_id,products,title\n"


def schedule(rows: int, bad: bool) -> str:
    """Five-minute slots back to back, or rows whose start cannot be read at all."""
    start, lines = datetime(2027, 3, 1), [HEADER]
    for i in range(rows):
        a = start + timedelta(minutes=5 * i)
        b = a + timedelta(minutes=5)
        first = "jam?" if bad else f"{a:%H:%M}"
        lines.append(f"utama,{a:%Y-%m-%d},{first},{b:%H:%M},v1,K01,\n")
    return "".join(lines)


def timed(fn, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - began) * 1000)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    figures: dict[str, object] = {"rows": args.rows}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "vendors.csv").write_text(VENDORS, encoding="utf-8")
        (folder / "products.csv").write_text(PRODUCTS, encoding="utf-8")
        for kind, bad in (("good", False), ("bad", True)):
            text = schedule(args.rows, bad)
            (folder / "schedule.csv").write_text(text, encoding="utf-8")
            result = load_paths([folder])
            errors = len(result.errors)
            assert (errors == 0) != bad, f"{kind} rows gave {errors} errors"
            figures[f"{kind}_check_ms"] = round(timed(lambda: load_paths([folder]), args.repeat))
            figures[f"{kind}_errors"] = errors
            floor = timed(lambda t=text: list(csv.reader(io.StringIO(t))), args.repeat)
            figures[f"baseline_{kind}_csv_reader_ms"] = round(floor, 1)
            print(f"{kind}: check {figures[f'{kind}_check_ms']} ms, csv.reader {floor:.0f} ms,"
                  f" {errors} errors", flush=True)  # fmt: skip
    figures["goal_ms"] = GOAL_MS
    figures["goal_met"] = max(figures["good_check_ms"], figures["bad_check_ms"]) < GOAL_MS
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
