"""A page of chat into a real SQLite file: once only, one transaction, the right slot."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from orchestrator.chat.grammar import parse_with_absent
from orchestrator.orders import host_writes, writes
from orchestrator.orders import store as order_store
from orchestrator.orders.catalog import OrderCatalog
from orchestrator.orders.model import ChatMessage, Cursor
from orchestrator.orders.onair import SlotLookup, channel_air
from orchestrator.rotation.actions import Action
from tests.orchestrator.helpers import T0, small_event

EVENT = small_event()  # utama-0..3, 10 minutes each from T0; K01..K04, stock 10 each


def msg(i: int, text: str, author: str = "a1", at=None, **extra) -> ChatMessage:
    at = at or T0 + timedelta(seconds=i)
    return ChatMessage("youtube", f"m{i}", "utama", author, f"Budi {author}", text, at, **extra)


def inputs(actions=(), received=None) -> writes.PageInputs:
    slots = EVENT.channel_slots("utama")
    air = {"utama": channel_air((1, len(actions)), slots, actions)}
    received = received or T0 + timedelta(minutes=30)
    return writes.PageInputs(OrderCatalog.build(EVENT, 1), air, SlotLookup(), received)


def count(db, table: str) -> int:
    return db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def test_same_page_twice_makes_no_new_orders(db):
    """A page read again is all duplicates: no new messages, orders or events."""
    page = [msg(1, "K01 2"), msg(2, "mau k2"), msg(3, "halo kak")]
    first = writes.ingest_page(db, inputs(), page, None)
    again = writes.ingest_page(db, inputs(), page, None)
    assert (first.new_messages, first.duplicates, len(first.created)) == (3, 0, 2)
    assert (again.new_messages, again.duplicates, again.created) == (0, 3, [])
    assert (count(db, "chat_messages"), count(db, "orders")) == (3, 2)


def test_duplicate_inside_one_page_counts_once(db):
    """The same message id twice in one page is stored and ordered once."""
    outcome = writes.ingest_page(db, inputs(), [msg(1, "K01"), msg(1, "K01")], None)
    assert (outcome.new_messages, outcome.duplicates, len(outcome.created)) == (1, 1, 1)


def test_cursor_is_saved_with_the_page(db):
    """After a page the chat's cursor holds its next page token."""
    cursor = Cursor("youtube", "chat-1", "token-2", polling_ms=5000, quota_spent=35)
    writes.ingest_page(db, inputs(), [msg(1, "K01")], cursor)
    assert order_store.load_cursor(db, "youtube", "chat-1") == cursor
    assert order_store.load_cursor(db, "youtube", "other") is None


