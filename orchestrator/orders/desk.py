"""The order desk: the async side of orders, and its wiring into the app.

Chat pollers and the Zoom webhook hand it pages of messages (``ingest``); it runs each
page as one transaction on the store's thread, then tells the rest of the service:
the ``orders`` topic on the publisher (the orders pages listen), the overlay's ticker and
"sold out" marks, the order-link pages' sold-out set, and the queue of chat replies the
platform side sends when its quota allows.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

from aiohttp import web

from kernel.clock import Clock, RealClock
from orchestrator.orders import host_writes, writes
from orchestrator.orders import store as order_store
from orchestrator.orders.catalog import OrderCatalog
from orchestrator.orders.model import NEW, WAITING, ChatMessage, Cursor, IngestResult, Order
from orchestrator.orders.onair import ChannelAir, SlotLookup, channel_air
from orchestrator.orders.replies import (
    MAX_PENDING,
    Confirmation,
    ReplyQueue,
    unknown_code_reply,
)
from orchestrator.publisher import Publisher
from schedules import store as schedule_store
from schedules.db import Store
from schedules.model import Event

log = logging.getLogger(__name__)

TOPIC = "orders"


@dataclass
class _Air:
    """A channel's slots, sorted once per schedule revision."""

    revision: int
    slots: dict[str, tuple]


class OrderDesk:
    """Take pages of chat into orders and keep everyone who shows orders up to date.

    ``rotation`` (optional) gives the event and each channel's host actions, for the
    slot an order was published in; ``bridge`` (optional) is the overlay bridge.
    ``zoom_meetings`` maps a Zoom meeting id to our channel id at run time (the
    platform side fills it when it creates meetings); the event's channels add theirs.
    """

    def __init__(
        self,
        the_store: Store,
        publisher: Publisher,
        *,
        clock: Clock | None = None,
        rotation=None,
        bridge=None,
        reply_every_s: float = 10.0,
    ) -> None:
        self.store, self.publisher = the_store, publisher
        self.clock: Clock = clock or RealClock()
        self.rotation, self.bridge = rotation, bridge
        self.reply_every_s = reply_every_s
        self.zoom_meetings: dict[str, str] = {}
        self.catalog = OrderCatalog()
        self.event: Event | None = None
        self.lookup = SlotLookup()
        self.vendor_links: dict[str, str] = {}
        self._tokens: dict[str, str] = {}
        self._sold_out: frozenset[str] = frozenset()
        self._replies: dict[tuple[str, str], ReplyQueue] = {}
        self._air = _Air(-1, {})
        self._started = False
        self._rebuilding = asyncio.Lock()

    # -- start and schedule changes -------------------------------------------------

    async def start(self) -> None:
        """Create the tables, read the catalog, work out what is sold out."""
        await self.store.run(order_store.migrate)
        await self.refresh()
        self._started = True

    async def refresh(self) -> bool:
        """Rebuild the catalog when the schedule revision moved; return whether it did."""
        event, revision = await self._event()
        if revision == self.catalog.revision and self._started:
            return False
        async with self._rebuilding:  # pages arriving meanwhile wait for one rebuild
            if revision == self.catalog.revision and self._started:
                return False
            await self._rebuild(event, revision)
        return True

    async def _rebuild(self, event: Event | None, revision: int) -> None:
        self.event = event
        self.catalog = OrderCatalog.build(event, revision)
        vendors = [v.id for v in event.vendors] if event else []
        self.vendor_links = await self.store.run(
            order_store.ensure_vendor_links, vendors, self.clock.now()
        )
        self._tokens = {token: vendor for vendor, token in self.vendor_links.items()}
        # Stock may have been raised: the waiting lists may move up.
        outcome = await self.store.run(host_writes.settle_stock, self.catalog, self.clock.now())
        sold_out = await self.store.run(host_writes.sold_out_codes, self.catalog)
        self._set_sold_out(sold_out)
        if outcome.promoted:
            self._tell(outcome)

    async def _event(self) -> tuple[Event | None, int]:
        if self.rotation is not None:
            return self.rotation.event, self.rotation.schedule_revision
        revision = await self.store.run(schedule_store.schedule_revision)
        if revision == self.catalog.revision and self._started:
            return None, revision
        return await self.store.run(schedule_store.load_event), revision

    def meeting_channel(self, meeting_id: str) -> str | None:
        """Our channel for a Zoom meeting id: the run-time mapping first, then the event's."""
        meeting_id = str(meeting_id).strip()
        return self.zoom_meetings.get(meeting_id) or self.catalog.zoom_meetings.get(meeting_id)

    # -- pages of chat --------------------------------------------------------------

    async def ingest(
        self, messages: Sequence[ChatMessage], cursor: Cursor | None = None
    ) -> IngestResult:
        """Store a page once, turn its new messages into orders and cancels, save ``cursor``.

        All in one transaction; a page (or a message) seen again changes nothing.
        """
        await self.refresh()
        inputs = writes.PageInputs(
            self.catalog, self._channel_air({m.channel for m in messages}), self.lookup,
            self.clock.now(),
        )  # fmt: skip
        outcome = await self.store.run(writes.ingest_page, inputs, list(messages), cursor)
        self._tell(outcome)
        self._queue_replies(outcome)
        return IngestResult(
            new_messages=outcome.new_messages,
            duplicates=outcome.duplicates,
            orders=outcome.created,
            cancelled=outcome.cancelled,
            waiting=[o for o in outcome.created if o.status == WAITING],
            promoted=outcome.promoted,
            unknown_codes=[(u.message, u.codes) for u in outcome.unknown],
        )

    async def load_cursor(self, platform: str, chat_id: str) -> Cursor | None:
        """The cursor saved with the last page of this chat, to resume after a restart."""
        return await self.store.run(order_store.load_cursor, platform, chat_id)

    def _channel_air(self, channels: set[str]) -> dict[str, ChannelAir]:
        """Snapshot the slots and actions of ``channels`` for the page's slot look-ups.

        Without a rotation (tools, benches) the slots count as scheduled, with no actions.
        """
        event, revision = self.event, self.catalog.revision
        if event is None:
            return {}
        if self._air.revision != revision:
            self._air = _Air(revision, {})
        air = {}
        for channel in channels:
            actions: Sequence = ()
            if self.rotation is not None:
                run = self.rotation.channels.get(channel)
                if run is None:
                    continue
                actions = run.actions
            slots = self._air.slots.get(channel)
            if slots is None:
                slots = self._air.slots[channel] = tuple(event.channel_slots(channel))
            air[channel] = channel_air((revision, len(actions)), slots, actions, event.tz)
        return air

    # -- the host's changes ---------------------------------------------------------

    async def set_status(self, order_id: int, status: str, by: str) -> writes.Outcome:
        """Move an order along (or cancel it) as the host asked; the waiting list follows."""
        await self.refresh()
        outcome = await self.store.run(
            host_writes.change_status, self.catalog, order_id, status, by, self.clock.now()
        )
        self._tell(outcome)
        return outcome

    # -- telling the others ---------------------------------------------------------

    def _tell(self, outcome: writes.Outcome) -> None:
        """Publish the change, mark sold-out codes and feed the overlay's ticker."""
        if outcome.sold_out:
            now_out = {c for c, out in outcome.sold_out.items() if out}
            gone = {c for c, out in outcome.sold_out.items() if not out}
            self._set_sold_out(frozenset((self._sold_out - gone) | now_out))
        self._feed_ticker(outcome.created)
        for channel in sorted(outcome.channels):
            self.publisher.publish(TOPIC, channel, _summary(outcome, channel))

    def _set_sold_out(self, codes: frozenset[str]) -> None:
        if codes == self._sold_out:
            return
        self._sold_out = codes
        if self.bridge is not None:
            self.bridge.set_sold_out(codes)

    def sold_out_codes(self) -> frozenset[str]:
        """The codes whose stock is all used (the order-link pages and overlays show it)."""
        return self._sold_out

    def _feed_ticker(self, created: list[Order]) -> None:
        """Put new orders on the overlay ticker; a page's burst only needs its last few."""
        if self.bridge is None:
            return
        size = getattr(self.bridge.settings, "ticker_size", 5)
        by_channel: dict[str, list[Order]] = {}
        for order in created:
            if order.status == NEW and order.channel in self.bridge.rotation.channels:
                by_channel.setdefault(order.channel, []).append(order)
        for channel, orders in by_channel.items():
            for order in orders[-size:]:
                self.bridge.add_order(channel, order.code, order.qty, order.first_name or None)

    # -- chat replies ---------------------------------------------------------------

    def _queue(self, platform: str, channel: str) -> ReplyQueue:
        key = (platform, channel)
        if key not in self._replies:
            self._replies[key] = ReplyQueue(self.reply_every_s)
        return self._replies[key]

    def _queue_replies(self, outcome: writes.Outcome) -> None:
        # A queue keeps only its latest entries, so a rush needs only the page's last ones.
        for order in outcome.created[-MAX_PENDING:]:
            if order.status not in (NEW, WAITING):
                continue  # cancelled in the same page: nothing to confirm
            self._queue(order.platform, order.channel).confirm(
                [Confirmation(order.author_name, order.code, order.qty, order.status == WAITING)]
            )
        for unknown in outcome.unknown:
            m = unknown.message
            text = unknown_code_reply(unknown.codes, unknown.on_air, m.author_name)
            self._queue(m.platform, m.channel).say(text)

    def pending_replies(self, channel: str, platform: str = "youtube", limit: int = 1) -> list[str]:
        """Take the chat replies due for ``channel`` on ``platform`` (at most ``limit``).

        Gives nothing until ``reply_every_s`` passed since the last ones given; the
        caller sends them when its quota allows (nothing is sent from here).
        """
        return self._queue(platform, channel).take(self.clock.now(), limit)

    # -- vendors' private pages -----------------------------------------------------

    def vendor_for_token(self, token: str) -> str | None:
        """The vendor whose private link holds ``token``, or None."""
        return self._tokens.get(token)


