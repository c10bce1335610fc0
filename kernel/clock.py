"""The one clock of the service: real time, time a test moves by hand, and sped-up time.

Everything that needs the time (the rotation loop, the platforms, the order desk, the
sandbox and its audience) asks a clock for ``now()`` and sleeps on it with
``sleep_until`` or ``sleep``; giving it a ``ManualClock`` lets tests drive a whole day
without sleeping, and a ``ScaledClock`` lets a rehearsal run an event in minutes and hop
over the quiet hours. Sleeps are in simulated time, so a skip or a manual advance wakes
them; ``speed`` says how many simulated seconds pass in a real one.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Where everything that needs the time gets it from."""

    @property
    def speed(self) -> float:
        """Simulated seconds per real second (1 for real and manual time)."""
        ...

    def now(self) -> datetime:
        """Return the current time as an aware UTC datetime."""
        ...

    async def sleep_until(self, moment: datetime, wake: asyncio.Event | None = None) -> None:
        """Return at ``moment``, or earlier once ``wake`` is set."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` of the clock's time."""
        ...


def _aware(moment: datetime) -> datetime:
    if moment.utcoffset() is None:
        raise ValueError(f"clocks take aware datetimes, got {moment!r}")
    return moment.astimezone(UTC)


async def _wait(events: list[asyncio.Event], timeout: float | None) -> None:
    """Wait until any of ``events`` is set, or ``timeout`` seconds pass."""
    if any(e.is_set() for e in events):
        return
    if not events:
        await asyncio.sleep(timeout or 0)
        return
    waiters = [asyncio.ensure_future(e.wait()) for e in events]
    try:
        await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        # Not awaited: awaiting here could swallow a cancellation of the caller.
        for waiter in waiters:
            waiter.cancel()


class _Sleeps:
    """``sleep`` in terms of ``sleep_until``, so skips and manual advances wake it too."""

    def now(self) -> datetime:
        raise NotImplementedError

    async def sleep_until(self, moment: datetime, wake: asyncio.Event | None = None) -> None:
        raise NotImplementedError

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)  # still a turn for others, as asyncio.sleep(0) gives
            return
        await self.sleep_until(self.now() + timedelta(seconds=seconds))


class RealClock(_Sleeps):
    """The wall clock."""

    speed = 1.0

    def now(self) -> datetime:
        return datetime.now(UTC)

    async def sleep_until(self, moment: datetime, wake: asyncio.Event | None = None) -> None:
        moment = _aware(moment)
        events = [wake] if wake is not None else []
        # Loop: the event loop's timer is monotonic and the wall clock may be adjusted.
        while (left := (moment - self.now()).total_seconds()) > 0:
            if wake is not None and wake.is_set():
                return
            await _wait(events, left)


class ManualClock(_Sleeps):
    """A clock that only moves when told to; sleepers wake as it passes their moment."""

    speed = 1.0

    def __init__(self, start: datetime) -> None:
        self._now = _aware(start)
        self._sleepers: list[tuple[datetime, asyncio.Event]] = []

    def now(self) -> datetime:
        return self._now

    @property
    def sleepers(self) -> int:
        """How many ``sleep_until`` calls are waiting (lets a test know the loop is idle)."""
        return len(self._sleepers)

    def advance(self, delta: timedelta) -> None:
        """Move time forward by ``delta``."""
        self.set(self._now + delta)

    def set(self, moment: datetime) -> None:
        """Move time to ``moment`` (never back) and wake the sleepers it passes."""
        moment = _aware(moment)
        if moment < self._now:
            raise ValueError(f"ManualClock cannot go back from {self._now} to {moment}")
        self._now = moment
        for due, event in self._sleepers:
            if due <= moment:
                event.set()

    async def sleep_until(self, moment: datetime, wake: asyncio.Event | None = None) -> None:
        moment = _aware(moment)
        if moment <= self._now:
            return
        sleeper = (moment, asyncio.Event())
        self._sleepers.append(sleeper)
        try:
            await _wait([sleeper[1], *([wake] if wake is not None else [])], None)
        finally:
            self._sleepers.remove(sleeper)


class ScaledClock(_Sleeps):
    """Simulated time running ``speed`` times faster than real time, from ``start_sim``.

    ``start_real`` is the real moment that maps to ``start_sim``; ``real`` is the clock
    read for real time (a ``RealClock`` unless a test gives another).
    """

    def __init__(
        self,
        start_real: datetime,
        start_sim: datetime,
        speed: float,
        real: Clock | None = None,
    ) -> None:
        if not speed > 0:
            raise ValueError(f"speed must be more than zero, got {speed}")
        self.speed = speed
        self._real = real or RealClock()
        self._anchor = (_aware(start_real), _aware(start_sim))
        self._skipped = asyncio.Event()

    def now(self) -> datetime:
        real, sim = self._anchor
        return sim + (self._real.now() - real) * self.speed

    def skip_to(self, moment: datetime) -> None:
        """Jump simulated time forward to ``moment`` (over quiet hours) and wake sleepers."""
        moment = _aware(moment)
        if moment < self.now():
            raise ValueError(f"ScaledClock cannot go back to {moment}")
        self._anchor = (self._real.now(), moment)
        skipped, self._skipped = self._skipped, asyncio.Event()
        skipped.set()  # sleepers recompute their real wait from the new anchor

    async def sleep_until(self, moment: datetime, wake: asyncio.Event | None = None) -> None:
        moment = _aware(moment)
        while (left := (moment - self.now()).total_seconds()) > 0:
            if wake is not None and wake.is_set():
                return
            events = [self._skipped, *([wake] if wake is not None else [])]
            await _wait(events, left / self.speed)
