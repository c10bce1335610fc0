"""YouTube's daily quota in the sandbox: costs, exhaustion and the Pacific midnight reset."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import Any

import pytest
from googleapiclient.errors import HttpError

from kernel.clock import ManualClock
from orchestrator.sandbox import Faults, Sandbox
from tests.orchestrator.sandbox.helpers import BROADCAST, reason, run


def insert(youtube: Any) -> Any:
    """A liveBroadcasts.insert request (50 units)."""
    return youtube.liveBroadcasts().insert(part="snippet,status", body=BROADCAST)


async def test_costs_follow_api_notes(sandbox: Sandbox, youtube: Any, prepare_show: Any) -> None:
    """Each method costs its API-NOTES units; a refused request still costs one."""
    show = await prepare_show()
    by_method = sandbox.state.quota.spent_by_method
    assert by_method == {
        "liveBroadcasts.insert": 50,
        "liveStreams.insert": 50,
        "liveBroadcasts.bind": 50,
    }
    chat = youtube.liveChatMessages()
    await run(chat.list(liveChatId=show.chat_id, part="snippet"))
    body = {
        "snippet": {
            "liveChatId": show.chat_id,
            "type": "textMessageEvent",
            "textMessageDetails": {"messageText": "Halo!"},
        }
    }
    await run(chat.insert(part="snippet", body=body))
    await run(youtube.liveBroadcasts().list(id=show.broadcast_id, part="id"))
    with pytest.raises(HttpError):
        await run(
            youtube.liveBroadcasts().transition(
                broadcastStatus="complete", id=show.broadcast_id, part="id"
            )
        )
    assert by_method["liveChatMessages.list"] == 5
    assert by_method["liveChatMessages.insert"] == 20
    assert by_method["liveBroadcasts.list"] == 1
    assert by_method["liveBroadcasts.transition"] == 1
    assert sandbox.state.quota.used == 150 + 5 + 20 + 1 + 1


async def test_exhausted_quota_gives_quota_exceeded(sandbox: Sandbox, youtube: Any) -> None:
    """Once the day's units are spent, calls get 403 quotaExceeded in domain youtube.quota."""
    sandbox.state.quota.limit = 120
    await run(insert(youtube))
    await run(insert(youtube))
    with pytest.raises(HttpError) as caught:
        await run(insert(youtube))
    error = json.loads(caught.value.content)["error"]
    assert caught.value.resp.status == 403
    assert reason(caught.value) == "quotaExceeded"
    assert error["errors"][0]["domain"] == "youtube.quota"
    assert sandbox.state.quota.used == 100
    await run(youtube.liveBroadcasts().list(mine=True, part="id"))


async def test_quota_exceeded_is_not_retried(sandbox: Sandbox, youtube: Any) -> None:
    """execute(num_retries=...) does not repeat a quotaExceeded call."""
    sandbox.state.quota.exhaust(sandbox.state.clock.now())
    with pytest.raises(HttpError) as caught:
        await asyncio.to_thread(insert(youtube).execute, num_retries=3)
    assert reason(caught.value) == "quotaExceeded"
    assert sandbox.state.calls["liveBroadcasts.insert"] == 1


async def test_quota_resets_at_pacific_midnight(
    sandbox: Sandbox, youtube: Any, clock: ManualClock
) -> None:
    """The budget comes back at midnight Pacific time, not at midnight UTC."""
    assert clock.now().hour == 8  # 08:00 UTC is midnight in Los Angeles in February
    sandbox.state.quota.exhaust(clock.now())
    clock.advance(timedelta(hours=16))  # midnight UTC: same Pacific day
    with pytest.raises(HttpError) as caught:
        await run(insert(youtube))
    assert reason(caught.value) == "quotaExceeded"
    clock.advance(timedelta(hours=8))
    await run(insert(youtube))
    assert sandbox.state.quota.used == 50


async def test_fault_plan_can_exhaust_quota_early(sandbox: Sandbox, youtube: Any) -> None:
    """Faults(quota_after=N) runs the quota out after N units."""
    sandbox.faults = Faults(quota_after=60)
    await run(insert(youtube))
    with pytest.raises(HttpError) as caught:
        await run(insert(youtube))
    assert reason(caught.value) == "quotaExceeded"
    sandbox.faults = Faults()
    await run(insert(youtube))
