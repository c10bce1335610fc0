"""The order book: stock, the waiting list and cancels, as decisions. Pure: no I/O.

It is given the products, the stock already used and the open orders that a page can
touch; it answers each parsed message with decisions (``Placed``, ``Cancelled``,
``Promoted``) that the store then writes. The rules, as the product states them:

- **Stock.** A product with stock takes orders while they fit: the qty of its new,
  confirmed, paid and shipped orders never goes over its stock. A product without stock
  (``None``) takes every order.
- **Partial stock: an order waits whole.** An order for more than what is left is not
  split: all of it waits (status ``waiting``). An order that fits is taken even when
  bigger ones wait, because no waiting order can use what is left (see the next rule),
  so the stock never sits unused while someone could take it.
- **Moving up.** When stock frees (a cancel, a reduced order, more stock), the waiting
  orders are looked at in arrival order and each one whose whole qty now fits moves up
  to ``new``; one that does not fit keeps its place and lets smaller ones behind it
  through.
- **Cancels from chat** reach that viewer's (same platform and author id) new,
  confirmed and waiting orders of the codes named; paid and shipped ones only the host
  can cancel. Qty 0 cancels all of them. Qty N takes N units from the newest order
  first: an order with no more than the units left to take is cancelled whole, and the
  last one touched is **reduced** (its qty goes down, it keeps its id and status), never
  split. Units asked beyond what the viewer has are ignored.
- **The host** can cancel any order (``release``), paid and shipped ones too; expired
  and cancelled orders are final.
- **Per-buyer limit.** A product with ``max_per_buyer`` lets one viewer hold at most that
  many units: their units of it that hold stock or wait, plus a new claim, may not go
  over it. A claim that would is cut down to what the limit still allows, and refused
  whole when nothing is left; either way a ``Limited`` decision says so (the viewer is
  told "maks N per pembeli"). The cut claim then fits the stock or waits like any other.
- **Holds expire** (``host_writes.expire_due``, not this book): only ``new`` orders
  expire, at their ``hold_until``; confirmed (the host confirmed, or the buyer said they
  paid and the vendor checks), paid and shipped orders never do. The units freed move
  the waiting list up as a cancel's do.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from orchestrator.orders.model import (
    CANCELLED,
    CHAT_CANCELLABLE,
    CONFIRMED,
    EXPIRED,
    FINAL,
    HOLDS_STOCK,
    NEW,
    PAID,
    SHIPPED,
    STATUS_LABELS,
    WAITING,
)

# The host moves an order forward along this path; any order not cancelled can be cancelled.
PATH = (NEW, CONFIRMED, PAID, SHIPPED)


@dataclass(frozen=True, slots=True)
class Stock:
    """What the book needs of a product."""

    code: str
    vendor_id: str
    price_idr: int
    stock: int | None = None
    max_per_buyer: int | None = None


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who wrote a message; orders belong to (platform, author_id)."""

    platform: str
    author_id: str
    name: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.platform, self.author_id)


@dataclass(slots=True, eq=False)
class BookOrder:
    """The book's view of an order; a higher id arrived later.

    Compared by identity: the book removes orders from its lists by the object.
    """

    id: int
    code: str
    qty: int
    status: str
    viewer: tuple[str, str]


@dataclass(slots=True)
class Placed:
    """A new order: ``status`` is new, or waiting when its qty does not fit the stock left."""

    order_id: int
    code: str
    vendor_id: str
    qty: int
    status: str
    price_idr: int


@dataclass(slots=True)
class Cancelled:
    """An order cancelled whole (``qty_after`` 0) or reduced to ``qty_after`` units."""

    order_id: int
    code: str
    status: str  # its status before
    qty_before: int
    qty_after: int

    @property
    def whole(self) -> bool:
        return self.qty_after == 0


@dataclass(slots=True)
class Promoted:
    """A waiting order that now fits the stock and becomes new."""

    order_id: int
    code: str
    qty: int


@dataclass(slots=True)
class Limited:
    """A claim cut to ``allowed`` units (0: refused) by the product's per-buyer limit."""

    code: str
    asked: int
    allowed: int
    limit: int


Decision = Placed | Cancelled | Promoted | Limited
# Decisions are plain (not frozen) records: a page makes thousands, only to write them
# at once, and a frozen dataclass costs three times as much to build.


