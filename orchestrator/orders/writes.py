"""The desk's transaction for a page of chat (``host_writes`` has the host's and stock's).

It runs on the store's thread as one SQLite transaction: messages, orders, order
events and the chat cursor commit together or not at all. So a crash either loses the
whole page (the platform sends it again and nothing is doubled, because known message
ids are skipped) or keeps all of it (and the page read again is all duplicates).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlite_utils import Database

from kernel.times import utc_iso
from orchestrator.chat.grammar import NONE, ParseResult, parse_with_absent
from orchestrator.orders import store
from orchestrator.orders.book import (
    Book,
    Cancelled,
    Decision,
    Limited,
    Placed,
    Promoted,
    Viewer,
)
from orchestrator.orders.catalog import OrderCatalog
from orchestrator.orders.model import CANCELLED, NEW, ChatMessage, Cursor, Order
from orchestrator.orders.onair import ChannelAir, SlotLookup
from orchestrator.orders.page_book import page_book
from orchestrator.orders.schema import message_key

SYSTEM = "sistem (stok tersedia)"
_DIGIT = re.compile(r"\d")


@dataclass
class PageInputs:
    """What a page needs besides the messages: the catalog and the channels' air times."""

    catalog: OrderCatalog
    air: Mapping[str, ChannelAir]
    lookup: SlotLookup
    received_at: datetime
    # Chat commands that are not orders (the checkout's ``BAYAR 4821``): called in the
    # page's transaction with its new messages; it returns what it did, one entry per
    # message it took (``message_id`` attribute), and those are not parsed as orders.
    commands: Callable[[Database, Sequence[ChatMessage], datetime], list] | None = None
    # id(message) -> (its publish time as stored, its row), for its orders' rows
    stored: dict[int, tuple[str, int]] = field(default_factory=dict)


@dataclass
class Unknown:
    """A message naming code-like words the catalog lacks, and what was on air for it."""

    message: ChatMessage
    codes: list[str]
    on_air: tuple[str, ...]


@dataclass
class Outcome:
    """What a transaction did, for the desk to publish and return."""

    new_messages: int = 0
    duplicates: int = 0
    created: list[Order] = field(default_factory=list)
    cancelled: list[Order] = field(default_factory=list)
    promoted: list[Order] = field(default_factory=list)
    updated: list[Order] = field(default_factory=list)  # moved along by the host
    expired: list[Order] = field(default_factory=list)  # holds that ran out
    unknown: list[Unknown] = field(default_factory=list)
    limited: list[tuple[ChatMessage, Limited]] = field(default_factory=list)  # claims cut
    sold_out: dict[str, bool] = field(default_factory=dict)  # stocked codes touched
    commands: list = field(default_factory=list)  # what ``PageInputs.commands`` did

    @property
    def channels(self) -> set[str]:
        changed = (*self.created, *self.cancelled, *self.promoted, *self.updated, *self.expired)
        return {o.channel for o in changed}


def ingest_page(
    db: Database, inputs: PageInputs, messages: Sequence[ChatMessage], cursor: Cursor | None
) -> Outcome:
    """Store a page's new messages, apply their orders and cancels, save the cursor: at once."""
    with db.atomic():
        fresh, keys = _fresh(db, messages)
        commands = inputs.commands(db, fresh, inputs.received_at) if inputs.commands else []
        taken = {c.message_id for c in commands}
        parsed, absent = _parse_all(fresh, inputs.catalog.grammar, taken)
        if fresh:
            rows = _message_rows(fresh, keys, parsed, inputs, store.next_message_row(db))
            store.insert_messages(db, rows)
        book = page_book(db, inputs.catalog, fresh, parsed)
        decided = _decide(book, fresh, parsed)
        if book.short:  # a waiting list read only in part was not enough: read it all
            book = page_book(db, inputs.catalog, fresh, parsed, frozenset(book.short))
            decided = _decide(book, fresh, parsed)
        outcome = _write(db, inputs, decided)
        if cursor is not None:
            store.save_cursor(db, cursor, inputs.received_at)
    outcome.new_messages, outcome.duplicates = len(fresh), len(messages) - len(fresh)
    outcome.commands = commands
    outcome.unknown = _unknown(inputs, fresh, absent)
    outcome.limited = [(m, d) for m, d in decided if type(d) is Limited]
    outcome.sold_out = sold_out_marks(book, {d.code for _, d in decided})
    return outcome


