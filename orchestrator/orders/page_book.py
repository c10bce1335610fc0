"""What a page of chat may change, loaded from the orders' tables for the book.

Only what the page can touch is read: the stock used of its codes, the cancellers' open
orders and the front of the waiting lists of the codes they cancel, and the claimants'
units of the products with a per-buyer limit.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlite_utils import Database

from orchestrator.chat.grammar import ParseResult
from orchestrator.orders import store
from orchestrator.orders.book import Book, BookOrder
from orchestrator.orders.catalog import OrderCatalog
from orchestrator.orders.model import HOLDS_STOCK, ChatMessage

_HEAD = 200  # waiting orders read at least per cancelled code before the whole list is needed


def page_book(
    db: Database,
    catalog: OrderCatalog,
    fresh: Sequence[ChatMessage],
    parsed: Sequence[ParseResult],
    whole: frozenset[str] = frozenset(),
) -> Book:
    """Load only what this page can change: the stock used of its codes, and for the codes
    it cancels, the cancellers' open orders and the front of the waiting lists.

    A cancel frees at most what was free already plus what the cancellers hold, so only
    waiting orders no bigger than that can move up, and no more of them than that many
    units; the first few such orders are read. The
    codes in ``whole`` have their whole list read: the book says when the front was not
    enough (``Book.short``).
    """
    codes = {item.code for p in parsed for item in p.items}
    stocked = {c for c in codes if c in catalog.stock and catalog.stock[c].stock is not None}
    used = store.stock_used(db, stocked) if stocked else {}
    next_id = store.next_order_id(db) if codes else 1
    owned = _owned(db, catalog, fresh, parsed)
    cancels = [(m, p) for m, p in zip(fresh, parsed, strict=True) if p.kind == "cancel"]
    if not cancels:
        return Book(catalog.stock, (), used, next_id, owned=owned)
    cancelled = {item.code for _, p in cancels for item in p.items}
    asked = {(m.platform, m.author_id, item.code) for m, p in cancels for item in p.items}
    mine = store.book_orders(db, (), asked)
    held = _held(mine)
    orders, horizon = list(mine), {}
    known = {o.id for o in mine}
    for code in sorted(cancelled & stocked):
        stock = catalog.stock[code].stock or 0
        bound = min(stock, max(0, stock - used.get(code, 0)) + held.get(code, 0))
        if bound <= 0:
            continue  # nothing can be freed: no waiting order moves up
        head = None if code in whole else max(bound, _HEAD)
        rows, last = store.waiting_head(db, code, bound, head)
        orders += [o for o in rows if o.id not in known]
        if last is not None:
            horizon[code] = last
    return Book(catalog.stock, orders, used, next_id, horizon, owned)


def _owned(
    db: Database, catalog: OrderCatalog, fresh: Sequence[ChatMessage], parsed: Sequence[ParseResult]
) -> dict[tuple[str, str, str], int]:
    """What the page's claimants already hold or wait for of the limited codes they claim."""
    limited = {c for c, s in catalog.stock.items() if s.max_per_buyer is not None}
    if not limited:
        return {}
    asked = {
        (m.platform, m.author_id, item.code)
        for m, p in zip(fresh, parsed, strict=True)
        if p.kind == "order"
        for item in p.items
        if item.code in limited
    }
    return store.units_owned(db, asked) if asked else {}


def _held(orders: Sequence[BookOrder]) -> dict[str, int]:
    """Units each code's ``orders`` hold: all a cancel of them can free.

    Orders placed in the page and cancelled in it only give back units they took from
    what was free before the page, so free units never exceed what was free plus this.
    """
    units: dict[str, int] = {}
    for order in orders:
        if order.status in HOLDS_STOCK:
            units[order.code] = units.get(order.code, 0) + order.qty
    return units
