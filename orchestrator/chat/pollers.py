"""Every channel's chat reader (``POLLERS``): started when the platform side reports a
live broadcast, read at once when it ends, and planned against one shared YouTube quota.

A reader streams the chat (``streamer.ChatStreamer``) or polls it (``poller.ChatPoller``),
as ``transport.Transports`` chooses per channel: a streamer that falls back hands the
chat to a poller, which hands it back to a streamer when the fallback is over.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping
from dataclasses import asdict, replace
from typing import Any

from kernel.clock import Clock
from kernel.publisher import Publisher
from orchestrator.chat.budget import ChatQuota
from orchestrator.chat.poller import ENDED, TOPIC, ChatPoller, PollerSettings, PollerStatus
from orchestrator.chat.seams import ChatSource, OrderSink, ShowSchedule
from orchestrator.chat.streamer import ChatStreamer, StreamSettings, StreamSource
from orchestrator.chat.transport import FALLBACK, POLL, STREAM, Choice, Transports
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
        stream: StreamSource | None = None,
        transports: Transports | None = None,
        stream_cost: int | None = None,
        stream_settings: StreamSettings | None = None,
    ) -> None:
        """Without a source or a sink (platforms or orders off) no reader ever starts;
        without a ``stream`` every chat is polled."""
        self.source, self.sink, self.clock = source, sink, clock
        self.publisher = publisher
        self.settings = settings or PollerSettings()
        quota = source.quota if source is not None else None
        policy = self.settings.policy
        self.budget = ChatQuota(quota, clock, policy, schedule=rotation, reading=self._reading)
        # A stream open is planned like one read, at its own (undocumented) cost.
        self.stream_budget = self.budget
        if stream_cost is not None and stream_cost != policy.poll_cost:
            stream_policy = replace(policy, poll_cost=stream_cost)
            self.stream_budget = ChatQuota(
                quota, clock, stream_policy, schedule=rotation, reading=self._reading
            )
        self.stream, self.stream_settings = stream, stream_settings or StreamSettings()
        self.transports = transports or Transports(STREAM if stream is not None else POLL)
        if stream is None:
            self.transports.mode = POLL
        self.pollers: dict[str, ChatPoller] = {}  # each channel's reader now (may stream)
        self.choices: dict[str, Choice] = {}
        self.fallbacks: dict[str, int] = {}  # times each channel fell back to polling
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._statuses: dict[str, PollerStatus] = {}
        self._halted: set[str] = set()
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
        self._halted.discard(channel)
        reader = self._reader(channel, live_chat_id)
        self._tasks[channel] = asyncio.create_task(
            self._drive(reader), name=f"chat-poller-{channel}"
        )
        return reader

    def _reader(self, channel: str, live_chat_id: str) -> ChatPoller:
        """Make the reader the channel's transport calls for now."""
        assert self.source is not None and self.sink is not None
        choice = self.choices[channel] = self.transports.choose(channel, self.clock.now())
        common = {
            "source": self.source, "sink": self.sink, "clock": self.clock,
            "report": self._report, "settings": self.settings,
        }  # fmt: skip
        reader: ChatPoller
        if choice.transport == STREAM and self.stream is not None:
            reader = ChatStreamer(
                channel, live_chat_id, stream=self.stream, planner=self.stream_budget,
                stream_settings=self.stream_settings, **common,  # type: ignore[arg-type]
            )  # fmt: skip
        else:
            reader = ChatPoller(channel, live_chat_id, planner=self.budget, **common)  # type: ignore[arg-type]
        self.pollers[channel] = reader
        self._statuses[channel] = reader.status
        return reader

    async def _drive(self, reader: ChatPoller) -> None:
        """Run readers for one chat until it ends or is stopped, switching transports."""
        channel, chat_id = reader.channel, reader.chat_id
        while True:
            choice = self.choices[channel]
            switch = None
            if choice.transport == POLL and choice.until is not None:
                switch = asyncio.create_task(self._switch_back(reader, choice))
            try:
                await reader.run()
            finally:
                if switch is not None:
                    switch.cancel()
            if channel in self._halted or chat_id in self.ended:
                return
            if isinstance(reader, ChatStreamer) and reader.outcome == FALLBACK:
                self.fallbacks[channel] = self.fallbacks.get(channel, 0) + 1
                now = self.clock.now()
                self.transports.fell_back(channel, now, reader.failure or "-")
            elif not (choice.until is not None and self.clock.now() >= choice.until):
                return  # the reader ended for good (chat over, or a fatal error)
            reader = self._reader(channel, chat_id)
            self._report(reader.status)

    async def _switch_back(self, reader: ChatPoller, choice: Choice) -> None:
        """End a fallback's poller when streaming may be tried again."""
        assert choice.until is not None
        await self.clock.sleep_until(choice.until)
        reader.stop()

    def _report(self, status: PollerStatus) -> None:
        """Publish a reader's status; remember a chat it read to its end."""
        if status.reason == ENDED and status.live_chat_id:
            self.ended.add(status.live_chat_id)
        self.publisher.publish(TOPIC, status.channel, self._with_transport(status))

    def _with_transport(self, status: PollerStatus) -> dict[str, Any]:
        """The status as the panel shows it: with the transport and why."""
        data = asdict(status)
        choice = self.choices.get(status.channel)
        reader = self.pollers.get(status.channel)
        data["transport"] = choice.transport if choice else None
        data["transport_text"] = choice.text() if choice else None
        data["fallbacks"] = self.fallbacks.get(status.channel, 0)
        data["reconnects"] = reader.reconnects if isinstance(reader, ChatStreamer) else 0
        return data

    def running(self, channel: str) -> bool:
        """Tell whether a poller is reading ``channel``'s chat now."""
        task = self._tasks.get(channel)
        return task is not None and not task.done()

    def _reading(self) -> list[str]:
        """The channels whose poller is reading now (what the shared plan must pay for)."""
        return [channel for channel in self._tasks if self.running(channel)]

    async def stop(self, channel: str) -> None:
        """Stop the channel's reader and wait until it has."""
        self._halted.add(channel)
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
        async with publisher.subscribe(lambda m: m.topic == PLATFORM_TOPIC) as queue:
            while True:
                message = await queue.get()
                if isinstance(message.data, Mapping):
                    self.on_platform(message.channel, message.data)

    def status(self, channel: str) -> dict[str, Any]:
        """What the panel shows for ``channel``: state, reason, message and counters."""
        status = self._statuses.get(channel) or PollerStatus(channel)
        data = self._with_transport(status)
        data["quota_left"] = self.budget.quota_left if self.source is not None else None
        return data
