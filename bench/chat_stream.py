"""Typed in the chat -> order on /orders: streaming (streamList) against polling, same run.

The running app (real clock, its own in-process sandbox with YouTube's REST and gRPC
chat) airs a 6-hour show day on one channel, so the quota planner picks the interval it
would for such a day (about 12 s). Sandbox viewers ``Bench N`` type ``K01 1`` five times a
second; a logged-in host's ``/orders/events`` stream (SSE) is read until each message's
order shows. First with ``PASAR_YOUTUBE_CHAT=stream``, then, as the baseline, ``poll``.
Quota per show hour is what the sandbox charged for chat reading (``streamList`` opens or
``list`` pages) from the chat going live to the last order shown, scaled to an hour.

Goals: streaming p99 under 1,000 ms; streaming quota per hour no more than polling's.

    python bench/chat_stream.py [--stream-seconds 40] [--poll-seconds 60] [--rate 5]

Finishes in under three minutes with the defaults; the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

import aiohttp  # noqa: E402
from aiohttp import web  # noqa: E402

from bench.timing import percentile  # noqa: E402
from kernel.db import open_db  # noqa: E402
from kernel.keys import POLLERS, PUBLISHER, SANDBOX  # noqa: E402
from orchestrator.app import create_app  # noqa: E402
from orchestrator.settings import Settings  # noqa: E402
from schedules import store as schedule_store  # noqa: E402
from schedules.model import Channel, Event, Product, Slot, Vendor  # noqa: E402

METHODS = {"stream": "liveChatMessages.streamList", "poll": "liveChatMessages.list"}
MARK = re.compile(r"^Bench(\d+)$")  # the viewer's name tells the typed message
GOAL_STREAM_P99_MS = 1000


def show_day(now: datetime) -> Event:
    """One channel airing one vendor from a minute ago for six hours; stock for all."""
    start = now.replace(microsecond=0) - timedelta(minutes=1)
    return Event(
        name="Bench",
        channels=[Channel("utama", "Panggung Utama")],
        vendors=[Vendor("v1", "Kopi Bench", "kopi", "", "+628123000000", "Ajung")],
        products=[Product("K01", "v1", "Kopi", 40000, 1_000_000)],
        slots=[Slot(id="utama-0", channel="utama", start=start,
                    end=start + timedelta(hours=6), vendor_id="v1", products=("K01",))],
    )  # fmt: skip


async def live_chat(app: web.Application, timeout: float = 60.0) -> str:
    """Wait until the chat reader reports a live chat; return its id."""
    async with app[PUBLISHER].subscribe() as queue:
        while True:
            message = await asyncio.wait_for(queue.get(), timeout)
            data = message.data if isinstance(message.data, dict) else {}
            if message.topic == "panel.chat" and data.get("state") in ("streaming", "polling"):
                return str(data["live_chat_id"])


async def next_event(stream: aiohttp.StreamReader, timeout: float) -> str:
    """The data of the next Server-Sent Event."""
    data = ""
    while True:
        line = (await asyncio.wait_for(stream.readline(), timeout)).decode()
        if line.startswith("data: "):
            data = line[6:]
        elif line == "\n" and data:
            return data


async def measure(mode: str, seconds: float, rate: float, folder: Path) -> dict[str, Any]:
    """Run the app in ``mode`` and time typed -> shown for ``seconds`` of typing."""
    db = folder / f"{mode}.db"
    handle = open_db(db)
    schedule_store.migrate(handle)
    schedule_store.save_event(handle, show_day(datetime.now(UTC)))
    handle.close()
    settings = Settings(db=db, port=0, overlay_port=0, organiser_token="org",
                        host_token="host", audience_rate=0, youtube_chat=mode)  # fmt: skip
    app = create_app(settings)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        chat_id = await live_chat(app)
        live_at = time.perf_counter()
        base = f"http://127.0.0.1:{runner.addresses[0][1]}"
        figures = await _type_and_watch(app, base, chat_id, seconds, rate)
        # Everything the sandbox charged for chat reading since the chat went live.
        units = app[SANDBOX].state.quota.spent_by_method.get(METHODS[mode], 0)
        figures["units_per_hour"] = round(units / (time.perf_counter() - live_at) * 3600, 1)
        return figures
    finally:
        await runner.cleanup()


async def _type_and_watch(app: web.Application, base: str, chat_id: str, seconds: float,
                          rate: float) -> dict[str, Any]:  # fmt: skip
    sandbox, pollers = app[SANDBOX], app[POLLERS]
    typed: dict[int, float] = {}
    shown: dict[int, float] = {}
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as session:
        await session.get(f"{base}/login?token=host&next=/orders")
        async with session.get(f"{base}/orders/events") as stream:
            await next_event(stream.content, 10)
            started = time.perf_counter()

            async def typist() -> None:
                for n in range(int(seconds * rate)):
                    # Pacing the simulated viewer, not waiting for a result.
                    await asyncio.sleep(max(0.0, started + n / rate - time.perf_counter()))
                    sandbox.add_chat_message(chat_id, "K01 1", display_name=f"Bench{n}",
                                             author_channel_id=f"UCbench{n:05d}")  # fmt: skip
                    typed[n] = time.perf_counter()

            typing = asyncio.create_task(typist())
            interval = pollers.budget.plan(None).interval_s
            while not typing.done() or len(shown) < len(typed):
                data = await next_event(stream.content, interval + 10)
                now = time.perf_counter()
                for order in json.loads(data).get("orders", []):
                    match = MARK.match(order.get("viewer", ""))
                    if match and int(match[1]) in typed:
                        shown.setdefault(int(match[1]), now)
    latencies = [(shown[n] - typed[n]) * 1000 for n in typed]
    return {
        "p50_ms": round(percentile(latencies, 50), 1),
        "p99_ms": round(percentile(latencies, 99), 1),
        "orders": len(latencies),
        "interval_s": round(interval, 2),
        "opens": sandbox.stream_service.opens if sandbox.stream_service else 0,
    }


async def run(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="pasar-bench-") as tmp:
        streamed = await measure("stream", args.stream_seconds, args.rate, Path(tmp))
        polled = await measure("poll", args.poll_seconds, args.rate, Path(tmp))
    print(f"stream : {streamed}")
    print(f"poll   : {polled} (baseline)")
    return {
        "stream_order_p50_ms": streamed["p50_ms"],
        "stream_order_p99_ms": streamed["p99_ms"],
        "poll_order_p50_ms": polled["p50_ms"],
        "poll_order_p99_ms": polled["p99_ms"],
        "baseline_p99_ms": polled["p99_ms"],
        "stream_quota_units_per_hour": streamed["units_per_hour"],
        "poll_quota_units_per_hour": polled["units_per_hour"],
        "poll_interval_s": polled["interval_s"],
        "stream_opens": streamed["opens"],
        "orders_timed": streamed["orders"] + polled["orders"],
        "stream_p99_goal_met": streamed["p99_ms"] < GOAL_STREAM_P99_MS,
        "quota_goal_met": streamed["units_per_hour"] <= polled["units_per_hour"],
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stream-seconds", type=float, default=40.0)
    parser.add_argument("--poll-seconds", type=float, default=60.0)
    parser.add_argument("--rate", type=float, default=5.0, help="typed messages per second")
    figures = asyncio.run(run(parser.parse_args(argv)))
    print(json.dumps(figures))
    return figures


if __name__ == "__main__":
    main()
