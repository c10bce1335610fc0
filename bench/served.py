"""The real app served for a bench: in a fresh SQLite file, with its requests timed.

``timed_app`` serves it through aiohttp's test server and times each request inside the
server (what the page costs us, not the client). It is the whole app (auth, errors,
templates, security headers), so a figure is what a phone would wait for.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import NamedTuple

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from kernel.clock import Clock
from kernel.db import open_db
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
