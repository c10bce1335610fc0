"""The chat poller against the sandbox, through the real google client and adapter."""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest

from kernel.clock import ManualClock
from orchestrator.chat.poller import ChatPoller
from orchestrator.chat.pollers import ChatPollers
from orchestrator.orders.desk import OrderDesk
from orchestrator.platforms.quota_plan import QuotaPolicy
from orchestrator.sandbox import Faults, Sandbox
from tests.orchestrator.chat.conftest import Feed, Live, youtube_module
from tests.orchestrator.helpers import T0

CODES = ("K01", "K02", "K03", "K04")


async def tick(clock: ManualClock, feed: Feed, poller: ChatPoller) -> dict[str, Any]:
    """Let the sleeping poller's wait pass and return the status of its next read."""
    clock.advance(timedelta(seconds=poller.waits[-1]))
    return await feed.next()


async def drain(clock: ManualClock, feed: Feed, poller: ChatPoller, messages: int) -> dict:
    """Drive the poller until it has stored ``messages`` new messages."""
    status = await feed.until(lambda s: s["state"] != "idle")
    for _ in range(50):
        if poller.status.messages >= messages:
            return status
        status = await tick(clock, feed, poller)
    raise AssertionError(f"only {poller.status.messages} of {messages} messages read")


async def rows(desk: OrderDesk, sql: str) -> list[dict[str, Any]]:
    """Query the desk's database on its thread."""
    return await desk.store.run(lambda db: list(db.query(sql)))


def expected_net(sent: list[Any]) -> Counter[tuple[str, str]]:
    """What each viewer holds of each code once the audience's cancels are applied."""
    net: Counter[tuple[str, str]] = Counter()
    for message in sent:
        for item in message.expected["items"]:
            key = (message.author_channel_id, item["code"])
            if message.expected["kind"] == "order":
                net[key] += item["qty"]
            elif message.expected["kind"] == "cancel":
                net[key] = 0 if item["qty"] == 0 else max(0, net[key] - item["qty"])
    return +net


async def stored_net(desk: OrderDesk) -> Counter[tuple[str, str]]:
    """What each viewer holds of each code in the order book (cancelled orders left out)."""
    net: Counter[tuple[str, str]] = Counter()
    for row in await rows(
        desk, "SELECT author_id, code, qty FROM orders WHERE status != 'cancelled'"
    ):
        net[(row["author_id"], row["code"])] += row["qty"]
    return +net


async def test_audience_orders_become_exactly_the_expected_orders(
    sandbox: Sandbox, youtube, desk, clock, make_pollers, feed, live: Live
) -> None:
    """2,500 audience messages over two pages give exactly the audience's orders."""
    audience = sandbox.audience(live.chat_id, CODES, seed=7)
    audience.emit(2500)
    pollers = make_pollers()
    poller = pollers.start("utama", live.chat_id)
    await drain(clock, feed, poller, 2500)
    stored = {r["message_id"] for r in await rows(desk, "SELECT message_id FROM chat_messages")}
    assert stored == {m.message_id for m in audience.sent}
    assert await stored_net(desk) == expected_net(audience.sent)
    orders = await rows(desk, "SELECT count(*) AS n FROM orders")
    assert orders[0]["n"] == poller.status.orders > 0


async def test_full_page_is_followed_at_the_platform_interval(
    sandbox: Sandbox, youtube, desk, clock, make_pollers, feed, live: Live
) -> None:
    """A full page means more waits: the next read comes after pollingIntervalMillis only."""
    sandbox.audience(live.chat_id, CODES, seed=1).emit(2100)
    pollers = make_pollers()
    poller = pollers.start("utama", live.chat_id)
    await drain(clock, feed, poller, 2100)
    assert poller.waits[0] == 2.0  # after the full page: the sandbox's 2,000 ms
    assert poller.waits[1] >= QuotaPolicy().floor_s  # caught up: the plan's pace again


async def test_page_read_again_makes_no_new_order(
    sandbox: Sandbox, youtube, desk, clock, make_pollers, feed, live: Live
) -> None:
    """A poller restarted without the saved cursor re-reads the chat and orders nothing new."""
    sandbox.audience(live.chat_id, CODES, seed=2).emit(400)
    pollers = make_pollers()
    first = pollers.start("utama", live.chat_id)
    await drain(clock, feed, first, 400)
    await pollers.stop("utama")
    before = await rows(desk, "SELECT id, qty, status FROM orders ORDER BY id")
    await desk.store.run(lambda db: db.execute("DELETE FROM platform_cursors"))
    again = pollers.start("utama", live.chat_id)
    status = await feed.until(lambda s: s["polls"] == 1 and s["state"] == "polling")
    assert again.token is not None and status["messages"] == 0 and status["orders"] == 0
    assert await rows(desk, "SELECT id, qty, status FROM orders ORDER BY id") == before