def _summary(outcome: writes.Outcome, channel: str) -> dict:
    def ids(orders: list[Order]) -> list[int]:
        return [o.id for o in orders if o.channel == channel]

    return {
        "created": ids(outcome.created),
        "cancelled": ids(outcome.cancelled),
        "promoted": ids(outcome.promoted),
        "updated": ids(outcome.updated),
    }


ORDER_DESK = web.AppKey("order_desk", OrderDesk)


async def desk_ctx(app: web.Application) -> AsyncIterator[None]:
    """Start the desk once the store, the rotation and the overlay bridge run."""
    from orchestrator.app import CLOCK
    from orchestrator.overlay_bridge import BRIDGE
    from orchestrator.panel import PUBLISHER, ROTATION
    from overlays.links import SOLD_OUT
    from schedules.web import STORE

    desk = OrderDesk(
        app[STORE], app[PUBLISHER], clock=app[CLOCK], rotation=app.get(ROTATION),
        bridge=app.get(BRIDGE),
    )  # fmt: skip
    await desk.start()
    app[ORDER_DESK] = desk
    app[SOLD_OUT] = desk.sold_out_codes
    yield


def setup(app: web.Application) -> None:
    """Add the order desk, the orders pages and the Zoom webhook to ``app``."""
    from orchestrator.orders import pages, webhook

    app.cleanup_ctx.append(desk_ctx)
    pages.setup(app)
    webhook.setup(app)
