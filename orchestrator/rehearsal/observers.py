"""What a rehearsal watches while the show plays: slots going on air, overlay pages, orders.

Each observer only records; the report turns the records into figures afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

import websockets

from orchestrator.rotation.clock import Clock
from orchestrator.rotation.service import Published

AIRING = ("on_air", "host", "held")


@dataclass
class AiredSlot:
    """When a slot first went on air, by the simulated clock, against when it was due."""

    slot_id: str
    channel: str
    due: datetime
    seen: datetime
    end: datetime | None = None

    @property
    def late_s(self) -> float:
        return (self.seen - self.due).total_seconds()


@dataclass
class SlotRecorder:
    """Record the first on-air moment of every slot from the rotation's published changes."""

    clock: Clock
    aired: dict[str, AiredSlot] = field(default_factory=dict)
    sold_out_at: dict[str, datetime] = field(default_factory=dict)

    def __call__(self, published: Published) -> None:
        state = published.state
        now = published.at or self.clock.now()  # when the rotation decided, not when we heard
        for row in state.timeline:
            record = self.aired.get(row.slot.id)
            if record is not None and row.end is not None and row.status == "aired":
                record.end = row.end
        if state.slot is None or state.status not in AIRING or state.start is None:
            return
        if state.slot.id not in self.aired:
            self.aired[state.slot.id] = AiredSlot(
                state.slot.id, published.channel, state.start, now
            )


class OverlayWatcher:
    """A websockets client per channel that counts the overlay revisions it receives."""

    def __init__(self, port: int, channels: Iterable[str]) -> None:
        self.port = port
        self.channels = list(channels)
        self.last_rev: dict[str, int] = {c: 0 for c in self.channels}
        self.received: dict[str, int] = {c: 0 for c in self.channels}
        self.snapshots: dict[str, int] = {c: 0 for c in self.channels}
        self._tasks: list[asyncio.Task] = []

    def start(self) -> None:
        self._tasks = [asyncio.create_task(self._watch(c)) for c in self.channels]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _watch(self, channel: str) -> None:
        url = f"ws://127.0.0.1:{self.port}/overlay/{channel}?layout=full&v=rehearsal"
        async for socket in websockets.connect(url, open_timeout=5):
            try:
                async for raw in socket:
                    self._receive(channel, json.loads(raw))
            except websockets.ConnectionClosed:
                continue

    def _receive(self, channel: str, message: Mapping) -> None:
        kind, rev = message.get("type"), message.get("rev")
        if kind not in ("snapshot", "update") or not isinstance(rev, int):
            return
        self.received[channel] += 1
        self.snapshots[channel] += kind == "snapshot"
        self.last_rev[channel] = max(self.last_rev[channel], rev)
