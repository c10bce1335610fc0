"""An app with the small test event, a manual clock and the Zoom webhook switched on; or
just its SQLite file with the orders tables, for the desk's transactions."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from kernel.clock import ManualClock
from kernel.db import open_db
from orchestrator.app import create_app
from orchestrator.orders import store as order_store
from schedules import store
from schedules.model import Channel
from tests.orchestrator.helpers import T0, save, small_event
from tests.orchestrator.orders.helpers import MEETING_ID, SECRET


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0 + timedelta(minutes=1))


@pytest.fixture
def event():
    """small_event with the Zoom meeting of channel utama set."""
    return replace(small_event(), channels=[Channel("utama", "Panggung Utama", MEETING_ID)])


@pytest.fixture
async def client(aiohttp_client, settings, clock, event):
    """A running app on the test event; ``client.app`` holds the order desk."""
    save(settings.db, event)
    app = create_app(replace(settings, zoom_webhook_secret=SECRET), clock=clock)
    return await aiohttp_client(app)


@pytest.fixture
def db(tmp_path):
    """A real SQLite file holding small_event and the orders tables (no app)."""
    database = open_db(tmp_path / "pasar.db")
    store.migrate(database)
    store.save_event(database, small_event())
    order_store.migrate(database)
    yield database
    database.close()
