"""A YouTube chat streamer: one ``streamList`` stream after another, into the order desk.

It is a ``ChatPoller`` whose pages arrive by stream instead of by ``list``: each streamed
response goes through the poller's own ``_store`` (read the items, then ``OrderDesk.ingest``
with the response's ``next_page_token`` as the cursor, in one transaction), so a
``kill -9`` mid-stream loses and doubles nothing, as with polling. Confirmations and the
panel's reports are the poller's too.

A stream ends by itself on a quiet chat (reported: after ~10 s, with one empty response);
the shared quota plan decides when to open the next one: never sooner than the plan's
interval after the previous open, which is what a poll at that interval would cost, so
streaming never spends more than polling. Waiting loses nothing: the next stream resumes
from the saved token. Repeated ``UNAVAILABLE``/``UNIMPLEMENTED``/``PERMISSION_DENIED``
end the streamer with ``outcome = FALLBACK`` and the pollers poll that chat for a while.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from kernel.clock import Clock
from orchestrator.chat.items import PLATFORM
from orchestrator.chat.poller import ERROR, FATAL, STOPPED, ChatPoller, PollerSettings, Report
from orchestrator.chat.seams import ChatSource, OrderSink, QuotaPlanner
from orchestrator.chat.transport import FALLBACK, FALLBACK_CODES
from orchestrator.platforms import quota_plan as qp
from orchestrator.platforms.errors import PlatformError
from orchestrator.platforms.youtube_stream import StreamPage

log = logging.getLogger(__name__)

STREAMING = "streaming"
_REOPEN = object()  # a stream ended quietly: open the next when the plan allows
_STREAM_TEXT = (
    "Chat YouTube dibaca lewat streaming; sambungan dibuka lagi paling cepat tiap {interval} detik."
)


class StreamSource(Protocol):
    """Opens chat streams (the ``StreamClient``)."""

    @property
    def opens(self) -> int: ...

    def pages(self, live_chat_id: str, page_token: str | None) -> AsyncIterator[StreamPage]:
        """Stream the chat from ``page_token`` until the server ends the stream."""
        ...


@dataclass(frozen=True)
class StreamSettings:
    """When streaming gives way to polling, and how often a busy stream is stored."""

    failures_to_fall_back: int = 3
    # At most one store (transaction, overlay push, panel report) per this many *real*
    # seconds and chat: the cost is CPU time, whatever the clock says. A chat typed into
    # a few times a second never waits; a rush (or a 600x rehearsal) makes batches.
    store_gap_s: float = 0.05


class ChatStreamer(ChatPoller):
    """Stream one live chat into the order desk until it ends, is stopped, or falls back."""

    def __init__(
        self,
        channel: str,
        live_chat_id: str,
        *,
        stream: StreamSource,
        source: ChatSource,
        sink: OrderSink,
        clock: Clock,
        planner: QuotaPlanner,
        report: Report,
        settings: PollerSettings,
        stream_settings: StreamSettings | None = None,
    ) -> None:
        """``source`` (the REST adapter) posts the confirmations and holds the quota tally."""
        super().__init__(
            channel, live_chat_id, source=source, sink=sink, clock=clock, planner=planner,
            report=report, settings=settings,
        )  # fmt: skip
        self.stream = stream
        self.stream_settings = stream_settings or StreamSettings()
        self.outcome: str | None = None  # FALLBACK when polling should take over
        self.failure: str | None = None  # the last failure's reason
        self.failures = 0  # in a row
        self.reconnects = 0  # streams opened after the first
        self._consuming: asyncio.Task[float | None] | None = None

    def stop(self) -> None:
        """Ask the streamer to end now, even in the middle of a stream."""
        super().stop()
        if self._consuming is not None:
            self._consuming.cancel()

    async def run(self) -> None:
        """Stream from the stored cursor on; between streams, wait as the plan says."""
        cursor = await self.sink.load_cursor(PLATFORM, self.chat_id)
        self.token = cursor.page_token if cursor else None
        opened = 0
        while not self._stopping:
            self._wake.clear()
            opened += 1
            self.reconnects = opened - 1
            self._consuming = asyncio.create_task(self._stream_once())
            try:
                wait = await self._consuming
            except asyncio.CancelledError:
                if self._stopping:
                    break
                raise
            finally:
                self._consuming = None
            if wait is None:
                return
            self.waits.append(wait)
            await self.clock.sleep_until(self.clock.now() + timedelta(seconds=wait), self._wake)
        self._report(STOPPED, "stopped")

    async def _stream_once(self) -> float | None:
        """Open one stream and store its responses; return the wait before the next.

        Responses are read as they come into a queue; each store takes every response
        waiting there as one batch (one transaction, the last token): at a few messages
        a second that is one message a batch, and a rush makes bigger batches instead
        of a backlog of transactions.
        """
        plan = self.planner.plan(None)
        if plan.reason == qp.QUOTA_EXCEEDED:
            return self._quota_gone()
        opened_at = self.clock.now()
        self._say_streaming(plan)
        queue: asyncio.Queue[StreamPage | BaseException | None] = asyncio.Queue()
        pump = asyncio.create_task(self._pump(queue), name=f"chat-stream-{self.channel}")
        try:
            outcome = await self._consume(queue, plan)
        finally:
            pump.cancel()
            await asyncio.gather(pump, return_exceptions=True)
        if outcome is not _REOPEN:
            return outcome  # type: ignore[return-value]
        # The server ended the stream (a quiet chat): reopen when the plan can pay.
        plan = self.planner.plan(None)
        if plan.reason == qp.QUOTA_EXCEEDED:
            return self._quota_gone()
        elapsed = (self.clock.now() - opened_at).total_seconds()
        return max(0.0, plan.interval_s - elapsed)

    async def _consume(self, queue: asyncio.Queue[StreamPage | BaseException | None],
                       plan: qp.Plan) -> float | object | None:  # fmt: skip
        """Store what the stream brings until it ends; ``_REOPEN`` when it ended quietly."""
        loop = asyncio.get_running_loop()
        stored_at, offline = -math.inf, False
        while True:
            batch = [await queue.get()]
            gap = stored_at + self.stream_settings.store_gap_s - loop.time()
            if gap > 0 and batch[0] is not None:
                await asyncio.sleep(gap)  # let the rush gather into one batch
            stored_at = loop.time()
            while not queue.empty():
                batch.append(queue.get_nowait())
            pages = [item for item in batch if isinstance(item, StreamPage)]
            if pages:
                self.failures = 0
                page = merge(pages)
                if await self._store(page):
                    return self._ended()
                # offline_at alone: the broadcast is over, but the chat's last messages
                # may still come on this stream; it is not reopened once it ends.
                offline = offline or page.offline_at is not None
                self._say_streaming(plan)
                await self._reply()
            end = batch[-1]
            if isinstance(end, PlatformError):
                return self._stream_failed(end, plan)
            if isinstance(end, BaseException):  # a reader that dies silently loses orders
                log.error("Chat streamer %s failed", self.channel, exc_info=end)
                return self._report_retry("internalError", plan)
            if end is None:
                return self._ended() if offline else _REOPEN

    async def _pump(self, queue: asyncio.Queue[StreamPage | BaseException | None]) -> None:
        """Read the stream into ``queue``; end with None, or with the error that ended it."""
        try:
            async for page in self.stream.pages(self.chat_id, self.token):
                queue.put_nowait(page)
        except Exception as err:  # handed to the store loop, which decides
            queue.put_nowait(err)
            return
        queue.put_nowait(None)

    def _say_streaming(self, plan: qp.Plan) -> None:
        text = _STREAM_TEXT.format(interval=max(1, round(plan.interval_s)))
        if plan.reason == qp.QUOTA_SHORT:
            text += " Kuota YouTube tidak cukup untuk sisa acara: pesanan bisa tampil lebih lambat."
        self._report(STREAMING, plan.reason, interval=plan.interval_s, text=text)

    def _stream_failed(self, err: PlatformError, plan: qp.Plan) -> float | None:
        """Decide what a failed stream means: end, wait for quota, retry, or fall back."""
        reason = self.failure = err.reason
        log.warning("Chat stream failed on %s: %s", self.channel, err)
        if reason == "liveChatEnded":
            return self._ended()
        if reason in FATAL:
            self._report(ERROR, reason, text=err.message)
            return None
        if reason == qp.QUOTA_EXCEEDED:
            return self._quota_gone()
        if reason == "invalidPageToken":
            self.token = None  # start over: message ids dedupe what was stored
        if reason in FALLBACK_CODES:
            self.failures += 1
            if self.failures >= self.stream_settings.failures_to_fall_back:
                self.outcome = FALLBACK
                return None
        return self._report_retry(reason, plan)


def merge(pages: list[StreamPage]) -> StreamPage:
    """Several responses as one batch: their items in order, the last token and end."""
    if len(pages) == 1:
        return pages[0]
    items = [item for page in pages for item in page.items]
    token = next((p.next_page_token for p in reversed(pages) if p.next_page_token), None)
    offline = next((p.offline_at for p in pages if p.offline_at is not None), None)
    return StreamPage(items, token, offline)
