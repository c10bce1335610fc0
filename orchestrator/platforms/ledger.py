"""What the platform side knows of each channel: its saved rows and what the platforms said.

The manager's loop and the steps share one ledger and never call each other to record
anything: a row is written to the database before anything else happens, then the
channel's status is published on ``platform`` (the chat pollers follow it) and on
``panel.platform`` (the panel's live feed). The platform side's topics are all named here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from kernel.db import Store
from kernel.publisher import Publisher
from kernel.times import utc_iso

from . import resources
from .errors import PlatformError
from .lifecycle import Due
from .quota import QuotaTracker
from .resources import ENSURED, FINISHED, LIVE, Resources
from .retry import NowSource

TOPIC = "platform"
PANEL_TOPIC = "panel.platform"  # the panel's live feed refreshes on topics "panel*"
LIVE_TOPIC = "platform.live"  # a broadcast went live (the go_live step); data: its chat id
MEETING_TOPIC = "platform.meeting"  # a channel's Zoom meeting is known; data: its id
BY_STEP = {ENSURED: "ready", LIVE: "live", FINISHED: "complete"}


@dataclass
class Live:
    """What the platforms last told us about a channel (not stored; re-read when needed)."""

    broadcast_status: str | None = None
    stream_status: str | None = None
    stream_health: str | None = None
    notice: str | None = None


class Ledger:
    """Every channel's rows by show day and last-heard state; each change saved, then told."""

    def __init__(
        self,
        store: Store,
        publisher: Publisher,
        clock: NowSource,
        quota: QuotaTracker,
        *,
        scope: str,
        mode: str,
        announce: bool,
    ) -> None:
        self.store, self.publisher, self.clock, self.quota = store, publisher, clock, quota
        self.scope, self.mode, self.announce = scope, mode, announce
        self.rows: dict[str, dict[str, Resources]] = {}
        self.live: dict[str, Live] = {}

    def row(self, channel: str, day: date) -> Resources:
        """The channel's row for ``day`` (a new one if nothing was saved yet)."""
        key = day.isoformat()
        return self.rows.get(channel, {}).get(key) or Resources(self.scope, channel, key)

    def current(self, channel: str) -> Resources | None:
        """The row the panel shows: the oldest day still open, else the latest day."""
        rows = sorted(self.rows.get(channel, {}).values(), key=lambda r: r.day)
        open_rows = [r for r in rows if r.step != FINISHED and r.started]
        return open_rows[0] if open_rows else (rows[-1] if rows else None)

    def live_of(self, channel: str) -> Live:
        """The channel's last-heard platform state."""
        return self.live.setdefault(channel, Live())

    def status(self, channel: str) -> dict[str, Any]:
        """Describe the channel's platform state (the ``platform`` topic's data)."""
        row = self.current(channel) or Resources(self.scope, channel, "")
        live, quota = self.live_of(channel), self.quota
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
            "announcements": self.announce,
        }

    async def save(self, row: Resources) -> Resources:
        """Write the row before anything else happens, then tell the panel."""
        row = row.but(updated_at=self.clock.now())
        await self.store.run(resources.save, row)
        self.rows.setdefault(row.channel, {})[row.day] = row
        if row.meeting_id:  # from the moment its id is saved, its chat is this channel's
            self.publisher.publish(MEETING_TOPIC, row.channel, row.meeting_id)
        self.publish(row.channel)
        return row

    def publish(self, channel: str) -> None:
        """Tell the chat pollers and the panel the channel's status as it is now."""
        data = self.status(channel)
        self.publisher.publish(TOPIC, channel, data)
        self.publisher.publish(PANEL_TOPIC, channel, data)

    def notice(self, channel: str, text: str | None) -> None:
        """Tell the host something is being waited for (shown until it changes)."""
        if self.live_of(channel).notice != text:
            self.live_of(channel).notice = text
            self.publish(channel)

    def note_stream(self, channel: str, stream: dict[str, Any]) -> None:
        """Remember a stream's status and health from a YouTube answer."""
        status = stream.get("status") or {}
        live = self.live_of(channel)
        live.stream_status = status.get("streamStatus")
        live.stream_health = (status.get("healthStatus") or {}).get("status")

    def error_of(self, due: Due, err: PlatformError) -> dict[str, Any]:
        """Describe a failure for the row and the panel."""
        return {"step": due.step, **err.as_dict(), "at": utc_iso(self.clock.now())}
