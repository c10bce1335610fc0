"""How fast the overlay hub fans one change out to 1, 100 and 1,000 overlay pages.

An event with several channels, OBS machines and viewers' preview pages may hold up to a
thousand overlay connections; every rotation step, card change or ticker order must reach
all of them at once. Goals at 1,000 pages: change-to-receipt p99 under 50 ms and within
1.5x of a minimal ``websockets`` broadcast server measured in the same run, and server RSS
under 150 MB.

Each level runs the server in its own process (our ``Hub``, or the baseline: a set of
connections and ``websockets.broadcast()``, nothing else) and the pages in other processes
(websockets' client protocol). The server publishes one change every 100 ms, the overlay
state of a small event with its send time (``time.time()``) in it; each page records
receipt time minus send time. Server CPU (percent of one core, averaged over the run) and
peak RSS come from psutil on the server process. Both servers send the same bytes and run
without compression (the hub turns it off: overlay states are small).

    python bench/overlay_fanout.py [--levels 1,100,1000] [--seconds 20]
                                   [--baseline-seconds 10] [--interval 0.1] [--client-procs 1]

To stay under three minutes the baseline runs 10 s per level by default (the hub the full
20 s). The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import platform
import sys
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # a checkout without `pip install -e .`
    sys.path.insert(0, str(ROOT))

from bench.timing import expect, percentile_ms, raise_open_files  # noqa: E402 - after the path fix

CHANNEL = "utama"
GOAL_P99_MS = 50
GOAL_RATIO = 1.5
GOAL_RSS_MB = 150
SENT_KEY = b'"sent_at_ms":'


# ---- the payload ---------------------------------------------------------------------


def sample_state() -> dict[str, Any]:
    """The overlay state of a realistic slot: vendor, four products, a full ticker."""
    from datetime import UTC, datetime, timedelta

    from overlays.state import HostOverlay, OnAir, OverlaySettings, build_state
    from schedules.model import Event, Product, Vendor

    now = datetime.now(UTC)
    end = now + timedelta(minutes=20)
    vendors = [
        Vendor("kopi", "Kopi Rakyat Sidomulyo", "Minuman", kecamatan="Sumberjambe"),
        Vendor("tape", "Tape Manis Bondowoso", "Makanan"),
    ]
    codes = ("K01", "K02", "K03", "K04")
    products = [Product(c, "kopi", f"Kopi Robusta Bubuk {c}", 15000 * len(c)) for c in codes]
    event = Event("Pasar Jember", vendors=vendors, products=products)
    title = "Kopi dari lereng Raung"
    on_air = OnAir("live", "s1", "kopi", codes, title, now, end, "tape", end)
    ticker = [{"code": f"K0{i % 4 + 1}", "qty": i, "first_name": "Siti"} for i in range(5)]
    host = HostOverlay(notice="Gratis ongkir se-Jember sampai jam 5 sore", show_names=True)
    settings = OverlaySettings(base_url="https://pasar.example")
    return build_state(event, CHANNEL, on_air, host=host, ticker=ticker, settings=settings)


def stamped(base: dict[str, Any], tick: int) -> dict[str, Any]:
    """A new revision of the state: the send time first (cheap to find), then the rest."""
    return {"sent_at_ms": time.time() * 1000, "tick": tick, **base}


# ---- servers (each in its own process) -----------------------------------------------


class Baseline:
    """The minimal broadcast server: a set of connections and ``broadcast()``."""

    def __init__(self) -> None:
        self.conns: set = set()
        self.rev = 0

    async def start(self) -> int:
        from websockets.asyncio.server import serve

        self.server = await serve(self.handler, "127.0.0.1", 0, compression=None)
        return self.server.sockets[0].getsockname()[1]

    async def handler(self, ws) -> None:
        self.conns.add(ws)
        try:
            await ws.send(self.encode("snapshot", {}))
            await ws.wait_closed()
        finally:
            self.conns.discard(ws)

    def encode(self, kind: str, state: dict[str, Any]) -> str:
        message = {"type": kind, "rev": self.rev, "now": int(time.time() * 1000), "state": state}
        return json.dumps(message, ensure_ascii=False, separators=(",", ":"))

    def publish(self, state: dict[str, Any]) -> None:
        from websockets.asyncio.server import broadcast

        self.rev += 1
        broadcast(self.conns, self.encode("update", state))

    async def stop(self) -> None:
        self.server.close()
        await self.server.wait_closed()


class HubServer:
    """Our hub behind the same three calls as the baseline."""

    async def start(self) -> int:
        from overlays.hub import Hub

        self.hub = Hub()
        await self.hub.start("127.0.0.1", 0)
        return self.hub.port

    def publish(self, state: dict[str, Any]) -> None:
        self.hub.publish(CHANNEL, state)

    async def stop(self) -> None:
        await self.hub.stop()


def server_main(kind: str, pipe: Connection, base: dict[str, Any], interval: float) -> None:
    asyncio.run(_serve(kind, pipe, base, interval))


async def _serve(kind: str, pipe: Connection, base: dict[str, Any], interval: float) -> None:
    """Start, tell the port, publish on the parent's word, report how many, stop."""
    server = HubServer() if kind == "hub" else Baseline()
    pipe.send(await server.start())
    _, seconds = await asyncio.to_thread(pipe.recv)
    loop = asyncio.get_running_loop()
    started, ticks = loop.time(), int(seconds / interval)
    for tick in range(ticks):
        await asyncio.sleep(max(0.0, started + tick * interval - loop.time()))
        server.publish(stamped(base, tick))
    pipe.send(("done", ticks))
    await asyncio.to_thread(pipe.recv)
    await server.stop()