def _decide(
    book: Book, fresh: Sequence[ChatMessage], parsed: Sequence[ParseResult]
) -> list[tuple[ChatMessage, Decision]]:
    """Apply the page's orders and cancels to the book, in page order."""
    decided: list[tuple[ChatMessage, Decision]] = []
    items_of: dict[int, list[tuple[str, int]]] = {}  # a repeated text shares its result
    viewers: dict[tuple[str, str], Viewer] = {}  # and a viewer writes many messages
    for message, result in zip(fresh, parsed, strict=True):
        if result is NONE or result.kind == "none":
            continue
        key = (message.platform, message.author_id)
        viewer = viewers.get(key)
        if viewer is None:
            viewer = viewers[key] = Viewer(message.platform, message.author_id)
        items = items_of.get(id(result))
        if items is None:
            items = items_of[id(result)] = [(item.code, item.qty) for item in result.items]
        act = book.place if result.kind == "order" else book.cancel
        decided += [(message, d) for d in act(viewer, items)]
    return decided


def _parse_all(
    messages: Sequence[ChatMessage], grammar, taken: set[str] = frozenset()
) -> tuple[list[ParseResult], dict[str, list[str]]]:
    """Parse each message, and find the texts naming codes the catalog lacks (text -> codes).

    A text seen before in the page is parsed once (chat repeats); messages ``taken`` as
    commands are no orders.
    """
    seen: dict[str, ParseResult] = {}
    absent: dict[str, list[str]] = {}
    parsed = []
    for m in messages:
        if taken and m.message_id in taken:
            parsed.append(NONE)
            continue
        text = m.text
        result = seen.get(text)
        if result is None:
            result, codes = _parse(text, grammar)
            seen[text] = result
            if codes:
                absent[text] = codes
        parsed.append(result)
    return parsed, absent


def _parse(text: str, grammar) -> tuple[ParseResult, list[str]]:
    """Parse, skipping plain chatter: every code has a digit, so ASCII text without one
    cannot name a code (non-ASCII text may hold digits that NFKC makes, e.g. ``１``)."""
    if text.isascii() and _DIGIT.search(text) is None:
        return NONE, []
    return parse_with_absent(text, grammar)


def _iso(moment: datetime) -> str:
    """``utc_iso`` for the common case of a UTC datetime, without the slow ``strftime``."""
    if moment.tzinfo is UTC:
        return moment.isoformat(timespec="microseconds")[:-6] + "Z"
    return utc_iso(moment)


def sold_out_marks(book: Book, codes: set[str]) -> dict[str, bool]:
    """For each stocked code of ``codes``: is it sold out now?"""
    out = book.sold_out(codes)
    return {c: c in out for c in codes if book.remaining(c) is not None}


def _fresh(db: Database, messages: Sequence[ChatMessage]) -> tuple[list[ChatMessage], list[int]]:
    """The messages not stored yet, each once, in page order, and their keys."""
    keys = [message_key(m.platform, m.message_id) for m in messages]
    seen = store.known_messages(db, keys)
    fresh, fresh_keys = [], []
    for m, key in zip(messages, keys, strict=True):
        pair = (m.platform, m.message_id)
        if pair not in seen:
            seen.add(pair)
            fresh.append(m)
            fresh_keys.append(key)
    return fresh, fresh_keys


def _message_rows(
    messages: Sequence[ChatMessage],
    keys: Sequence[int],
    parsed: Sequence[ParseResult],
    inputs: PageInputs,
    first_row: int,
) -> list[tuple]:
    """Message rows numbered from ``first_row``; publish times and rows are kept for the
    orders' rows too."""
    received = utc_iso(inputs.received_at)
    stored = inputs.stored
    rows = []
    row = first_row
    for m, key, p in zip(messages, keys, parsed, strict=True):
        published = _iso(m.published_at)
        stored[id(m)] = (published, row)
        rows.append((row, m.platform, m.message_id, key, m.channel, m.author_id, m.author_name,
                     m.text, m.kind, m.amount_micros, m.currency, published, received,
                     p.kind))  # fmt: skip
        row += 1
    return rows


def fresh_holds(catalog: OrderCatalog, promoted: Sequence[Promoted], now: datetime) -> list:
    """(hold_until_utc, id) for orders that moved up at ``now``: their hold starts again."""
    holds = catalog.holds
    stock = catalog.stock
    return [
        (_iso(holds.moved_up(stock[d.code].vendor_id if d.code in stock else "", now)), d.order_id)
        for d in promoted
    ]


def _by(message: ChatMessage | None) -> str:
    if message is None:
        return SYSTEM
    return f"penonton {message.platform}/{message.author_id}"


