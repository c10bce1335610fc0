"""10,000 viewers on ``/live``: the whole service fans a host's change out to every phone.

The real service (the example event, a vendor on air, no platforms) runs in its own
process; the live pages are websockets clients in other processes (``--client-procs``,
each one asyncio loop holding many connections with websockets' sans-I/O client, the
``Pages`` of ``bench/overlay_fanout.py``). Every ``--interval`` the service's host sets the
overlay notice to the send time (``OverlayBridge.act``: stored in SQLite, then the overlay
state, the live feed's viewer-safe state, the hub's public topic): each page records
receipt time minus send time. The baseline is a minimal ``websockets`` server holding the
same number of connections and broadcasting a live state of the same size, run in the
same way right after. During the service's run another process times the host's panel
(``/api/panel/state``) and the order desk (``/orders``), first idle, then under the load.

The bench raises the open-file limit (``resource.setrlimit`` RLIMIT_NOFILE, soft up to
the hard limit) for itself and its children: each page is a descriptor on both sides.

    python bench/viewer_fanout.py [--viewers 10000] [--seconds 12] [--baseline-seconds 10]
                                  [--interval 1.0] [--client-procs 4]

The last line printed is one JSON object: ``viewers``, ``p50_ms``, ``p99_ms``,
``baseline_p99_ms``, ``rss_mb``, ``cpu_pct``, ``panel_p99_ms``, ``orders_p99_ms`` (with their
idle baselines), ``loop_lag_p99_ms`` (how late the service's loop woke a sleeper: what
any request waits) and whether the goals are met (p99 within 1.5x of the baseline, RSS
under 300 MB, the panel's and the order desk's p99 under load within 200 ms: a person
does not notice that).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import platform
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # a checkout without `pip install -e .`
    sys.path.insert(0, str(ROOT))

from bench.overlay_fanout import Baseline, Pages, sample_state  # noqa: E402 - after the path fix
from bench.timing import expect, percentile_ms, raise_open_files  # noqa: E402

CHANNEL = "utama"
GOAL_RATIO = 1.5
GOAL_RSS_MB = 300
GOAL_DESK_MS = 200  # the host's panel and the order desk, p99 under the viewers' load
NOTICE_KEY = b'"notice":"'
HOST_TOKEN = "bench-host"


# ---- the servers (each in its own process) ---------------------------------------------


def app_main(pipe: Connection, interval: float) -> None:
    asyncio.run(_app(pipe, interval))


async def _app(pipe: Connection, interval: float) -> None:
    """Run the service on the example event with its first vendor on air; the host acts."""
    from aiohttp import web

    from kernel.keys import BRIDGE, HUB
    from orchestrator.app import create_app
    from orchestrator.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            db=Path(tmp) / "bench.db", port=0, overlay_port=0, organiser_token="bench-org",
            host_token=HOST_TOKEN, platforms=False, audience_rate=0, demo_photos=False,
            demo_lead_seconds=-11 * 60,  # the opening host segment is over: a vendor is on
        )  # fmt: skip
        app = create_app(settings)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0, backlog=1024).start()
        pipe.send((runner.addresses[0][1], app[HUB].port))

        async def change() -> None:
            await app[BRIDGE].act(CHANNEL, "notice_on", f"{time.time() * 1000:.3f}")

        await _publish_loop(pipe, interval, change)
        await runner.cleanup()


class WideBaseline(Baseline):
    """The minimal server with the hub's listen backlog, so both accept pages as fast."""

    async def start(self) -> int:
        from websockets.asyncio.server import serve

        self.server = await serve(self.handler, "127.0.0.1", 0, compression=None, backlog=1024)
        return self.server.sockets[0].getsockname()[1]


def baseline_main(pipe: Connection, interval: float, state: dict[str, Any]) -> None:
    asyncio.run(_baseline(pipe, interval, state))


async def _baseline(pipe: Connection, interval: float, state: dict[str, Any]) -> None:
    """The minimal server: connections in a set, ``broadcast()`` of the same live state."""
    server = WideBaseline()
    pipe.send((0, await server.start()))

    async def change() -> None:
        server.publish({**state, "notice": f"{time.time() * 1000:.3f}"})

    await _publish_loop(pipe, interval, change)
    await server.stop()


async def _publish_loop(pipe: Connection, interval: float, change) -> None:
    """On the parent's word, change every ``interval`` for its seconds; report how many,
    with how late the loop woke a sleeper meanwhile (what every other request waits)."""
    _, seconds = await asyncio.to_thread(pipe.recv)
    loop = asyncio.get_running_loop()
    lags: list[float] = []
    sampler = loop.create_task(_sample_lag(lags))
    started, ticks = loop.time(), int(seconds / interval)
    for tick in range(ticks):
        await asyncio.sleep(max(0.0, started + tick * interval - loop.time()))
        await change()
    sampler.cancel()
    lags.sort()
    pipe.send(("done", ticks, percentile_ms(lags, 99), percentile_ms(lags, 100)))
    await asyncio.to_thread(pipe.recv)