# ---- pages (in other processes) ------------------------------------------------------


class Pages:
    """``count`` overlay connections recording change-to-receipt latency.

    Each page is websockets' own client protocol (``ClientProtocol``, the sans-I/O core of
    its asyncio client) on a plain asyncio transport: on this small machine the full
    asyncio client costs so much per message that with 1,000 pages the bench would measure
    its own client, not the server.
    """

    def __init__(self, port: int, count: int) -> None:
        self.port = port
        self.uri = f"ws://127.0.0.1:{port}/overlay/{CHANNEL}?layout=full&v=bench"
        self.count = count
        self.latencies: list[float] = []
        self.closed = 0
        self.ready = 0
        self.all_ready = asyncio.Event()

    async def open(self, gate: asyncio.Semaphore) -> None:
        async with gate:
            page = _Page(self)
            await asyncio.get_running_loop().create_connection(lambda: page, "127.0.0.1", self.port)
            await page.snapshot

    def on_text(self, page: _Page, data: bytes, received_ms: float) -> None:
        if not page.snapshot.done():
            page.snapshot.set_result(None)
            self.ready += 1
            if self.ready == self.count:
                self.all_ready.set()
            return
        start = data.find(SENT_KEY) + len(SENT_KEY)
        self.latencies.append(received_ms - float(data[start : data.index(b",", start)]))


class _Page(asyncio.Protocol):
    """One overlay connection: bytes in, websockets frames out, receipt times noted."""

    def __init__(self, pages: Pages) -> None:
        from websockets.client import ClientProtocol
        from websockets.uri import parse_uri

        self.pages = pages
        self.ws = ClientProtocol(parse_uri(pages.uri), max_size=None)
        self.snapshot = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        self.ws.send_request(self.ws.connect())
        self.flush()

    def data_received(self, data: bytes) -> None:
        from websockets.frames import Frame, Opcode

        received_ms = time.time() * 1000
        self.ws.receive_data(data)
        for event in self.ws.events_received():
            if isinstance(event, Frame) and event.opcode is Opcode.TEXT:
                self.pages.on_text(self, event.data, received_ms)
        self.flush()  # answers the server's pings

    def flush(self) -> None:
        for data in self.ws.data_to_send():
            if data:
                self.transport.write(data)

    def connection_lost(self, exc: Exception | None) -> None:
        self.pages.closed += 1


def client_main(port: int, count: int, pipe: Connection) -> None:
    asyncio.run(_clients(port, count, pipe))


async def _clients(port: int, count: int, pipe: Connection) -> None:
    """Connect every page, say ready, and hand over the latencies when told to stop."""
    pages = Pages(port, count)
    gate = asyncio.Semaphore(100)  # the listen backlog is 100
    await asyncio.gather(*(pages.open(gate) for _ in range(count)))
    pipe.send("ready")
    _, expected = await asyncio.to_thread(pipe.recv)
    deadline = time.monotonic() + 3
    while len(pages.latencies) < expected * count and time.monotonic() < deadline:
        await asyncio.sleep(0.05)  # the last change may still be on its way
    pipe.send({"latencies": pages.latencies, "closed": pages.closed})


# ---- the parent: one level at a time --------------------------------------------------


