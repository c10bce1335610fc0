"""Every channel's chat poller (``POLLERS``): started when the platform side reports a
live broadcast, read at once when it ends, and planned against one shared YouTube quota.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from kernel.clock import Clock
from kernel.publisher import Publisher
from orchestrator.chat.budget import ChatQuota
from orchestrator.chat.poller import ENDED, TOPIC, ChatPoller, PollerSettings, PollerStatus
from orchestrator.chat.seams import ChatSource, OrderSink, ShowSchedule
from orchestrator.platforms.ledger import TOPIC as PLATFORM_TOPIC

LIVE_STATUSES = frozenset({"testStarting", "testing", "liveStarting", "live"})


class ChatPollers:
    """Every channel's poller, their shared quota plan, and their statuses for the panel."""

    def __init__(
        self,
        source: ChatSource | None,
        sink: OrderSink | None,
        clock: Clock,
        publisher: Publisher,
        *,
        rotation: ShowSchedule | None = None,
        settings: PollerSettings | None = None,
    ) -> None:
        """Without a source or a sink (platforms or orders off) no poller ever starts."""
        self.source, self.sink, self.clock = source, sink, clock
        self.publisher = publisher
        self.settings = settings or PollerSettings()
        self.budget = ChatQuota(
            source.quota if source is not None else None,
            clock,
            self.settings.policy,
            schedule=rotation,
            reading=self._reading,
        )
        self.pollers: dict[str, ChatPoller] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._statuses: dict[str, PollerStatus] = {}
        self.ended: set[str] = set()  # chats read to their end: never read again

    def start(self, channel: str, live_chat_id: str) -> ChatPoller | None:
        """Read ``live_chat_id`` for ``channel``; a running poller of another chat is replaced."""
        if self.source is None or self.sink is None or live_chat_id in self.ended:
            return None
        current = self.pollers.get(channel)
        if current is not None and current.chat_id == live_chat_id and self.running(channel):
            return current
        if channel in self._tasks:
            self._tasks.pop(channel).cancel()
        poller = self.pollers[channel] = ChatPoller(
            channel,
            live_chat_id,
            source=self.source,
            sink=self.sink,
            clock=self.clock,
            planner=self.budget,
            report=self._report,
            settings=self.settings,
        )
        self._statuses[channel] = poller.status
        self._tasks[channel] = asyncio.create_task(poller.run(), name=f"chat-poller-{channel}")
        return poller

    def _report(self, status: PollerStatus) -> None:
        """Publish a poller's status; remember a chat it read to its end."""
        if status.reason == ENDED and status.live_chat_id:
            self.ended.add(status.live_chat_id)
        self.publisher.publish(TOPIC, status.channel, asdict(status))

    def running(self, channel: str) -> bool:
        """Tell whether a poller is reading ``channel``'s chat now."""
        task = self._tasks.get(channel)
        return task is not None and not task.done()

    def _reading(self) -> list[str]:
        """The channels whose poller is reading now (what the shared plan must pay for)."""
        return [channel for channel in self._tasks if self.running(channel)]

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

    def status(self, channel: str) -> dict[str, Any]:
        """What the panel shows for ``channel``: state, reason, message and counters."""
        status = self._statuses.get(channel) or PollerStatus(channel)
        data = asdict(status)
        data["quota_left"] = self.budget.quota_left if self.source is not None else None
        return data
