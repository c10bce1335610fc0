"""What a rehearsal watches while the show plays: slots going on air, overlay pages, orders.

Each observer only records; the report turns the records into figures afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import websockets

from kernel.clock import Clock
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
    woke: datetime | None = None  # the moment the rotation slept until, if its timer woke it

    @property
    def late_s(self) -> float:
        return (self.seen - self.due).total_seconds()

    @property
    def lag_s(self) -> float:
        """Simulated seconds the timer fired after the moment the rotation asked for.

        That share of ``late_s`` is the machine's: a scaled clock multiplies each real
        millisecond a busy box takes to wake the loop by its speed.
        """
        return (self.seen - self.woke).total_seconds() if self.woke is not None else 0.0


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
                state.slot.id, published.channel, state.start, now, woke=published.due
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
        self._received = asyncio.Event()

    def start(self) -> None:
        self._tasks = [asyncio.create_task(self._watch(c)) for c in self.channels]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def caught_up(self, revs: Mapping[str, int], timeout: float) -> None:
        """Wait until every channel has seen ``revs``, or ``timeout`` real seconds pass.

        The show's last update may still be on its way when the show ends; a page that
        never gets it stays behind and the report says so.
        """
        deadline = asyncio.get_running_loop().time() + timeout
        while any(self.last_rev[c] < revs.get(c, 0) for c in self.channels):
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                return
            self._received.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._received.wait(), left)

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
        self._received.set()


class ChromiumPages:
    """Real overlay pages in headless Chromium, one per channel, as OBS would show them.

    The page writes the revision it shows into ``body[data-rev]``; at the end that is
    compared with the last revision the hub published.
    """

    def __init__(self, executable: str, base_url: str, channels: Iterable[str]) -> None:
        self.executable, self.base_url, self.channels = executable, base_url, list(channels)
        self._playwright = self._browser = None
        self._pages: dict[str, object] = {}
        self._timeout: type[Exception] = TimeoutError  # Playwright's, once started

    async def start(self) -> None:
        # Optional dependency: Playwright comes with the test extras; without it the
        # rehearsal watches overlays with websockets clients instead.
        from playwright import async_api

        self._timeout = async_api.TimeoutError
        self._playwright = await async_api.async_playwright().start()
        self._browser = await self._playwright.chromium.launch(
            executable_path=self.executable, args=CHROMIUM_ARGS
        )
        for channel in self.channels:
            page = await self._browser.new_page(viewport={"width": 1920, "height": 1080})
            await page.goto(f"{self.base_url}/overlay/{channel}?layout=full")
            self._pages[channel] = page
        lower_priority(descendants(os.getpid()))

    async def final_revs(self, published: Mapping[str, int], timeout: float) -> dict[str, int]:
        """The revision each page shows, once it shows ``published`` or ``timeout`` passed."""
        revs = {}
        for channel, page in self._pages.items():
            shown = "rev => Number(document.body.dataset.rev || 0) >= rev"
            with contextlib.suppress(self._timeout):
                await page.wait_for_function(
                    shown, arg=published.get(channel, 0), timeout=timeout * 1000
                )
            value = await page.evaluate("document.body.dataset.rev || '0'")
            revs[channel] = int(value)
        return revs

    async def stop(self) -> None:
        if self._browser is not None:
            await self._browser.close()
        if self._playwright is not None:
            await self._playwright.stop()


def descendants(pid: int) -> list[int]:
    """Every process started under ``pid`` (Linux /proc); empty where there is none."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = [], [pid]
    while frontier:
        current = frontier.pop()
        children = [child for child, parent in parents.items() if parent == current]
        found += children
        frontier += children
    return found


def lower_priority(pids: Iterable[int], niceness: int = 10) -> None:
    """Let the browsers yield the CPU to the service under test, as a studio PC would.

    Two full-HD pages rendering animations on a 2-core machine otherwise steal the
    milliseconds the rotation needs to be on time at 600x speed.
    """
    for pid in pids:
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, pid, niceness)


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
