"""The four lifecycle steps, as calls on the Zoom and YouTube adapters.

Each step reads the day's row, saves every id the moment a call returns it (in the
``Ledger``, which also tells the panel), and raises our ``PlatformError`` when it cannot
finish; the manager records that on the row. Steps can be run again after any crash or
failure: what exists is looked up, never created twice. A broadcast that goes live is
published on ``platform.live`` (the live chat id), for whoever wants to join its chat.
"""

from __future__ import annotations

import logging
import secrets
from datetime import date, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from kernel.clock import Clock
from kernel.publisher import Publisher
from orchestrator.rotation.engine import ChannelState
from schedules.model import Channel, Event

from .errors import PlatformError, StreamNotActive, YouTubeApiError, ZoomApiError
from .ledger import LIVE_TOPIC, Ledger
from .lifecycle import DayWindow, Due, announcement, day_windows
from .resources import ENSURED, FINISHED, LIVE, Resources
from .youtube import COSTS, YouTube
from .zoom import Zoom

log = logging.getLogger(__name__)

CHAT_COST = COSTS["liveChatMessages.insert"]
WAITING = (
    "Menunggu video dari Zoom masuk ke YouTube (batas {left:.0f} detik lagi). Pastikan host"
    " sudah memulai meeting Zoom. (Waiting for Zoom's video to reach YouTube.)"
)
NOT_ACTIVE = (
    "Video dari Zoom tidak sampai ke YouTube dalam {seconds:.0f} detik. Mulai meeting Zoom"
    " sebagai host dan izinkan live streaming, lalu tekan Coba lagi. (The YouTube stream got"
    " no video from Zoom before the deadline.)"
)
QUOTA_SHORT = (
    "Kuota YouTube tinggal {left} unit: pengumuman chat dilewati agar pembacaan pesanan tetap"
    " jalan. (Chat announcements skipped: the quota is kept for reading orders.)"
)


class StepOptions(Protocol):
    """The lifecycle knobs the steps read (``manager.ManagerOptions`` has them)."""

    @property
    def lead(self) -> timedelta: ...
    @property
    def stream_deadline(self) -> timedelta: ...
    @property
    def stream_poll(self) -> timedelta: ...
    @property
    def announce(self) -> bool: ...
    @property
    def chat_reserve(self) -> int: ...
    @property
    def base_url(self) -> str: ...
    @property
    def privacy(self) -> str: ...


class RotationView(Protocol):
    """The rotation's reads the steps need: the event, its time zone, a channel's state."""

    @property
    def event(self) -> Event: ...
    @property
    def tz(self) -> ZoneInfo: ...
    def state(self, channel: str) -> ChannelState:
        """The channel's state now (``NotFound`` for a channel not in the schedule)."""
        ...


