"""The YouTube adapter: google-api-python-client over loopback HTTP to the sandbox."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime, timedelta

import pytest

from kernel.clock import ManualClock
from orchestrator.platforms.errors import PlatformTimeout, QuotaExhausted, YouTubeApiError
from orchestrator.platforms.retry import RetryPolicy
from orchestrator.platforms.youtube import ChatPage, QuotaTracker, YouTube
from orchestrator.platforms.zoom import Zoom
from orchestrator.sandbox import Faults, Sandbox
from tests.orchestrator.platforms.conftest import FAST, seed_for

START = datetime(2027, 2, 15, 8, 30, tzinfo=UTC)


async def live_show(youtube: YouTube, zoom: Zoom, marker: str = "m1") -> dict:
    """Make a broadcast, bind a stream, push Zoom into it and go live; return the broadcast."""
    broadcast = await youtube.create_broadcast("Uji", marker, START, START + timedelta(hours=1))
    stream = await youtube.create_stream("Uji", marker)
    await youtube.bind(broadcast["id"], stream["id"])
    meeting = await zoom.create_meeting("Uji", marker, START, 60)
    info = stream["cdn"]["ingestionInfo"]
    await zoom.set_live_stream(meeting["id"], info["ingestionAddress"], info["streamName"], "")
    await zoom.start_live_stream(meeting["id"], "Uji")
    await youtube.transition(broadcast["id"], "live")
    return broadcast


def owner_messages(sandbox: Sandbox, chat_id: str) -> list[dict]:
    chat = sandbox.state.youtube.chats[chat_id]
    return [m for m in chat.messages if m["snippet"]["type"] == "textMessageEvent"]


async def test_errors_carry_youtubes_reason(youtube: YouTube) -> None:
    """A refused transition and an unknown chat come back as ours with YouTube's reason."""
    broadcast = await youtube.create_broadcast("Uji", "m1", START, START + timedelta(hours=1))
    stream = await youtube.create_stream("Uji", "m1")
    await youtube.bind(broadcast["id"], stream["id"])
    with pytest.raises(YouTubeApiError) as refused:
        await youtube.transition(broadcast["id"], "live")
    assert (refused.value.status, refused.value.reason) == (403, "errorStreamInactive")
    with pytest.raises(YouTubeApiError) as missing:
        await youtube.list_chat("no-such-chat", None)
    assert (missing.value.status, missing.value.reason) == (404, "liveChatNotFound")
    assert not missing.value.retryable


async def test_chat_page_and_insert(youtube: YouTube, zoom: Zoom, sandbox: Sandbox) -> None:
    """list_chat returns raw items, the next token, the polling wait, offlineAt and its cost."""
    broadcast = await live_show(youtube, zoom)
    chat_id = broadcast["snippet"]["liveChatId"]
    sandbox.add_chat_message(chat_id, "K01 2", display_name="Budi")
    page = await youtube.list_chat(chat_id, None)
    assert isinstance(page, ChatPage) and page.quota_cost == 5
    assert page.items[0]["snippet"]["displayMessage"] == "K01 2"
    assert page.polling_ms == 2000 and page.next_page_token and page.offline_at is None
    sent = await youtube.insert_chat(chat_id, "Terima kasih Budi!")
    assert sent["snippet"]["textMessageDetails"]["messageText"] == "Terima kasih Budi!"
    await youtube.transition(broadcast["id"], "complete")
    last = await youtube.list_chat(chat_id, page.next_page_token, max_results=200)
    assert last.offline_at is not None
    assert [i["snippet"]["type"] for i in last.items] == ["textMessageEvent", "chatEndedEvent"]


async def test_redundant_transition_counts_as_done(youtube: YouTube, zoom: Zoom) -> None:
    """Asking for live twice answers None the second time instead of failing."""
    broadcast = await live_show(youtube, zoom)
    assert await youtube.transition(broadcast["id"], "live") is None


async def test_quota_counted_per_call_and_reset_at_pacific_midnight(
    youtube: YouTube, sandbox: Sandbox, clock: ManualClock
) -> None:
    """Our own count matches the sandbox's and starts again at midnight Pacific time."""
    await youtube.create_broadcast("Uji", "m1", START, START + timedelta(hours=1))
    await youtube.find_broadcast("m1")
    assert youtube.quota.used == sandbox.state.quota.used == 51
    assert youtube.quota.left() == 10_000 - 51 and youtube.quota.can_spend(9_949)
    clock.set(datetime(2027, 2, 16, 8, 0, tzinfo=UTC))  # 00:00 PST the next day
    assert youtube.quota.used == 0


def test_quota_tracker_day_boundary() -> None:
    """The budget resets at 00:00 America/Los_Angeles, not at UTC midnight."""
    clock = ManualClock(datetime(2027, 2, 15, 7, 59, tzinfo=UTC))  # 23:59 PST
    quota = QuotaTracker(clock, limit=100)
    quota.charge(60)
    assert not quota.can_spend(41) and quota.left() == 40
    clock.set(datetime(2027, 2, 15, 8, 0, tzinfo=UTC))
    assert quota.left() == 100


async def test_quota_exceeded_is_never_retried(youtube: YouTube, sandbox: Sandbox) -> None:
    """quotaExceeded fails at once; after it no call is sent until the host asks again."""
    sandbox.state.quota.exhaust(sandbox.state.clock.now())
    with pytest.raises(QuotaExhausted):
        await youtube.get_broadcast("x")
    with pytest.raises(QuotaExhausted):
        await youtube.get_stream("y")
    assert sandbox.state.calls["liveBroadcasts.list"] == 1
    assert sandbox.state.calls["liveStreams.list"] == 0
    assert not youtube.retrier.waits and youtube.quota.left() == 0


