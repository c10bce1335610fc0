"""The desk's transactions for what is not chat: a host moving or cancelling an order, the
organiser changing stock, and unpaid holds running out (the waiting lists move up). Each
is one SQLite transaction.
"""

from __future__ import annotations

from datetime import datetime

from sqlite_utils import Database

from kernel.errors import Conflict, NotFound
from kernel.times import utc_iso
from orchestrator.orders import store
from orchestrator.orders.book import (
    Book,
    BookOrder,
    Cancelled,
    Decision,
    Promoted,
    transition_error,
)
from orchestrator.orders.catalog import OrderCatalog
from orchestrator.orders.model import CANCELLED, FINAL, NEW
from orchestrator.orders.writes import SYSTEM, Outcome, fresh_holds, sold_out_marks

EXPIRY = "sistem (batas waktu)"


def change_status(
    db: Database, catalog: OrderCatalog, order_id: int, wanted: str, by: str, now: datetime
) -> Outcome:
    """Move one order to ``wanted`` (a cancel frees stock and moves the waiting list up)."""
    with db.atomic():
        found = store.fetch_orders(db, [order_id])
        if not found:
            raise NotFound(f"pesanan #{order_id} tidak ada (order not found)")
        order = found[0]
        reason = transition_error(order.status, wanted)
        if reason:
            raise Conflict(reason)
        if wanted == order.status:
            return Outcome()
        if wanted != CANCELLED:
            stamp = utc_iso(now)
            store.update_orders(db, [(wanted, order.qty, stamp, order.id)])
            store.insert_events(db, [(order.id, stamp, by, "status", order.status, wanted,
                                      order.qty, order.qty, None)])  # fmt: skip
            return Outcome(updated=store.fetch_orders(db, [order.id]))
        book = _code_book(db, catalog, order.code)
        target = BookOrder(order.id, order.code, order.qty, order.status,
                           (order.platform, order.author_id))  # fmt: skip
        return _write_host(db, catalog, book, book.release(target), by, now)


def cancel_orders(
    db: Database, catalog: OrderCatalog, order_ids: list[int], by: str, now: datetime
) -> Outcome:
    """Cancel several orders (a vendor's cancelled parcel) like the host's cancel, each
    freeing its stock for the waiting list, inside the caller's transaction."""
    total = Outcome()
    for order in store.fetch_orders(db, order_ids):
        if order.status in FINAL:
            continue
        book = _code_book(db, catalog, order.code)
        target = BookOrder(order.id, order.code, order.qty, order.status,
                           (order.platform, order.author_id))  # fmt: skip
        part = _write_host(db, catalog, book, book.release(target), by, now)
        total.cancelled += part.cancelled
        total.promoted += part.promoted
        total.sold_out.update(part.sold_out)
    return total


def _code_book(db: Database, catalog: OrderCatalog, code: str) -> Book:
    stocked = code in catalog.stock and catalog.stock[code].stock is not None
    orders = store.book_orders(db, [code] if stocked else [])
    used = store.stock_used(db, [code]) if stocked else {}
    return Book(catalog.stock, orders, used)


def _write_host(
    db: Database,
    catalog: OrderCatalog,
    book: Book,
    decisions: list[Decision],
    by: str,
    now: datetime,
) -> Outcome:
    """Write a host's cancel (or a stock change's promotions) and what followed from it."""
    stamp = utc_iso(now)
    changes, events = [], []
    for d in decisions:
        if isinstance(d, Cancelled):
            changes.append((CANCELLED, d.qty_before, stamp, d.order_id))
            events.append((d.order_id, stamp, by, "cancelled", d.status, CANCELLED,
                           d.qty_before, d.qty_before, None))  # fmt: skip
        elif isinstance(d, Promoted):
            changes.append((NEW, d.qty, stamp, d.order_id))
            events.append((d.order_id, stamp, SYSTEM, "promoted", "waiting", NEW, d.qty, d.qty,
                           None))  # fmt: skip
    store.update_orders(db, changes)
    store.insert_events(db, events)
    moved_up = [d for d in decisions if isinstance(d, Promoted)]
    store.set_holds(db, fresh_holds(catalog, moved_up, now))
    cancelled = [d.order_id for d in decisions if isinstance(d, Cancelled)]
    promoted = [d.order_id for d in moved_up]
    return Outcome(
        cancelled=store.fetch_orders(db, cancelled),
        promoted=store.fetch_orders(db, promoted),
        sold_out=sold_out_marks(book, {d.code for d in decisions}),
    )


def settle_stock(db: Database, catalog: OrderCatalog, now: datetime) -> Outcome:
    """After the organiser changed stock: move up every waiting order that now fits."""
    with db.atomic():
        waiting_codes = [c for c, s in catalog.stock.items() if s.stock is not None]
        book = Book(catalog.stock, store.book_orders(db, waiting_codes), store.stock_used(db))
        return _write_host(db, catalog, book, book.settle_all(), SYSTEM, now)


def expire_due(db: Database, catalog: OrderCatalog, now: datetime) -> Outcome:
    """Expire every new order whose hold ended by ``now``; their stock moves the lists up.

    One transaction: a crash keeps all of it or none, and the next sweep redoes what
    was lost. Waiting orders move up in claim order, as after a cancel, with a fresh hold.
    """
    with db.atomic():
        expired = store.expire_due(db, now, EXPIRY)
        if not expired:
            return Outcome()
        codes = sorted({o.code for o in expired})
        stocked = [c for c in codes if c in catalog.stock and catalog.stock[c].stock is not None]
        book = Book(catalog.stock, store.book_orders(db, stocked), store.stock_used(db, stocked))
        decisions = [d for code in stocked for d in book.settle(code)]
        outcome = _write_host(db, catalog, book, decisions, SYSTEM, now)
    outcome.expired = expired
    outcome.sold_out = sold_out_marks(book, set(codes))
    return outcome


def sold_out_codes(db: Database, catalog: OrderCatalog) -> frozenset[str]:
    """Every stocked code whose stock is all used, from the whole orders table."""
    return Book(catalog.stock, (), store.stock_used(db)).sold_out()
