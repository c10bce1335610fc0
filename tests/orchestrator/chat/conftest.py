"""A sandbox YouTube, the real adapter, an order desk on a temp database, one manual clock."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from kernel.clock import ManualClock
from kernel.db import Store, open_db
from kernel.publisher import Message, Publisher
from orchestrator.chat.poller import PollerSettings
from orchestrator.chat.pollers import ChatPollers
from orchestrator.chat.seams import ShowSchedule
from orchestrator.orders.desk import OrderDesk
from orchestrator.rotation.engine import JAKARTA, ChannelState, channel_state
from orchestrator.sandbox import Sandbox, start_sandbox
from tests.orchestrator.helpers import T0, save, small_event

# One channel, four 30-minute slots from T0: a two-hour show.
EVENT = small_event(minutes=30)

youtube_module = pytest.importorskip("orchestrator.platforms.youtube")
retry_module = pytest.importorskip("orchestrator.platforms.retry")


@pytest.fixture
def clock() -> ManualClock:
    """One hand-driven clock for the sandbox, the adapter, the desk and the pollers."""
    return ManualClock(T0)


@pytest.fixture
def sandbox_options() -> dict[str, Any]:
    """Sandbox settings a test may override (e.g. polling_interval_ms)."""
    return {"polling_interval_ms": 2000}


@pytest.fixture
async def sandbox(clock: ManualClock, sandbox_options: dict[str, Any]) -> AsyncIterator[Sandbox]:
    """The loopback YouTube the real google client talks to."""
    running = await start_sandbox(clock=clock, **sandbox_options)
    yield running
    await running.close()


@pytest.fixture
async def youtube(sandbox: Sandbox, clock: ManualClock) -> AsyncIterator[Any]:
    """The platform adapter on the sandbox, retrying at once (no real back-off waits)."""
    policy = retry_module.RetryPolicy(attempts=2, time_scale=0)
    adapter = youtube_module.YouTube.for_sandbox(
        sandbox.youtube_endpoint, clock=clock, policy=policy
    )
    yield adapter
    adapter.close()


@pytest.fixture
def publisher() -> Publisher:
    return Publisher()


@pytest.fixture
async def desk(
    tmp_path: Path, clock: ManualClock, publisher: Publisher
) -> AsyncIterator[OrderDesk]:
    """The order desk on a fresh database holding the small test event (K01-K04)."""
    path = tmp_path / "pasar.db"
    save(path, EVENT)
    the_store = Store(open_db(path))
    order_desk = OrderDesk(the_store, publisher, clock=clock)
    await order_desk.start()
    yield order_desk
    the_store.close()


@dataclass
class Live:
    """A live sandbox broadcast and its chat."""

    broadcast_id: str
    chat_id: str


@pytest.fixture
async def live(sandbox: Sandbox, youtube: Any, clock: ManualClock) -> Live:
    """A broadcast taken live through the adapter, its stream fed as Zoom would."""
    end = T0 + timedelta(hours=6)
    broadcast = await youtube.create_broadcast("Pasar Live: Kopi", "test-b", T0, end)
    stream = await youtube.create_stream("Pasar Live utama", "test-s")
    await youtube.bind(broadcast["id"], stream["id"])
    info = stream["cdn"]["ingestionInfo"]
    sandbox.state.youtube.feed(info["ingestionAddress"], info["streamName"], True)
    await youtube.transition(broadcast["id"], "live")
    return Live(broadcast["id"], broadcast["snippet"]["liveChatId"])


class Feed:
    """The ``panel.chat`` messages of a test, read with deadlines (never a sleep)."""

    def __init__(self, queue: asyncio.Queue[Message]) -> None:
        self.queue = queue
        self.seen: list[dict[str, Any]] = []

    async def next(self, timeout: float = 10.0) -> dict[str, Any]:
        """Return the next chat status published."""
        while True:
            message = await asyncio.wait_for(self.queue.get(), timeout)
            if message.topic == "panel.chat":
                self.seen.append(message.data)
                return message.data

    async def until(self, check: Callable[[dict[str, Any]], bool], timeout: float = 10.0) -> dict:
        """Return the next status published for which ``check`` holds."""
        while True:
            data = await self.next(timeout)
            if check(data):
                return data


@dataclass
class Airing:
    """One channel as the rotation worked it out (a ``seams.AiringChannel``)."""

    state: ChannelState | None


@dataclass
class Schedule:
    """The rotation's reads the quota plan needs (a ``seams.ShowSchedule``)."""

    channels: dict[str, Airing]
    tz: ZoneInfo


@pytest.fixture
def rotation() -> Schedule:
    """What the pollers read of the rotation: channel ``utama`` airing EVENT from T0."""
    state = channel_state(EVENT.channel_slots("utama"), [], T0, JAKARTA)
    return Schedule({"utama": Airing(state)}, JAKARTA)


@pytest.fixture
async def make_pollers(
    youtube: Any, desk: OrderDesk, clock: ManualClock, publisher: Publisher
) -> AsyncIterator[Callable[..., ChatPollers]]:
    """Build pollers (no rotation: a live chat counts as on air until the quota resets)."""
    made: list[ChatPollers] = []

    def factory(rotation: ShowSchedule | None = None, **settings: Any) -> ChatPollers:
        pollers = ChatPollers(
            youtube, desk, clock, publisher, rotation=rotation, settings=PollerSettings(**settings)
        )
        made.append(pollers)
        return pollers

    yield factory
    for pollers in made:
        await pollers.close()


@pytest.fixture
async def feed(publisher: Publisher) -> AsyncIterator[Feed]:
    """Subscribe to the publisher for the whole test."""
    async with publisher.subscribe() as queue:
        yield Feed(queue)
