"""What the catalogue pages cost: /pasar, a search, a vendor page and /jadwal vs /healthz.

Starts the real app on the example event (73 vendors, 212 products) in a fresh database,
waits for its photos (made in the background after start-up, followed through the
schedule feed), then fetches each page ``--requests`` times in turn, one connection
reused, against ``/healthz`` of the same app in the same run as its baseline. The first
/pasar after a revision renders it (``first_render_ms``); later ones are looked up.

    python bench/catalogue.py [--requests 400]

The last line printed is one JSON object with the figures. Goal: p99 < 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # a checkout without `pip install -e .`
    sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402

from bench.served import example_served, fetch_ms  # noqa: E402 - after the path fix above
from bench.timing import percentile  # noqa: E402
from kernel.keys import SCHEDULE  # noqa: E402

PAGES = {
    "pasar": "/pasar",
    "search": "/pasar?q=kopi",
    "vendor": None,  # the first vendor of the example, filled in at run time
    "jadwal": "/jadwal",
}


async def measure(folder: Path, requests: int) -> dict[str, list[float]]:
    async with example_served(folder) as (app, base), aiohttp.ClientSession() as session:
        vendor = app[SCHEDULE].current().event.vendors[0].id
        pages = {**PAGES, "vendor": f"/pasar/{vendor}"}
        first = await fetch_ms(session, base + "/pasar", 1)
        await fetch_ms(session, base + "/healthz", 20)  # warm up
        times = {"healthz": await fetch_ms(session, base + "/healthz", requests)}
        for name, path in pages.items():
            times[name] = await fetch_ms(session, base + path, requests)
        times["first_render"] = first
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-catalogue-") as tmp:
        times = asyncio.run(measure(Path(tmp), args.requests))
    for name in ("healthz", *PAGES):
        print(f"{name:8} p50 {statistics.median(times[name]):6.2f} ms"
              f"  p99 {percentile(times[name], 99):6.2f} ms", flush=True)  # fmt: skip
    worst = max(PAGES, key=lambda name: percentile(times[name], 99))
    figures = {
        "p99_ms": round(percentile(times[worst], 99), 2),
        "worst_page": worst,
        **{f"{name}_p99_ms": round(percentile(times[name], 99), 2) for name in PAGES},
        "first_render_ms": round(times["first_render"][0], 2),
        "baseline_p99_ms": round(percentile(times["healthz"], 99), 2),
        "requests": args.requests,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
    }
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
