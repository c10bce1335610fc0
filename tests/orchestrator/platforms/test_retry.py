"""Retry-After parsing, back-off with jitter, and create-at-most-once."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from orchestrator.platforms.errors import (
    PlatformError,
    QuotaExhausted,
    YouTubeApiError,
    ZoomApiError,
)
from orchestrator.platforms.retry import Retrier, RetryPolicy, parse_retry_after

NOW = datetime(2027, 2, 15, 8, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("2", 2.0),
        (" 120 ", 120.0),
        ("1.5", 1.5),
        ("Mon, 15 Feb 2027 08:00:05 GMT", 5.0),
        ("2027-02-15T08:00:07Z", 7.0),
        ("2027-02-15T15:00:09+07:00", 9.0),
        ("2027-02-15T08:00:03", 3.0),
        ("Mon, 15 Feb 2027 07:59:00 GMT", 0.0),
        ("-4", 0.0),
    ],
)
def test_retry_after_forms(value: str, seconds: float) -> None:
    """Seconds, HTTP dates and ISO dates (with or without zone) all become seconds from now."""
    assert parse_retry_after(value, NOW) == seconds


@pytest.mark.parametrize("value", [None, "", "soon", "Mon, 99 Foo 2027"])
def test_retry_after_absent_or_garbled(value: str | None) -> None:
    """No header, or one we cannot read, leaves the wait to our own back-off."""
    assert parse_retry_after(value, NOW) is None


def test_backoff_has_full_jitter_and_a_cap() -> None:
    """Without Retry-After the wait is uniform in [0, min(cap, base * 2^attempt)]."""
    policy, rng = RetryPolicy(base=0.5, cap=4.0), random.Random(1)
    for attempt in range(8):
        waits = [policy.delay(attempt, None, rng) for _ in range(200)]
        limit = min(4.0, 0.5 * 2**attempt)
        assert all(0 <= w <= limit for w in waits) and max(waits) > limit * 0.8


def test_retry_after_is_a_floor() -> None:
    """With Retry-After the wait is never shorter, and only a little longer."""
    policy, rng = RetryPolicy(base=0.5), random.Random(2)
    assert all(10.0 <= policy.delay(3, 10.0, rng) <= 10.5 for _ in range(100))


def test_what_is_retryable() -> None:
    """5xx, 429, rate limits and time-outs are; quotaExceeded and 4xx are not."""
    assert YouTubeApiError("rateLimitExceeded", "", 403).retryable
    assert YouTubeApiError("backendError", "", 503).retryable
    assert ZoomApiError(429, 429, "").retryable
    assert not QuotaExhausted().retryable
    assert not YouTubeApiError("quotaExceeded", "", 403).retryable
    assert not ZoomApiError(404, 3001, "").retryable
    assert ZoomApiError(503, None, "").ambiguous and not ZoomApiError(429, 429, "").ambiguous


async def test_create_looks_before_asking_again() -> None:
    """After an ambiguous failure the finder is asked first; what it finds is returned."""
    calls: list[str] = []

    async def create() -> str:
        calls.append("create")
        raise PlatformError("youtube", "timeout", "late")

    async def find() -> str | None:
        calls.append("find")
        return "found-it"

    retrier = Retrier(RetryPolicy(time_scale=0))
    assert await retrier.create_once("insert", create, find) == "found-it"
    assert calls == ["create", "find"]


async def test_refused_create_is_retried_without_looking() -> None:
    """A throttled create did nothing: it is sent again after a back-off, no lookup."""
    calls: list[str] = []

    async def create() -> str:
        calls.append("create")
        if len(calls) == 1:
            raise ZoomApiError(429, 429, "slow down", retry_after=1.0)
        return "made"

    async def find() -> str | None:
        calls.append("find")
        return None

    retrier = Retrier(RetryPolicy(time_scale=0))
    assert await retrier.create_once("create", create, find) == "made"
    assert calls == ["create", "create"] and retrier.waits[0].retry_after == 1.0


async def test_gives_up_after_the_attempts() -> None:
    """The last error is raised once the attempts are used up."""
    attempts = 0

    async def call() -> None:
        nonlocal attempts
        attempts += 1
        raise ZoomApiError(503, None, "down")

    with pytest.raises(ZoomApiError):
        await Retrier(RetryPolicy(attempts=3, time_scale=0)).run("get", call)
    assert attempts == 3
