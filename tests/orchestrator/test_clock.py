"""The clocks: real, manual (tests move time by hand) and scaled (demo time runs faster)."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

import pytest

from kernel.clock import Clock, ManualClock, RealClock, ScaledClock

START = datetime(2027, 2, 15, 8, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


async def settle() -> None:
    """Let every ready task run until it blocks again."""
    for _ in range(5):
        await asyncio.sleep(0)


def test_clocks_follow_the_protocol():
    """All three clocks can stand in for Clock."""
    clocks: list[Clock] = [RealClock(), ManualClock(START), ScaledClock(START, START, 2)]
    assert all(c.now().tzinfo is not None for c in clocks)


def test_every_clock_says_its_speed():
    """Real and manual time run at 1; a scaled clock at the speed it was given."""
    assert RealClock().speed == ManualClock(START).speed == 1
    assert ScaledClock(START, START, 600).speed == 600


def test_there_is_one_clock_family():
    """The sandbox and the order desk use the kernel's clocks, not clocks of their own."""
    import orchestrator.orders.desk as desk
    import orchestrator.sandbox as sandbox

    assert not hasattr(sandbox, "ScaledClock") and not hasattr(sandbox, "ManualClock")
    assert not hasattr(desk, "_WallClock")
    assert isinstance(desk.OrderDesk(None, None).clock, RealClock)  # type: ignore[arg-type]


def test_naive_times_are_refused():
    """Clocks take aware datetimes only."""
    with pytest.raises(ValueError):
        ManualClock(datetime(2027, 2, 15, 8, 0))


# --- ManualClock ---------------------------------------------------------------------


def test_manual_clock_moves_only_when_told():
    """now() stays put until advance or set, and never goes back."""
    clock = ManualClock(START)
    assert clock.now() == START
    clock.advance(5 * SECOND)
    clock.set(START + 60 * SECOND)
    assert clock.now() == START + 60 * SECOND
    with pytest.raises(ValueError):
        clock.set(START)


async def test_manual_sleeper_wakes_when_time_passes_its_moment():
    """A sleeper stays asleep until the clock is moved to or past its moment."""
    clock = ManualClock(START)
    task = asyncio.create_task(clock.sleep_until(START + 10 * SECOND))
    await settle()
    assert clock.sleepers == 1
    clock.advance(9 * SECOND)
    await settle()
    assert not task.done()
    clock.advance(1 * SECOND)
    await asyncio.wait_for(task, 1)
    assert clock.sleepers == 0


async def test_manual_wakes_only_the_sleepers_that_are_due():
    """Moving time wakes the sleepers whose moment passed, not the others."""
    clock = ManualClock(START)
    early = asyncio.create_task(clock.sleep_until(START + 5 * SECOND))
    late = asyncio.create_task(clock.sleep_until(START + 50 * SECOND))
    await settle()
    clock.set(START + 20 * SECOND)
    await asyncio.wait_for(early, 1)
    await settle()
    assert not late.done()
    clock.advance(30 * SECOND)
    await asyncio.wait_for(late, 1)


async def test_manual_sleep_until_the_past_returns_at_once():
    """Sleeping until now or earlier does not wait."""
    clock = ManualClock(START)
    await clock.sleep_until(START)
    await clock.sleep_until(START - SECOND)
    assert clock.sleepers == 0


async def test_manual_wake_event_ends_the_sleep_early():
    """Setting the wake event ends a sleep before its moment."""
    clock, wake = ManualClock(START), asyncio.Event()
    task = asyncio.create_task(clock.sleep_until(START + 3600 * SECOND, wake))
    await settle()
    wake.set()
    await asyncio.wait_for(task, 1)
    assert clock.now() == START and clock.sleepers == 0


async def test_manual_sleep_with_wake_already_set_returns_at_once():
    """A wake event set before the call means no sleep at all."""
    wake = asyncio.Event()
    wake.set()
    await ManualClock(START).sleep_until(START + SECOND, wake)


async def test_manual_sleep_wakes_when_the_clock_is_advanced():
    """sleep(seconds) waits in the clock's time: an advance past it wakes the sleeper."""
    clock = ManualClock(START)
    task = asyncio.create_task(clock.sleep(10))
    await settle()
    assert clock.sleepers == 1
    clock.advance(9 * SECOND)
    await settle()
    assert not task.done()
    clock.advance(SECOND)
    await asyncio.wait_for(task, 1)


async def test_sleeping_no_time_still_yields():
    """sleep(0) returns at once but lets other tasks run first, as asyncio.sleep(0) does."""
    ran: list[int] = []

    async def other() -> None:
        ran.append(1)

    task = asyncio.create_task(other())
    await ManualClock(START).sleep(0)
    assert ran == [1]
    await task


async def test_manual_cancelled_sleeper_is_forgotten():
    """Cancelling a sleep removes its sleeper."""
    clock = ManualClock(START)
    task = asyncio.create_task(clock.sleep_until(START + SECOND))
    await settle()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert clock.sleepers == 0


# --- RealClock -----------------------------------------------------------------------


async def test_real_clock_sleeps_until_the_moment():
    """RealClock returns once the wall clock reaches the moment (a few ms here)."""
    clock = RealClock()
    moment = clock.now() + timedelta(milliseconds=5)
    await clock.sleep_until(moment)
    assert clock.now() >= moment


