"""The Zoom adapter: zoomus over loopback HTTP to the sandbox, token refresh, Retry-After."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kernel.clock import ManualClock
from orchestrator.platforms.errors import ZoomApiError
from orchestrator.platforms.retry import RetryPolicy
from orchestrator.platforms.zoom import Zoom
from orchestrator.sandbox import Faults, Sandbox
from tests.orchestrator.platforms.conftest import FAST, seed_for

START = datetime(2027, 2, 15, 8, 15, tzinfo=UTC)


async def test_meeting_created_with_utc_start_and_found_by_marker(
    zoom: Zoom, sandbox: Sandbox
) -> None:
    """A meeting is made with a UTC start time and found again by the agenda marker."""
    meeting = await zoom.create_meeting("Pasar · Utama", "mk-1", START, 75)
    assert meeting["start_time"] == "2027-02-15T08:15:00Z" and meeting["duration"] == 75
    assert (await zoom.find_meeting("mk-1"))["id"] == meeting["id"]
    assert await zoom.find_meeting("mk-2") is None
    assert (await zoom.get_meeting(meeting["id"]))["join_url"] == meeting["join_url"]


async def test_errors_carry_status_and_zoom_code(zoom: Zoom) -> None:
    """Zoom's 404 code 3001 is None from get_meeting and ours with the code elsewhere."""
    assert await zoom.get_meeting(123) is None
    with pytest.raises(ZoomApiError) as missing:
        await zoom.end_meeting(123)
    assert (missing.value.status, missing.value.code, missing.value.reason) == (404, 3001, "3001")


async def test_invalid_token_is_refreshed_and_retried_once(zoom: Zoom, sandbox: Sandbox) -> None:
    """401 code 124 (token revoked): the adapter fetches a new token and repeats the call."""
    meeting = await zoom.create_meeting("Uji", "mk", START, 30)
    sandbox.state.zoom.tokens.clear()
    assert (await zoom.get_meeting(meeting["id"]))["id"] == meeting["id"]
    assert zoom.token_fetches == 2 and sandbox.state.creates["zoomToken"] == 2
    assert not zoom.retrier.waits


async def test_token_refreshed_before_it_expires(
    zoom: Zoom, sandbox: Sandbox, clock: ManualClock
) -> None:
    """55 minutes after a token was fetched (by the injected clock) a new one is fetched first."""
    meeting = await zoom.create_meeting("Uji", "mk", START, 30)
    clock.advance(timedelta(minutes=54))
    await zoom.get_meeting(meeting["id"])
    assert zoom.token_fetches == 1
    calls = sandbox.state.calls["zoom.get_meeting"]
    clock.advance(timedelta(minutes=2))
    await zoom.get_meeting(meeting["id"])
    assert zoom.token_fetches == 2
    assert sandbox.state.calls["zoom.get_meeting"] == calls + 1, "no 401 on the way"


async def test_bad_credentials_are_named(sandbox: Sandbox, clock: ManualClock) -> None:
    """Refused client credentials fail with a message naming the three Zoom settings."""
    sandbox.state.zoom.credentials = ("right-id", "right-secret")
    zoom = Zoom.for_sandbox(sandbox.base_url, clock=clock, policy=FAST)
    try:
        with pytest.raises(ZoomApiError) as refused:
            await zoom.get_meeting(1)
    finally:
        zoom.close()
    assert refused.value.status == 401 and "zoom_client_secret" in refused.value.message


@pytest.mark.parametrize("form", ["seconds", "http-date", "iso"])
async def test_retry_after_is_honoured_in_every_form(
    form: str, sandbox: Sandbox, clock: ManualClock
) -> None:
    """429 with Retry-After as seconds, an HTTP date or an ISO time: never retried sooner."""
    policy = RetryPolicy(attempts=3, time_scale=0.001)
    zoom = Zoom.for_sandbox(sandbox.base_url, clock=clock, policy=policy)
    sandbox.faults = Faults(throttle_rate=1.0, retry_after=form, retry_after_seconds=3)
    try:
        with pytest.raises(ZoomApiError) as throttled:
            await zoom.get_meeting(1)
    finally:
        zoom.close()
    assert throttled.value.status == 429 and throttled.value.retry_after == 3.0
    waits = zoom.retrier.waits
    assert [w.retry_after for w in waits] == [3.0, 3.0]
    assert all(3.0 <= w.seconds <= 3.0 + policy.base for w in waits)


async def test_retry_after_absent_backs_off_with_jitter(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    """429 without Retry-After: exponential back-off with full jitter, then success."""
    zoom = Zoom.for_sandbox(sandbox.base_url, clock=clock, policy=FAST)
    sandbox.faults = Faults(seed=seed_for("xx.", 0.5), throttle_rate=0.5, retry_after="absent")
    try:
        assert await zoom.get_meeting(1) is None
    finally:
        zoom.close()
    waits = zoom.retrier.waits
    assert [w.retry_after for w in waits] == [None, None]
    assert 0 <= waits[0].seconds <= 0.5 and 0 <= waits[1].seconds <= 1.0


async def test_daily_meeting_limit_is_not_waited_out(zoom: Zoom, sandbox: Sandbox) -> None:
    """A Retry-After of hours (Zoom's daily create limit) fails now instead of sleeping."""
    sandbox.state.zoom.daily_meeting_limit = 0
    with pytest.raises(ZoomApiError) as limited:
        await zoom.create_meeting("Uji", "mk", START, 30)
    assert limited.value.status == 429 and limited.value.retry_after > 3600
    assert not zoom.retrier.waits


async def test_create_that_timed_out_is_found_not_repeated(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    """The meeting is made but the answer is late: it is found by its marker, not made again."""
    zoom = Zoom.for_sandbox(sandbox.base_url, clock=clock, policy=FAST, timeout=1)
    try:
        await zoom.get_meeting(1)  # token first: the time-out below is for the create
        sandbox.faults = Faults(seed=seed_for("x..", 0.5), timeout_rate=0.5, timeout_seconds=2)
        meeting = await zoom.create_meeting("Uji", "mk-t", START, 30)
    finally:
        zoom.close()
    assert sandbox.state.creates["zoomMeeting"] == 1
    assert meeting["id"] in sandbox.state.zoom.meetings
