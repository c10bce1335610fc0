"""How long the organisers' sales desk (``/orders/paket``) and its CSV take with 2,000 parcels.

The parcels are built as ``bench/vendor_desk.py`` builds them (chat claims, bound buyers
with addresses, three in four paid, half confirmed, a quarter shipped), then the real app
is served through aiohttp's test server and each request is timed inside the server by
an outermost middleware. Timed: the page unfiltered, the page filtered to one status and
one province (its kabupaten/kota table open), and the whole CSV. The baseline is
``/healthz`` through the same stack in the same run.

Usage: python bench/sales_desk.py [--parcels 2000] [--runs 100]
The last line of output is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # a checkout without `pip install -e .`
    sys.path.insert(0, str(ROOT))

from bench.served import ORGANISER_TOKEN, time_paths, timed_app  # noqa: E402 - after the path fix above
from bench.timing import percentile  # noqa: E402
from bench.vendor_desk import T0, build_event, fill  # noqa: E402 - the same parcels
from kernel.clock import ManualClock  # noqa: E402

PAGE = "/orders/paket"
FILTERED = "/orders/paket?status=paid&province=Jawa+Timur"
CSV = "/orders/paket.csv"


async def measure(parcels: int, runs: int) -> dict:
    clock = ManualClock(T0 + timedelta(minutes=5))
    async with timed_app(build_event(), clock) as (app, client, timings):
        began = time.perf_counter()
        await fill(app, parcels)
        fill_s = time.perf_counter() - began
        await client.get(f"/login?token={ORGANISER_TOKEN}&next=/orders")
        data = await (await client.get(CSV)).read()
        assert data.count(b"\r\n") == parcels + 1, "one CSV row per parcel"
        await time_paths(client, timings, (PAGE, FILTERED, CSV, "/healthz"), runs)
    return {
        "parcels": parcels,
        "runs": runs,
        "fill_s": round(fill_s, 1),
        "csv_kb": round(len(data) / 1024),
        "p50_ms": round(percentile(timings[PAGE], 50), 1),
        "p99_ms": round(percentile(timings[PAGE], 99), 1),
        "filtered_p99_ms": round(percentile(timings[FILTERED], 99), 1),
        "csv_p99_ms": round(percentile(timings[CSV], 99), 1),
        "baseline_p99_ms": round(percentile(timings["/healthz"], 99), 2),
        "goal_p99_ms": 200,
        "load_avg_1m": round(os.getloadavg()[0], 1),  # other work on the machine
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parcels", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=100)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(measure(args.parcels, args.runs))))


if __name__ == "__main__":
    main()
