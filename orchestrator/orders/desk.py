"""The order desk: the async side of orders, and its wiring into the app.

Chat pollers and the Zoom webhook hand it pages of messages (``ingest``); it runs each
page as one transaction on the store's thread, then tells the rest of the service: one
``orders`` message per channel the page changed, saying what changed there (the orders
pages subscribe; the overlay bridge listens for the ticker and the "sold out" marks), the
order-link pages' sold-out set, and the queue of chat replies the platform side sends
when its quota allows. A timer on the desk's clock sweeps the unpaid holds that ran out
(``host_writes.expire_due``) as each deadline comes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from sqlite_utils import Database

from kernel.clock import Clock, RealClock
from kernel.db import Store
from kernel.errors import NotFound
from kernel.publisher import Publisher
from orchestrator.orders import host_writes, writes
from orchestrator.orders import store as order_store
from orchestrator.orders.catalog import OrderCatalog
from orchestrator.orders.desk_replies import DeskReplies
from orchestrator.orders.model import NEW, WAITING, ChatMessage, Cursor, IngestResult, Order
from orchestrator.orders.onair import ChannelAir, SlotLookup, channel_air
from orchestrator.rotation.engine import Action
from schedules.feed import Schedule, ScheduleFeed
from schedules.model import Event

log = logging.getLogger(__name__)
T = TypeVar("T")

TOPIC = "orders"
COMMANDS_TOPIC = "chat.commands"
# The sweep's timer wakes at least this often (clock time) whatever it was told: a
# backstop for deadlines it could not hear of (another process writing the orders).
SWEEP_CAP = timedelta(hours=1)


class ChannelActions(Protocol):
    """One channel as the rotation runs it: the host's actions so far, in log order."""

    @property
    def actions(self) -> Sequence[Action]: ...


class HostActions(Protocol):
    """What the desk asks the rotation: each channel's host actions, for the slot look-ups."""

    @property
    def channels(self) -> Mapping[str, ChannelActions]: ...


@dataclass
class _Air:
    """A channel's slots, sorted once per schedule revision."""

    revision: int
    slots: dict[str, tuple]


