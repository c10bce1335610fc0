"""A YouTube chat poller: one loop per live chat, reading pages into the order desk.

Each page goes to ``OrderDesk.ingest`` with the next page token, so the token is saved
only with the page it follows (a crash before the commit reads the page again; message
ids dedupe it). Between reads a poller sleeps on the injected clock for the quota plan's
interval, never less than ``pollingIntervalMillis``; it stops when the chat ends and
reports what it is doing through its ``report`` callback (``pollers`` publishes that on
the ``panel.chat`` topic). ``pollers`` starts one per live broadcast and hands each the
source, the sink, the clock and the one quota plan they share (``seams`` says what each
must do).
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from kernel.clock import Clock
from kernel.times import JAKARTA
from orchestrator.chat.items import PLATFORM, read_items
from orchestrator.chat.seams import ChatSource, OrderSink, QuotaPlanner
from orchestrator.orders.model import Cursor
from orchestrator.platforms import quota_plan as qp
from orchestrator.platforms.errors import PlatformError
from orchestrator.settings import Settings

if TYPE_CHECKING:  # the adapter module loads the google client; only its page type is needed
    from orchestrator.platforms.youtube import ChatPage

log = logging.getLogger(__name__)

TOPIC = "panel.chat"
POLLING, STOPPED, ERROR, IDLE = "polling", "stopped", "error", "idle"
ENDED = "chatEnded"  # the reason a poller reports when its chat is over for good
# Reasons after which reading this chat again cannot help.
FATAL = frozenset({"liveChatNotFound", "liveChatDisabled", "forbidden"})

_TEXTS = {
    None: "Membaca chat YouTube tiap {interval} detik.",
    qp.QUOTA_SHORT: "Kuota YouTube tidak cukup untuk sisa acara: chat hanya dibaca tiap "
    "{interval} detik, pesanan tampil lebih lambat.",
    qp.QUOTA_EXCEEDED: "Kuota YouTube hari ini habis: chat tidak dibaca sampai kuota "
    "pulih pukul {reset} WIB. Pesanan yang masuk sementara itu dibaca setelahnya.",
    ENDED: "Chat siaran sudah selesai; pembacaan chat berhenti.",
    "liveChatNotFound": "Chat YouTube siaran ini tidak ditemukan (liveChatNotFound). "
    "Periksa siaran kanal ini di YouTube Studio.",
    "liveChatDisabled": "Chat dimatikan di siaran ini (liveChatDisabled). Nyalakan chat di "
    "YouTube Studio; pembacaan chat berhenti.",
    "forbidden": "YouTube menolak pembacaan chat ini (forbidden): periksa izin akun YouTube "
    "yang dipakai. Pembacaan chat berhenti.",
    "stopped": "Pembacaan chat dihentikan.",
}
_RETRY_TEXT = "YouTube sedang bermasalah ({reason}); chat dibaca lagi dalam {interval} detik."


@dataclass(frozen=True)
class PollerSettings:
    """How the pollers read: page size, reply pace and the quota plan's knobs."""

    max_results: int = 2000
    reply_every_s: float = 30.0
    policy: qp.QuotaPolicy = field(default_factory=qp.QuotaPolicy)

    @classmethod
    def from_settings(cls, settings: Settings) -> PollerSettings:
        """Read ``chat_reply_every_s`` from the settings' ``extra`` (no field of its own)."""
        return cls(reply_every_s=float(settings.extra.get("chat_reply_every_s", 30.0)))


@dataclass
class PollerStatus:
    """What the panel shows for one channel's chat reading."""

    channel: str
    live_chat_id: str | None = None
    state: str = IDLE
    reason: str | None = None
    message: str = "Chat YouTube belum dibaca."
    polls: int = 0
    messages: int = 0
    orders: int = 0
    replies: int = 0
    quota_left: int | None = None
    interval_s: float | None = None


Report = Callable[[PollerStatus], None]


