"""The rehearsal's skips over quiet hours: never while a day's chat is still being read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from kernel.clock import ManualClock, ScaledClock
from orchestrator.rehearsal.runner import DRAIN_LIMIT, QUIET_MARGIN, _skip_quiet_hours

DAY_END = datetime(2027, 2, 20, 10, 30, tzinfo=UTC)  # 17:30 WIB
NEXT_START = datetime(2027, 2, 21, 8, 30, tzinfo=UTC)
LEAD = timedelta(minutes=15)
TARGET = NEXT_START - LEAD - QUIET_MARGIN


@dataclass(frozen=True)
class _State:
    status: str
    start: datetime | None
    next_start: datetime | None


class _Rotation:
    """One channel, off air since the day ended, with tomorrow's first slot ahead."""

    channels = ("utama",)

    def state(self, channel: str) -> _State:
        return _State("off_air", DAY_END, NEXT_START)


def _clock_at(moment: datetime) -> ScaledClock:
    real = ManualClock(datetime(2030, 1, 1, tzinfo=UTC))
    return ScaledClock(real.now(), moment, 600, real=real)


def test_a_finished_day_is_skipped_once_its_chat_is_read():
    """Four minutes after the day's end, with no poller reading, the clock jumps ahead."""
    clock = _clock_at(DAY_END + timedelta(minutes=4))
    assert _skip_quiet_hours(_Rotation(), clock, LEAD) == (DAY_END + timedelta(minutes=4), TARGET)
    assert clock.now() == TARGET


def test_no_skip_while_a_poller_still_reads_the_days_chat():
    """A poller still draining the chat holds the skip: after it, the chat would be gone."""
    clock = _clock_at(DAY_END + timedelta(minutes=4))
    assert _skip_quiet_hours(_Rotation(), clock, LEAD, draining=True) is None
    assert clock.now() == DAY_END + timedelta(minutes=4)


def test_a_poller_that_never_finishes_holds_the_skip_only_so_long():
    """Past the drain limit the chat cannot be read anyway, so the clock jumps regardless."""
    clock = _clock_at(DAY_END + DRAIN_LIMIT + timedelta(seconds=1))
    assert _skip_quiet_hours(_Rotation(), clock, LEAD, draining=True) is not None
    assert clock.now() == TARGET