async def _sample_lag(lags: list[float], period: float = 0.02) -> None:
    """Sleep ``period`` again and again; note each wake-up's lateness in ms."""
    loop = asyncio.get_running_loop()
    while True:
        began = loop.time()
        await asyncio.sleep(period)
        lags.append((loop.time() - began - period) * 1000)


# ---- the viewers (in other processes) --------------------------------------------------


class LivePages(Pages):
    """``Pages`` on the viewers' topic, reading the send time from the notice."""

    def __init__(self, port: int, count: int) -> None:
        super().__init__(port, count)
        self.uri = f"ws://127.0.0.1:{port}/live/{CHANNEL}"

    def on_text(self, page, data: bytes, received_ms: float) -> None:
        if not page.snapshot.done():
            super().on_text(page, data, received_ms)  # counts the page ready
            return
        start = data.find(NOTICE_KEY)
        if start < 0:
            return  # a revision of something else (the rotation, say)
        start += len(NOTICE_KEY)
        try:
            sent = float(data[start : data.index(b'"', start)])
        except ValueError:
            return
        self.latencies.append(received_ms - sent)


def viewers_main(port: int, count: int, pipe: Connection) -> None:
    asyncio.run(_viewers(port, count, pipe))


async def _viewers(port: int, count: int, pipe: Connection) -> None:
    pages = LivePages(port, count)
    gate = asyncio.Semaphore(64)  # a few processes together stay under the listen backlog
    await asyncio.gather(*(pages.open(gate) for _ in range(count)))
    pipe.send("ready")
    _, expected = await asyncio.to_thread(pipe.recv)
    deadline = time.monotonic() + 5
    while len(pages.latencies) < expected * count and time.monotonic() < deadline:
        await asyncio.sleep(0.05)  # the last change may still be on its way
    pipe.send({"latencies": pages.latencies, "closed": pages.closed})


# ---- the host's pages, timed (its own process) -----------------------------------------


def probe_main(http_port: int, pipe: Connection) -> None:
    asyncio.run(_probe(http_port, pipe))


async def _probe(http_port: int, pipe: Connection) -> None:
    """Log in as the host; on each word, time the panel's state and the orders page."""
    import aiohttp

    base = f"http://127.0.0.1:{http_port}"
    # unsafe=True: the jar keeps cookies of an IP address such as 127.0.0.1
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        async with session.get(f"{base}/login?token={HOST_TOKEN}&next=/") as resp:
            assert resp.status == 200, resp.status
        while (word := await asyncio.to_thread(pipe.recv)) != "stop":
            _, seconds = word
            timings: dict[str, list[float]] = {"panel": [], "orders": []}
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                for name, path in (("panel", "/api/panel/state"), ("orders", "/orders")):
                    began = time.perf_counter()
                    async with session.get(base + path) as resp:
                        await resp.read()
                        assert resp.status == 200, (path, resp.status)
                    timings[name].append((time.perf_counter() - began) * 1000)
                await asyncio.sleep(0.1)  # a person's pace, not a load generator's
            pipe.send(timings)


# ---- the parent ------------------------------------------------------------------------


