"""How fast chat becomes orders: parsing, a page into SQLite, sustained reading, to the page.

1. **Parser**: messages/s of the order grammar on one core (goal > 50,000/s), over the
   synthetic live-sale corpus of ``bench/chat_parse.py``.
2. **Page ingest**: ``OrderDesk.ingest`` of a 2,000-message page (dedupe, parse, the
   order book, orders, events, cursor) into a real SQLite file, p50/p99 over several
   fresh pages (goal p99 < 100 ms); the same page again (all duplicates); and, as the
   baseline, right after each page, a raw ``executemany`` of the rows the desk wrote for
   it (messages, orders, events) into tables of the same shape: ``page_over_baseline``
   is how many times that storage floor a page takes, whatever the box's speed.
3. **Sustained**: messages/s end to end from the sandbox's live chat through the real
   google client, the YouTube adapter and the chat poller into the desk (goal > 10,000/s).
   Without those modules it measures ``desk.ingest`` over many pages and says so.
4. **Chat to orders page**: a signed Zoom webhook posted to the running app until the
   ``/orders/events`` stream of a logged-in host carries the new order (goal < 200 ms
   on top of a poller's interval; Zoom has no interval). Messages come apart by more than
   the page's refresh gap (during a rush the page refreshes every 100 ms at most).

    python bench/chat_ingest.py [--pages 15] [--sustained 40000] [--latency 60] [--seed 7]

Finishes in well under three minutes with the defaults. The last line printed is one
JSON object with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import platform
import random
import sqlite3
import statistics
import string
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from chat_parse import corpus  # noqa: E402

from bench.timing import percentile  # noqa: E402
from kernel.db import Store, open_db  # noqa: E402
from kernel.keys import ORDER_DESK  # noqa: E402
from kernel.publisher import Publisher  # noqa: E402
from kernel.runtime import settle_memory  # noqa: E402
from orchestrator.chat.grammar import Catalog, parse  # noqa: E402
from orchestrator.orders import store as order_store  # noqa: E402
from orchestrator.orders.desk import OrderDesk  # noqa: E402
from orchestrator.orders.model import ChatMessage, Cursor  # noqa: E402
from orchestrator.orders.store import MESSAGE_COLUMNS  # noqa: E402
from schedules import store as schedule_store  # noqa: E402
from schedules.model import Event, rebase  # noqa: E402

EXAMPLE = ROOT / "schedules" / "examples" / "pasar-jember.yaml"
T0 = datetime(2027, 2, 15, 8, 30, tzinfo=UTC)
PAGE = 2000
GOALS = {"parser_msgs_per_s": 50_000, "page_ingest_p99_ms": 100, "sustained_msgs_per_s": 10_000,
         "chat_to_page_p99_ms": 200}  # fmt: skip


def example_event(now: datetime = T0) -> Event:
    """The example market, moved so its first slot started a minute before ``now``."""
    from schedules.startup import read_event_file

    return rebase(read_event_file(EXAMPLE), now - timedelta(minutes=1))


def fresh_db(folder: Path, name: str, event: Event) -> Path:
    path = folder / name
    db = open_db(path)
    schedule_store.migrate(db)
    schedule_store.save_event(db, event)
    db.close()
    return path


def make_pages(event: Event, pages: int, seed: int) -> list[list[ChatMessage]]:
    """Pages of live-sale chat on channel utama from a pool of 800 viewers.

    Message ids are random, 28 characters, shaped as the sandbox makes them (real
    YouTube ids are random too, and longer): the dedupe index sees them in no order.
    """
    codes = [p.code for p in event.products]
    texts = corpus(pages * PAGE, seed, codes)
    rng = random.Random(seed)
    alphabet = string.ascii_letters + string.digits + "-_"
    viewers = [(f"UC{n:022d}", f"Penonton {n}") for n in range(800)]
    result = []
    for p in range(pages):
        page = []
        for i in range(PAGE):
            n = p * PAGE + i
            author, name = rng.choice(viewers)
            at = T0 + timedelta(milliseconds=25 * n)
            message_id = "sbxM" + "".join(rng.choices(alphabet, k=24))
            page.append(ChatMessage("youtube", message_id, "utama", author, name, texts[n], at))
        result.append(page)
    return result


def bench_parser(event: Event, seed: int) -> float:
    """Median messages/s of three passes of the grammar over 100,000 messages."""
    catalog = Catalog.from_codes(p.code for p in event.products)
    texts = corpus(100_000, seed, [p.code for p in event.products])
    rates = []
    for _ in range(3):
        start = time.perf_counter()
        for text in texts:
            parse(text, catalog)
        rates.append(len(texts) / (time.perf_counter() - start))
    return statistics.median(rates)


async def bench_pages(folder: Path, event: Event, pages: list[list[ChatMessage]]) -> dict:
    """Time each fresh page through the desk, each followed by its storage floor (see
    ``Baseline``) in the same moment; then one page again (all duplicates)."""
    the_store = Store(open_db(fresh_db(folder, "pages.db", event)))
    desk = OrderDesk(the_store, Publisher())
    await desk.start()
    baseline = Baseline(folder)
    times, cpu, orders = [], [], 0
    for n, page in enumerate(pages):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = await desk.ingest(page, Cursor("youtube", "chat", f"token-{n}"))
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        orders += len(result.orders)
        baseline.time_page([m.message_id for m in page])
    again = []
    for page in pages[:5]:
        start = time.perf_counter()
        assert (await desk.ingest(page)).new_messages == 0
        again.append((time.perf_counter() - start) * 1000)
    the_store.close()
    baseline.close()
    ratio = [t / floor for t, floor in zip(times, baseline.times["all_rows"], strict=True)]
    return {"times": times, "cpu": cpu, "orders": orders, "again": again, "ratio": ratio,
            "baseline": baseline.times}  # fmt: skip


class Baseline:
    """Raw executemany in one transaction a page, into tables of the same schema.

    ``messages``: the page's 2,000 message rows only. ``all_rows``: the very rows the desk
    wrote for the page (messages, orders, order events), read back from its database:
    the storage floor of the whole page, with no parsing or deciding. Each goes into its
    own database that grows page by page, as the desk's does, and is timed right after
    the desk's page: this box's speed drifts by half over minutes, and a floor measured
    at another moment says little about a page.
    """

    def __init__(self, folder: Path) -> None:
        self.source = sqlite3.connect(folder / "pages.db")
        self.times: dict[str, list[float]] = {"messages": [], "all_rows": [], "all_rows_cpu": []}
        self.targets = {
            kind: open_db(folder / f"baseline-{kind}.db") for kind in ("messages", "all_rows")
        }
        for target in self.targets.values():
            order_store.migrate(target)
            target.execute(
                "PRAGMA wal_autocheckpoint=0"
            )  # as the desk's store: no checkpoints in commits

    def time_page(self, ids: list[str]) -> None:
        rows = _page_rows(self.source, ids)
        for kind, tables in (("messages", rows[:1]), ("all_rows", rows)):
            conn = self.targets[kind].conn
            start, start_cpu = time.perf_counter(), time.process_time()
            with conn:
                for sql, table_rows in tables:
                    if table_rows:
                        conn.executemany(sql, table_rows)
            self.times[kind].append((time.perf_counter() - start) * 1000)
            if kind == "all_rows":
                self.times["all_rows_cpu"].append((time.process_time() - start_cpu) * 1000)

    def close(self) -> None:
        self.source.close()
        for target in self.targets.values():
            target.close()


def _page_rows(source: sqlite3.Connection, ids: list[str]) -> list[tuple[str, list]]:
    """The rows the desk stored for a page, with the INSERT that writes each table."""
    marks = ",".join("?" * len(ids))
    messages = source.execute(
        f"SELECT {', '.join(MESSAGE_COLUMNS)} FROM chat_messages WHERE message_id IN ({marks})",
        ids,
    ).fetchall()
    orders = source.execute(f"SELECT * FROM orders WHERE message_id IN ({marks})", ids).fetchall()
    order_ids = [o[0] for o in orders]
    events = source.execute(
        f"SELECT * FROM order_events WHERE order_id IN ({','.join('?' * len(order_ids))})",
        order_ids,
    ).fetchall()
    return [
        (_insert("chat_messages", MESSAGE_COLUMNS), messages),
        (_insert("orders", range(len(orders[0]) if orders else 0)), orders),
        (_insert("order_events", range(len(events[0]) if events else 0)), events),
    ]


def _insert(table: str, columns) -> str:
    names = f" ({', '.join(columns)})" if table == "chat_messages" else ""
    return f"INSERT INTO {table}{names} VALUES ({','.join('?' * len(list(columns)))})"


async def bench_sustained(folder: Path, event: Event, count: int, seed: int) -> tuple[float, str]:
    """Sandbox chat through the real client, adapter and poller; else desk.ingest alone.

    The sandbox runs in its own process (on another core when there is one), as YouTube
    is another machine: its cost of serving pages is not ours.
    """
    try:
        from orchestrator.chat.pollers import ChatPollers  # noqa: F401
        from orchestrator.platforms import youtube as youtube_module
    except ImportError:
        return await _sustained_desk(folder, event, count, seed), "desk.ingest pages"
    from kernel.clock import RealClock

    clock = RealClock()  # real time throughout: the poller waits the sandbox's 1 ms interval
    event = example_event(clock.now())
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    codes = [p.code for p in event.products]
    process = context.Process(target=sandbox_process, args=(child, count, seed, codes))
    process.start()
    the_store = Store(open_db(fresh_db(folder, "sustained.db", event)))
    adapter = None
    try:
        endpoint, chat_id = await asyncio.to_thread(parent.recv)
        adapter = youtube_module.YouTube.for_sandbox(endpoint, clock=clock)
        rate = await _poll_all(adapter, the_store, clock, chat_id, count)
    finally:
        if adapter is not None:
            adapter.close()
        parent.send("stop")
        process.join(10)
        the_store.close()
    return rate, "sandbox YouTube chat (own process) -> google client -> adapter -> poller -> desk"


def sandbox_process(conn, count: int, seed: int, codes: list[str]) -> None:
    """Serve a sandbox with ``count`` chat messages typed, until told to stop."""
    if hasattr(os, "sched_setaffinity"):
        cores = os.sched_getaffinity(0)
        os.sched_setaffinity(0, (cores - {min(cores)}) or cores)
    asyncio.run(_serve_sandbox(conn, count, seed, codes))


async def _serve_sandbox(conn, count: int, seed: int, codes: list[str]) -> None:
    from orchestrator.platforms import youtube as youtube_module
    from orchestrator.sandbox import start_sandbox

    sandbox = await start_sandbox(polling_interval_ms=1, daily_quota=10**9)
    adapter = youtube_module.YouTube.for_sandbox(sandbox.youtube_endpoint)
    try:
        chat_id = await _live_chat(adapter, sandbox)
        sandbox.audience(chat_id, codes, seed=seed, viewers=800).emit(count)
        conn.send((sandbox.youtube_endpoint, chat_id))
        await asyncio.to_thread(conn.recv)
    finally:
        adapter.close()
        await sandbox.close()


async def _poll_all(adapter, the_store: Store, clock, chat_id: str, count: int) -> float:
    """Run one chat poller until the desk holds all ``count`` messages; return msgs/s."""
    from orchestrator.chat.pollers import ChatPollers

    desk = OrderDesk(the_store, Publisher(), clock=clock)
    await desk.start()
    spent = _time_ingest(desk)
    pollers = ChatPollers(adapter, desk, clock, Publisher())
    start = time.perf_counter()
    poller = pollers.start("utama", chat_id)
    try:
        while poller.status.messages < count:
            assert time.perf_counter() < start + 120, f"only {poller.status.messages} in 120 s"
            await asyncio.sleep(0.002)
        elapsed = time.perf_counter() - start
        print(f"  (of which desk.ingest {spent[0] / elapsed:.0%} of the time)", flush=True)
        return count / elapsed
    finally:
        await pollers.close()


def _time_ingest(desk: OrderDesk) -> list[float]:
    """Add up the seconds spent in ``desk.ingest`` (to tell our share from the client's)."""
    spent = [0.0]
    ingest = desk.ingest

    async def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return await ingest(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - start

    desk.ingest = timed
    return spent


async def _live_chat(adapter, sandbox) -> str:
    """Take a sandbox broadcast live and return its chat id."""
    broadcast = await adapter.create_broadcast("Bench", "bench-b", T0, T0 + timedelta(hours=6))
    stream = await adapter.create_stream("Bench", "bench-s")
    await adapter.bind(broadcast["id"], stream["id"])
    info = stream["cdn"]["ingestionInfo"]
    sandbox.state.youtube.feed(info["ingestionAddress"], info["streamName"], True)
    await adapter.transition(broadcast["id"], "live")
    return broadcast["snippet"]["liveChatId"]


async def _sustained_desk(folder: Path, event: Event, count: int, seed: int) -> float:
    the_store = Store(open_db(fresh_db(folder, "sustained.db", event)))
    desk = OrderDesk(the_store, Publisher())
    await desk.start()
    pages = make_pages(event, max(1, count // PAGE), seed + 1)
    start = time.perf_counter()
    for page in pages:
        await desk.ingest(page)
    elapsed = time.perf_counter() - start
    the_store.close()
    return len(pages) * PAGE / elapsed


async def bench_latency(folder: Path, event: Event, rounds: int) -> list[float]:
    """Webhook post to the SSE event on a host's /orders stream, ``rounds`` times."""
    from aiohttp import web

    from orchestrator.app import create_app
    from orchestrator.settings import Settings

    # No example photos: made in a worker thread that outlives the app's cleanup by up to
    # one photo, they landed in the temporary folder as it was removed (and the bench died).
    settings = Settings(db=fresh_db(folder, "latency.db", event), port=0, overlay_port=0,
                        organiser_token="org", host_token="host", zoom_webhook_secret="s",
                        platforms=False, audience_rate=0, demo_photos=False)  # fmt: skip
    app = create_app(settings)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    app[ORDER_DESK].zoom_meetings["777"] = "utama"
    try:
        base = f"http://127.0.0.1:{runner.addresses[0][1]}"
        return await _rounds(base, event.products[0].code, rounds)
    finally:
        await runner.cleanup()


async def _rounds(base: str, code: str, rounds: int) -> list[float]:
    import aiohttp

    from orchestrator.chat.webhook import signature
    from orchestrator.orders.pages import MIN_GAP_SECONDS

    times = []
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        await session.get(f"{base}/login?token=host&next=/orders")
        async with session.get(f"{base}/orders/events") as stream:
            await _next_event(stream)
            for n in range(rounds):
                # Apart by more than the page's refresh gap, as chat that is not a rush.
                await asyncio.sleep(MIN_GAP_SECONDS * 1.5)
                body = json.dumps(_zoom_chat(n, code)).encode()
                stamp = str(int(time.time()))
                headers = {"x-zm-request-timestamp": stamp,
                           "x-zm-signature": signature("s", stamp, body)}  # fmt: skip
                start = time.perf_counter()
                async with session.post(f"{base}/webhooks/zoom", data=body, headers=headers):
                    pass
                while f"zoom chat {n}" not in await _next_event(stream):
                    pass
                times.append((time.perf_counter() - start) * 1000)
    return times


def _zoom_chat(n: int, code: str) -> dict:
    message = {"date_time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
               "message_content": f"mau {code} 1 zoom chat {n}", "message_id": f"z{n}",
               "sender_name": f"Penonton {n}", "sender_session_id": f"s{n}",
               "sender_type": "participant", "recipient_type": "everyone"}  # fmt: skip
    return {"event": "meeting.chat_message_sent",
            "payload": {"object": {"id": 777, "chat_message": message}}}  # fmt: skip


async def _next_event(stream) -> str:
    """Return the data of the next ``orders`` event on a Server-Sent Events stream."""
    data = ""
    while True:
        line = (await asyncio.wait_for(stream.content.readline(), 10)).decode()
        if line.startswith("data: "):
            data = line[6:]
        elif line == "\n" and data:
            return data


def summary(args, parser_rate, pages, baseline, sustained, mode, latency) -> dict:
    figures = {
        "parser_msgs_per_s": round(parser_rate),
        "page_messages": PAGE,
        "pages": len(pages["times"]),
        "page_ingest_p50_ms": round(statistics.median(pages["times"]), 2),
        "page_ingest_p99_ms": round(percentile(pages["times"], 99), 2),
        "page_ingest_cpu_p50_ms": round(statistics.median(pages["cpu"]), 2),
        "page_ingest_cpu_p99_ms": round(percentile(pages["cpu"], 99), 2),
        "page_orders_total": pages["orders"],
        "duplicate_page_p50_ms": round(statistics.median(pages["again"]), 2),
        "baseline_page_p50_ms": round(statistics.median(baseline["messages"]), 2),
        "baseline_page_p99_ms": round(percentile(baseline["messages"], 99), 2),
        "baseline_all_rows_p50_ms": round(statistics.median(baseline["all_rows"]), 2),
        "baseline_all_rows_p99_ms": round(percentile(baseline["all_rows"], 99), 2),
        "baseline_all_rows_cpu_p50_ms": round(statistics.median(baseline["all_rows_cpu"]), 2),
        "page_over_baseline_p50": round(statistics.median(pages["ratio"]), 2),
        "page_over_baseline_max": round(max(pages["ratio"]), 2),
        "sustained_msgs_per_s": round(sustained),
        "sustained_messages": args.sustained,
        "sustained_mode": mode,
        "chat_to_page_p50_ms": round(statistics.median(latency), 2),
        "chat_to_page_p99_ms": round(percentile(latency, 99), 2),
        "chat_to_page_rounds": len(latency),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
    }
    figures["meets_goals"] = {
        key: (figures[key] > goal if key.endswith("per_s") else figures[key] < goal)
        for key, goal in GOALS.items()
    }
    return figures


def show(name: str, times: list[float], note: str) -> None:
    p50, p99 = statistics.median(times), percentile(times, 99)
    print(f"{name:<15} p50 {p50:7.1f} ms   p99 {p99:7.1f} ms   {note}", flush=True)


async def run(args) -> dict:
    event = example_event()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        parser_rate = bench_parser(event, args.seed)
        print(f"parser          {parser_rate:12,.0f} msgs/s", flush=True)
        pages = make_pages(event, args.pages, args.seed)
        # As `pasar-live serve` does once started: the 30,000 messages made up front are
        # the bench's, not a service's (which gets each page off the network), and a full
        # collection scanning them took 35-45 ms of whichever page it fell in.
        settle_memory()
        timed = await bench_pages(folder, event, pages)
        baseline = timed["baseline"]
        show("page ingest", timed["times"], f"({PAGE} msgs)")
        show("  cpu time", timed["cpu"], "(CPU of this process: what load on the box does not add)")
        show("baseline", baseline["messages"], "(raw executemany, the 2,000 messages)")
        show("baseline all", baseline["all_rows"], "(raw executemany, messages+orders+events)")
        sustained, mode = await bench_sustained(folder, event, args.sustained, args.seed)
        print(f"sustained       {sustained:12,.0f} msgs/s   ({mode})", flush=True)
        latency = await bench_latency(folder, replace(event), args.latency)
        show("chat to page", latency, "(webhook -> SSE)")
    return summary(args, parser_rate, timed, baseline, sustained, mode, latency)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=15, help="fresh 2,000-message pages")
    parser.add_argument("--sustained", type=int, default=40_000, help="messages, end to end")
    parser.add_argument("--latency", type=int, default=60, help="webhook-to-page rounds")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):  # one core, as the service runs its loop on one
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    figures = asyncio.run(run(args))
    print(json.dumps(figures))
    return figures


if __name__ == "__main__":
    main()