async def test_restart_continues_from_the_stored_cursor(
    sandbox: Sandbox, youtube, desk, clock, make_pollers, feed, live: Live
) -> None:
    """After a restart only messages typed since the last page are read."""
    audience = sandbox.audience(live.chat_id, CODES, seed=3)
    audience.emit(50)
    pollers = make_pollers()
    await drain(clock, feed, pollers.start("utama", live.chat_id), 50)
    audience.emit(30)
    again = make_pollers().start("utama", live.chat_id)
    status = await feed.until(lambda s: s["polls"] == 1)
    assert status["messages"] == 30
    again.stop()


async def test_stops_after_the_broadcast_completes(
    sandbox: Sandbox, youtube, desk, clock, make_pollers, feed, live: Live
) -> None:
    """Messages typed before the end are read, then chatEndedEvent/offlineAt stop the poller."""
    pollers = make_pollers()
    poller = pollers.start("utama", live.chat_id)
    await feed.until(lambda s: s["polls"] == 1)
    last = sandbox.audience(live.chat_id, CODES, seed=4).emit(20)
    await youtube.transition(live.broadcast_id, "complete")
    status = await tick(clock, feed, poller)
    assert (status["state"], status["reason"]) == ("stopped", "chatEnded")
    assert status["messages"] == len(last) and "selesai" in status["message"]
    assert not pollers.running("utama")


async def test_ended_chat_read_again_stops_on_live_chat_ended(
    sandbox: Sandbox, youtube, desk, clock, make_pollers, feed, live: Live
) -> None:
    """After a restart, a chat already ended and read stops the poller on liveChatEnded."""
    pollers = make_pollers()
    poller = pollers.start("utama", live.chat_id)
    await feed.until(lambda s: s["polls"] == 1)
    await youtube.transition(live.broadcast_id, "complete")
    await tick(clock, feed, poller)
    calls = sandbox.state.calls["liveChatMessages.list"]
    assert pollers.start("utama", live.chat_id) is None  # an ended chat is not read again
    make_pollers().start("utama", live.chat_id)  # but a restarted app does not know yet
    status = await feed.until(lambda s: s["polls"] == 0 and s["state"] == "stopped")
    assert status["reason"] == "chatEnded"
    assert sandbox.state.calls["liveChatMessages.list"] == calls + 1


async def test_live_chat_not_found_is_reported(make_pollers, feed) -> None:
    """An unknown chat id is reported to the host in Indonesian and polling stops."""
    pollers = make_pollers()
    pollers.start("utama", "sbxCnoSuchChat")
    status = await feed.until(lambda s: s["state"] == "error")
    assert status["reason"] == "liveChatNotFound" and "tidak ditemukan" in status["message"]
    assert pollers.status("utama")["reason"] == "liveChatNotFound"
    await asyncio.wait_for(pollers._tasks["utama"], 5)


async def test_live_chat_disabled_is_reported(
    sandbox: Sandbox, youtube, desk, clock, make_pollers, feed, live: Live
) -> None:
    """A chat switched off is reported (liveChatDisabled) and polling stops."""
    sandbox.state.youtube.chats[live.chat_id].disabled = True
    pollers = make_pollers()
    pollers.start("utama", live.chat_id)
    status = await feed.until(lambda s: s["state"] == "error")
    assert status["reason"] == "liveChatDisabled" and "Nyalakan chat" in status["message"]
    await asyncio.wait_for(pollers._tasks["utama"], 5)
    assert not pollers.running("utama")


