"""The rotation loop against a manual clock: publishes on time, persists, replays."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

import pytest

from kernel.clock import ManualClock
from kernel.db import Store, open_db
from kernel.errors import Conflict
from kernel.publisher import Publisher
from orchestrator.rotation import records
from orchestrator.rotation.service import TOPIC, Rotation
from schedules import store
from schedules.feed import TOPIC as SCHEDULE_TOPIC
from schedules.feed import ScheduleFeed
from tests.orchestrator.helpers import T0, small_event


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "pasar.db"
    db = open_db(path)
    store.migrate(db)
    store.save_event(db, small_event())
    db.close()
    return path


async def next_message(queue: asyncio.Queue, timeout: float = 2.0):
    return await asyncio.wait_for(queue.get(), timeout)


async def until(condition, timeout: float = 2.0) -> None:
    """Poll ``condition`` with a deadline (for "the loop is asleep now")."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.001)


async def start_rotation(db_path, clock) -> tuple[Rotation, Store, Publisher]:
    the_store = Store(open_db(db_path))
    publisher = Publisher()
    feed = ScheduleFeed(the_store, publisher)
    await feed.reload()
    rotation = Rotation(the_store, clock, publisher, feed)
    await rotation.start()
    return rotation, the_store, publisher


async def test_publishes_when_the_first_slot_starts(db_path):
    """Before the show it is off air; moving the clock to the start publishes slot 0."""
    clock = ManualClock(T0 - timedelta(minutes=1))
    rotation, the_store, publisher = await start_rotation(db_path, clock)
    try:
        assert rotation.state("utama").status == "off_air"
        await until(lambda: clock.sleepers > 0)
        async with publisher.subscribe() as queue:
            clock.set(T0)
            message = await next_message(queue)
        assert message.topic == TOPIC
        assert message.data.state.slot.id == "utama-0"
        assert message.data.due == T0
    finally:
        await rotation.stop()
        the_store.close()


async def test_a_change_published_by_a_schedule_keeps_the_moment_it_was_due(db_path):
    """A schedule arriving after the slot's start but before the late timer woke the loop
    publishes the slot with the moment the loop slept until: the lateness is the timer's."""
    clock = ManualClock(T0 - timedelta(minutes=1))
    rotation, the_store, publisher = await start_rotation(db_path, clock)
    try:
        await until(lambda: clock.sleepers > 0)
        async with publisher.subscribe(lambda m: m.topic == TOPIC) as queue:
            clock.set(T0 + timedelta(seconds=8))  # the loop has not run yet
            publisher.publish(SCHEDULE_TOPIC, "", rotation.feed.current())
            message = await next_message(queue)
        assert message.data.state.slot.id == "utama-0"
        assert message.data.due == T0 and message.data.at == T0 + timedelta(seconds=8)
    finally:
        await rotation.stop()
        the_store.close()


async def test_host_action_is_stored_and_replayed_after_restart(db_path):
    """An extend is in the actions table and a new Rotation lands on the same end time."""
    clock = ManualClock(T0 + timedelta(minutes=2))
    rotation, the_store, _ = await start_rotation(db_path, clock)
    state = await rotation.act("utama", "extend", by="host", minutes=5)
    assert state.end == T0 + timedelta(minutes=15)
    await rotation.stop()
    rows = await the_store.run(records.load_actions, "utama")
    the_store.close()
    assert [r["kind"] for r in rows] == ["extend"]
    again, store2, _ = await start_rotation(db_path, clock)
    try:
        assert again.state("utama").end == T0 + timedelta(minutes=15)
        assert again.state("utama").slot.id == "utama-0"
    finally:
        await again.stop()
        store2.close()


async def test_refused_action_is_not_stored(db_path):
    """Resume without hold is refused with a reason and leaves no trace in the log."""
    clock = ManualClock(T0 + timedelta(minutes=2))
    rotation, the_store, _ = await start_rotation(db_path, clock)
    try:
        with pytest.raises(Conflict):
            await rotation.act("utama", "resume", by="host")
        assert await the_store.run(records.load_actions, "utama") == []
    finally:
        await rotation.stop()
        the_store.close()


async def test_next_publishes_the_following_vendor_at_once(db_path):
    """Pressing next puts slot 1 on air now and publishes it."""
    clock = ManualClock(T0 + timedelta(minutes=3))
    rotation, the_store, publisher = await start_rotation(db_path, clock)
    try:
        async with publisher.subscribe() as queue:
            await rotation.act("utama", "next", by="host")
            message = await next_message(queue)
        assert message.data.state.slot.id == "utama-1"
        assert message.data.state.start == T0 + timedelta(minutes=3)
    finally:
        await rotation.stop()
        the_store.close()


async def test_schedule_edit_is_picked_up_without_restart(db_path):
    """A slot moved in the database shows in the running rotation once the feed publishes it."""
    clock = ManualClock(T0 + timedelta(minutes=1))
    rotation, the_store, publisher = await start_rotation(db_path, clock)
    try:
        event = await the_store.run(store.load_event)
        moved = event.slots[3]
        new = replace(
            moved, start=moved.start + timedelta(minutes=30), end=moved.end + timedelta(minutes=30)
        )
        async with publisher.subscribe() as queue:
            await the_store.run(store.upsert_slot, new)
            await rotation.feed.reload()
            message = await next_message(queue)
            while message.topic != TOPIC:
                message = await next_message(queue)
        row = next(r for r in message.data.state.timeline if r.slot.id == moved.id)
        assert row.start == new.start
    finally:
        await rotation.stop()
        the_store.close()


def pending_tasks() -> set[str]:
    """What the tasks still running (but the test's own) are running."""
    me = asyncio.current_task()
    return {t.get_coro().__qualname__ for t in asyncio.all_tasks() if t is not me}


ASLEEP = {"Rotation._run", "Event.wait"}  # the loop, and its wait inside the clock


async def test_an_idle_hour_reads_nothing(db_path):
    """Hours before the show only the loop is left, asleep on the clock; an hour reads nothing."""
    clock = ManualClock(T0 - timedelta(hours=3))
    rotation, the_store, _ = await start_rotation(db_path, clock)
    calls: list[str] = []
    run = the_store.run

    async def counted(fn, *args):
        calls.append(fn.__name__)
        return await run(fn, *args)

    try:
        await until(lambda: clock.sleepers == 1 and pending_tasks() == ASLEEP)
        the_store.run = counted
        for _ in range(60):
            clock.advance(timedelta(minutes=1))
            await until(lambda: clock.sleepers == 1)
        assert calls == [] and pending_tasks() == ASLEEP
        assert rotation.state("utama").status == "off_air"
    finally:
        await rotation.stop()
        the_store.close()


async def test_a_channel_dropped_and_brought_back_keeps_its_actions(db_path):
    """Host actions of a channel live on while a schedule leaves it out, as after a restart."""
    clock = ManualClock(T0 + timedelta(minutes=2))
    rotation, the_store, _ = await start_rotation(db_path, clock)
    try:
        await rotation.act("utama", "extend", by="host", minutes=5)
        other = small_event()
        other.channels = [replace(other.channels[0], id="kedua")]
        other.slots = [replace(s, channel="kedua") for s in other.slots]
        await the_store.run(store.save_event, other)
        await rotation.feed.reload()
        assert list(rotation.channels) == ["kedua"]
        await the_store.run(store.save_event, small_event())
        await rotation.feed.reload()
        assert rotation.state("utama").end == T0 + timedelta(minutes=15)
    finally:
        await rotation.stop()
        the_store.close()
