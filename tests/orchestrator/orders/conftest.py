"""An app with the small test event, a manual clock and the Zoom webhook switched on."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from orchestrator.app import create_app
from orchestrator.rotation.clock import ManualClock
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