async def test_exhausted_quota_is_reported_and_reading_waits_for_the_reset(
    sandbox: Sandbox, youtube, desk, clock, make_pollers, feed, live: Live
) -> None:
    """quotaExceeded from YouTube stops the reads until midnight Pacific, then they resume."""
    pollers = make_pollers()
    poller = pollers.start("utama", live.chat_id)
    await feed.until(lambda s: s["polls"] == 1)
    sandbox.faults = Faults(quota_after=sandbox.state.quota.used + 5)
    await tick(clock, feed, poller)
    status = await tick(clock, feed, poller)
    assert (status["state"], status["reason"]) == ("error", "quotaExceeded")
    assert "Kuota YouTube hari ini habis" in status["message"] and status["quota_left"] == 0
    calls = sandbox.state.calls["liveChatMessages.list"]
    clock.advance(timedelta(hours=6))
    await asyncio.sleep(0)
    assert sandbox.state.calls["liveChatMessages.list"] == calls  # no reads until the reset
    sandbox.faults = Faults()
    clock.set(clock.now().replace(hour=8, minute=0) + timedelta(days=1))
    status = await feed.until(lambda s: s["polls"] == 3)
    assert status["state"] == "polling" and sandbox.state.calls["liveChatMessages.list"] > calls


async def test_quota_that_will_not_last_is_reported(
    youtube, desk, clock, make_pollers, feed, live: Live
) -> None:
    """With little quota for a long day the host is told reads slow down, and they do."""
    youtube.quota.limit = 2_000
    pollers = make_pollers()
    poller = pollers.start("utama", live.chat_id)
    status = await feed.until(lambda s: s["polls"] == 1)
    assert (status["state"], status["reason"]) == ("polling", "quotaShort")
    assert "tidak cukup" in status["message"]
    assert poller.waits[-1] >= QuotaPolicy().ceiling_s


@pytest.mark.parametrize("sandbox_options", [{"polling_interval_ms": 9000}])
async def test_reads_never_come_faster_than_polling_interval(
    sandbox: Sandbox, youtube, desk, clock, make_pollers, feed, live: Live
) -> None:
    """Every wait, after full pages and empty ones, is at least pollingIntervalMillis."""
    audience = sandbox.audience(live.chat_id, CODES, seed=5)
    audience.emit(4500)
    pollers = make_pollers()
    poller = pollers.start("utama", live.chat_id)
    read_at = []
    await feed.until(lambda s: s["polls"] == 1)
    for _ in range(5):
        read_at.append(clock.now())
        await tick(clock, feed, poller)
    assert poller.status.messages == 4500
    assert min(poller.waits) >= 9.0
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(read_at)]
    assert min(gaps) >= 9.0


async def test_transient_failure_backs_off_one_interval_and_recovers(
    sandbox: Sandbox, youtube, desk, clock, make_pollers, feed, live: Live
) -> None:
    """Server errors after the adapter's retries are reported; the next read goes on."""
    pollers = make_pollers()
    poller = pollers.start("utama", live.chat_id)
    await feed.until(lambda s: s["polls"] == 1)
    sandbox.faults = Faults(error_rate=1.0)
    status = await tick(clock, feed, poller)
    assert (status["state"], status["reason"]) == ("error", "backendError")
    assert poller.waits[-1] == pytest.approx(poller.waits[-2], abs=0.5)  # one planned interval
    sandbox.faults = Faults()
    sandbox.audience(live.chat_id, CODES, seed=6).emit(10)
    status = await tick(clock, feed, poller)
    assert (status["state"], status["messages"]) == ("polling", 10)


def owner_texts(sandbox: Sandbox, chat_id: str) -> list[str]:
    """What the channel itself said in the chat."""
    messages = sandbox.state.youtube.chats[chat_id].messages
    return [
        m["snippet"]["textMessageDetails"]["messageText"]
        for m in messages
        if m["authorDetails"]["isChatOwner"] and m["snippet"]["type"] == "textMessageEvent"
    ]


async def test_confirmations_are_batched_paced_and_never_order(
    sandbox: Sandbox, clock, make_pollers, rotation, feed, live: Live
) -> None:
    """Orders are confirmed in one message, the next no sooner than 30 s, and ours order nothing."""
    sandbox.add_chat_message(live.chat_id, "K01 2", display_name="Budi", author_channel_id="UCb")
    sandbox.add_chat_message(live.chat_id, "K02 1", display_name="Siti", author_channel_id="UCs")
    pollers = make_pollers(rotation)
    poller = pollers.start("utama", live.chat_id)
    status = await feed.until(lambda s: s["polls"] == 1)
    assert status["replies"] == 1
    assert owner_texts(sandbox, live.chat_id) == [
        "Tercatat: @Budi K01x2, @Siti K02x1 · Bayar: 127.0.0.1:8080/bayar"
    ]
    sandbox.add_chat_message(live.chat_id, "K03 1", display_name="Ayu", author_channel_id="UCa")
    status = await tick(clock, feed, poller)
    assert poller.waits[-1] == 5.0  # a two-hour show on a fresh quota: read at the floor
    assert (status["orders"], status["replies"]) == (3, 1)  # 5 s later: not yet
    while clock.now() < T0 + timedelta(seconds=30):
        status = await tick(clock, feed, poller)
    assert status["replies"] == 2 and status["orders"] == 3  # our own reply ordered nothing
    last = owner_texts(sandbox, live.chat_id)[-1]
    assert last == "Tercatat: @Ayu K03x1 · Bayar: 127.0.0.1:8080/bayar"