class Steps:
    """Run ensure, go_live, announce and finish through the adapters, into the ledger."""

    def __init__(
        self,
        *,
        youtube: YouTube,
        zoom: Zoom,
        ledger: Ledger,
        rotation: RotationView,
        options: StepOptions,
        clock: Clock,
        publisher: Publisher,
    ) -> None:
        self.youtube, self.zoom, self.ledger = youtube, zoom, ledger
        self.rotation, self.options = rotation, options
        self.clock, self.publisher = clock, publisher

    def _channel(self, channel: str) -> Channel:
        """The channel as the event file describes it (ids to reuse, title)."""
        event = self.rotation.event
        return next((c for c in event.channels if c.id == channel), Channel(channel))

    def _window(self, channel: str, day: date) -> DayWindow | None:
        """The channel's show day as the rotation now sees it (None if an edit removed it)."""
        windows = day_windows(self.rotation.state(channel).timeline, self.rotation.tz)
        return next((w for w in windows if w.day == day), None)

    # -- ensure ---------------------------------------------------------------------------

    async def ensure(self, row: Resources, due: Due) -> None:
        """Make sure the meeting, broadcast and stream exist, are bound and connected."""
        window = self._window(row.channel, due.day)
        if window is None:
            return  # a schedule edit removed the day; the next plan knows
        # A marker saved by an earlier run means its creates may have happened unanswered.
        resumed = bool(row.marker)
        if not resumed:  # saved before any create, so a crash can look for what it made
            row = await self.ledger.save(row.but(marker=f"pl-{row.day}-{secrets.token_hex(6)}"))
        row = await self._meeting(row, window, resumed)
        row, broadcast = await self._broadcast(row, window, resumed)
        row = await self._stream(row, resumed)
        if broadcast["contentDetails"].get("boundStreamId") != row.stream_id:
            await self.youtube.bind(row.broadcast_id or "", row.stream_id or "")
        watch = f"https://www.youtube.com/watch?v={row.broadcast_id}"
        await self.zoom.set_live_stream(
            row.meeting_id or "", row.ingestion_address or "", row.stream_name or "", watch
        )
        self.ledger.live_of(row.channel).broadcast_status = "ready"
        await self.ledger.save(row.but(step=ENSURED, failed_step=None, retry_at=None))

    def _titles(self, channel: str, day: date) -> tuple[str, str]:
        """The Zoom topic and the YouTube title of a channel's day."""
        info, event = self._channel(channel), self.rotation.event
        topic = f"{event.name} · {info.title or channel}"
        return topic, f"{topic} · {day:%d-%m-%Y}"

    async def _meeting(self, row: Resources, window: DayWindow, resumed: bool) -> Resources:
        """Use the event file's meeting, or the one we made, or make one."""
        if row.meeting_id:
            return row
        given = self._channel(row.channel).zoom_meeting_id
        if given:
            meeting = await self.zoom.get_meeting(given)
            if meeting is None:
                raise ZoomApiError(404, 3001, f"meeting {given} dari file acara tidak ada")
        else:
            start = window.start - self.options.lead
            minutes = int((window.end - start).total_seconds() // 60) + 1
            topic, _ = self._titles(row.channel, window.day)
            meeting = await self.zoom.create_meeting(topic, row.marker, start, minutes, resumed)
        changes = {"meeting_id": str(meeting["id"]), "join_url": meeting.get("join_url")}
        return await self.ledger.save(row.but(**changes))

    async def _broadcast(
        self, row: Resources, window: DayWindow, resumed: bool
    ) -> tuple[Resources, dict[str, Any]]:
        """Use the event file's broadcast, or the one we made, or make one."""
        given = row.broadcast_id or self._channel(row.channel).youtube_broadcast_id
        if given:
            broadcast = await self.youtube.get_broadcast(given)
            if broadcast is None:
                raise YouTubeApiError("liveBroadcastNotFound", f"siaran {given} tidak ada", 404)
        else:
            _, title = self._titles(row.channel, window.day)
            broadcast = await self.youtube.create_broadcast(
                title, row.marker, window.start, window.end, self.options.privacy, resumed
            )
        self.ledger.live_of(row.channel).broadcast_status = broadcast["status"]["lifeCycleStatus"]
        if row.broadcast_id == broadcast["id"]:
            return row, broadcast
        bound = broadcast["contentDetails"].get("boundStreamId")
        changes = {
            "broadcast_id": broadcast["id"],
            "live_chat_id": broadcast["snippet"].get("liveChatId"),
            "stream_id": row.stream_id or bound,
        }
        return await self.ledger.save(row.but(**changes)), broadcast

    async def _stream(self, row: Resources, resumed: bool) -> Resources:
        """Use the bound or stored stream, or make one; keep where Zoom must push."""
        if row.stream_id and row.ingestion_address:
            return row
        if row.stream_id:
            stream = await self._get_stream(row)
        else:
            _, title = self._titles(row.channel, date.fromisoformat(row.day))
            stream = await self.youtube.create_stream(title, row.marker, resumed)
        self.ledger.note_stream(row.channel, stream)
        info = stream["cdn"]["ingestionInfo"]
        changes = {
            "stream_id": stream["id"],
            "ingestion_address": info["ingestionAddress"],
            "stream_name": info["streamName"],
        }
        return await self.ledger.save(row.but(**changes))

    async def _get_stream(self, row: Resources) -> dict[str, Any]:
        stream = await self.youtube.get_stream(row.stream_id or "")
        if stream is None:
            raise YouTubeApiError("liveStreamNotFound", f"stream {row.stream_id} tidak ada", 404)
        return stream

    # -- go live --------------------------------------------------------------------------

    async def go_live(self, row: Resources, due: Due) -> None:
        """Start Zoom's live stream, wait (to a deadline) for YouTube to see it, go live."""
        clock, poll = self.clock, self.options.stream_poll
        deadline = clock.now() + self.options.stream_deadline
        started = False
        while True:
            started = started or await self._start_zoom(row)
            stream = await self._get_stream(row)
            self.ledger.note_stream(row.channel, stream)
            if stream["status"]["streamStatus"] == "active":
                break
            now = clock.now()
            if now >= deadline:
                seconds = self.options.stream_deadline.total_seconds()
                raise StreamNotActive(NOT_ACTIVE.format(seconds=seconds))
            self.ledger.notice(row.channel, WAITING.format(left=(deadline - now).total_seconds()))
            await clock.sleep_until(min(now + poll, deadline))
        await self.youtube.transition(row.broadcast_id or "", "live")
        live = self.ledger.live_of(row.channel)
        live.broadcast_status, live.notice = "live", None
        row = await self.ledger.save(row.but(step=LIVE, failed_step=None, retry_at=None))
        self.publisher.publish(LIVE_TOPIC, row.channel, row.live_chat_id or "")

    async def _start_zoom(self, row: Resources) -> bool:
        """Ask Zoom to start streaming; a refusal is told to the host and tried again."""
        name = self._channel(row.channel).title or row.channel
        try:
            await self.zoom.start_live_stream(row.meeting_id or "", name)
        except PlatformError as err:
            text = f"Zoom belum memulai live stream ({err.reason}: {err.message})."
            self.ledger.notice(row.channel, text + " Pastikan host sudah memulai meeting Zoom.")
            return False
        return True

    # -- announce -------------------------------------------------------------------------

    async def announce(self, row: Resources, due: Due) -> None:
        """Post one chat line for the slot now on air, when switched on and quota allows."""
        slot = self.rotation.state(row.channel).slot
        if slot is None or slot.id != due.slot_id:
            return  # the rotation moved on meanwhile; the next plan sees the new slot
        text = announcement(self.rotation.event, slot, self.options.base_url)
        if self.options.announce and row.live_chat_id:
            row = await self._post(row, due, text)
        await self.ledger.save(row.but(announced_slot=slot.id, announcing_slot=None))

    async def _post(self, row: Resources, due: Due, text: str) -> Resources:
        """Post ``text`` once; skip it (and warn) when the quota must be kept for the chat."""
        chat, quota = row.live_chat_id or "", self.youtube.quota
        if not quota.can_spend(CHAT_COST + self.options.chat_reserve):
            reason = "quotaExceeded" if not quota.left() else "quotaReserve"
            err = YouTubeApiError(reason, QUOTA_SHORT.format(left=quota.left()))
            return row.but(last_error=self.ledger.error_of(due, err))
        try:
            if row.announcing_slot == due.slot_id:  # a crash may have sent it already
                since = self.clock.now() - self.options.lead
                if await self.youtube.find_chat_message(chat, text, since):
                    return row
            row = await self.ledger.save(row.but(announcing_slot=due.slot_id))
            await self.youtube.insert_chat(chat, text)
        except PlatformError as err:
            log.warning("chat announcement on %s failed: %s", row.channel, err)
            return row.but(last_error=self.ledger.error_of(due, err))
        return row

    # -- finish ---------------------------------------------------------------------------

    async def finish(self, row: Resources, due: Due) -> None:
        """Complete the broadcast, stop the live stream, end the meeting: whatever exists."""
        problems: list[PlatformError] = []
        if row.broadcast_id:
            try:
                await self.youtube.transition(row.broadcast_id, "complete")
                self.ledger.live_of(row.channel).broadcast_status = "complete"
            except YouTubeApiError as err:
                if err.reason != "invalidTransition":  # it never went live: nothing to end
                    problems.append(err)
        if row.meeting_id:
            for action in (self.zoom.stop_live_stream, self.zoom.end_meeting):
                try:
                    await action(row.meeting_id)
                except ZoomApiError as err:
                    if err.status not in (400, 404):  # already stopped, ended or gone
                        problems.append(err)
        if problems:
            raise problems[0]
        self.ledger.live_of(row.channel).notice = None
        await self.ledger.save(row.but(step=FINISHED, failed_step=None, retry_at=None))
