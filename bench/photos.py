"""What product photos cost an import, and what serving one costs.

Imports the example event (212 products, each with its drawn placeholder photo) into a
fresh database and photo folder, and, in the same run as its baseline, the same event
with the photo column left out. The difference is what the photos cost: reading,
hashing, decoding, cropping and writing three WebP sizes each, in a few threads. A
second import into the same folder shows a re-import (files read and hashed, nothing
resized). Then ``/foto/<id>-card.webp`` is fetched from the real app, against
``/healthz`` of the same app as its baseline.

    python bench/photos.py [--repeat 3] [--requests 400]

The last line printed is one JSON object with the figures (medians over the repeats).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # a checkout without `pip install -e .`
    sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402

from bench.served import example_served, fetch_ms  # noqa: E402 - after the path fix above
from bench.timing import percentile  # noqa: E402
from kernel.db import open_db  # noqa: E402
from kernel.keys import SCHEDULE  # noqa: E402
from schedules.loader import load_paths  # noqa: E402
from schedules.photo_import import PhotoImport, attach_photos  # noqa: E402
from schedules.photo_store import PhotoStore  # noqa: E402
from schedules.startup import EXAMPLE_EVENT  # noqa: E402
from schedules.store import migrate, save_event  # noqa: E402


def cpu_s() -> float:
    """CPU seconds this process (all its threads) has used: a figure the load of other
    processes on the machine changes less than wall time."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def import_once(folder: Path, photos: bool, store: PhotoStore | None = None) -> float:
    """Seconds to load, (make the photos of,) and save the example into a fresh database."""
    store = store or PhotoStore(folder / "foto")
    started = time.perf_counter()
    result = load_paths([EXAMPLE_EVENT])
    if photos:
        result = attach_photos(result, PhotoImport(store))
    else:
        event = result.event
        result = replace(result, event=replace(event, products=[
            replace(p, photo="") for p in event.products]))  # fmt: skip
    assert result.event is not None, result.errors[:3]
    db = open_db(folder / f"pasar-{time.monotonic_ns()}.db")
    migrate(db)
    save_event(db, result.event)
    db.close()
    return time.perf_counter() - started


async def serving(folder: Path, requests: int) -> tuple[list[float], list[float]]:
    """The real app on the example with photos: photo fetches against /healthz."""
    async with example_served(folder) as (app, base), aiohttp.ClientSession() as session:
        pid = app[SCHEDULE].current().event.products[0].photo_id
        await fetch_ms(session, base + "/healthz", 20)  # warm up
        health = await fetch_ms(session, base + "/healthz", requests)
        photo = await fetch_ms(session, f"{base}/foto/{pid}-card.webp", requests)
    return photo, health


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()
    with_photos, without, again, cpu = [], [], [], []
    for n in range(args.repeat):
        with tempfile.TemporaryDirectory(prefix="bench-photos-") as tmp:
            folder = Path(tmp)
            without.append(import_once(folder, photos=False))
            before = cpu_s()
            with_photos.append(import_once(folder, photos=True))
            cpu.append(cpu_s() - before)
            again.append(import_once(folder, photos=True))
        print(f"run {n + 1}: without photos {without[-1]:.2f} s, with {with_photos[-1]:.2f} s,"
              f" again {again[-1]:.2f} s", flush=True)  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="bench-photos-serve-") as tmp:
        photo, health = asyncio.run(serving(Path(tmp), args.requests))
    products = len(load_paths([EXAMPLE_EVENT]).event.products)
    per_photo = (statistics.median(with_photos) - statistics.median(without)) / products
    figures = {
        "products": products,
        "import_with_photos_s": round(statistics.median(with_photos), 2),
        "baseline_import_without_photos_s": round(statistics.median(without), 2),
        "reimport_with_photos_s": round(statistics.median(again), 2),
        "ms_per_photo": round(per_photo * 1000, 1),
        "cpu_ms_per_photo": round(statistics.median(cpu) / products * 1000, 1),
        "p99_ms": round(percentile(photo, 99), 2),
        "baseline_p99_ms": round(percentile(health, 99), 2),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
    }
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
