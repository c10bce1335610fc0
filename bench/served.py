"""The real app served for a bench: in a fresh SQLite file, with its requests timed.

Two ways, as the benches need them: ``timed_app`` through aiohttp's test server with each
request timed inside the server (what the page costs us, not the client), and
``example_served`` on a real port with the example event's photos made, timed from the
client (``fetch_ms``). Both use the whole app (auth, errors, templates, security
headers), so a figure is what a phone would wait for.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import NamedTuple

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from kernel.clock import Clock
from kernel.db import open_db
from kernel.keys import SCHEDULE
from orchestrator.app import create_app
from orchestrator.settings import Settings
from schedules import store
from schedules.model import Event

ORGANISER_TOKEN = "bench-org"


class TimedApp(NamedTuple):
    app: web.Application
    client: TestClient
    timings: dict[str, list[float]]  # server time in ms by path and query, in order


@asynccontextmanager
async def timed_app(event: Event, clock: Clock) -> AsyncIterator[TimedApp]:
    """The app on ``event`` at ``clock``'s time, each request timed by an outermost middleware.

    The organisers log in with ``ORGANISER_TOKEN``. Clear ``timings`` after warming up.
    """
    with tempfile.TemporaryDirectory(prefix="pasar-bench-") as tmp:
        settings = Settings(db=Path(tmp) / "bench.db", organiser_token=ORGANISER_TOKEN,
                            host_token="bench-host", platforms=False, audience_rate=0)  # fmt: skip
        db = open_db(settings.db)
        store.migrate(db)
        store.save_event(db, event)
        db.close()
        app = create_app(settings, clock=clock)
        timings: dict[str, list[float]] = {}

        @web.middleware
        async def timed(request: web.Request, handler):
            began = time.perf_counter()
            response = await handler(request)
            timings.setdefault(request.path_qs, []).append((time.perf_counter() - began) * 1000)
            return response

        app.middlewares.insert(0, timed)
        async with TestClient(TestServer(app)) as client:
            yield TimedApp(app, client, timings)


async def time_paths(
    client: TestClient, timings: dict[str, list[float]], paths: Sequence[str], runs: int
) -> None:
    """Warm ``paths`` up (three rounds, then forgotten), then GET them in turn ``runs`` times.

    Each answer is read whole and must be 200; ``timings`` holds only the measured rounds.
    """
    for path in tuple(paths) * 3:  # warm up: caches, code paths
        await (await client.get(path)).read()
    timings.clear()
    for _ in range(runs):
        for path in paths:
            async with client.get(path) as resp:
                await resp.read()
                assert resp.status == 200, path


@asynccontextmanager
async def example_served(folder: Path) -> AsyncIterator[tuple[web.Application, str]]:
    """The app on the example event (no event given) on a loopback port, once its photos
    are made; yields the app and its base URL."""
    settings = Settings(db=folder / "pasar.db", port=0, overlay_port=0, platforms=False,
                        audience_rate=0, organiser_token="o", host_token="h")  # fmt: skip
    app = create_app(settings)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        await photos_ready(app)  # made in the background after its first start
        yield app, f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


async def photos_ready(app: web.Application, timeout: float = 150) -> None:
    """Wait (on the schedule feed, not a poll) until every product has its photo."""
    ready = asyncio.Event()

    def check(schedule) -> None:
        if schedule.event and all(p.photo_id for p in schedule.event.products):
            ready.set()

    stop = app[SCHEDULE].follow(check)
    try:
        await asyncio.wait_for(ready.wait(), timeout)
    finally:
        stop()


async def fetch_ms(session: aiohttp.ClientSession, url: str, n: int) -> list[float]:
    """Latency of ``n`` sequential GETs of ``url`` (ms), each read whole and checked 200."""
    times = []
    for _ in range(n):
        started = time.perf_counter()
        async with session.get(url) as resp:
            await resp.read()
            assert resp.status == 200, (url, resp.status)
        times.append((time.perf_counter() - started) * 1000)
    return times
