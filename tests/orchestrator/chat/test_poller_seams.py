"""One chat poller on small fakes of its seams, and the shared quota plan on its own."""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from datetime import timedelta
from typing import Any

from kernel.clock import ManualClock
from orchestrator.chat.budget import ChatQuota
from orchestrator.chat.poller import ChatPoller, PollerSettings, PollerStatus
from orchestrator.orders.model import ChatMessage, Cursor, IngestResult
from orchestrator.platforms import quota_plan as qp
from orchestrator.settings import Settings
from tests.orchestrator.chat.conftest import youtube_module
from tests.orchestrator.helpers import T0


class Tally:
    """Today's units as the adapter counts them (a ``seams.QuotaTally``)."""

    used = 40

    def left(self) -> int:
        return 9_960


class Source:
    """Chat pages served in turn (a ``seams.ChatSource``); what it is asked to post is kept."""

    def __init__(self, *pages: Any) -> None:
        self.quota = Tally()
        self.pages, self.tokens, self.sent = list(pages), [], []

    async def list_chat(self, live_chat_id: str, page_token: str | None, max_results: int):
        self.tokens.append(page_token)
        return self.pages.pop(0)

    async def insert_chat(self, live_chat_id: str, text: str) -> None:
        self.sent.append(text)


class Sink:
    """Keeps the cursor stored with each page (a ``seams.OrderSink``); one reply is due."""

    def __init__(self) -> None:
        self.cursors: list[Cursor] = []
        self.replies = ["Tercatat: @Ayu K01x1"]

    async def load_cursor(self, platform: str, chat_id: str) -> Cursor | None:
        return Cursor(platform, chat_id, "saved", 2000)

    async def ingest(self, messages: list[ChatMessage], cursor: Cursor) -> IngestResult:
        self.cursors.append(cursor)
        return IngestResult(new_messages=len(messages))

    def pending_replies(self, channel: str, platform: str, limit: int) -> list[str]:
        taken, self.replies = self.replies[:limit], self.replies[limit:]
        return taken


class Planner:
    """A quota with room for everything, read every five seconds (a ``seams.QuotaPlanner``)."""

    quota_left = 9_960

    def __init__(self) -> None:
        self.replies = 0

    def plan(self, platform_ms: int | None) -> qp.Plan:
        return qp.Plan(5.0, 5.0, True, None, 9_000)

    def may_reply(self, platform_ms: int | None) -> bool:
        return True

    def replied(self) -> None:
        self.replies += 1


async def test_poller_works_through_its_seams_alone() -> None:
    """A poller resumes from the sink's cursor, stores and replies, reports each read, ends."""
    page = youtube_module.ChatPage
    source = Source(page([], "p2", 2000, None, 5), page([], None, 2000, T0, 5))
    sink, planner, clock = Sink(), Planner(), ManualClock(T0)
    reports: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    def report(status: PollerStatus) -> None:
        reports.put_nowait(asdict(status))

    poller = ChatPoller(
        "utama", "chat-1", source=source, sink=sink, clock=clock, planner=planner,
        report=report, settings=PollerSettings(),
    )  # fmt: skip
    task = asyncio.create_task(poller.run())
    first = await asyncio.wait_for(reports.get(), 5)
    assert (first["state"], first["polls"], first["replies"]) == ("polling", 1, 1)
    assert (first["interval_s"], first["quota_left"]) == (5.0, 9_960)
    assert sink.cursors == [Cursor("youtube", "chat-1", "p2", 2000, 40)]
    assert source.sent == ["Tercatat: @Ayu K01x1"] and planner.replies == 1
    clock.advance(timedelta(seconds=5))
    last = await asyncio.wait_for(reports.get(), 5)
    assert (last["state"], last["reason"], last["polls"]) == ("stopped", "chatEnded", 2)
    assert source.tokens == ["saved", "p2"]
    await asyncio.wait_for(task, 5)


def test_quota_plan_pays_only_for_chats_being_read() -> None:
    """Without a schedule, a chat being read counts until the reset and an idle one not."""
    clock, reading = ManualClock(T0), {"utama"}
    budget = ChatQuota(Tally(), clock, qp.QuotaPolicy(), reading=lambda: reading)
    assert budget.on_air_seconds() == (qp.next_reset(T0) - T0).total_seconds()
    assert budget.quota_left == 9_960
    reading.clear()
    assert budget.on_air_seconds() == 0


def test_reply_pace_comes_from_the_settings_extra() -> None:
    """``chat_reply_every_s`` in the config file's extra sets the reply pace (30 s without)."""
    assert PollerSettings.from_settings(Settings()).reply_every_s == 30.0
    extra = {"chat_reply_every_s": "12"}
    assert PollerSettings.from_settings(Settings(extra=extra)).reply_every_s == 12.0
