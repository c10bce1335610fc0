"""Backoff with jitter, Retry-After in every form, and creates that never happen twice.

Waits are real time (the platforms' rate limits are), shrunk by ``time_scale`` in tests
and benches. Retry-After dates are read against the injected clock, because that is the
clock the sandbox writes them with, and the real services agree with a real clock.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Protocol, TypeVar

from .errors import PlatformError

T = TypeVar("T")
log = logging.getLogger(__name__)


class NowSource(Protocol):
    """Anything that tells the time (every clock of the project does)."""

    def now(self) -> datetime:
        """Return the current time, aware."""
        ...


class SystemNow:
    """The wall clock, for adapters built without an injected clock."""

    def now(self) -> datetime:
        """Return the real current time."""
        return datetime.now(UTC)


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Read Retry-After as seconds, an HTTP date or an ISO date; None when absent or garbled."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    moment = _http_date(text) or _iso_date(text)
    if moment is None:
        return None
    return max(0.0, (moment - now).total_seconds())


def _http_date(text: str) -> datetime | None:
    """Parse an RFC 7231 date (``Wed, 15 Feb 2027 08:00:02 GMT``)."""
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _iso_date(text: str) -> datetime | None:
    """Parse an ISO 8601 date-time, as Zoom sends (``2027-02-15T08:00:02Z``)."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to back off; ``time_scale`` shrinks real waits in tests."""

    attempts: int = 5
    base: float = 0.5
    cap: float = 20.0
    max_wait: float = 120.0
    time_scale: float = 1.0

    def delay(self, attempt: int, retry_after: float | None, rng: random.Random) -> float:
        """Seconds to wait before attempt ``attempt + 1``: full jitter, never before Retry-After."""
        if retry_after is not None:
            # Honour the server, then spread the herd a little.
            return retry_after + rng.uniform(0, self.base)
        return rng.uniform(0, min(self.cap, self.base * 2**attempt))


@dataclass(frozen=True)
class Wait:
    """One back-off taken: for logs, the panel and the tests that check Retry-After."""

    what: str
    attempt: int
    seconds: float
    retry_after: float | None
    reason: str


class Retrier:
    """Run calls under a policy and remember the waits it took."""

    def __init__(self, policy: RetryPolicy | None = None, seed: int | None = None) -> None:
        self.policy = policy or RetryPolicy()
        self.rng = random.Random(seed)
        self.waits: list[Wait] = []

    async def run(self, what: str, call: Callable[[], Awaitable[T]]) -> T:
        """Call until it works, backing off on retryable errors; raise the last error."""
        attempt = 0
        while True:
            try:
                return await call()
            except PlatformError as err:
                attempt += 1
                await self._pause(what, err, attempt)

    async def create_once(
        self,
        what: str,
        create: Callable[[], Awaitable[T]],
        find: Callable[[], Awaitable[T | None]],
        look_first: bool = False,
    ) -> T:
        """Create at most once: after a failure that may have worked, look before asking again.

        ``look_first`` looks before the first attempt too: an earlier process may have sent
        the create and died before it could save the answer.
        """
        if look_first:
            found = await self.run(f"{what} (lookup)", find)
            if found is not None:
                log.info("%s: made by an earlier run; found it", what)
                return found
        attempt = 0
        while True:
            try:
                return await create()
            except PlatformError as err:
                if err.ambiguous:
                    found = await self.run(f"{what} (lookup)", find)
                    if found is not None:
                        log.info("%s: no answer (%s), but it was made; found it", what, err.reason)
                        return found
                attempt += 1
                await self._pause(what, err, attempt)

    async def _pause(self, what: str, err: PlatformError, attempt: int) -> None:
        """Wait before the next attempt, or re-raise when waiting cannot help."""
        policy = self.policy
        too_long = err.retry_after is not None and err.retry_after > policy.max_wait
        if not err.retryable or attempt >= policy.attempts or too_long:
            raise err
        seconds = policy.delay(attempt - 1, err.retry_after, self.rng)
        self.waits.append(Wait(what, attempt, seconds, err.retry_after, err.reason))
        del self.waits[:-200]
        await asyncio.sleep(seconds * policy.time_scale)
