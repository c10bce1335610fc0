"""The viewers' live feed: each channel's overlay state, made viewer-safe, on the hub.

It follows the hub's overlay topics (so host takeovers, rotations and the ticker reach
viewers the moment they reach OBS), the order desk (units left of what is featured) and
the platform side (the YouTube broadcast to embed), and publishes the result on the hub's
public topic ``live/<channel>``. The hub drops a state that did not change, and fans out
without waiting on any phone.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from kernel.db import Store
from kernel.publisher import Message, Publisher
from orchestrator.orders.desk import TOPIC as ORDERS
from orchestrator.orders.store import stock_used
from orchestrator.platforms.ledger import TOPIC as PLATFORM
from overlays.hub import LIVE_PREFIX, Hub
from overlays.live_state import viewer_state
from schedules.feed import ScheduleFeed

log = logging.getLogger(__name__)

# Units left are re-read at most once this often (seconds) per channel: the database
# thread is the order desk's too, and a rush of chat pages needs one read, not one each.
STOCK_GAP = 1.0
# A broadcast in these states has nothing left to watch.
_ENDED = frozenset({"complete", "revoked"})


class LiveFeed:
    """Keep each channel's live state on the hub, from the overlay, the desk and YouTube."""

    def __init__(self, hub: Hub, schedule: ScheduleFeed, store: Store, publisher: Publisher):
        self.hub, self.schedule, self.store, self.publisher = hub, schedule, store, publisher
        self.overlays: dict[str, dict[str, Any]] = {}
        self.stock: dict[str, dict[str, int | None]] = {}
        self.videos: dict[str, str] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._dirty: set[str] = set()
        self._stops: list[Callable[[], None]] = []

    async def start(self) -> None:
        """Follow the hub, the desk and the platforms; publish what the hub already holds,
        with its units left, so the first viewer's page is whole."""
        self._stops = [
            self.hub.follow(self._on_overlay),
            self.publisher.listen(ORDERS, self._on_orders),
            self.publisher.listen(PLATFORM, self._on_platform),
        ]
        event = self.schedule.current().event
        for channel in [c.id for c in event.channels] if event else []:
            snapshot = self.hub.snapshot(channel)
            if snapshot["rev"]:
                self._on_overlay(channel, snapshot["state"])
        await asyncio.gather(*self._tasks.values())

    async def stop(self) -> None:
        for stop in self._stops:
            stop()
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def state(self, channel: str) -> dict[str, Any] | None:
        """The channel's live state as viewers have it now (``None`` before any)."""
        snapshot = self.hub.snapshot(LIVE_PREFIX + channel)
        return snapshot["state"] if snapshot["rev"] else None

    def push(self, channel: str) -> None:
        overlay = self.overlays.get(channel)
        if overlay is None:
            return
        state = viewer_state(
            overlay,
            title=self._title(channel),
            stock_left=self.stock.get(channel),
            video_id=self.videos.get(channel),
        )
        self.hub.publish_live(channel, state)

    def _title(self, channel: str) -> str:
        event = self.schedule.current().event
        return next((c.title for c in event.channels if c.id == channel), "") if event else ""

    def _on_overlay(self, channel: str, state: dict[str, Any]) -> None:
        self.overlays[channel] = state
        self.push(channel)
        known = self.stock.get(channel, {})
        if any(p.get("code") not in known for p in state.get("products") or ()):
            self._refresh(channel)

    def _on_orders(self, message: Message) -> None:
        if message.channel in self.overlays:
            self._refresh(message.channel)

    def _on_platform(self, message: Message) -> None:
        data = message.data or {}
        video = data.get("broadcast_id")
        if not video or data.get("broadcast_status") in _ENDED:
            video = None
        if self.videos.get(message.channel) != video:
            if video:
                self.videos[message.channel] = video
            else:
                self.videos.pop(message.channel, None)
            self.push(message.channel)

    def _refresh(self, channel: str) -> None:
        """Re-read units left on the channel; one read at a time, again if asked meanwhile."""
        self._dirty.add(channel)
        if channel not in self._tasks:
            task = asyncio.get_running_loop().create_task(self._read_stock(channel))
            self._tasks[channel] = task

    async def _read_stock(self, channel: str) -> None:
        loop = asyncio.get_running_loop()
        last = None
        try:
            while channel in self._dirty:
                if last is not None:  # a rush of order pages is one read a STOCK_GAP
                    await asyncio.sleep(max(0.0, last + STOCK_GAP - loop.time()))
                last = loop.time()
                self._dirty.discard(channel)
                codes = [p.get("code") for p in self.overlays[channel].get("products") or ()]
                stocked = [c for c in codes if self._stock_of(c) is not None]
                used = await self.store.run(stock_used, stocked) if stocked else {}
                self.stock[channel] = {c: self._left(c, used) for c in codes}
                self.push(channel)
        except Exception:
            log.exception("Live page: reading stock of %s failed", channel)
        finally:
            self._tasks.pop(channel, None)

    def _stock_of(self, code: str) -> int | None:
        event = self.schedule.current().event
        product = event.product(code) if event else None
        return product.stock if product else None

    def _left(self, code: str, used: dict[str, int]) -> int | None:
        stock = self._stock_of(code)
        return None if stock is None else stock - used.get(code, 0)
