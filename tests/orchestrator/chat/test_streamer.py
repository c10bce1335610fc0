"""Streaming chat end to end: sandbox gRPC -> real grpc client -> streamer -> order desk."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from kernel.clock import ManualClock
from kernel.publisher import Publisher
from orchestrator.chat.poller import PollerSettings
from orchestrator.chat.pollers import ChatPollers
from orchestrator.chat.streamer import ChatStreamer
from orchestrator.chat.transport import Transports
from orchestrator.orders.desk import OrderDesk
from orchestrator.platforms.youtube_stream import StaticToken, StreamClient, StreamPage
from orchestrator.sandbox import Sandbox
from tests.orchestrator.chat.conftest import Feed, Live


@pytest.fixture
async def stream_client(sandbox: Sandbox, youtube: Any) -> AsyncIterator[StreamClient]:
    """The real grpc client on the sandbox's streamList, sharing the adapter's quota."""
    client = StreamClient(sandbox.grpc_target, StaticToken(), youtube.quota, secure=False)
    yield client
    await client.close()


@pytest.fixture
async def make_streamers(
    youtube: Any, desk: OrderDesk, clock: ManualClock, publisher: Publisher,
    stream_client: StreamClient,
) -> AsyncIterator[Callable[..., ChatPollers]]:  # fmt: skip
    """Build chat readers that stream (unless told to poll)."""
    made: list[ChatPollers] = []

    def factory(mode: str = "stream", retry_stream_s: float = 600.0) -> ChatPollers:
        pollers = ChatPollers(
            youtube, desk, clock, publisher, settings=PollerSettings(), stream=stream_client,
            transports=Transports(mode, retry_stream_s),
        )  # fmt: skip
        made.append(pollers)
        return pollers

    yield factory
    for pollers in made:
        await pollers.close()


async def rows(desk: OrderDesk, sql: str) -> list[dict[str, Any]]:
    return await desk.store.run(lambda db: [dict(r) for r in db.query(sql)])


async def until(check: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait (polling with a deadline) until ``check`` holds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():
        assert asyncio.get_running_loop().time() < deadline, "it did not happen in time"
        await asyncio.sleep(0.002)


async def test_typed_orders_arrive_without_the_clock_moving(
    sandbox: Sandbox, desk, make_streamers, feed: Feed, live: Live
):
    """A message typed during a stream becomes an order with no poll interval passing;
    the resume token is saved with it."""
    sandbox.add_chat_message(live.chat_id, "K01 2", display_name="Budi")
    pollers = make_streamers()
    reader = pollers.start("utama", live.chat_id)
    assert isinstance(reader, ChatStreamer)
    await feed.until(lambda s: s["orders"] == 1 and s["transport"] == "stream")
    sandbox.add_chat_message(live.chat_id, "mau K02 1 ya kak", display_name="Sari")
    status = await feed.until(lambda s: s["orders"] == 2)
    assert status["state"] == "streaming" and status["messages"] == 2
    orders = await rows(desk, "SELECT code, qty, author_name FROM orders ORDER BY id")
    assert [(o["code"], o["qty"]) for o in orders] == [("K01", 2), ("K02", 1)]
    [cursor] = await rows(desk, "SELECT page_token FROM platform_cursors")
    assert cursor["page_token"] == reader.token is not None


async def test_restart_resumes_from_the_saved_token_without_doubles(
    sandbox: Sandbox, desk, make_streamers, feed: Feed, live: Live
):
    """A new streamer resumes after the saved token: old messages are not read again."""
    audience = sandbox.audience(live.chat_id, ("K01", "K02", "K03"), seed=5)
    audience.emit(300)
    first = make_streamers()
    first.start("utama", live.chat_id)
    await feed.until(lambda s: s["messages"] == 300)
    await first.stop("utama")
    audience.emit(40)
    again = make_streamers().start("utama", live.chat_id)
    status = await feed.until(lambda s: s["messages"] == 40 and s["state"] == "streaming")
    assert status["orders"] == again.status.orders
    stored = await rows(desk, "SELECT count(*) AS n FROM chat_messages")
    assert stored[0]["n"] == 340 == len(audience.sent)


async def test_quiet_stream_is_reopened_when_the_plan_allows(
    sandbox: Sandbox, clock: ManualClock, make_streamers, feed: Feed, live: Live, youtube
):
    """An idle stream ends; the next opens one planned interval after the first, and each
    open is charged (sandbox and our tally agree)."""
    pollers = make_streamers()
    reader = pollers.start("utama", live.chat_id)
    await until(lambda: sandbox.stream_service.opens == 1 and clock.sleepers > 0)
    before = youtube.quota.used
    clock.advance(timedelta(seconds=sandbox.state.config.stream_idle_seconds))
    await until(lambda: len(reader.waits) == 1)
    interval = pollers.stream_budget.plan(None).interval_s
    assert reader.waits[0] == pytest.approx(interval - 10, abs=1)
    assert sandbox.stream_service.opens == 1  # not reopened before the plan says
    clock.advance(timedelta(seconds=reader.waits[0]))
    await until(lambda: sandbox.stream_service.opens == 2)
    assert sandbox.state.quota.spent_by_method["liveChatMessages.streamList"] == 10
    # Our tally charges an open when it answers: the first's empty response is counted,
    # the second (still quiet) not yet.
    assert youtube.quota.used == before + 5
    sandbox.add_chat_message(live.chat_id, "K03 1")
    await feed.until(lambda s: s["orders"] == 1 and s["reconnects"] == 1)
    assert youtube.quota.used == before + 10


async def test_repeated_unimplemented_falls_back_to_polling_then_streams_again(
    sandbox: Sandbox, clock: ManualClock, make_streamers, feed: Feed, live: Live, desk
):
    """Three failed opens hand the chat to a poller (the panel says why); after the
    fallback time it streams again, and orders typed meanwhile arrive once."""
    sandbox.state.stream_failure = "UNIMPLEMENTED"
    pollers = make_streamers(retry_stream_s=120)
    reader = pollers.start("utama", live.chat_id)
    for count in (1, 2):
        await until(lambda n=count: len(reader.waits) == n)
        clock.advance(timedelta(seconds=reader.waits[-1]))
    status = await feed.until(lambda s: s["transport"] == "poll")
    assert "UNIMPLEMENTED" in status["transport_text"] and status["fallbacks"] == 1
    sandbox.add_chat_message(live.chat_id, "K01 1")
    await feed.until(lambda s: s["state"] == "polling" and s["orders"] == 1)
    sandbox.state.stream_failure = None
    clock.advance(timedelta(seconds=121))
    await feed.until(lambda s: s["transport"] == "stream" and s["state"] == "streaming")
    sandbox.add_chat_message(live.chat_id, "K02 1")
    await feed.until(lambda s: s["orders"] == 1 and s["transport"] == "stream")
    orders = await rows(desk, "SELECT code FROM orders ORDER BY id")
    assert [o["code"] for o in orders] == ["K01", "K02"]


async def test_expired_token_is_refreshed_once(sandbox: Sandbox, youtube, live: Live):
    """UNAUTHENTICATED makes the client refresh its token and open again."""

    class Rotating:
        def __init__(self) -> None:
            self.value, self.refreshed = "old", 0

        def token(self) -> str:
            return self.value

        def refresh(self) -> None:
            self.value, self.refreshed = "new", self.refreshed + 1

    sandbox.state.expired_tokens.add("old")
    sandbox.add_chat_message(live.chat_id, "K01 1")
    tokens = Rotating()
    client = StreamClient(sandbox.grpc_target, tokens, youtube.quota, secure=False)
    try:
        pages = client.pages(live.chat_id, None)
        page = await anext(pages)
        await pages.aclose()
    finally:
        await client.close()
    assert tokens.refreshed == 1
    assert page.items[-1]["snippet"]["textMessageDetails"]["messageText"] == "K01 1"


async def test_chat_end_stops_the_streamer(
    sandbox: Sandbox, youtube, make_streamers, feed: Feed, live: Live
):
    """The broadcast's end arrives on the stream and the reader stops for good."""
    pollers = make_streamers()
    pollers.start("utama", live.chat_id)
    await feed.until(lambda s: s["state"] == "streaming")
    await youtube.transition(live.broadcast_id, "complete")
    status = await feed.until(lambda s: s["reason"] == "chatEnded")
    assert status["state"] == "stopped"
    await until(lambda: not pollers.running("utama"))
    assert live.chat_id in pollers.ended