class OrderDesk:
    """Take pages of chat into orders and keep everyone who shows orders up to date.

    ``feed`` is the schedule feed the desk follows; without one (tools, benches) it reads
    the stored event once at start and never again. ``rotation`` (optional) gives each
    channel's host actions, for the slot an order was published in. ``zoom_meetings``
    maps a Zoom meeting id to our channel id at run time (the platform side fills it when
    it creates meetings); the event's channels add theirs.
    """

    def __init__(
        self,
        the_store: Store,
        publisher: Publisher,
        *,
        feed: ScheduleFeed | None = None,
        clock: Clock | None = None,
        rotation: HostActions | None = None,
        zoom_meetings: dict[str, str] | None = None,
        reply_every_s: float = 10.0,
        commands: Callable | None = None,
    ) -> None:
        self.store, self.publisher = the_store, publisher
        self._own_feed = feed is None
        self.feed = feed or ScheduleFeed(the_store, Publisher())  # heard by nobody else
        self.clock: Clock = clock or RealClock()
        self.rotation = rotation
        self.reply_every_s = reply_every_s
        self.zoom_meetings = {} if zoom_meetings is None else zoom_meetings
        # Chat commands other than orders, run in each page's transaction (see
        # ``writes.PageInputs.commands``); what they did is published on COMMANDS_TOPIC.
        self.commands = commands
        self.catalog = OrderCatalog()
        self.event: Event | None = None
        self.lookup = SlotLookup()
        self.vendor_links: dict[str, str] = {}
        self._tokens: dict[str, str] = {}
        self._sold_out: frozenset[str] = frozenset()
        self.replies = DeskReplies(reply_every_s, lambda: self.event)
        self._air = _Air(-1, {})
        self._started = False
        self._rebuilding = asyncio.Lock()
        self._rebuilds: set[asyncio.Task[bool]] = set()
        self._unfollow: Callable[[], None] | None = None
        self._sweeper: asyncio.Task[None] | None = None
        self._next_due: datetime | None = None  # the deadline the sweeper sleeps until
        self._sweep_wake = asyncio.Event()

    # -- start and schedule changes -------------------------------------------------

    async def start(self) -> None:
        """Create the tables, read the catalog, work out what is sold out, follow the feed."""
        await self.store.run(order_store.migrate)
        if self._own_feed:
            await self.feed.reload()
        await self.refresh()
        self._started = True
        self._unfollow = self.feed.follow(self._on_schedule)
        self._sweeper = asyncio.create_task(self._sweep_loop(), name="orders-expiry")

    async def stop(self) -> None:
        """Stop following the feed and the sweeps; let a rebuild under way finish."""
        if self._unfollow is not None:
            self._unfollow()
            self._unfollow = None
        if self._sweeper is not None:
            self._sweeper.cancel()
            await asyncio.gather(self._sweeper, return_exceptions=True)
            self._sweeper = None
        await asyncio.gather(*self._rebuilds, return_exceptions=True)

    def _on_schedule(self, schedule: Schedule) -> None:
        """Rebuild for a new schedule now, so raised stock moves waiting lists up at once."""
        if schedule.revision == self.catalog.revision:
            return
        task = asyncio.ensure_future(self.refresh())
        self._rebuilds.add(task)
        task.add_done_callback(self._rebuilt)

    def _rebuilt(self, task: asyncio.Task[bool]) -> None:
        self._rebuilds.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("Rebuilding the order catalog failed: %s", task.exception())

    async def refresh(self) -> bool:
        """Rebuild the catalog when the feed holds a newer schedule; return whether it did."""
        if self.feed.current().revision == self.catalog.revision and self._started:
            return False
        async with self._rebuilding:  # pages arriving meanwhile wait for one rebuild
            schedule = self.feed.current()
            if schedule.revision == self.catalog.revision and self._started:
                return False
            await self._rebuild(schedule.event, schedule.revision)
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
        self._tell(outcome, sold_out)

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
            self.clock.now(), commands=self.commands,
        )  # fmt: skip
        outcome = await self.store.run(writes.ingest_page, inputs, list(messages), cursor)
        self._tell(outcome)
        if outcome.commands:
            self.publisher.publish(COMMANDS_TOPIC, "", outcome.commands)
        self.replies.page(outcome)
        return IngestResult(
            new_messages=outcome.new_messages,
            duplicates=outcome.duplicates,
            orders=outcome.created,
            cancelled=outcome.cancelled,
            waiting=[o for o in outcome.created if o.status == WAITING],
            promoted=outcome.promoted,
            limited=[(m, d.code, d.asked - d.allowed) for m, d in outcome.limited],
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

    async def write_then_cancel(
        self, work: Callable[[Database], T], cancels: Callable[[T], Sequence[int]], by: str
    ) -> T:
        """Run ``work`` and cancel the orders ``cancels`` names from its result, in one
        transaction (a vendor cancelling a parcel); the waiting lists move up as usual."""
        await self.refresh()
        catalog, now = self.catalog, self.clock.now()

        def both(db: Database) -> tuple[T, writes.Outcome]:
            with db.atomic():
                result = work(db)
                ids = list(cancels(result))
                return result, host_writes.cancel_orders(db, catalog, ids, by, now)

        result, outcome = await self.store.run(both)
        self._tell(outcome)
        return result

    async def orders_changed(self, order_ids: Sequence[int]) -> None:
        """Another part (the checkout) moved these orders: tell everyone who shows them."""
        orders = await self.store.run(order_store.fetch_orders, list(order_ids))
        self._tell(writes.Outcome(updated=orders))

    # -- holds running out ----------------------------------------------------------

    @property
    def next_sweep(self) -> datetime | None:
        """When the sweeper wakes next on the clock (None before it first looked)."""
        return self._next_due

    async def expire_now(self) -> writes.Outcome:
        """Expire the holds due by the clock's now and move the waiting lists up."""
        await self.refresh()
        outcome = await self.store.run(host_writes.expire_due, self.catalog, self.clock.now())
        self._tell(outcome)
        return outcome

    async def _sweep_loop(self) -> None:
        """Sleep on the clock until the earliest deadline (at most ``SWEEP_CAP``), sweep."""
        while True:
            try:
                due = await self.store.run(order_store.next_hold)
                cap = self.clock.now() + SWEEP_CAP
                self._next_due = cap if due is None else min(due, cap)
                self._sweep_wake.clear()
                await self.clock.sleep_until(self._next_due, self._sweep_wake)
                if self.clock.now() >= self._next_due:
                    await self.expire_now()
            except asyncio.CancelledError:
                raise
            except Exception:  # a failed sweep is retried on the next turn, never fatal
                log.exception("Expiring unpaid holds failed")
                await self.clock.sleep(60)

    def _heard_of(self, outcome: writes.Outcome) -> None:
        """Wake the sweeper when orders got a deadline earlier than the one it awaits."""
        due = self._next_due
        if due is None:
            return
        for order in (*outcome.created, *outcome.promoted):
            if order.status == NEW and order.hold_until is not None and order.hold_until < due:
                self._sweep_wake.set()
                return

    # -- telling the others ---------------------------------------------------------

    def _tell(self, outcome: writes.Outcome, sold_out: frozenset[str] | None = None) -> None:
        """Publish once per channel what changed there; a new sold-out set reaches them all.

        ``sold_out`` is the whole set when known (after a rebuild); else the outcome's
        touched codes update the one kept.
        """
        self._heard_of(outcome)
        self.replies.moved_up(outcome, self.event, self.catalog.tz, self.clock.now())
        codes = self._sold_out_after(outcome) if sold_out is None else sold_out
        channels = outcome.channels | (self._all_channels() if codes != self._sold_out else set())
        self._sold_out = codes
        tickers = _tickers(outcome.created)
        for channel in sorted(channels):
            news = _summary(outcome, channel)
            news.update(ticker=tickers.get(channel, []), sold_out=codes)
            self.publisher.publish(TOPIC, channel, news)

    def _sold_out_after(self, outcome: writes.Outcome) -> frozenset[str]:
        now_out = {c for c, out in outcome.sold_out.items() if out}
        gone = {c for c, out in outcome.sold_out.items() if not out}
        return frozenset((self._sold_out - gone) | now_out)

    def _all_channels(self) -> set[str]:
        """Every channel that shows sold-out marks: the rotation's, else the event's."""
        if self.rotation is not None:
            return set(self.rotation.channels)
        if self.event is None:
            return set()
        return {c.id for c in self.event.channels} | {s.channel for s in self.event.slots}

    def sold_out_codes(self) -> frozenset[str]:
        """The codes whose stock is all used (the order-link pages and overlays show it)."""
        return self._sold_out

    # -- chat replies ---------------------------------------------------------------

    def say(self, platform: str, channel: str, text: str) -> None:
        """Queue a chat reply from another part (the checkout's), sent like the others."""
        self.replies.queue(platform, channel).say(text)

    def pending_replies(self, channel: str, platform: str = "youtube", limit: int = 1) -> list[str]:
        """Take the chat replies due for ``channel`` on ``platform`` (at most ``limit``).

        Gives nothing until ``reply_every_s`` passed since the last ones given; the
        caller sends them when its quota allows (nothing is sent from here).
        """
        return self.replies.queue(platform, channel).take(self.clock.now(), limit)

    # -- vendors' private pages -----------------------------------------------------

    def vendor_for_token(self, token: str) -> str | None:
        """The vendor whose private link holds ``token``, or None."""
        return self._tokens.get(token)

    async def reissue_link(self, vendor_id: str) -> str:
        """Revoke the vendor's private link and give them a new one (the old shows nothing)."""
        if vendor_id not in self.vendor_links:
            raise NotFound(f"penjual {vendor_id} tidak ada")
        token = await self.store.run(order_store.reissue_vendor_link, vendor_id, self.clock.now())
        self.vendor_links[vendor_id] = token
        self._tokens = {t: v for v, t in self.vendor_links.items()}
        return token


def _tickers(created: list[Order]) -> dict[str, list[dict]]:
    """The page's new orders by channel, as the overlay's ticker shows them."""
    tickers: dict[str, list[dict]] = {}
    for order in created:
        if order.status == NEW:
            entry = {"code": order.code, "qty": order.qty, "first_name": order.first_name or None}
            tickers.setdefault(order.channel, []).append(entry)
    return tickers


def _summary(outcome: writes.Outcome, channel: str) -> dict:
    def ids(orders: list[Order]) -> list[int]:
        return [o.id for o in orders if o.channel == channel]

    moved = (outcome.created, outcome.cancelled, outcome.promoted, outcome.updated,
             outcome.expired)  # fmt: skip
    return {
        "created": ids(outcome.created),
        "cancelled": ids(outcome.cancelled),
        "promoted": ids(outcome.promoted),
        "updated": ids(outcome.updated),
        "expired": ids(outcome.expired),
        # whose orders moved: a vendor's own page redraws for theirs only
        "vendors": sorted({o.vendor_id for group in moved for o in group if o.channel == channel}),
    }
