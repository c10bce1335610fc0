"""How late the rotation publishes a change, and what it costs while idle.

A channel of 200 slots of 100 ms runs under the real clock; each publish is compared
with the moment it was due. The baseline is a bare asyncio timer doing nothing but
waking at the same due times, measured in the same run. Then the process sits idle
(next change an hour away) and its CPU use is measured.

Prints one JSON object on its last line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.timing import percentile
from kernel.clock import RealClock
from kernel.db import Store, open_db
from kernel.publisher import Publisher
from orchestrator.rotation.service import TOPIC, Rotation
from schedules import store
from schedules.feed import ScheduleFeed
from schedules.model import Channel, Event, Slot, Vendor


def make_event(start: datetime, slots: int, ms: int) -> Event:
    step = timedelta(milliseconds=ms)
    return Event(
        name="bench",
        channels=[Channel("utama", "Utama")],
        vendors=[Vendor(f"v{i}", f"Penjual {i}") for i in range(slots)],
        slots=[
            Slot(f"s{i}", "utama", start + step * i, start + step * (i + 1), f"v{i}")
            for i in range(slots)
        ]
        + [Slot("later", "utama", start + timedelta(hours=1), start + timedelta(hours=2), "v0")],
    )


async def run_rotation(db_path: Path, slots: int, ms: int) -> tuple[list[float], float]:
    start = datetime.now(UTC) + timedelta(milliseconds=500)
    db = open_db(db_path)
    store.migrate(db)
    store.save_event(db, make_event(start, slots, ms))
    the_store, publisher = Store(db), Publisher()
    feed = ScheduleFeed(the_store, publisher)
    await feed.reload()
    rotation = Rotation(the_store, RealClock(), publisher, feed)
    lags: list[float] = []
    done = asyncio.Event()

    def on_change(published) -> None:
        if published.due is not None:
            lags.append((datetime.now(UTC) - published.due).total_seconds() * 1000)
        if published.state.slot is None and published.due is not None:
            done.set()

    publisher.listen(TOPIC, lambda message: on_change(message.data))
    await rotation.start()
    await asyncio.wait_for(done.wait(), timeout=slots * ms / 1000 + 30)
    idle_cpu = await idle_cpu_percent(seconds=5)
    await rotation.stop()
    return lags, idle_cpu


async def idle_cpu_percent(seconds: float) -> float:
    cpu0, wall0 = time.process_time(), time.monotonic()
    await asyncio.sleep(seconds)
    return 100 * (time.process_time() - cpu0) / (time.monotonic() - wall0)


async def run_baseline(slots: int, ms: int) -> list[float]:
    """A bare timer waking at the same due times: the floor the loop cannot beat."""
    loop = asyncio.get_running_loop()
    start = time.time() + 0.5
    lags = []
    for i in range(1, slots + 1):
        due = start + i * ms / 1000
        await asyncio.sleep(max(0.0, due - time.time()))
        lags.append((time.time() - due) * 1000)
    del loop
    return lags


def summary(prefix: str, lags: list[float]) -> dict[str, float]:
    return {
        f"{prefix}p50_ms": round(statistics.median(lags), 3),
        f"{prefix}p99_ms": round(percentile(lags, 99), 3),
        f"{prefix}max_ms": round(max(lags), 3),
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--slots", type=int, default=200)
    parser.add_argument("--slot-ms", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        lags, idle_cpu = await run_rotation(Path(tmp) / "bench.db", args.slots, args.slot_ms)
    baseline = await run_baseline(args.slots, args.slot_ms)
    figures = {
        "slots": args.slots,
        "slot_ms": args.slot_ms,
        "changes": len(lags),
        **summary("", lags),
        **summary("baseline_", baseline),
        "idle_cpu_pct": round(idle_cpu, 3),
    }
    print(f"publish lag p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms; idle CPU "
          f"{figures['idle_cpu_pct']} %")  # fmt: skip
    print(json.dumps(figures))


if __name__ == "__main__":
    asyncio.run(main())