async def test_spent_quota_stops_streaming_until_the_reset(
    sandbox: Sandbox, make_streamers, feed: Feed, live: Live
):
    """RESOURCE_EXHAUSTED is YouTube's quotaExceeded: the reader waits for the reset."""
    sandbox.state.quota.exhaust(sandbox.state.clock.now())
    make_streamers().start("utama", live.chat_id)
    status = await feed.until(lambda s: s["reason"] == "quotaExceeded")
    assert status["state"] == "error" and "WIB" in status["message"]


async def test_poll_setting_polls_even_with_a_stream_client(
    make_streamers, feed: Feed, live: Live, sandbox: Sandbox
):
    """PASAR_YOUTUBE_CHAT=poll: the chat is polled and the panel says it is the setting."""
    reader = make_streamers(mode="poll").start("utama", live.chat_id)
    assert not isinstance(reader, ChatStreamer)
    status = await feed.until(lambda s: s["polls"] == 1)
    assert status["transport"] == "poll" and "PASAR_YOUTUBE_CHAT=poll" in status["transport_text"]
    assert sandbox.stream_service.opens == 0


class Burst:
    """A stream that delivers ``count`` one-message responses, one every ``every_s``."""

    def __init__(self, count: int, every_s: float) -> None:
        self.count, self.every_s, self.opens = count, every_s, 0

    async def pages(self, live_chat_id: str, page_token: str | None):
        self.opens += 1
        for n in range(self.count):
            await asyncio.sleep(self.every_s)  # pacing the fake server, not awaiting a result
            item = {"id": f"burst-{n}", "snippet": {
                "type": "textMessageEvent", "publishedAt": "2027-02-15T08:00:00Z",
                "textMessageDetails": {"messageText": "K01 1"}},
                "authorDetails": {"channelId": f"UCburst{n}", "displayName": f"B{n}"}}  # fmt: skip
            yield StreamPage([item], f"tok-{n}", None)
        await asyncio.Event().wait()  # then the stream stays open, quiet