def run(kind: str, args: argparse.Namespace) -> dict[str, Any]:
    """One server with ``args.viewers`` pages for its seconds; its figures."""
    import psutil

    ctx = mp.get_context("spawn")
    server_pipe, child = ctx.Pipe()
    if kind == "service":
        server = ctx.Process(target=app_main, args=(child, args.interval))
    else:
        server = ctx.Process(target=baseline_main, args=(child, args.interval, args.state))
    server.start()
    http_port, ws_port = expect(server_pipe, None, 120)
    figures: dict[str, Any] = {}
    probe = probe_pipe = None
    if http_port:
        probe_pipe, probe_child = ctx.Pipe()
        probe = ctx.Process(target=probe_main, args=(http_port, probe_child))
        probe.start()
        probe_pipe.send(("measure", 3.0))
        figures.update(_timings(expect(probe_pipe, None, 60), "idle_"))
    began = time.monotonic()
    clients = []
    for i in range(args.client_procs):
        count = args.viewers // args.client_procs + (i < args.viewers % args.client_procs)
        parent, end = ctx.Pipe()
        process = ctx.Process(target=viewers_main, args=(ws_port, count, end))
        process.start()
        clients.append((parent, process))
    for pipe, _ in clients:
        expect(pipe, "ready", 150)
    figures["connect_s"] = round(time.monotonic() - began, 1)
    proc = psutil.Process(server.pid)
    proc.cpu_percent(None)
    server_pipe.send(("go", args.seconds if kind == "service" else args.baseline_seconds))
    if probe_pipe is not None:
        probe_pipe.send(("measure", args.seconds - 1))
    rss = proc.memory_info().rss
    while not server_pipe.poll(0.25):
        rss = max(rss, proc.memory_info().rss)
    figures.update(cpu_pct=round(proc.cpu_percent(None), 1), rss_mb=round(rss / 2**20, 1))
    _, ticks, lag_p99, lag_max = server_pipe.recv()
    figures.update(loop_lag_p99_ms=lag_p99, loop_lag_max_ms=lag_max)
    results = []
    for pipe, _ in clients:
        pipe.send(("stop", ticks))
        results.append(expect(pipe, None, 60))
    if probe_pipe is not None:
        figures.update(_timings(expect(probe_pipe, None, 60), ""))
        probe_pipe.send("stop")
    server_pipe.send("stop")
    for process in [server, *(p for _, p in clients), *([probe] if probe else [])]:
        process.join(15)
        if process.is_alive():
            process.terminate()
    latencies = sorted(x for r in results for x in r["latencies"])
    expected = ticks * args.viewers
    return {
        **figures,
        "p50_ms": percentile_ms(latencies, 50),
        "p99_ms": percentile_ms(latencies, 99),
        "max_ms": percentile_ms(latencies, 100),
        "received_pct": round(100 * len(latencies) / expected, 2) if expected else None,
        "dropped": sum(r["closed"] for r in results),
    }


def _timings(timings: dict[str, list[float]], prefix: str) -> dict[str, Any]:
    return {
        f"{name}_{prefix}p99_ms": percentile_ms(sorted(values), 99)
        for name, values in timings.items()
    }


def live_sample() -> dict[str, Any]:
    """A viewer's live state of a realistic slot (what the baseline sends, sized alike)."""
    from overlays.live_state import viewer_state

    overlay = sample_state()
    return viewer_state(overlay, title="Panggung Utama", stock_left={"K01": 12, "K02": 0})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--viewers", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=12)
    parser.add_argument("--baseline-seconds", type=float, default=10)
    parser.add_argument("--interval", type=float, default=1.0)
    parser.add_argument("--client-procs", type=int, default=4)
    args = parser.parse_args()
    raise_open_files(args.viewers + 1024)
    args.state = live_sample()
    began = time.monotonic()
    service = run("service", args)
    print(f"service  {json.dumps(service)}", flush=True)
    baseline = run("baseline", args)
    print(f"baseline {json.dumps(baseline)}", flush=True)
    ratio = round(service["p99_ms"] / baseline["p99_ms"], 2) if baseline["p99_ms"] else None
    figures = {
        "viewers": args.viewers,
        "p50_ms": service["p50_ms"],
        "p99_ms": service["p99_ms"],
        "baseline_p50_ms": baseline["p50_ms"],
        "baseline_p99_ms": baseline["p99_ms"],
        "p99_ratio": ratio,
        "rss_mb": service["rss_mb"],
        "baseline_rss_mb": baseline["rss_mb"],
        "cpu_pct": service["cpu_pct"],
        "baseline_cpu_pct": baseline["cpu_pct"],
        "received_pct": service["received_pct"],
        "baseline_received_pct": baseline["received_pct"],
        "dropped": service["dropped"],
        "connect_s": service["connect_s"],
        "baseline_connect_s": baseline["connect_s"],
        "panel_p99_ms": service["panel_p99_ms"],
        "panel_idle_p99_ms": service["panel_idle_p99_ms"],
        "orders_p99_ms": service["orders_p99_ms"],
        "orders_idle_p99_ms": service["orders_idle_p99_ms"],
        "loop_lag_p99_ms": service["loop_lag_p99_ms"],
        "loop_lag_max_ms": service["loop_lag_max_ms"],
        "baseline_loop_lag_p99_ms": baseline["loop_lag_p99_ms"],
        "goals_met": bool(
            ratio is not None
            and ratio <= GOAL_RATIO
            and service["rss_mb"] < GOAL_RSS_MB
            and max(service["panel_p99_ms"], service["orders_p99_ms"]) <= GOAL_DESK_MS
        ),
        "payload_bytes": len(json.dumps(args.state, ensure_ascii=False, separators=(",", ":"))),
        "interval_ms": round(args.interval * 1000),
        "client_procs": args.client_procs,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "elapsed_s": round(time.monotonic() - began, 1),
    }
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
