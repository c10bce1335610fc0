"""In-process publish/subscribe for "state changed" events.

The rotation loop publishes; overlays, platforms, chat and the control panel subscribe.
Each subscriber has its own queue, so a slow one never holds up the loop or the others.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Message:
    """One published event: a topic (e.g. ``rotation``), the channel, and its data."""

    topic: str
    channel: str
    data: Any


class Publisher:
    """Fan published messages out to every subscriber's queue."""

    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[Message]] = set()
        self.published = 0

    def publish(self, topic: str, channel: str, data: Any) -> None:
        """Hand ``data`` to every subscriber now; never waits."""
        message = Message(topic, channel, data)
        self.published += 1
        for queue in self._queues:
            queue.put_nowait(message)

    @asynccontextmanager
    async def subscribe(self) -> AsyncIterator[asyncio.Queue[Message]]:
        """Yield a queue that receives every message published while it is open."""
        queue: asyncio.Queue[Message] = asyncio.Queue()
        self._queues.add(queue)
        try:
            yield queue
        finally:
            self._queues.discard(queue)

    @property
    def subscribers(self) -> int:
        return len(self._queues)
