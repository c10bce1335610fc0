"""Pages read only part of the order book; the result must equal the whole book's.

A page loads the stock used of its codes, the cancellers' open orders and the front of
the waiting lists its cancels can move. Whatever the chat, the orders stored page by page
must end exactly as one in-memory book fed every message in order says.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from orchestrator.chat.grammar import parse
from orchestrator.orders import writes
from orchestrator.orders.book import Book, Stock, Viewer
from orchestrator.orders.catalog import OrderCatalog
from orchestrator.orders.model import ChatMessage
from orchestrator.orders.onair import SlotLookup
from tests.orchestrator.helpers import T0, small_event

EVENT = small_event()
STOCK = {"K01": 3, "K02": 12, "K03": None}


def catalog() -> OrderCatalog:
    built = OrderCatalog.build(EVENT, 1)
    stock = {c: Stock(c, s.vendor_id, s.price_idr, STOCK.get(c)) for c, s in built.stock.items()}
    return replace(built, stock=stock)


def message(n: int, who: str, text: str) -> ChatMessage:
    return ChatMessage("youtube", f"m{n}", "utama", who, who, text, T0 + timedelta(seconds=n))


def reference(messages: list[ChatMessage], products) -> dict[int, tuple[str, int]]:
    """Every order's (status, qty) by one book that sees every message."""
    book = Book(products)
    states: dict[int, tuple[str, int]] = {}
    grammar = catalog().grammar
    for m in messages:
        result = parse(m.text, grammar)
        if result.kind == "none":
            continue
        viewer = Viewer(m.platform, m.author_id)
        items = [(i.code, i.qty) for i in result.items]
        act = book.place if result.kind == "order" else book.cancel
        for d in act(viewer, items):
            if hasattr(d, "price_idr"):
                states[d.order_id] = (d.status, d.qty)
            elif hasattr(d, "qty_before") and d.whole:
                states[d.order_id] = ("cancelled", d.qty_before)
            elif hasattr(d, "qty_before"):
                states[d.order_id] = (d.status, d.qty_after)
            else:
                states[d.order_id] = ("new", d.qty)
    return states


def stored(db) -> dict[int, tuple[str, int]]:
    return {i: (s, q) for i, s, q in db.execute("SELECT id, status, qty FROM orders")}


TEXTS = st.sampled_from(
    ["K01 1", "K01 2", "k01 3", "K02 1", "K02 5", "k3 2", "K01 1 K02 1", "batal K01",
     "batal K01 1", "cancel k02 2", "gak jadi K02", "batal K01 K02", "halo kak"]
)  # fmt: skip


@hypothesis_settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(st.tuples(st.integers(0, 5), TEXTS), min_size=1, max_size=120),
    st.integers(1, 40),
)
def test_pages_end_as_the_whole_book_says(db, chat, page_size):
    """Stock, waiting lists, cancels and moving up: page by page equals all at once."""
    db.execute("DELETE FROM order_events")
    db.execute("DELETE FROM orders")
    db.execute("DELETE FROM chat_messages")
    messages = [message(n, f"v{who}", text) for n, (who, text) in enumerate(chat)]
    the_catalog = catalog()
    for start in range(0, len(messages), page_size):
        page_inputs = writes.PageInputs(the_catalog, {}, SlotLookup(), T0 + timedelta(hours=1))
        writes.ingest_page(db, page_inputs, messages[start : start + page_size], None)
    assert stored(db) == reference(messages, the_catalog.stock)


def test_a_long_waiting_list_is_read_whole_when_its_front_is_not_enough(db):
    """A cancel frees 9 units of K02; the first nine waiting orders (2 units each) take 8
    and one unit is left, so the page reads the whole list and a 1-unit order behind them
    moves up too."""
    the_catalog = catalog()
    pages = [
        [message(0, "owner", "K02 9"), message(1, "v1", "K02 3")],  # stock 12: sold out
        [message(n, f"v{n}", "K02 2") for n in range(2, 12)],  # ten wait for 2 units
        [message(20, "v20", "K02 1")],  # and one for 1
        [message(30, "owner", "batal K02")],
    ]
    for messages in pages:
        page_inputs = writes.PageInputs(the_catalog, {}, SlotLookup(), T0 + timedelta(hours=1))
        outcome = writes.ingest_page(db, page_inputs, messages, None)
    assert [o.id for o in outcome.promoted] == [3, 4, 5, 6, 13]
    assert stored(db) == reference([m for p in pages for m in p], the_catalog.stock)
