"""The YouTube quota every chat poller shares: each poller's next wait and its replies.

One plan for all channels: the units left today against the air time every channel still
needs read before the quota resets (from the rotation's show days), less the confirmations
already sent today. Each ``ChatPoller`` asks it (as its ``QuotaPlanner``) before a read
and before a reply.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date

from kernel.clock import Clock
from orchestrator.chat.seams import QuotaTally, ShowSchedule
from orchestrator.platforms import quota_plan as qp


class ChatQuota:
    """The pollers' shared quota plan, over the channels they read and the show's days."""

    def __init__(
        self,
        quota: QuotaTally | None,
        clock: Clock,
        policy: qp.QuotaPolicy,
        *,
        schedule: ShowSchedule | None = None,
        reading: Callable[[], Collection[str]] = frozenset,
    ) -> None:
        """``reading`` tells which channels a poller is reading now."""
        self.quota, self.clock, self.policy = quota, clock, policy
        self.schedule, self.reading = schedule, reading
        self._replies: tuple[date, int] = (date.min, 0)

    @property
    def quota_left(self) -> int:
        return int(self.quota.left()) if self.quota is not None else 0

    def on_air_seconds(self) -> float:
        """Seconds of chat every channel needs read before the quota resets."""
        now = self.clock.now()
        horizon, reading = qp.next_reset(now), self.reading()
        channels = set(reading)
        if self.schedule is not None:
            channels.update(self.schedule.channels)
        return sum(qp.channel_seconds(self._spans(c), now, horizon, c in reading) for c in channels)

    def _spans(self, channel: str) -> list[qp.Span]:
        """The channel's show days from the rotation (none when it has no schedule)."""
        if self.schedule is None:
            return []
        run = self.schedule.channels.get(channel)
        if run is None or run.state is None:
            return []
        return qp.show_spans(run.state.timeline, self.schedule.tz)

    def _replies_spent(self) -> int:
        day, spent = self._replies
        return spent if day == qp.quota_day(self.clock.now()) else 0

    def _inputs(
        self, platform_ms: int | None
    ) -> tuple[qp.QuotaPolicy, int, float, int | None, int]:
        left, on_air = self.quota_left, self.on_air_seconds()
        return self.policy, left, on_air, platform_ms, self._replies_spent()

    def plan(self, platform_ms: int | None) -> qp.Plan:
        """Plan the next wait from the shared quota and every channel's air time."""
        return qp.plan_interval(*self._inputs(platform_ms))

    def may_reply(self, platform_ms: int | None) -> bool:
        """Tell whether one chat message fits the quota without slowing the polls."""
        return qp.may_reply(*self._inputs(platform_ms))

    def may_announce(self) -> bool:
        """Tell the platform side whether one chat announcement fits beside the polls."""
        return qp.may_announce(*self._inputs(None))

    def replied(self) -> None:
        """Count one chat message sent against today's reply allowance."""
        today = qp.quota_day(self.clock.now())
        self._replies = (today, self._replies_spent() + self.policy.reply_cost)