class Book:
    """Apply orders and cancels to the stock and the waiting lists, returning decisions.

    ``used`` is each stocked product's qty held by new/confirmed/paid/shipped orders (all
    of them, not only those in ``orders``). ``orders`` are the open orders the book may
    change: every waiting order of the products concerned and the orders of viewers who
    cancel. ``next_id`` is the id the next placed order gets.

    ``horizon`` (code -> order id) says a waiting list was loaded only up to that id: the
    orders after it were left out. A settle that would look past it with stock free adds
    the code to ``short``; the caller then loads the whole list and runs the page again.

    ``owned`` ((platform, author id, code) -> units) is what each viewer holds or waits
    for of the products with a per-buyer limit; a viewer missing from it holds none.
    """

    def __init__(
        self,
        products: Mapping[str, Stock],
        orders: Iterable[BookOrder] = (),
        used: Mapping[str, int] | None = None,
        next_id: int = 1,
        horizon: Mapping[str, int] | None = None,
        owned: Mapping[tuple[str, str, str], int] | None = None,
    ) -> None:
        self.products = products
        self.owned: dict[tuple[str, str, str], int] = dict(owned or {})
        self.horizon: Mapping[str, int] = horizon or {}
        self.short: set[str] = set()
        self.used: dict[str, int] = dict(used or {})
        self.next_id = next_id
        self.waiting: dict[str, list[BookOrder]] = {}
        self.by_viewer: dict[tuple[str, str], list[BookOrder]] = {}
        self.by_id: dict[int, BookOrder] = {}
        for order in sorted(orders, key=lambda o: o.id):
            self._track(order)

    @classmethod
    def from_orders(
        cls, products: Mapping[str, Stock], orders: Iterable[BookOrder], next_id: int | None = None
    ) -> Book:
        """Build a book from every order there is (tests, and the host's single changes)."""
        orders = [o for o in orders if o.status not in FINAL]
        used: dict[str, int] = {}
        owned: dict[tuple[str, str, str], int] = {}
        for order in orders:
            if order.status in HOLDS_STOCK:
                used[order.code] = used.get(order.code, 0) + order.qty
            key = (*order.viewer, order.code)
            owned[key] = owned.get(key, 0) + order.qty
        open_orders = [o for o in orders if o.status in CHAT_CANCELLABLE]
        start = next_id if next_id is not None else max((o.id for o in orders), default=0) + 1
        return cls(products, open_orders, used, start, owned=owned)

    def _track(self, order: BookOrder) -> None:
        self.by_id[order.id] = order
        if order.viewer[1]:  # a waiting order loaded only to move up has no viewer
            self.by_viewer.setdefault(order.viewer, []).append(order)
        if order.status == WAITING:
            self.waiting.setdefault(order.code, []).append(order)

    def remaining(self, code: str) -> int | None:
        """Units of ``code`` still free; ``None`` when it has no stock limit."""
        product = self.products.get(code)
        if product is None or product.stock is None:
            return None
        return product.stock - self.used.get(code, 0)

    def sold_out(self, codes: Iterable[str] | None = None) -> frozenset[str]:
        """The codes (of ``codes``, else of every product) whose stock is all used."""
        codes = self.products if codes is None else codes
        return frozenset(c for c in codes if (left := self.remaining(c)) is not None and left <= 0)

    def place(self, viewer: Viewer, items: Sequence[tuple[str, int]]) -> list[Decision]:
        """Take an order message's items; each becomes a new or a waiting order."""
        decisions: list[Decision] = []
        key = viewer.key
        for code, qty in items:
            product = self.products.get(code)
            if product is None or qty <= 0:
                continue
            if product.max_per_buyer is not None:
                qty = self._within_limit(key, product, qty, decisions)
                if qty <= 0:
                    continue
            limit = product.stock
            left = None if limit is None else limit - self.used.get(code, 0)
            status = NEW if left is None or qty <= left else WAITING
            order = BookOrder(self.next_id, code, qty, status, key)
            self.next_id += 1
            if status == NEW and left is not None:
                self.used[code] = self.used.get(code, 0) + qty
            self._track(order)
            decisions.append(
                Placed(order.id, code, product.vendor_id, qty, status, product.price_idr)
            )
        return decisions

    def _within_limit(
        self, viewer: tuple[str, str], product: Stock, qty: int, decisions: list[Decision]
    ) -> int:
        """Cut ``qty`` to what the viewer may still claim of ``product``; count it as theirs."""
        cap = product.max_per_buyer or 0
        key = (*viewer, product.code)
        have = self.owned.get(key, 0)
        allowed = min(qty, max(0, cap - have))
        if allowed < qty:
            decisions.append(Limited(product.code, qty, allowed, cap))
        self.owned[key] = have + allowed
        return allowed

    def cancel(self, viewer: Viewer, items: Sequence[tuple[str, int]]) -> list[Decision]:
        """Cancel a viewer's open orders of each code: all for qty 0, else N units newest first."""
        decisions: list[Decision] = []
        for code, qty in items:
            mine = [o for o in self.by_viewer.get(viewer.key, ()) if o.code == code]
            to_take = qty if qty > 0 else sum(o.qty for o in mine)
            for order in sorted(mine, key=lambda o: o.id, reverse=True):
                if to_take <= 0:
                    break
                take = min(order.qty, to_take)
                to_take -= take
                decisions.append(self._reduce(order, order.qty - take))
            decisions += self.settle(code)
        return decisions

    def release(self, order: BookOrder) -> list[Decision]:
        """Cancel one order whatever its status (the host's cancel), then move the list up."""
        if order.status in FINAL:
            return []
        tracked = self.by_id.get(order.id)
        if tracked is None:  # paid/shipped orders are only in ``used``
            tracked = order
            self._track(order)
        return [self._reduce(tracked, 0), *self.settle(order.code)]

    def _reduce(self, order: BookOrder, qty_after: int) -> Cancelled:
        """Lower an order to ``qty_after`` units (0: cancel it) and free the stock it held."""
        decision = Cancelled(order.id, order.code, order.status, order.qty, qty_after)
        if order.status in HOLDS_STOCK and order.code in self.used:
            self.used[order.code] -= order.qty - qty_after
        key = (*order.viewer, order.code)
        if key in self.owned:
            self.owned[key] -= order.qty - qty_after
        order.qty = qty_after
        if qty_after == 0:
            self._forget(order)
            order.status = CANCELLED
        return decision

    def _forget(self, order: BookOrder) -> None:
        self.by_id.pop(order.id, None)
        mine = self.by_viewer.get(order.viewer, [])
        if order in mine:
            mine.remove(order)
        waiting = self.waiting.get(order.code, [])
        if order in waiting:
            waiting.remove(order)

    def settle(self, code: str) -> list[Decision]:
        """Move up, in arrival order, every waiting order of ``code`` that now fits whole."""
        decisions: list[Decision] = []
        queue = self.waiting.get(code)
        left = self.remaining(code)
        horizon = self.horizon.get(code)
        if not queue or (left is not None and left <= 0):
            if horizon is not None and (left is None or left > 0):
                self.short.add(code)  # the orders not loaded would come next
            return decisions
        kept: list[BookOrder] = []
        for at, order in enumerate(queue):
            if horizon is not None and order.id > horizon:
                if left is None or left > 0:
                    self.short.add(code)  # an order not loaded might come first
                horizon = None
            if left is not None and left <= 0:
                kept += queue[at:]  # all used: the rest keep their places
                break
            if left is not None and order.qty > left:
                kept.append(order)
                continue
            order.status = NEW
            if left is not None:
                left -= order.qty
                self.used[code] = self.used.get(code, 0) + order.qty
            decisions.append(Promoted(order.id, code, order.qty))
        if horizon is not None and (left is None or left > 0):
            self.short.add(code)
        self.waiting[code] = kept
        return decisions

    def settle_all(self) -> list[Decision]:
        """Settle every product with a waiting list (after the organiser changed stock)."""
        return [d for code in sorted(self.waiting) for d in self.settle(code)]