def run_level(kind: str, pages: int, seconds: float, args: argparse.Namespace) -> dict[str, Any]:
    """Run one server with ``pages`` connections for ``seconds``; return its figures."""
    ctx = mp.get_context("spawn")
    server_pipe, child_pipe = ctx.Pipe()
    server = ctx.Process(target=server_main, args=(kind, child_pipe, args.base, args.interval))
    server.start()
    port = server_pipe.recv()
    clients = _start_clients(ctx, port, pages, args.client_procs)
    for pipe, _ in clients:
        expect(pipe, "ready", 120)
    usage = _watch(server, [p for _, p in clients], server_pipe, seconds)
    _, ticks = server_pipe.recv()
    results = []
    for pipe, _ in clients:
        pipe.send(("stop", ticks))
        results.append(expect(pipe, None, 60))
    server_pipe.send("stop")
    for process in [server] + [p for _, p in clients]:
        process.join(10)
        if process.is_alive():
            process.terminate()
    return {**_figures(results, ticks * pages), **usage}


def _watch(server, clients: list, server_pipe: Connection, seconds: float) -> dict[str, Any]:
    """Start the run and sample the server's CPU and peak RSS (and the pages' CPU) until done."""
    import psutil

    proc = psutil.Process(server.pid)
    watched = [proc] + [psutil.Process(p.pid) for p in clients]
    for each in watched:
        each.cpu_percent(None)
    server_pipe.send(("go", seconds))
    rss = proc.memory_info().rss
    while not server_pipe.poll(0.25):
        rss = max(rss, proc.memory_info().rss)
    cpu, *pages_cpu = [each.cpu_percent(None) for each in watched]
    return {
        "cpu_pct": round(cpu, 1),
        "rss_mb": round(rss / 2**20, 1),
        "pages_cpu_pct": round(sum(pages_cpu), 1),
    }


def _start_clients(ctx, port: int, pages: int, procs: int) -> list:
    clients = []
    for i in range(min(procs, pages)):
        count = pages // procs + (1 if i < pages % procs else 0)
        parent, child = ctx.Pipe()
        process = ctx.Process(target=client_main, args=(port, count, child))
        process.start()
        clients.append((parent, process))
    return clients


def _figures(results: list[dict], expected: int) -> dict[str, Any]:
    latencies = sorted(x for r in results for x in r["latencies"])
    return {
        "p50_ms": percentile_ms(latencies, 50),
        "p99_ms": percentile_ms(latencies, 99),
        "max_ms": percentile_ms(latencies, 100),
        "received_pct": round(100 * len(latencies) / expected, 2) if expected else None,
        "dropped": sum(r["closed"] for r in results),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default="1,100,1000")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--baseline-seconds", type=float, default=10)
    parser.add_argument("--interval", type=float, default=0.1)
    parser.add_argument("--client-procs", type=int, default=1)
    args = parser.parse_args()
    levels = [int(n) for n in args.levels.split(",")]
    raise_open_files(max(levels) + 256)
    args.base = sample_state()
    figures: dict[str, Any] = {}
    began = time.monotonic()
    for n in levels:  # hub and baseline back to back, so both see the same machine load
        for kind, seconds in (("hub", args.seconds), ("baseline", args.baseline_seconds)):
            level = run_level(kind, n, seconds, args)
            print(f"{kind:8} {n:5} pages  {json.dumps(level)}", flush=True)
            figures.update({f"{kind}_{n}_{key}": value for key, value in level.items()})
    figures.update(_summary(figures, levels, args, time.monotonic() - began))
    print(json.dumps(figures))
    return 0


def _summary(figures: dict, levels: list[int], args, elapsed: float) -> dict[str, Any]:
    top = max(levels)
    hub_p99, base_p99 = figures[f"hub_{top}_p99_ms"], figures[f"baseline_{top}_p99_ms"]
    ratio = round(hub_p99 / base_p99, 2) if base_p99 else None
    return {
        f"hub_vs_baseline_{top}_p99_ratio": ratio,
        "goals_met": bool(
            hub_p99 < GOAL_P99_MS
            and ratio is not None
            and ratio <= GOAL_RATIO
            and figures[f"hub_{top}_rss_mb"] < GOAL_RSS_MB
        ),
        "payload_bytes": len(json.dumps(stamped(args.base, 0), separators=(",", ":"))),
        "interval_ms": round(args.interval * 1000),
        "hub_seconds": args.seconds,
        "baseline_seconds": args.baseline_seconds,
        "client_procs": args.client_procs,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "elapsed_s": round(elapsed, 1),
    }


if __name__ == "__main__":
    sys.exit(main())
