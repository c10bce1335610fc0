"""The YouTube quota tally survives a restart, per project and quota day."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from kernel.clock import ManualClock
from kernel.db import Store, open_db
from orchestrator.platforms.quota import QuotaTracker
from orchestrator.platforms.quota_store import QuotaKeeper, forget_quota, load_quota

NOON_PT = datetime(2027, 2, 15, 20, 0, tzinfo=UTC)  # 12:00 in Los Angeles


@pytest.fixture
async def store(tmp_path):
    the_store = Store(open_db(tmp_path / "pasar.db"))
    yield the_store
    the_store.close()


async def _keeper(store: Store, clock: ManualClock, scope: str = "live") -> QuotaKeeper:
    keeper = QuotaKeeper(QuotaTracker(clock), store, scope)
    await keeper.start()
    return keeper


async def test_spent_units_are_there_after_a_restart(store):
    """Charges made on worker threads are stored as they happen; a new tracker starts there."""
    clock = ManualClock(NOON_PT)
    first = await _keeper(store, clock)
    await asyncio.gather(*(asyncio.to_thread(first.tracker.charge, 50) for _ in range(6)))
    day, deadline = first.tracker.today(), asyncio.get_running_loop().time() + 5
    while await store.run(load_quota, "live", day) != (300, False):  # written as it moves,
        assert asyncio.get_running_loop().time() < deadline  # not only at a clean stop
        await asyncio.sleep(0.01)
    await first.stop()
    again = await _keeper(store, clock)
    assert (again.tracker.used, again.tracker.left()) == (300, 9_700)


async def test_exhaustion_is_kept_and_a_new_day_starts_fresh(store):
    """ "quotaExceeded" survives a restart on the same day; the next Pacific day is fresh."""
    clock = ManualClock(NOON_PT)
    first = await _keeper(store, clock)
    first.tracker.exhaust()
    await first.stop()
    assert (await _keeper(store, clock)).tracker.exhausted
    clock.advance(timedelta(hours=13))  # past midnight in Los Angeles
    tomorrow = await _keeper(store, clock)
    assert (tomorrow.tracker.used, tomorrow.tracker.exhausted) == (0, False)


async def test_scopes_do_not_mix_and_a_local_sandbox_forgets(store):
    """Another project's tally is its own; a fresh local sandbox starts from zero."""
    clock = ManualClock(NOON_PT)
    live = await _keeper(store, clock, "live")
    live.tracker.charge(100)
    await live.stop()
    assert (await _keeper(store, clock, "sandbox-local")).tracker.used == 0
    await store.run(forget_quota, "live")
    assert (await _keeper(store, clock, "live")).tracker.used == 0