async def test_rate_limit_is_retried(youtube: YouTube, sandbox: Sandbox) -> None:
    """403 rateLimitExceeded twice, then an answer: the call succeeds after two back-offs."""
    sandbox.faults = Faults(seed=seed_for("xx.", 0.5), throttle_rate=0.5)
    assert await youtube.get_broadcast("none") is None
    assert [w.reason for w in youtube.retrier.waits] == ["rateLimitExceeded"] * 2


async def test_create_that_timed_out_is_found_not_repeated(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    """The insert is done but answers too late: it is listed and found, never made twice."""
    youtube = YouTube.for_sandbox(sandbox.youtube_endpoint, clock=clock, policy=FAST, timeout=0.3)
    try:
        seed = seed_for("x...", 0.5)
        sandbox.faults = Faults(seed=seed, timeout_rate=0.5, timeout_seconds=1.0)
        broadcast = await youtube.create_broadcast("Uji", "m9", START, START + timedelta(hours=1))
        stream = await youtube.create_stream("Uji", "m9")
    finally:
        youtube.close()
    assert sandbox.state.creates["liveBroadcast"] == 1 and sandbox.state.creates["liveStream"] == 1
    assert broadcast["id"] in sandbox.state.youtube.broadcasts
    assert stream["cdn"]["ingestionInfo"]["streamName"]
    assert [w.reason for w in youtube.retrier.waits] == []


async def test_chat_insert_that_timed_out_is_not_posted_twice(
    youtube: YouTube, zoom: Zoom, sandbox: Sandbox, clock: ManualClock
) -> None:
    """A chat line whose answer is lost is looked for in the chat before any repost."""
    broadcast = await live_show(youtube, zoom)
    chat_id = broadcast["snippet"]["liveChatId"]
    slow = YouTube.for_sandbox(sandbox.youtube_endpoint, clock=clock, policy=FAST, timeout=0.3)
    try:
        sandbox.faults = Faults(seed=seed_for("x...", 0.5), timeout_rate=0.5, timeout_seconds=1.0)
        await slow.insert_chat(chat_id, "Sekarang tayang: Penjual 0")
    finally:
        slow.close()
    assert len(owner_messages(sandbox, chat_id)) == 1


async def test_server_error_on_chat_insert_posts_once(
    youtube: YouTube, zoom: Zoom, sandbox: Sandbox
) -> None:
    """A 503 (nothing posted) is checked, then retried: exactly one message arrives."""
    broadcast = await live_show(youtube, zoom)
    chat_id = broadcast["snippet"]["liveChatId"]
    sandbox.faults = Faults(seed=seed_for("x...", 0.5), error_rate=0.5)
    await youtube.insert_chat(chat_id, "Halo semua")
    assert len(owner_messages(sandbox, chat_id)) == 1
    assert [w.reason for w in youtube.retrier.waits] == ["backendError"]


async def test_unreachable_service_is_ours(clock: ManualClock) -> None:
    """Nothing listening: the error is ours (unreachable), after the policy's attempts."""
    policy = RetryPolicy(attempts=2, time_scale=0.001)
    youtube = YouTube.for_sandbox("http://127.0.0.1:9/", clock=clock, policy=policy)
    try:
        with pytest.raises(Exception) as failed:
            await youtube.get_broadcast("x")
    finally:
        youtube.close()
    assert getattr(failed.value, "reason", None) == "unreachable"
    assert not isinstance(failed.value, PlatformTimeout)


async def test_each_worker_thread_has_its_own_http(youtube: YouTube) -> None:
    """Concurrent calls run on several threads, each building its own service and Http."""
    seen: set[int] = set()
    original = youtube._service

    def spy() -> object:
        seen.add(threading.get_ident())
        return original()

    youtube._service = spy  # type: ignore[method-assign]
    await asyncio.gather(*(youtube.get_broadcast(f"b{i}") for i in range(16)))
    services = youtube._services
    assert len(seen) > 1 and len(services) == len(seen)
    assert len({id(s._http) for s in services}) == len(services)


async def test_a_scan_for_our_line_stops_at_the_live_end_of_a_busy_chat(
    youtube: YouTube, zoom: Zoom, sandbox: Sandbox, clock: ManualClock
) -> None:
    """Looking for our own line ends at messages newer than the look began: a live chat
    always has a next page, and one typed into faster than it is read was chased for
    (simulated) days."""
    broadcast = await live_show(youtube, zoom)
    chat_id = broadcast["snippet"]["liveChatId"]
    sandbox.add_chat_message(chat_id, "K01 2", display_name="Budi")  # older than the look
    later = clock.now() + timedelta(minutes=2)
    for i in range(2500):  # more than one page, all typed after the look began
        sandbox.add_chat_message(chat_id, f"K01 {i}", published_at=later)
    pages = []
    list_chat = youtube.list_chat

    async def counted(*args, **kwargs):
        pages.append(args)
        return await list_chat(*args, **kwargs)

    youtube.list_chat = counted
    assert await youtube.find_chat_message(chat_id, "Sekarang tayang", clock.now()) is None
    assert len(pages) == 1
    sent = await youtube.insert_chat(chat_id, "Sekarang tayang")  # resumes where it stopped
    found = await youtube.find_chat_message(chat_id, "Sekarang tayang", clock.now())
    assert found is not None and found["id"] == sent["id"]
