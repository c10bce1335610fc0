"""Fault injection: seeded, replayable, shaped like each API's own failures."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import aiohttp
import pytest
from googleapiclient.errors import HttpError
from zoomus import ZoomClient

from kernel.clock import ManualClock, ScaledClock
from orchestrator.sandbox import Faults, Sandbox, start_sandbox
from tests.orchestrator.sandbox.helpers import BROADCAST, reason, run


async def zoom_statuses(zoom: ZoomClient, meeting_id: int, n: int) -> list[int]:
    """Make `n` identical Zoom calls and return their statuses in order."""
    statuses = []
    for _ in range(n):
        response = await asyncio.to_thread(zoom.meeting.get, id=meeting_id)
        statuses.append(response.status_code)
    return statuses


async def new_meeting(zoom: ZoomClient) -> int:
    """Create a meeting to read back."""
    response = await asyncio.to_thread(zoom.meeting.create, user_id="me", topic="t", type=2)
    return response.json()["id"]


def test_decisions_replay_with_the_same_seed() -> None:
    """Two fault plans with one seed decide the same fates; another seed differs."""
    rates = {"error_rate": 0.2, "throttle_rate": 0.2, "timeout_rate": 0.1, "delay_rate": 0.1}

    def fates(seed: int) -> list[str | None]:
        plan = Faults(seed=seed, retry_after="mixed", **rates)
        decided = [plan.decide("zoom", "GET", "/v2/meetings/1") for _ in range(200)]
        return [f and f"{f.kind}:{f.retry_after_form}" for f in decided]

    assert fates(7) == fates(7)
    assert fates(7) != fates(8)
    kinds = {fate.split(":")[0] for fate in fates(7) if fate}
    assert kinds == {"error", "throttle", "timeout", "delay"}


def test_bad_rates_are_refused() -> None:
    """Rates adding up past 1 or an unknown Retry-After form are refused with the reason."""
    with pytest.raises(ValueError, match="add up"):
        Faults(error_rate=0.8, throttle_rate=0.4)
    with pytest.raises(ValueError, match="retry_after"):
        Faults(retry_after="soon")


async def test_same_seed_same_http_outcomes(sandbox: Sandbox, zoom: ZoomClient) -> None:
    """Over HTTP, the same seed and calls give the same sequence of answers."""
    meeting_id = await new_meeting(zoom)
    sandbox.faults = Faults(seed=3, error_rate=0.3, throttle_rate=0.3)
    first = await zoom_statuses(zoom, meeting_id, 30)
    sandbox.faults = Faults(seed=3, error_rate=0.3, throttle_rate=0.3)
    second = await zoom_statuses(zoom, meeting_id, 30)
    assert first == second
    assert {200, 429, 503} == set(first)
    assert len(sandbox.faults.log) == first.count(429) + first.count(503)


@pytest.mark.parametrize("form", ["seconds", "http-date", "iso", "absent"])
async def test_zoom_429_retry_after_forms(
    sandbox: Sandbox, zoom: ZoomClient, clock: ManualClock, form: str
) -> None:
    """Zoom 429s carry Retry-After as seconds, an HTTP date, an ISO time, or not at all."""
    meeting_id = await new_meeting(zoom)
    sandbox.faults = Faults(throttle_rate=1.0, retry_after=form, retry_after_seconds=30)
    response = await asyncio.to_thread(zoom.meeting.get, id=meeting_id)
    assert response.status_code == 429 and response.json()["code"] == 429
    header = response.headers.get("Retry-After")
    later = clock.now() + timedelta(seconds=30)
    if form == "seconds":
        assert header == "30"
    elif form == "http-date":
        assert header.endswith("GMT") and parsedate_to_datetime(header) == later
    elif form == "iso":
        assert header.endswith("Z") and datetime.fromisoformat(header) == later
    else:
        assert header is None


async def test_youtube_faults_are_5xx_and_rate_limits(sandbox: Sandbox, youtube: Any) -> None:
    """YouTube faults come as 503 backendError or 403 rateLimitExceeded, and cost nothing."""
    request = youtube.liveBroadcasts().insert(part="snippet,status", body=BROADCAST)
    sandbox.faults = Faults(error_rate=1.0)
    with pytest.raises(HttpError) as caught:
        await run(request)
    assert (caught.value.resp.status, reason(caught.value)) == (503, "backendError")
    sandbox.faults = Faults(throttle_rate=1.0)
    with pytest.raises(HttpError) as caught:
        await run(request)
    assert (caught.value.resp.status, reason(caught.value)) == (403, "rateLimitExceeded")
    assert sandbox.state.quota.used == 0 and sandbox.state.creates["liveBroadcast"] == 0


async def test_oauth_is_spared_unless_asked(sandbox: Sandbox, zoom: ZoomClient) -> None:
    """Faults skip the token endpoint by default; include_oauth=True breaks it too."""
    sandbox.faults = Faults(error_rate=1.0)
    await asyncio.to_thread(zoom.refresh_token)
    assert zoom.config["token"]
    sandbox.faults = Faults(error_rate=1.0, include_oauth=True)
    await asyncio.to_thread(zoom.refresh_token)
    assert zoom.config["token"] is None


async def test_timeout_after_the_work_is_done(
    sandbox: Sandbox, make_youtube: Any, youtube: Any
) -> None:
    """A time-out answers too late for the client, but the create did happen."""
    impatient = make_youtube(timeout=0.3)
    sandbox.faults = Faults(timeout_rate=1.0, timeout_seconds=5)
    with pytest.raises(TimeoutError):
        await run(impatient.liveBroadcasts().insert(part="snippet,status", body=BROADCAST))
    sandbox.faults = Faults()
    assert sandbox.state.creates["liveBroadcast"] == 1
    listed = await run(youtube.liveBroadcasts().list(mine=True, part="id"))
    assert len(listed["items"]) == 1


async def test_slow_answers_still_answer(sandbox: Sandbox, youtube: Any) -> None:
    """A delayed answer arrives intact, and the fault log says it was delayed."""
    sandbox.faults = Faults(delay_rate=1.0, delay_seconds=0.01)
    listed = await run(youtube.liveBroadcasts().list(mine=True, part="id"))
    assert listed["items"] == []
    assert [entry[3] for entry in sandbox.faults.log] == ["delay"]


async def test_slow_answers_are_slow_in_the_sandbox_clock_time() -> None:
    """At 600x a one-minute slow answer takes 0.1 real seconds, not a real minute."""
    now = datetime.now(UTC)
    faults = Faults(delay_rate=1.0, delay_seconds=60)
    async with await start_sandbox(clock=ScaledClock(now, now, 600), faults=faults) as fast:
        url = f"{fast.youtube_endpoint}youtube/v3/liveBroadcasts?part=id&mine=true"
        headers = {"Authorization": "Bearer sandbox"}
        started = time.monotonic()
        async with aiohttp.ClientSession() as session:
            answer = session.get(url, headers=headers)
            async with await asyncio.wait_for(answer, timeout=10) as response:
                assert response.status == 200
        assert [entry[3] for entry in fast.faults.log] == ["delay"]
        assert 0.09 <= time.monotonic() - started < 10
