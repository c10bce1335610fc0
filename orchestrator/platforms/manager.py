"""Drive each channel's Zoom meeting and YouTube broadcast from the rotation.

One task per channel asks the pure planner (``lifecycle.plan``) what is due, runs that
step (``steps.Steps``) through the adapters, and otherwise sleeps on the injected clock
until the next due moment or a rotation change. Ids are saved the moment they are known
and the lookup marker before any create, so a crash anywhere resumes without a second
meeting, broadcast or stream. Failures land on the row (``failed_step``, ``last_error``)
and in the ``platform`` status feed, where the panel shows them with a retry button.

Decision: broadcasts are created with the monitor stream off and go straight from
``ready`` to ``live`` once the stream is active. The host previews in Zoom already; a
``testing`` phase would cost another transition (50 units) and delay the first slot.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from kernel.db import Store
from kernel.errors import NotFound
from kernel.publisher import Publisher
from kernel.times import utc_iso
from orchestrator.rotation.service import TOPIC as ROTATION
from orchestrator.rotation.service import Published, Rotation
from schedules.model import Channel

from . import resources
from .errors import PlatformError
from .lifecycle import ANNOUNCE, ENSURE, FINISH, GO_LIVE, DayWindow, Due, day_windows, plan
from .resources import ENSURED, FINISHED, LIVE, Resources
from .steps import Steps
from .youtube import YouTube
from .zoom import Zoom

log = logging.getLogger(__name__)

TOPIC = "platform"
PANEL_TOPIC = "panel.platform"  # the panel's live feed refreshes on topics "panel*"
FAR = timedelta(days=3650)
BY_STEP = {ENSURED: "ready", LIVE: "live", FINISHED: "complete"}


@dataclass(frozen=True)
class ManagerOptions:
    """Knobs of the lifecycle; defaults follow the issue."""

    lead: timedelta = timedelta(minutes=15)
    stream_deadline: timedelta = timedelta(seconds=60)
    stream_poll: timedelta = timedelta(seconds=2)
    cooldown: timedelta = timedelta(seconds=60)
    announce: bool = True
    chat_reserve: int = 2000
    base_url: str = ""
    privacy: str = "public"


@dataclass
class Live:
    """What the platforms last told us about a channel (not stored; re-read when needed)."""

    broadcast_status: str | None = None
    stream_status: str | None = None
    stream_health: str | None = None
    notice: str | None = None


class PlatformManager:
    """Run every channel's platform lifecycle; publish its status on every change."""

    def __init__(
        self,
        rotation: Rotation,
        store: Store,
        publisher: Publisher,
        youtube: YouTube,
        zoom: Zoom,
        options: ManagerOptions | None = None,
        *,
        scope: str = "live",
        mode: str = "live",
    ) -> None:
        self.rotation, self.store, self.publisher = rotation, store, publisher
        self.youtube, self.zoom = youtube, zoom
        self.options = options or ManagerOptions()
        self.scope, self.mode = scope, mode
        self.rows: dict[str, dict[str, Resources]] = {}
        self.live: dict[str, Live] = {}
        self.on_live: list[Callable[[str, str], None]] = []
        self.steps = Steps(self)
        self._wakes: dict[str, asyncio.Event] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}

    @property
    def clock(self) -> Any:
        """The rotation's clock: real, manual (tests) or scaled (rehearsals)."""
        return self.rotation.clock

    async def start(self) -> None:
        """Load the saved rows, then watch every channel."""
        await self.store.run(resources.migrate)
        for row in await self.store.run(resources.load, self.scope):
            self.rows.setdefault(row.channel, {})[row.day] = row
        self._unlisten = self.publisher.listen(ROTATION, lambda m: self._on_rotation(m.data))
        for channel in list(self.rotation.channels):
            self._watch(channel)

    async def stop(self) -> None:
        """Cancel the channel tasks and wait for them."""
        self._unlisten()
        tasks = list(self._tasks.values())
        self._tasks.clear()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    # -- what the panel and the chat poller ask -------------------------------------------

    def live_chat_id(self, channel: str) -> str | None:
        """Return the chat of the channel's current broadcast, until its day is finished."""
        row = self._current(channel)
        return row.live_chat_id if row is not None and row.step != FINISHED else None

    def broadcast_status(self, channel: str) -> str | None:
        """Return the current broadcast's lifecycle status as last seen."""
        return self.status(channel)["broadcast_status"]

    def status(self, channel: str) -> dict[str, Any]:
        """Describe the channel's platform state (the ``platform`` topic's data)."""
        row = self._current(channel) or Resources(self.scope, channel, "")
        live, quota = self.live_of(channel), self.youtube.quota
        return {
            "channel": channel,
            "mode": self.mode,
            "day": row.day or None,
            "step": row.step,
            "meeting_id": row.meeting_id,
            "join_url": row.join_url,
            "broadcast_id": row.broadcast_id,
            "broadcast_status": live.broadcast_status or BY_STEP.get(row.step),
            "stream_id": row.stream_id,
            "stream_status": live.stream_status,
            "stream_health": live.stream_health,
            "live_chat_id": row.live_chat_id,
            "quota_used": quota.used,
            "quota_left": quota.left(),
            "last_error": row.last_error,
            "failed_step": row.failed_step,
            "retry_at": utc_iso(row.retry_at) if row.retry_at else None,
            "notice": live.notice,
            "announcements": self.options.announce,
        }

    async def retry(self, channel: str) -> dict[str, Any]:
        """Clear the channel's failed step so it runs again now; return the new status."""
        if channel not in self.rotation.channels:
            raise NotFound(f"kanal {channel!r} tidak ada (unknown channel)")
        self.youtube.quota.recheck()
        for row in list(self.rows.get(channel, {}).values()):
            if row.failed_step:
                await self.save(row.but(failed_step=None, retry_at=None))
        self._watch(channel)
        self._wakes[channel].set()
        return self.status(channel)

    # -- the loop -------------------------------------------------------------------------

    def _on_rotation(self, published: Published) -> None:
        self._watch(published.channel)
        self._wakes[published.channel].set()

    def _watch(self, channel: str) -> None:
        """Start the channel's task once."""
        if channel in self._tasks:
            return
        self._wakes[channel] = asyncio.Event()
        self._tasks[channel] = asyncio.create_task(self._loop(channel), name=f"platform-{channel}")
        self._publish(channel)

    async def _loop(self, channel: str) -> None:
        """Run due steps; sleep until the next one is due or the rotation changes."""
        wake = self._wakes[channel]
        while True:
            wake.clear()
            now = self.clock.now()
            try:
                state = self.rotation.state(channel)
            except NotFound:  # the channel left the schedule
                await self.clock.sleep_until(now + FAR, wake)
                continue
            rows = self.rows.get(channel, {})
            step = plan(channel, state, rows, now, self.rotation.tz, self.options.lead)
            if step.due is not None:
                await self._run(channel, step.due)
            else:
                await self.clock.sleep_until(step.wake_at or now + FAR, wake)

    async def _run(self, channel: str, due: Due) -> None:
        """Run one step; any failure is recorded on the row, never left to kill the loop."""
        runner = {
            ENSURE: self.steps.ensure,
            GO_LIVE: self.steps.go_live,
            ANNOUNCE: self.steps.announce,
            FINISH: self.steps.finish,
        }[due.step]
        try:
            await runner(self._row(channel, due.day), due)
        except PlatformError as err:
            await self._fail(channel, due, err)
        except Exception as err:  # a bug must not leave the channel stuck
            log.exception("platform step %s on %s failed", due.step, channel)
            await self._fail(channel, due, PlatformError("pasar-live", "internal", repr(err)))

    async def _fail(self, channel: str, due: Due, err: PlatformError) -> None:
        """Record a failed step: retried after a cool-down if time can cure it, else by the host."""
        log.warning("platform step %s on %s failed: %s", due.step, channel, err)
        retry_at = self.clock.now() + self.options.cooldown if err.retryable else None
        self.live_of(channel).notice = None
        row = self._row(channel, due.day)
        await self.save(
            row.but(failed_step=due.step, retry_at=retry_at, last_error=self.error_of(due, err))
        )

    # -- helpers the steps use ------------------------------------------------------------

    def error_of(self, due: Due, err: PlatformError) -> dict[str, Any]:
        """Describe a failure for the row and the panel."""
        return {"step": due.step, **err.as_dict(), "at": utc_iso(self.clock.now())}

    def _row(self, channel: str, day: date) -> Resources:
        key = day.isoformat()
        return self.rows.get(channel, {}).get(key) or Resources(self.scope, channel, key)

    def _current(self, channel: str) -> Resources | None:
        """The row the panel shows: the oldest day still open, else the latest day."""
        rows = sorted(self.rows.get(channel, {}).values(), key=lambda r: r.day)
        open_rows = [r for r in rows if r.step != FINISHED and r.started]
        return open_rows[0] if open_rows else (rows[-1] if rows else None)

    def live_of(self, channel: str) -> Live:
        """The channel's last-heard platform state."""
        return self.live.setdefault(channel, Live())

    async def save(self, row: Resources) -> Resources:
        """Write the row before anything else happens, then tell the panel."""
        row = row.but(updated_at=self.clock.now())
        await self.store.run(resources.save, row)
        self.rows.setdefault(row.channel, {})[row.day] = row
        self._publish(row.channel)
        return row

    def _publish(self, channel: str) -> None:
        data = self.status(channel)
        self.publisher.publish(TOPIC, channel, data)
        self.publisher.publish(PANEL_TOPIC, channel, data)

    def notice(self, channel: str, text: str | None) -> None:
        """Tell the host something is being waited for (shown until it changes)."""
        if self.live_of(channel).notice != text:
            self.live_of(channel).notice = text
            self._publish(channel)

    def note_stream(self, channel: str, stream: dict[str, Any]) -> None:
        """Remember a stream's status and health from a YouTube answer."""
        status = stream.get("status") or {}
        live = self.live_of(channel)
        live.stream_status = status.get("streamStatus")
        live.stream_health = (status.get("healthStatus") or {}).get("status")

    def channel_info(self, channel: str) -> Channel:
        """The channel as the event file describes it (ids to reuse, title)."""
        event = self.rotation.event
        return next((c for c in event.channels if c.id == channel), Channel(channel))

    def window(self, channel: str, day: date) -> DayWindow | None:
        """The channel's show day as the rotation now sees it (None if an edit removed it)."""
        windows = day_windows(self.rotation.state(channel).timeline, self.rotation.tz)
        return next((w for w in windows if w.day == day), None)


# -- app wiring -------------------------------------------------------------------------
