"""Fixtures: a sandbox on a loopback port, the real adapters pointed at it, a whole show."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from kernel.clock import ManualClock
from kernel.db import Store, open_db
from kernel.publisher import Publisher
from orchestrator.platforms import resources
from orchestrator.platforms.manager import ManagerOptions, PlatformManager
from orchestrator.platforms.resources import Resources
from orchestrator.platforms.retry import RetryPolicy
from orchestrator.platforms.youtube import YouTube
from orchestrator.platforms.zoom import Zoom
from orchestrator.rotation.service import Rotation
from orchestrator.sandbox import Sandbox, start_sandbox
from schedules import store
from schedules.feed import ScheduleFeed
from schedules.model import Event
from tests.orchestrator.helpers import T0, small_event

# Real back-off decisions, a thousand times faster, and patient enough for 20 % faults.
FAST = RetryPolicy(attempts=8, time_scale=0.001)


async def until(condition: Callable[[], Any], timeout: float = 10.0) -> None:
    """Poll ``condition`` with a deadline (the manager works in threads and tasks)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.005)


def seed_for(pattern: str, rate: float) -> int:
    """Find a Faults seed whose first draws hit (``x``) or miss (``.``) a fault band."""
    for seed in range(10_000):
        rng = random.Random(seed)
        if all((rng.random() < rate) == (mark == "x") for mark in pattern):
            return seed
    raise AssertionError(f"no seed gives {pattern}")


@pytest.fixture
def clock() -> ManualClock:
    """The one clock of rotation, manager and sandbox; moved only by the test."""
    return ManualClock(T0 - timedelta(minutes=20))


@pytest.fixture
async def sandbox(clock: ManualClock) -> AsyncIterator[Sandbox]:
    """A running sandbox on a free loopback port, on the test's clock."""
    running = await start_sandbox(clock=clock)
    yield running
    await running.close()


@pytest.fixture
async def youtube(sandbox: Sandbox, clock: ManualClock) -> AsyncIterator[YouTube]:
    """The real YouTube adapter against the sandbox."""
    adapter = YouTube.for_sandbox(sandbox.youtube_endpoint, clock=clock, policy=FAST)
    yield adapter
    adapter.close()


@pytest.fixture
async def zoom(sandbox: Sandbox, clock: ManualClock) -> AsyncIterator[Zoom]:
    """The real Zoom adapter against the sandbox."""
    adapter = Zoom.for_sandbox(sandbox.base_url, clock=clock, policy=FAST)
    yield adapter
    adapter.close()


@dataclass
class Show:
    """A rotation over ``small_event`` with the platform manager, all on one manual clock."""

    clock: ManualClock
    sandbox: Sandbox
    manager: PlatformManager
    rotation: Rotation
    store: Store
    db_path: Path
    channel: str = "utama"

    def row(self) -> Resources:
        """The channel's row for the show day."""
        rows = self.manager.rows.get(self.channel, {})
        return rows.get(T0.date().isoformat()) or Resources("", self.channel, "")

    async def at(self, moment: datetime) -> None:
        """Move the clock forward to ``moment`` if not there yet (wakes everything due)."""
        self.clock.set(max(moment, self.clock.now()))
        await asyncio.sleep(0)

    def owner_lines(self) -> list[str]:
        """The channel's own chat messages in the sandbox."""
        chat = self.sandbox.state.youtube.chats[self.row().live_chat_id or ""]
        return [
            m["snippet"]["textMessageDetails"]["messageText"]
            for m in chat.messages
            if m["authorDetails"]["isChatOwner"] and m["snippet"]["type"] == "textMessageEvent"
        ]

    def saved_rows(self) -> list[Resources]:
        """What is in the database (not the manager's cache)."""
        db = open_db(self.db_path)
        try:
            return resources.load(db, self.manager.scope)
        finally:
            db.close()


def event_db(path: Path, event: Event | None = None) -> Path:
    """Write ``event`` (default: small_event) into a fresh database file."""
    db = open_db(path)
    store.migrate(db)
    store.save_event(db, event or small_event())
    db.close()
    return path


@pytest.fixture
async def show(
    tmp_path: Path, clock: ManualClock, sandbox: Sandbox, youtube: YouTube, zoom: Zoom
) -> AsyncIterator[Show]:
    """Everything running: rotation, manager, sandbox; stopped afterwards."""
    path = event_db(tmp_path / "pasar.db")
    the_store = Store(open_db(path))
    publisher = Publisher()
    feed = ScheduleFeed(the_store, publisher)
    await feed.reload()
    rotation = Rotation(the_store, clock, publisher, feed)
    await rotation.start()
    options = ManagerOptions(chat_reserve=100, base_url="https://pasar.example")
    manager = PlatformManager(rotation, the_store, publisher, youtube, zoom, options)
    await manager.start()
    yield Show(clock, sandbox, manager, rotation, the_store, path)
    await manager.stop()
    await rotation.stop()
    the_store.close()