async def test_a_rush_of_responses_is_stored_at_most_once_per_store_gap(
    youtube, desk: OrderDesk, clock: ManualClock, publisher: Publisher, live: Live
):
    """Responses every 2 ms are stored at most once per store gap (real time), batched;
    every message is stored once and the last token is saved."""
    ingests: list[int] = []
    real_ingest = desk.ingest

    async def counting(messages, cursor):
        ingests.append(len(messages))
        return await real_ingest(messages, cursor)

    desk.ingest = counting  # type: ignore[method-assign]
    pollers = ChatPollers(youtube, desk, clock, publisher, stream=Burst(200, 0.002))
    loop = asyncio.get_running_loop()
    try:
        started = loop.time()
        reader = pollers.start("utama", live.chat_id)
        await until(lambda: reader.token == "tok-199")
        gap = pollers.stream_settings.store_gap_s
        assert sum(ingests) == 200 and len(ingests) <= (loop.time() - started) / gap + 2
        assert len(await rows(desk, "SELECT message_id FROM chat_messages")) == 200
    finally:
        await pollers.close()


class Offline:
    """A stream whose first response says the broadcast went offline, then one more."""

    opens = 0

    async def pages(self, live_chat_id: str, page_token: str | None):
        self.opens += 1
        for n, offline in ((0, datetime(2027, 2, 15, 9, tzinfo=UTC)), (1, None)):
            item = {"id": f"last-{n}", "snippet": {
                "type": "textMessageEvent", "publishedAt": "2027-02-15T08:59:59Z",
                "textMessageDetails": {"messageText": "K02 1"}},
                "authorDetails": {"channelId": f"UClast{n}", "displayName": f"L{n}"}}  # fmt: skip
            yield StreamPage([item], f"last-tok-{n}", offline)


async def test_offline_at_reads_the_stream_to_its_end_then_stops(
    youtube, desk: OrderDesk, clock: ManualClock, publisher: Publisher, live: Live, feed: Feed
):
    """After offline_at the stream's remaining messages are still stored; then the reader
    stops for good instead of opening another stream."""
    stream = Offline()
    pollers = ChatPollers(youtube, desk, clock, publisher, stream=stream)
    try:
        pollers.start("utama", live.chat_id)
        status = await feed.until(lambda s: s["reason"] == "chatEnded")
        assert status["messages"] == 2 and stream.opens == 1
        await until(lambda: not pollers.running("utama"))
    finally:
        await pollers.close()