async def test_no_confirmation_when_the_quota_has_no_room(
    sandbox: Sandbox, youtube, make_pollers, feed, live: Live
) -> None:
    """With the quota too tight for the rest of the day, orders are not confirmed in chat."""
    youtube.quota.limit = 2_000
    sandbox.add_chat_message(live.chat_id, "K01 2", display_name="Budi", author_channel_id="UCb")
    pollers = make_pollers()
    pollers.start("utama", live.chat_id)
    status = await feed.until(lambda s: s["polls"] == 1)
    assert (status["orders"], status["replies"]) == (1, 0)
    assert owner_texts(sandbox, live.chat_id) == []


async def test_platform_messages_start_pollers_for_live_chats(
    make_pollers, publisher, feed, live: Live
) -> None:
    """A live broadcast with a chat id starts a poller; a ready one does not."""
    pollers = make_pollers()
    follower = asyncio.create_task(pollers.follow(publisher))
    await asyncio.sleep(0)  # let the follower subscribe
    ready = {"live_chat_id": "sbxCnotYet", "broadcast_status": "ready"}
    publisher.publish("platform", "kuliner", ready)
    publisher.publish(
        "platform", "utama", {"live_chat_id": live.chat_id, "broadcast_status": "live"}
    )
    status = await feed.until(lambda s: s["polls"] == 1)
    assert status["channel"] == "utama" and pollers.running("utama")
    assert not pollers.running("kuliner") and pollers.status("kuliner")["state"] == "idle"
    follower.cancel()


async def test_new_chat_replaces_the_old_poller(make_pollers, feed, live: Live) -> None:
    """A channel's new broadcast chat replaces the poller of its old one."""
    pollers = make_pollers()
    old = pollers.start("utama", "sbxColdChat")
    await feed.until(lambda s: s["live_chat_id"] == "sbxColdChat")
    new = pollers.start("utama", live.chat_id)
    assert new is not old and pollers.start("utama", live.chat_id) is new
    status = await feed.until(lambda s: s["live_chat_id"] == live.chat_id)
    assert status["state"] == "polling"


async def test_plan_follows_the_rotation_show(make_pollers, rotation, clock, live: Live) -> None:
    """The pollers plan over the show's remaining air time, not until the quota reset."""
    pollers = make_pollers(rotation)
    assert pollers.budget.on_air_seconds() == 2 * 3600
    pollers.start("utama", live.chat_id)
    clock.advance(timedelta(minutes=30))
    assert pollers.budget.on_air_seconds() == 1.5 * 3600
    assert pollers.budget.plan(2000).interval_s == QuotaPolicy().floor_s
    assert make_pollers().budget.on_air_seconds() == 0  # nothing scheduled, nothing read


class OfflineYouTube:
    """An adapter stand-in whose chat page says the stream went offline, with no end event."""

    def __init__(self, real: Any) -> None:
        self.quota = real.quota
        self.page = youtube_module.ChatPage([], "next", 2000, T0, 5)
        self.sent: list[str] = []

    async def list_chat(self, live_chat_id: str, page_token: str | None, max_results: int):
        """Answer every read with the offline page."""
        return self.page

    async def insert_chat(self, live_chat_id: str, text: str) -> None:
        """Keep what would have been posted."""
        self.sent.append(text)


async def test_offline_at_alone_stops_the_poller(youtube, desk, clock, publisher, feed) -> None:
    """A page carrying offlineAt (and not full) stops the poller even without chatEndedEvent."""
    pollers = ChatPollers(OfflineYouTube(youtube), desk, clock, publisher)
    pollers.start("utama", "sbxCoffline")
    status = await feed.until(lambda s: s["state"] == "stopped")
    assert (status["reason"], status["polls"]) == ("chatEnded", 1)
    assert "sbxCoffline" in pollers.ended
    await pollers.close()
