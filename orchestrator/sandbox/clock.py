"""Clocks the sandbox can run on: real time, a hand-driven clock for tests, a fast clock."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Anything with `now()`; `sleep()` and `speed` are optional extras."""

    def now(self) -> datetime:
        """Return the current time as an aware UTC datetime."""
        ...


class SystemClock:
    """Real UTC time, so the sandbox behaves like the real services."""

    speed = 1.0

    def now(self) -> datetime:
        """Return the real current time."""
        return datetime.now(UTC)

    async def sleep(self, seconds: float) -> None:
        """Wait in real time."""
        await asyncio.sleep(max(0.0, seconds))


class ManualClock:
    """A clock that moves only when a test says so, so tests never wait on real time."""

    speed = 1.0

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2027, 2, 15, 8, 0, tzinfo=UTC)
        self._waiters: list[tuple[datetime, asyncio.Future[None]]] = []

    def now(self) -> datetime:
        """Return the clock's current time."""
        return self._now

    def advance(self, seconds: float) -> datetime:
        """Move time forward and wake every sleeper whose time has come."""
        self._now += timedelta(seconds=seconds)
        due = [(t, f) for t, f in self._waiters if t <= self._now]
        self._waiters = [(t, f) for t, f in self._waiters if t > self._now]
        for _, future in due:
            if not future.done():
                future.set_result(None)
        return self._now

    async def sleep(self, seconds: float) -> None:
        """Wait until the clock has been advanced by `seconds`."""
        deadline = self._now + timedelta(seconds=seconds)
        if deadline <= self._now:
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append((deadline, future))
        await future


class ScaledClock:
    """Time that runs `speed` times faster than real time, for rehearsals."""

    def __init__(self, speed: float, start: datetime | None = None) -> None:
        if speed <= 0:
            raise ValueError(f"clock speed must be positive, got {speed}")
        self.speed = speed
        self._start = start or datetime.now(UTC)
        self._origin = time.monotonic()

    def now(self) -> datetime:
        """Return the simulated time."""
        elapsed = (time.monotonic() - self._origin) * self.speed
        return self._start + timedelta(seconds=elapsed)

    async def sleep(self, seconds: float) -> None:
        """Wait `seconds` of simulated time."""
        await asyncio.sleep(max(0.0, seconds) / self.speed)


def clock_speed(clock: Clock) -> float:
    """Return how many simulated seconds pass per real second (1 when unknown)."""
    return float(getattr(clock, "speed", 1.0) or 1.0)


async def clock_sleep(clock: Clock, seconds: float) -> None:
    """Sleep on the clock when it can, else in real time."""
    sleeper = getattr(clock, "sleep", None)
    if sleeper is None:
        await asyncio.sleep(max(0.0, seconds))
    else:
        await sleeper(seconds)


def rfc3339(moment: datetime) -> str:
    """Format a time the way Google and Zoom do (UTC, `Z`)."""
    text = moment.astimezone(UTC).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")


def zoom_time(moment: datetime) -> str:
    """Format a time the way Zoom does (UTC, whole seconds, `Z`)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