def _write(
    db: Database, inputs: PageInputs, decided: list[tuple[ChatMessage, Decision]]
) -> Outcome:
    """Insert the placed orders as the page leaves them, apply the other changes, log them."""
    now = utc_iso(inputs.received_at)
    placed, events, final, promoted = [], [], {}, []
    for message, d in decided:
        if type(d) is Placed:
            # No event: the order's row says who made it, when, and from which message.
            placed.append((message, d))
        elif type(d) is Limited:
            continue  # no order changed: the viewer is told
        elif type(d) is Cancelled:
            # A cancelled order keeps the qty it had, so the list shows what was dropped.
            final[d.order_id] = (CANCELLED, d.qty_before) if d.whole else (d.status, d.qty_after)
            events.append((d.order_id, now, _by(message), "cancelled" if d.whole else "reduced",
                           d.status, final[d.order_id][0], d.qty_before, d.qty_after,
                           message.message_id))  # fmt: skip
        else:
            final[d.order_id] = (NEW, d.qty)
            promoted.append(d)
            events.append((d.order_id, now, SYSTEM, "promoted", "waiting", NEW, d.qty, d.qty,
                           message.message_id))  # fmt: skip
    created, rows = _created(inputs, placed, final, now)
    store.insert_orders(db, rows)
    new_ids = {o.id for o in created}
    store.update_orders(db, [(s, q, now, i) for i, (s, q) in final.items() if i not in new_ids])
    store.insert_events(db, events)
    store.set_holds(db, fresh_holds(inputs.catalog, promoted, inputs.received_at))
    return _outcome(db, decided, created, new_ids)


def _created(
    inputs: PageInputs,
    placed: list[tuple[ChatMessage, Placed]],
    final: dict[int, tuple[str, int]],
    now: str,
) -> tuple[list[Order], list[tuple]]:
    """The page's new orders, as they stand after it, and their rows (``ORDER_COLUMNS``)."""
    orders, rows = [], []
    stored, received = inputs.stored, inputs.received_at
    slot_at, air = inputs.lookup.slot_at, inputs.air
    hold_of = inputs.catalog.holds.until
    holds: dict[tuple, tuple[datetime, str]] = {}  # a slot's claims share their deadline
    last, slot = None, None
    for m, d in placed:
        if m is not last:  # a message's items are placed one after another
            last, slot = m, slot_at(air, m.channel, m.published_at)
        status, qty = final.get(d.order_id) or (d.status, d.qty)
        published, row = stored[id(m)]
        key = (d.vendor_id, slot) if slot is not None else (d.vendor_id, None, published)
        hold = holds.get(key)
        if hold is None:
            until = hold_of(d.vendor_id, slot, m.published_at)
            hold = holds[key] = (until, _iso(until))
        if status != d.status and status == NEW:  # it waited and moved up in this page
            until = inputs.catalog.holds.moved_up(d.vendor_id, received, hold[0])
            hold = (until, _iso(until))
        orders.append(Order(d.order_id, d.code, d.vendor_id, m.channel, slot, qty, status,
                            m.platform, m.author_id, m.author_name, m.message_id, m.text,
                            m.published_at, d.price_idr, m.amount_micros, m.currency,
                            received, hold[0]))  # fmt: skip
        rows.append((d.order_id, d.code, d.vendor_id, m.channel, slot, qty, status, m.platform,
                     m.author_id, m.author_name, m.message_id, m.text,
                     published, d.price_idr, m.amount_micros, m.currency, now,
                     row, hold[1]))  # fmt: skip
    return orders, rows


def _outcome(
    db: Database,
    decided: list[tuple[ChatMessage, Decision]],
    created: list[Order],
    new_ids: set[int],
) -> Outcome:
    """The page's orders as they stand after it; orders of earlier pages are re-read."""
    touched = {d.order_id for _, d in decided if type(d) is Cancelled or type(d) is Promoted}
    if not touched:
        return Outcome(created=created)
    changed = {o.id: o for o in store.fetch_orders(db, list(touched - new_ids))}
    changed.update((o.id, o) for o in created if o.id in touched)
    cancelled = [d.order_id for _, d in decided if type(d) is Cancelled]
    promoted = [d.order_id for _, d in decided if type(d) is Promoted]
    return Outcome(
        created=created,
        cancelled=[changed[i] for i in dict.fromkeys(cancelled) if i not in new_ids],
        promoted=[changed[i] for i in dict.fromkeys(promoted) if changed[i].status == NEW],
    )


def _unknown(
    inputs: PageInputs, fresh: Sequence[ChatMessage], absent: dict[str, list[str]]
) -> list[Unknown]:
    """Messages that ordered nothing but name code-like words the catalog does not have."""
    found = []
    for message in fresh:
        codes = absent.get(message.text)
        if codes:
            slot_id = inputs.lookup.slot_at(inputs.air, message.channel, message.published_at)
            on_air = inputs.catalog.slot_codes.get(slot_id or "", ())
            found.append(Unknown(message, list(codes), on_air))
    return found