class ChatPoller:
    """Read one live chat into the order desk until the chat ends or it is stopped."""

    def __init__(
        self,
        channel: str,
        live_chat_id: str,
        *,
        source: ChatSource,
        sink: OrderSink,
        clock: Clock,
        planner: QuotaPlanner,
        report: Report,
        settings: PollerSettings,
    ) -> None:
        """``report`` is told the status after each read and when the poller stops."""
        self.channel, self.chat_id = channel, live_chat_id
        self.source, self.sink, self.clock = source, sink, clock
        self.planner, self.report, self.settings = planner, report, settings
        self.status = PollerStatus(channel, live_chat_id)
        self.token: str | None = None
        self.platform_ms: int | None = None
        self.waits: deque[float] = deque(maxlen=500)  # the latest waits, for tests and benches
        self._wake = asyncio.Event()
        self._stopping = False
        self._next_reply: datetime | None = None
        # The next page, already being read while this one is stored (when behind):
        # (the token it reads from, the task). Used only if that token got committed.
        self._ahead: tuple[str | None, asyncio.Task[ChatPage]] | None = None

    def stop(self) -> None:
        """Ask the loop to end at its next wait."""
        self._stopping = True
        self._drop_ahead()
        self._wake.set()

    def _drop_ahead(self) -> None:
        """Forget a page read ahead (its token was not committed, or the loop ends)."""
        ahead, self._ahead = self._ahead, None
        if ahead is not None and not ahead[1].done():
            ahead[1].cancel()
        elif ahead is not None and not ahead[1].cancelled():
            ahead[1].exception()  # retrieved: a failed read ahead is read again in order

    def _read_ahead(self, token: str | None, not_before: datetime) -> None:
        """Start reading the page after ``token`` while the current page is stored; the
        read waits for the platform's minimum interval since the last one first."""
        size = self.settings.max_results

        async def read() -> ChatPage:
            await self.clock.sleep_until(not_before)
            return await self.source.list_chat(self.chat_id, token, size)

        self._ahead = (token, asyncio.create_task(read(), name=f"chat-read-{self.channel}"))

    async def _read(self) -> ChatPage:
        """The next page after ``self.token``: the one read ahead, or a read now."""
        ahead, self._ahead = self._ahead, None
        if ahead is not None and ahead[0] == self.token:
            return await ahead[1]
        if ahead is not None:
            self._ahead = ahead
            self._drop_ahead()
        size = self.settings.max_results
        return await self.source.list_chat(self.chat_id, self.token, size)

    def read_now(self) -> None:
        """Cut the current wait short: the broadcast ended, so drain the chat at once,
        before the platform stops serving it."""
        self._wake.set()

    async def run(self) -> None:
        """Read pages from the stored cursor on, sleeping as the plan says between them."""
        cursor = await self.sink.load_cursor(PLATFORM, self.chat_id)
        self.token = cursor.page_token if cursor else None
        self.platform_ms = cursor.polling_ms if cursor else None
        try:
            await self._loop()
        finally:  # also when cancelled: a page read ahead is not needed any more
            self._drop_ahead()

    async def _loop(self) -> None:
        while not self._stopping:
            self._wake.clear()
            try:
                wait = await self._step()
            except Exception:  # a loop that dies silently loses orders: log, report, go on
                log.exception("Chat poller %s failed", self.channel)
                self._drop_ahead()
                wait = self._report_retry("internalError", self.planner.plan(self.platform_ms))
            if wait is None:
                return
            self.waits.append(wait)
            read_at = self.clock.now()
            await self.clock.sleep_until(read_at + timedelta(seconds=wait), self._wake)
            if not self._stopping:  # woken early to drain: still respect YouTube's minimum
                floor = timedelta(milliseconds=self.platform_ms or 0)
                await self.clock.sleep_until(read_at + floor)
        self._report(STOPPED, "stopped")

    async def _step(self) -> float | None:
        """Read and store one page; return the wait before the next, None to stop."""
        plan = self.planner.plan(self.platform_ms)
        if plan.reason == qp.QUOTA_EXCEEDED:
            self._drop_ahead()
            return self._quota_gone()
        try:
            page = await self._read()
        except PlatformError as err:
            return self._failed(err, plan)
        read_at = self.clock.now()
        full = len(page.items) >= self.settings.max_results
        if full and plan.needed_s != float("inf") and not self._stopping:
            # Behind: read the next page while this one is stored. Its token is used only
            # once this page (with that token) committed; pages are stored in order.
            floor = timedelta(milliseconds=page.polling_ms or 0)
            self._read_ahead(page.next_page_token or self.token, read_at + floor)
        ended = await self._store(page)
        # offlineAt with a full page: the chat's last messages are still to come.
        if ended or (page.offline_at is not None and not full):
            self._drop_ahead()
            return self._ended()
        await self._reply()
        return self._next_wait(full)

    async def _store(self, page: ChatPage) -> bool:
        """Give the desk the page with its next token, in one transaction; True if it ended."""
        self.platform_ms = page.polling_ms
        read = read_items(page.items, self.channel)
        token = page.next_page_token or self.token
        if read.messages or token != self.token:
            cursor = Cursor(PLATFORM, self.chat_id, token, page.polling_ms, self.source.quota.used)
            result = await self.sink.ingest(read.messages, cursor)
            self.status.messages += result.new_messages
            self.status.orders += len(result.orders)
        self.token = token
        self.status.polls += 1
        return read.ended

    def _next_wait(self, full: bool) -> float:
        """Wait as planned; a full page means more is waiting, so only the platform's wait."""
        plan = self.planner.plan(self.platform_ms)
        platform_s = (self.platform_ms or 0) / 1000
        if plan.reason == qp.QUOTA_EXCEEDED:
            return self._quota_gone()
        # Behind (a full page): catch up at the platform's pace while the quota can pay;
        # the plan stretches the later waits to make up for it.
        catch_up = full and plan.needed_s != float("inf")
        wait = platform_s if catch_up else max(plan.interval_s, platform_s)
        self._report(POLLING, plan.reason, interval=wait)
        return wait

    def _failed(self, err: PlatformError, plan: qp.Plan) -> float | None:
        """Decide what a failed read means: stop, wait for the quota, or try again later."""
        reason = err.reason
        log.warning("Chat read failed on %s: %s", self.channel, err)
        if reason == "liveChatEnded":
            return self._ended()
        if reason in FATAL:
            self._report(ERROR, reason, text=_TEXTS.get(reason, err.message))
            return None
        if reason == qp.QUOTA_EXCEEDED:
            return self._quota_gone()
        if reason == "invalidPageToken":
            self.token = None  # start the chat over: the message ids dedupe what was read
        # The adapter has already retried: back off one planned interval and go on.
        return self._report_retry(reason, plan)

    def _ended(self) -> None:
        """The chat is over: say so (the pollers then never read it again)."""
        self._report(STOPPED, ENDED)

    def _report_retry(self, reason: str, plan: qp.Plan) -> float:
        """Report that a read failed and when the next one is; return that wait."""
        ceiling = self.settings.policy.ceiling_s
        wait = plan.interval_s if plan.interval_s != float("inf") else ceiling
        wait = max(wait, (self.platform_ms or 0) / 1000)
        text = _RETRY_TEXT.format(reason=reason, interval=_seconds(wait))
        self._report(ERROR, reason, interval=wait, text=text)
        return wait

    def _quota_gone(self) -> float:
        """Report the exhausted quota and wait for YouTube's reset at midnight Pacific."""
        now = self.clock.now()
        reset = qp.next_reset(now)
        wait = (reset - now).total_seconds()
        text = _TEXTS[qp.QUOTA_EXCEEDED].format(reset=reset.astimezone(JAKARTA).strftime("%H:%M"))
        self._report(ERROR, qp.QUOTA_EXCEEDED, interval=wait, text=text)
        return wait

    async def _reply(self) -> None:
        """Send one batched confirmation when it is due and the quota plan has room."""
        now = self.clock.now()
        if self._next_reply is not None and now < self._next_reply:
            return
        if not self.planner.may_reply(self.platform_ms):
            return
        texts = self.sink.pending_replies(self.channel, PLATFORM, limit=1)
        for text in texts:
            try:
                await self.source.insert_chat(self.chat_id, text)
            except PlatformError as err:
                log.warning("Chat reply on %s not sent: %s", self.channel, err)
                continue
            self.planner.replied()
            self.status.replies += 1
        if texts:
            self._next_reply = now + timedelta(seconds=self.settings.reply_every_s)

    def _report(self, state: str, reason: str | None, interval: float | None = None,
                text: str = "") -> None:  # fmt: skip
        """Update the status and report it (once per read: the panel drains bursts)."""
        status = self.status
        status.state, status.reason = state, reason
        status.interval_s = None if interval is None else round(interval, 3)
        status.quota_left = self.planner.quota_left
        status.message = text or _TEXTS.get(reason, "").format(interval=_seconds(interval))
        self.report(status)


def _seconds(value: float | None) -> str:
    """Write a wait for people: whole seconds, at least one."""
    return "-" if value is None else str(max(1, round(value)))
