"""The steps on their own: the real adapters on the sandbox, a ledger, a fake rotation view."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kernel.clock import ManualClock
from kernel.db import Store, open_db
from kernel.publisher import Publisher
from orchestrator.platforms import resources
from orchestrator.platforms.ledger import Ledger
from orchestrator.platforms.lifecycle import ANNOUNCE, ENSURE, Due
from orchestrator.platforms.manager import ManagerOptions
from orchestrator.platforms.resources import Resources
from orchestrator.platforms.steps import Steps
from orchestrator.platforms.youtube import YouTube
from orchestrator.platforms.zoom import Zoom
from orchestrator.rotation.engine import ChannelState, channel_state
from orchestrator.sandbox import Sandbox
from schedules.model import Event
from tests.orchestrator.helpers import T0, small_event


@dataclass
class View:
    """The rotation as the steps read it (a ``steps.RotationView``): fixed channel states."""

    event: Event
    tz: ZoneInfo
    states: dict[str, ChannelState]

    def state(self, channel: str) -> ChannelState:
        return self.states[channel]


@dataclass
class Parts:
    """Steps built from their collaborators, and the ledger they write into."""

    steps: Steps
    ledger: Ledger


@pytest.fixture
async def parts(
    tmp_path: Path, clock: ManualClock, youtube: YouTube, zoom: Zoom
) -> AsyncIterator[Parts]:
    """Steps over small_event at the clock's time, writing into a ledger on a fresh database."""
    the_store = Store(open_db(tmp_path / "pasar.db"))
    await the_store.run(resources.migrate)
    publisher, event = Publisher(), small_event()
    state = channel_state(event.channel_slots("utama"), [], clock.now(), event.tz)
    ledger = Ledger(
        the_store, publisher, clock, youtube.quota, scope="t", mode="sandbox", announce=True
    )
    steps = Steps(
        youtube=youtube, zoom=zoom, ledger=ledger, rotation=View(event, event.tz, {"utama": state}),
        options=ManagerOptions(), clock=clock, publisher=publisher,
    )  # fmt: skip
    yield Parts(steps, ledger)
    the_store.close()


async def test_ensure_skips_a_day_the_schedule_no_longer_has(
    parts: Parts, sandbox: Sandbox
) -> None:
    """Ensure for a day without slots creates nothing on the platforms and saves no row."""
    day = (T0 + timedelta(days=3)).date()
    await parts.steps.ensure(Resources("t", "utama", day.isoformat()), Due(ENSURE, day))
    assert sum(sandbox.state.creates.values()) == 0 and parts.ledger.rows == {}


async def test_announce_drops_a_slot_no_longer_on_air(parts: Parts, sandbox: Sandbox) -> None:
    """An announcement due for a slot the rotation has left posts nothing and saves nothing."""
    row = Resources("t", "utama", T0.date().isoformat(), live_chat_id="sbxCgone")
    await parts.steps.announce(row, Due(ANNOUNCE, T0.date(), "utama-3"))
    assert parts.ledger.rows == {} and sandbox.state.calls["liveChatMessages.insert"] == 0
