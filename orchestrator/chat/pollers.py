"""Every channel's chat poller (``POLLERS``): started when the platform side reports a
live broadcast, read at once when it ends, and planned against one shared YouTube quota.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping
from dataclasses import asdict
from datetime import date
from typing import Any

from kernel.clock import Clock
from kernel.publisher import Publisher
from orchestrator.chat.poller import ChatPoller, PollerSettings, PollerStatus
from orchestrator.platforms import quota_plan as qp

PLATFORM_TOPIC = "platform"  # what the platform side publishes a broadcast's state on
LIVE_STATUSES = frozenset({"testStarting", "testing", "liveStarting", "live"})


class ChatPollers:
    """Every channel's poller, their shared quota plan, and their statuses for the panel."""

    def __init__(self, youtube: Any, desk: Any, clock: Clock, publisher: Publisher, *,
                 rotation: Any = None, settings: PollerSettings | None = None) -> None:  # fmt: skip
        self.youtube, self.desk, self.clock = youtube, desk, clock
        self.publisher, self.rotation = publisher, rotation
        self.settings = settings or PollerSettings()
        self.pollers: dict[str, ChatPoller] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._statuses: dict[str, PollerStatus] = {}
        self._replies: tuple[date, int] = (date.min, 0)
        self.ended: set[str] = set()  # chats read to their end: never read again

    def start(self, channel: str, live_chat_id: str) -> ChatPoller | None:
        """Read ``live_chat_id`` for ``channel``; a running poller of another chat is replaced."""
        if self.youtube is None or self.desk is None or live_chat_id in self.ended:
            return None
        current = self.pollers.get(channel)
        if current is not None and current.chat_id == live_chat_id and self.running(channel):
            return current
        if channel in self._tasks:
            self._tasks.pop(channel).cancel()
        poller = self.pollers[channel] = ChatPoller(self, channel, live_chat_id)
        self._statuses[channel] = poller.status
        self._tasks[channel] = asyncio.create_task(poller.run(), name=f"chat-poller-{channel}")
        return poller

    def running(self, channel: str) -> bool:
        """Tell whether a poller is reading ``channel``'s chat now."""
        task = self._tasks.get(channel)
        return task is not None and not task.done()

    async def stop(self, channel: str) -> None:
        """Stop the channel's poller and wait until it has."""
        poller, task = self.pollers.get(channel), self._tasks.pop(channel, None)
        if poller is not None:
            poller.stop()
        if task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, 5)

    async def close(self) -> None:
        """Cancel every poller (a page half-read is read again after a restart)."""
        tasks, self._tasks = list(self._tasks.values()), {}
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def on_platform(self, channel: str, data: Mapping[str, Any]) -> None:
        """Give a live or testing broadcast's chat a poller; read an ended one at once."""
        chat_id = data.get("live_chat_id")
        if chat_id and data.get("broadcast_status") in LIVE_STATUSES:
            self.start(channel, str(chat_id))
        elif chat_id and data.get("broadcast_status") in ("complete", "revoked"):
            poller = self.pollers.get(channel)
            if poller is not None and poller.chat_id == str(chat_id):
                poller.read_now()

    async def follow(self, publisher: Publisher) -> None:
        """Listen to ``platform`` messages for as long as the app runs."""
        async with publisher.subscribe() as queue:
            while True:
                message = await queue.get()
                if message.topic == PLATFORM_TOPIC and isinstance(message.data, Mapping):
                    self.on_platform(message.channel, message.data)

    @property
    def quota_left(self) -> int:
        return int(self.youtube.quota.left()) if self.youtube is not None else 0

    def on_air_seconds(self) -> float:
        """Seconds of chat every channel needs read before the quota resets."""
        now = self.clock.now()
        horizon, channels = qp.next_reset(now), set(self._tasks)
        channels.update(getattr(self.rotation, "channels", ()) or ())
        spans = {c: self._spans(c) for c in channels}
        return sum(qp.channel_seconds(spans[c], now, horizon, self.running(c)) for c in spans)

    def _spans(self, channel: str) -> list[qp.Span]:
        """The channel's show days from the rotation (none when it has no schedule)."""
        run = getattr(self.rotation, "channels", {}).get(channel)
        if run is None or run.state is None:
            return []
        return qp.show_spans(run.state.timeline, self.rotation.tz)

    def _replies_spent(self) -> int:
        day, spent = self._replies
        return spent if day == qp.quota_day(self.clock.now()) else 0

    def _inputs(self, platform_ms: int | None) -> tuple[Any, ...]:
        left, on_air = self.quota_left, self.on_air_seconds()
        return self.settings.policy, left, on_air, platform_ms, self._replies_spent()

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
        self._replies = (today, self._replies_spent() + self.settings.policy.reply_cost)

    def status(self, channel: str) -> dict[str, Any]:
        """What the panel shows for ``channel``: state, reason, message and counters."""
        status = self._statuses.get(channel) or PollerStatus(channel)
        data = asdict(status)
        data["quota_left"] = self.quota_left if self.youtube is not None else None
        return data