def transition_error(current: str, wanted: str) -> str | None:
    """Say why the host cannot move an order from ``current`` to ``wanted``; None if it can.

    Orders only move forward along new → confirmed → paid → shipped (a step may be
    skipped: a viewer who pays at once is confirmed by paying); any order not yet
    cancelled can be cancelled; a waiting order moves up only by itself. Cancelled and
    expired orders are final: an expired order's stock has gone to others, so it cannot
    come back (the buyer claims again), and only its deadline expires an order.
    """
    if current == CANCELLED:
        return "Pesanan ini sudah batal (already cancelled)."
    if current == EXPIRED:
        return "Pesanan ini sudah kedaluwarsa; stoknya sudah kembali (already expired)."
    if wanted == EXPIRED:
        return "Pesanan kedaluwarsa sendiri saat batas waktunya habis (only its deadline can)."
    if wanted == CANCELLED:
        return None
    if current == WAITING:
        return "Pesanan antre naik sendiri saat stok tersedia; hanya bisa dibatalkan."
    if wanted not in PATH or current not in PATH:
        return f"Status {wanted!r} tidak dikenal (unknown status)."
    if PATH.index(wanted) < PATH.index(current):
        return (
            f"Status {STATUS_LABELS[current]} tidak bisa mundur ke {STATUS_LABELS[wanted]}"
            " (orders only move forward)."
        )
    return None