async def test_real_clock_wakes_early_on_the_event():
    """RealClock returns as soon as the wake event is set."""
    clock, wake = RealClock(), asyncio.Event()
    asyncio.get_running_loop().call_later(0.002, wake.set)
    started = time.monotonic()
    await clock.sleep_until(clock.now() + timedelta(hours=1), wake)
    assert time.monotonic() - started < 1


async def test_real_clock_sleeps_seconds():
    """RealClock.sleep waits real seconds."""
    clock = RealClock()
    before = clock.now()
    await clock.sleep(0.005)
    assert clock.now() - before >= timedelta(milliseconds=5)


async def test_real_clock_past_moment_returns_at_once():
    """Sleeping until a past moment does not wait."""
    clock = RealClock()
    await clock.sleep_until(clock.now() - SECOND)


# --- ScaledClock ---------------------------------------------------------------------


def test_scaled_clock_runs_faster_from_its_anchor():
    """Simulated time starts at start_sim and runs speed times faster than real time."""
    real = ManualClock(START)
    clock = ScaledClock(START, datetime(2027, 3, 1, tzinfo=UTC), 60, real=real)
    assert clock.now() == datetime(2027, 3, 1, tzinfo=UTC)
    real.advance(SECOND)
    assert clock.now() == datetime(2027, 3, 1, 0, 1, tzinfo=UTC)


def test_scaled_clock_refuses_bad_speed_and_going_back():
    """Speed must be positive, and skip_to only goes forward."""
    with pytest.raises(ValueError):
        ScaledClock(START, START, 0)
    clock = ScaledClock(START, START, 1, real=ManualClock(START))
    with pytest.raises(ValueError):
        clock.skip_to(START - SECOND)


async def test_scaled_clock_sleeps_a_simulated_second_in_a_millisecond():
    """At speed 1000 a 1 s simulated wait takes about 1 ms of real time."""
    now = datetime.now(UTC)
    clock = ScaledClock(now, START, 1000)
    started = time.monotonic()
    await clock.sleep_until(START + SECOND)
    assert clock.now() >= START + SECOND
    assert time.monotonic() - started < 0.5


async def test_scaled_clock_sleep_is_in_simulated_seconds():
    """At speed 1000, sleep(60) takes about 60 ms of real time, not a minute."""
    clock = ScaledClock(datetime.now(UTC), START, 1000)
    started = time.monotonic()
    await clock.sleep(60)
    assert clock.now() >= START + 60 * SECOND
    assert time.monotonic() - started < 5  # a sleep in real seconds would take 60


async def test_scaled_clock_skip_wakes_a_sleep_of_seconds():
    """A skip over quiet hours wakes sleep() too: it sleeps until a moment, not a duration."""
    clock = ScaledClock(datetime.now(UTC), START, 1000)
    task = asyncio.create_task(clock.sleep(10 * 3600))
    await settle()
    assert not task.done()
    clock.skip_to(START + timedelta(hours=10))
    await asyncio.wait_for(task, 1)


async def test_scaled_clock_skip_to_wakes_sleepers():
    """skip_to jumps over quiet hours and wakes a sleeper whose moment it passed."""
    clock = ScaledClock(datetime.now(UTC), START, 1000)
    task = asyncio.create_task(clock.sleep_until(START + timedelta(hours=10)))
    await settle()
    assert not task.done()
    clock.skip_to(START + timedelta(hours=10))
    await asyncio.wait_for(task, 1)
    assert clock.now() >= START + timedelta(hours=10)


async def test_scaled_clock_skip_short_of_the_moment_keeps_sleeping():
    """A skip that stops before a sleeper's moment leaves it asleep until then."""
    # Real time is the test's: 2 simulated seconds are 2 real ms at 1000x, less than a
    # busy box may take between two turns of the loop, so it must not pass on its own.
    real = ManualClock(START)
    clock = ScaledClock(START, START, 1000, real=real)
    task = asyncio.create_task(clock.sleep_until(START + timedelta(hours=10, seconds=2)))
    await settle()
    clock.skip_to(START + timedelta(hours=10))
    await settle()
    assert not task.done()
    real.advance(timedelta(milliseconds=2))  # the 2 simulated seconds left
    await asyncio.wait_for(task, 1)
    assert clock.now() == START + timedelta(hours=10, seconds=2)


async def test_scaled_clock_wake_event_ends_the_sleep_early():
    """The wake event ends a scaled sleep early too."""
    clock, wake = ScaledClock(datetime.now(UTC), START, 1000), asyncio.Event()
    task = asyncio.create_task(clock.sleep_until(START + timedelta(days=1), wake))
    await settle()
    wake.set()
    await asyncio.wait_for(task, 1)
    assert clock.now() < START + timedelta(days=1)


@pytest.mark.parametrize("ticks", range(6))
async def test_cancelling_a_sleeper_just_as_it_wakes_is_not_lost(ticks):
    """A loop cancelled while its sleep is ending stops, instead of sleeping again forever."""
    clock, wake = ManualClock(START), asyncio.Event()

    async def loop() -> None:
        while True:
            wake.clear()
            await clock.sleep_until(START + timedelta(days=1), wake)

    task = asyncio.create_task(loop())
    await settle()
    wake.set()
    for _ in range(ticks):
        await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, 1)