def test_failed_page_stores_nothing_not_even_the_cursor(db, monkeypatch):
    """A failure while writing rolls back messages, orders and cursor together."""

    def broken(*args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(order_store, "insert_events", broken)
    with pytest.raises(RuntimeError):
        writes.ingest_page(db, inputs(), [msg(1, "K01")], Cursor("youtube", "c", "t2"))
    assert (count(db, "chat_messages"), count(db, "orders")) == (0, 0)
    assert order_store.load_cursor(db, "youtube", "c") is None


def test_slot_is_the_one_on_air_when_published(db):
    """A message read late is credited to the slot on air when it was written."""
    # The host pressed "next" at +3: utama-1 ran from +3 to its planned end at +20.
    actions = [Action("next", T0 + timedelta(minutes=3), "host")]
    page = [
        msg(1, "K01", at=T0 + timedelta(minutes=2)),
        msg(2, "K02", at=T0 + timedelta(minutes=4)),
        msg(3, "K03", at=T0 + timedelta(minutes=21)),
    ]
    outcome = writes.ingest_page(
        db, inputs(actions, received=T0 + timedelta(minutes=25)), page, None
    )
    assert [o.slot_id for o in outcome.created] == ["utama-0", "utama-1", "utama-2"]
    assert [o.vendor_id for o in outcome.created] == ["v0", "v1", "v2"]


def test_slot_lookup_replays_once_per_stretch(db):
    """A page of 500 messages from one slot runs the engine once, not 500 times."""
    page_inputs = inputs()
    page = [msg(i, "K01", author=f"a{i}", at=T0 + timedelta(seconds=i)) for i in range(500)]
    writes.ingest_page(db, page_inputs, page, None)
    assert page_inputs.lookup.replays == 1


def test_stock_carries_over_pages_and_later_orders_wait(db):
    """Stock 10: two orders of 5 fill it; the next page's order waits."""
    writes.ingest_page(db, inputs(), [msg(1, "K01 5", "a1"), msg(2, "K01 5", "a2")], None)
    outcome = writes.ingest_page(db, inputs(), [msg(3, "K01 1", "a3")], None)
    assert [o.status for o in outcome.created] == ["waiting"]
    assert outcome.sold_out == {"K01": True}
    assert host_writes.sold_out_codes(db, OrderCatalog.build(EVENT, 1)) == {"K01"}


def test_cancel_in_a_later_page_promotes_the_waiting_order(db):
    """A viewer's cancel frees stock and the waiting order moves up, all logged."""
    writes.ingest_page(db, inputs(), [msg(1, "K01 10", "a1"), msg(2, "K01 2", "a2")], None)
    outcome = writes.ingest_page(db, inputs(), [msg(3, "batal K01 2", "a1")], None)
    assert [(o.id, o.qty, o.status) for o in outcome.cancelled] == [(1, 8, "new")]
    assert [(o.id, o.status) for o in outcome.promoted] == [(2, "new")]
    assert outcome.sold_out == {"K01": True}
    history = order_store.order_history(db, 2)
    assert [(h["kind"], h["status_from"], h["status_to"]) for h in history] == [
        ("promoted", "waiting", "new")
    ]
    reduced = order_store.order_history(db, 1)[-1]
    assert (reduced["kind"], reduced["qty_from"], reduced["qty_to"]) == ("reduced", 10, 8)
    assert reduced["by"] == "penonton youtube/a1" and reduced["message_id"] == "m3"


def test_cancel_all_keeps_the_qty_it_had(db):
    """A whole cancel sets the status and leaves the qty as it was ordered."""
    writes.ingest_page(db, inputs(), [msg(1, "K01 3")], None)
    outcome = writes.ingest_page(db, inputs(), [msg(2, "gak jadi k01")], None)
    assert [(o.qty, o.status) for o in outcome.cancelled] == [(3, "cancelled")]


def test_super_chat_order_shows_its_amount(db):
    """An order from a Super Chat keeps the amount and currency."""
    page = [msg(1, "K02 1", kind="superchat", amount_micros=50_000_000_000, currency="IDR")]
    (order,) = writes.ingest_page(db, inputs(), page, None).created
    assert (order.amount_micros, order.currency, order.price_idr) == (50_000_000_000, "IDR", 41000)


def test_unknown_code_is_reported_with_codes_on_air(db):
    """A message naming a code we lack is reported with the codes on air at that time."""
    page = [msg(1, "mau Z99 kak", at=T0 + timedelta(minutes=11)), msg(2, "halo 123")]
    outcome = writes.ingest_page(db, inputs(), page, None)
    assert [(u.message.message_id, u.codes, u.on_air) for u in outcome.unknown] == [
        ("m1", ["Z99"], ("K02",))
    ]


def test_host_status_change_is_logged_and_cancel_promotes(db):
    """The host confirms one order and cancels another; the waiting order moves up."""
    writes.ingest_page(db, inputs(), [msg(1, "K01 10", "a1"), msg(2, "K01 1", "a2")], None)
    catalog = OrderCatalog.build(EVENT, 1)
    at = T0 + timedelta(hours=1)
    done = host_writes.change_status(db, catalog, 1, "confirmed", "host", at)
    assert [o.status for o in done.updated] == ["confirmed"]
    done = host_writes.change_status(db, catalog, 1, "cancelled", "organiser", at)
    assert [o.id for o in done.promoted] == [2]
    last = order_store.order_history(db, 1)[-1]
    assert (last["by"], last["status_from"], last["status_to"]) == (
        "organiser",
        "confirmed",
        "cancelled",
    )
    assert last["at_utc"].startswith("2027-02-15T09:30")


GRAMMAR = OrderCatalog.build(EVENT, 1).grammar


@hypothesis_settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("k0123x mau batal?１２Kb ①"), max_size=30) | st.text())
def test_quick_parse_agrees_with_the_grammar(text):
    """Skipping ASCII text without digits never changes what the grammar says."""
    assert writes._parse(text, GRAMMAR) == parse_with_absent(text, GRAMMAR)


def test_quick_parse_agrees_on_the_dev_examples(fixtures_dir):
    """Every example of chat-dev.jsonl reads the same through the shortcut."""
    for line in (fixtures_dir / "chat-dev.jsonl").read_text(encoding="utf-8").splitlines():
        text = json.loads(line)["text"]
        assert writes._parse(text, GRAMMAR) == parse_with_absent(text, GRAMMAR)
