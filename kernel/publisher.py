"""The one way components talk: messages published on a topic, for whoever listens.

A component that changes something publishes ``(topic, channel, data)`` once; it never
calls the components that care. Those either *listen* (a plain callback, run inside
``publish``, for in-process state that must follow in the same tick: the overlay state,
the platform side, the rehearsal's records) or *subscribe* (a queue, for a task or a
browser's live feed that works at its own pace). A slow subscriber never holds up the
publisher or the others; a listener must be quick and must not await.

A subscriber that wants a few messages says which (``accepts``, checked inside
``publish``): a live page of one vendor must not queue every chat order of the market,
or its own news waits behind thousands of others (measured in the rehearsal: 73 vendors'
desks heard nothing for days).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    """One published event: a topic (e.g. ``rotation``), the channel, and its data."""

    topic: str
    channel: str
    data: Any


Listener = Callable[[Message], None]
Accepts = Callable[[Message], bool]


class Publisher:
    """Hand each published message to the topic's listeners, then to every subscriber."""

    def __init__(self) -> None:
        self._queues: dict[asyncio.Queue[Message], Accepts | None] = {}
        self._listeners: dict[str, list[Listener]] = {}
        self.published = 0

    def publish(self, topic: str, channel: str, data: Any) -> None:
        """Tell everyone now; never waits. A failing listener is logged, not raised."""
        message = Message(topic, channel, data)
        self.published += 1
        for listener in tuple(self._listeners.get(topic, ())):
            try:
                listener(message)
            except Exception:
                log.exception("Listener %r failed on %s", listener, topic)
        for queue, accepts in tuple(self._queues.items()):
            if accepts is None or accepts(message):
                queue.put_nowait(message)

    def listen(self, topic: str, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` with every message on ``topic``; return what stops it."""
        self._listeners.setdefault(topic, []).append(listener)

        def stop() -> None:
            listeners = self._listeners.get(topic, [])
            if listener in listeners:
                listeners.remove(listener)

        return stop

    @asynccontextmanager
    async def subscribe(
        self, accepts: Accepts | None = None
    ) -> AsyncIterator[asyncio.Queue[Message]]:
        """Yield a queue that receives every message published while it is open (only
        those ``accepts`` says yes to, when given: quick, like a listener)."""
        queue: asyncio.Queue[Message] = asyncio.Queue()
        self._queues[queue] = accepts
        try:
            yield queue
        finally:
            self._queues.pop(queue, None)

    @property
    def subscribers(self) -> int:
        return len(self._queues)

    @property
    def queued(self) -> int:
        """Messages waiting in subscribers' queues (one that only grows has fallen behind)."""
        return sum(queue.qsize() for queue in self._queues)
