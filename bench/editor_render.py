"""How long the organiser's /editor page takes to render for a 1,000-slot event.

Builds the event in a temp SQLite file, serves the real app (auth, errors, templates)
through aiohttp's test server, and times each request inside the server with an outermost
middleware. The headline p50/p99 are for a view right after an edit (the schedule feed has just
read the event again and the page shows it for the first time); warm_* are for repeat views
of an unchanged schedule. The baseline is the login page (a trivial template) through the
same stack, measured in the same run, so a slow machine shows up in both numbers.

Usage: python bench/editor_render.py [--slots 1000] [--runs 100]
The last line of output is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # a checkout without `pip install -e .`
    sys.path.insert(0, str(ROOT))

from bench.served import ORGANISER_TOKEN, timed_app  # noqa: E402 - after the path fix above
from bench.timing import percentile  # noqa: E402
from kernel.clock import ManualClock  # noqa: E402
from kernel.keys import SCHEDULE, STORE  # noqa: E402
from schedules import store  # noqa: E402
from schedules.model import Channel, Event, Product, Slot, Vendor  # noqa: E402

FIRST_START = datetime(2027, 2, 15, 8, 30, tzinfo=UTC)  # 15:30 WIB
SLOTS_PER_DAY = 25


def build_event(slots: int, channels: int = 4, vendors: int = 200) -> Event:
    """A market of ``vendors`` sellers with three products each, slots spread over channels."""
    event = Event(
        name="Pasar Bench", channels=[Channel(f"kanal{i}", f"Kanal {i}") for i in range(channels)]
    )
    event.vendors = [
        Vendor(f"penjual-{i}", f"Penjual Nomor {i}", "makanan") for i in range(vendors)
    ]
    event.products = [
        Product(
            f"P{i}{j}" if i < 100 else f"Q{i - 100}{j}",
            f"penjual-{i}",
            f"Produk {j}",
            1000 * (i + j),
        )
        for i in range(vendors)
        for j in range(1, 4)
    ]
    codes = {p.vendor_id: [] for p in event.products}
    for product in event.products:
        codes[product.vendor_id].append(product.code)
    for n in range(slots):
        channel, index = n % channels, n // channels
        day, turn = divmod(index, SLOTS_PER_DAY)
        start = FIRST_START + timedelta(days=day, minutes=10 * turn)
        vendor = f"penjual-{n % vendors}"
        event.slots.append(
            Slot(
                f"kanal{channel}-{n}",
                f"kanal{channel}",
                start,
                start + timedelta(minutes=10),
                vendor,
                tuple(codes[vendor][: 2 + n % 2]),
            )
        )
    return event


async def measure(slots: int, runs: int) -> dict:
    event = build_event(slots)
    # Half the slots have aired: the page shows both locked and editable rows.
    clock = ManualClock(event.slots[len(event.slots) // 2].start)
    async with timed_app(event, clock) as (app, client, timings):
        resp = await client.get(f"/login?token={ORGANISER_TOKEN}&next=/editor")
        page = await resp.text()
        assert resp.status == 200 and "Penjual Nomor" in page, resp.status
        timings.clear()
        for _ in range(runs):
            # An unchanged vendor saved again bumps the revision and the feed reads the
            # event again, as after any edit: the next view is the first of a new event.
            await app[STORE].run(store.upsert_vendor, event.vendors[0])
            await app[SCHEDULE].reload()
            for path in ("/editor", "/editor", "/login"):
                async with client.get(path) as resp:
                    await resp.read()
                    assert resp.status == 200, path
    return summarise(timings, slots, runs, len(page.encode()))


def summarise(timings: dict[str, list[float]], slots: int, runs: int, size: int) -> dict:
    editor = timings["/editor"][0::2]  # cold, warm, cold, warm, ... (same path)
    warm, baseline = timings["/editor"][1::2], timings["/login"]
    return {
        "slots": slots,
        "runs": runs,
        "p50_ms": round(percentile(editor, 50), 2),
        "p99_ms": round(percentile(editor, 99), 2),
        "warm_p50_ms": round(percentile(warm, 50), 2),
        "warm_p99_ms": round(percentile(warm, 99), 2),
        "baseline_p50_ms": round(percentile(baseline, 50), 2),
        "baseline_p99_ms": round(percentile(baseline, 99), 2),
        "page_bytes": size,
        "budget_ms": 200,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slots", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=100)
    args = parser.parse_args()
    result = asyncio.run(measure(args.slots, args.runs))
    print(f"/editor with {result['slots']} slots, {result['runs']} renders each (server time):")
    print(f"  after an edit: p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms")
    print(f"  unchanged:     p50 {result['warm_p50_ms']} ms, p99 {result['warm_p99_ms']} ms")
    print(f"  page size {result['page_bytes']} bytes (sent gzip-compressed)")
    print(
        f"baseline /login: p50 {result['baseline_p50_ms']} ms, p99 {result['baseline_p99_ms']} ms"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
