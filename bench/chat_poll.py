"""How fast the chat poller drains a busy YouTube chat into orders, end to end.

The sandbox's simulated audience fills one live chat with 100,000 messages (orders in
the grammar's many forms, cancels, questions, greetings, Super Chats); then the poller
reads it through the real google client and the YouTube adapter, 2,000 messages a page,
and hands every page to the order desk (dedupe, parse, order book, orders, cursor in one
SQLite transaction). The sandbox asks for a 1 ms polling interval and the clock is real,
so the poller's own pace is what is measured. Goal: over 10,000 messages/s.

Baseline, same run and same chat: the raw ``list_chat`` page reads alone (HTTP, JSON,
the client library), without reading items or storing anything: the ceiling the
poller's own work sits under. The desk's share of each page (``desk_ingest_ms_per_page``)
is reported apart from the reads and the poller's own work.

    python bench/chat_poll.py [--messages 100000] [--seed 7]

Finishes well under three minutes. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import platform
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kernel.clock import RealClock
from kernel.db import Store, open_db
from kernel.publisher import Publisher
from orchestrator.chat.poller import PollerSettings
from orchestrator.chat.pollers import ChatPollers
from orchestrator.orders.desk import OrderDesk
from orchestrator.platforms.youtube import YouTube
from orchestrator.sandbox import start_sandbox
from schedules import store
from schedules.model import Channel, Event, Product, Slot, Vendor

GOAL_MSGS_PER_S = 10_000
PAGE = 2000
CODES = [f"{letter}{n:02d}" for letter in "KMT" for n in range(1, 11)]
PLENTY = 10**9  # quota is not what this measures: the planner has its own tests


def make_event(start: datetime) -> Event:
    """Three vendors' thirty products, on air on channel utama for six hours."""
    vendors = [Vendor(f"v{i}", f"Penjual {i}") for i in range(3)]
    products = [Product(c, f"v{i // 10}", f"Produk {c}", 25_000, None) for i, c in enumerate(CODES)]
    slots = [
        Slot(f"s{i}", "utama", start + timedelta(hours=2 * i), start + timedelta(hours=2 * i + 2),
             f"v{i}", tuple(CODES[10 * i : 10 * i + 10]))
        for i in range(3)
    ]  # fmt: skip
    return Event("bench", channels=[Channel("utama", "Utama")], vendors=vendors, products=products,
                 slots=slots)  # fmt: skip


class TimedDesk(OrderDesk):
    """The order desk, counting the time its page transactions take (the poller's biggest share)."""

    ingest_seconds = 0.0

    async def ingest(self, messages, cursor=None):
        start = time.perf_counter()
        try:
            return await super().ingest(messages, cursor)
        finally:
            self.ingest_seconds += time.perf_counter() - start


def fresh_desk(folder: Path, clock: RealClock) -> TimedDesk:
    path = folder / "poll.db"
    db = open_db(path)
    store.migrate(db)
    store.save_event(db, make_event(clock.now() - timedelta(minutes=5)))
    db.close()
    return TimedDesk(Store(open_db(path)), Publisher(), clock=clock)


async def live_chat(youtube: YouTube) -> str:
    """Make a sandbox broadcast and return its chat (reading needs no live broadcast)."""
    now = datetime.now(UTC)
    broadcast = await youtube.create_broadcast("Bench", "bench-poll", now, now + timedelta(hours=6))
    return broadcast["snippet"]["liveChatId"]


async def baseline_reads(youtube: YouTube, chat_id: str, count: int) -> tuple[float, int]:
    """Read the whole chat page by page with nothing else: return seconds and pages."""
    token, read, pages = None, 0, 0
    start = time.perf_counter()
    while read < count:
        page = await youtube.list_chat(chat_id, token, PAGE)
        token, read, pages = page.next_page_token, read + len(page.items), pages + 1
    return time.perf_counter() - start, pages


async def drain(pollers: ChatPollers, chat_id: str, count: int) -> float:
    """Start the poller and wait on its status feed until ``count`` messages are stored."""
    async with pollers.publisher.subscribe() as queue:
        start = time.perf_counter()
        poller = pollers.start("utama", chat_id)
        while poller is not None and poller.status.messages < count:
            message = await asyncio.wait_for(queue.get(), 60)
            if message.data.get("state") == "error":
                raise RuntimeError(f"poller failed: {message.data}")
        return time.perf_counter() - start


async def run(args: argparse.Namespace, folder: Path) -> dict:
    clock = RealClock()
    sandbox = await start_sandbox(clock=clock, polling_interval_ms=1, daily_quota=PLENTY)
    youtube = YouTube.for_sandbox(sandbox.youtube_endpoint, clock=clock)
    youtube.quota.limit = PLENTY
    desk = fresh_desk(folder, clock)
    try:
        await desk.start()
        chat_id = await live_chat(youtube)
        start = time.perf_counter()
        audience = sandbox.audience(chat_id, CODES, seed=args.seed, viewers=800)
        audience.emit(args.messages)
        fill = time.perf_counter() - start
        # The fake YouTube's 100,000 messages live in this process, the real ones do not:
        # keep the collector from rescanning them on every cycle of the measured part.
        gc.freeze()
        base_s, pages = await baseline_reads(youtube, chat_id, args.messages)
        pollers = ChatPollers(youtube, desk, clock, Publisher(), settings=PollerSettings())
        poll_s = await drain(pollers, chat_id, args.messages)
        status = {**pollers.status("utama"), "ingest_s": desk.ingest_seconds}
        await pollers.close()
    finally:
        youtube.close()
        await sandbox.close()
        desk.store.close()
    return figures(args, fill, base_s, pages, poll_s, status)


def figures(args, fill: float, base_s: float, pages: int, poll_s: float, status: dict) -> dict:
    rate = args.messages / poll_s
    return {
        "messages": args.messages,
        "page_size": PAGE,
        "pages": pages,
        "poller_seconds": round(poll_s, 3),
        "poller_msgs_per_s": round(rate),
        "baseline_seconds": round(base_s, 3),
        "baseline_msgs_per_s": round(args.messages / base_s),
        "poller_share_of_baseline": round(base_s / poll_s, 3),
        "desk_ingest_seconds": round(status["ingest_s"], 3),
        "desk_ingest_ms_per_page": round(status["ingest_s"] * 1000 / pages, 1),
        "read_and_poller_ms_per_page": round((poll_s - status["ingest_s"]) * 1000 / pages, 1),
        "baseline_read_ms_per_page": round(base_s * 1000 / pages, 1),
        "orders": status["orders"],
        "polls": status["polls"],
        "fill_seconds": round(fill, 3),
        "goal_msgs_per_s": GOAL_MSGS_PER_S,
        "meets_goal": rate > GOAL_MSGS_PER_S,
        "seed": args.seed,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        result = asyncio.run(run(args, Path(tmp)))
    print(f"{result['messages']:,} messages in {result['pages']} pages of {PAGE}")
    print(f"poller   {result['poller_msgs_per_s']:10,} msgs/s  ({result['poller_seconds']} s)")
    print(f"baseline {result['baseline_msgs_per_s']:10,} msgs/s  (list_chat reads only)")
    ingest, rest = result["desk_ingest_ms_per_page"], result["read_and_poller_ms_per_page"]
    bare = result["baseline_read_ms_per_page"]
    print(f"per page: desk.ingest {ingest} ms, reads + poller {rest} ms, bare read {bare} ms")
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
