"""Unpaid holds running out in a real SQLite file: what expires, who moves up, and when."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from kernel.db import apply_migrations, open_db
from kernel.errors import Conflict
from kernel.times import utc_iso
from orchestrator.orders import host_writes, schema, writes
from orchestrator.orders import store as order_store
from orchestrator.orders.catalog import OrderCatalog
from orchestrator.orders.model import ChatMessage
from orchestrator.orders.onair import SlotLookup, channel_air
from schedules import store
from tests.orchestrator.helpers import T0, small_event

EVENT = small_event()  # utama-0..3, 10 minutes each from T0; K01..K04, stock 10 each
SLOT_END = T0 + timedelta(minutes=10)  # utama-0's end: its claims hold until +24 h
DUE = SLOT_END + timedelta(hours=24)


def msg(i: int, text: str, author: str = "a1") -> ChatMessage:
    at = T0 + timedelta(seconds=i)
    return ChatMessage("youtube", f"m{i}", "utama", author, f"Budi {author}", text, at)


def catalog(event=EVENT) -> OrderCatalog:
    return OrderCatalog.build(event, 1)


def ingest(db, page, event=EVENT, received=None) -> writes.Outcome:
    air = {"utama": channel_air((1, 0), event.channel_slots("utama"), ())}
    received = received or T0 + timedelta(minutes=30)
    inputs = writes.PageInputs(catalog(event), air, SlotLookup(), received)
    return writes.ingest_page(db, inputs, page, None)


def status(db, order_id: int) -> str:
    return db.execute("SELECT status FROM orders WHERE id = ?", [order_id]).fetchone()[0]


def test_claim_gets_its_slots_end_plus_the_hours(db):
    """A claim in utama-0 holds until that slot's end + 24 h, stored and read back."""
    outcome = ingest(db, [msg(1, "K01 2")])
    assert outcome.created[0].hold_until == DUE
    assert order_store.fetch_orders(db, [1])[0].hold_until == DUE
    assert order_store.next_hold(db) == DUE


def test_vendor_hours_override_the_events(db):
    """A vendor with its own hold hours gives its claims that hold instead."""
    vendors = [replace(EVENT.vendors[0], hold_hours=2), *EVENT.vendors[1:]]
    event = replace(EVENT, vendors=vendors, hold_hours=48)
    outcome = ingest(db, [msg(1, "K01 2"), msg(2, "K02 1")], event)
    assert [o.hold_until for o in outcome.created] == [
        SLOT_END + timedelta(hours=2),
        SLOT_END + timedelta(hours=48),
    ]


def test_sweep_expires_only_due_new_orders(db):
    """At the deadline new orders expire; confirmed, paid, shipped and waiting ones stay."""
    ingest(db, [msg(1, "K01 1", "a1"), msg(2, "K01 1", "a2"), msg(3, "K01 1", "a3"),
                msg(4, "K01 1", "a4"), msg(5, "K02 1", "a5"), msg(6, "K03 20", "a6")])  # fmt: skip
    cat = catalog()
    for order_id, wanted in ((2, "confirmed"), (3, "paid"), (4, "shipped")):
        host_writes.change_status(db, cat, order_id, wanted, "host", T0)
    before = host_writes.expire_due(db, cat, DUE - timedelta(microseconds=1))
    assert before.expired == []
    outcome = host_writes.expire_due(db, cat, DUE)
    assert [o.id for o in outcome.expired] == [1, 5]
    assert {o.status for o in outcome.expired} == {"expired"}
    assert [status(db, i) for i in range(1, 7)] == [
        "expired", "confirmed", "paid", "shipped", "expired", "waiting"]  # fmt: skip
    events = db.execute(
        "SELECT order_id, by, kind, status_from, status_to FROM order_events"
        " WHERE kind = 'expired' ORDER BY order_id"
    ).fetchall()
    assert events == [(i, "sistem (batas waktu)", "expired", "new", "expired") for i in (1, 5)]
    assert host_writes.expire_due(db, cat, DUE + timedelta(days=9)).expired == []


def test_expired_stock_moves_the_waiting_list_up_in_claim_order(db):
    """10 units freed: the 3 moves up, the 8 does not fit and keeps its place, the 2 passes."""
    ingest(db, [msg(1, "K01 10", "a1"), msg(2, "K01 3", "a2"), msg(3, "K01 8", "a3"),
                msg(4, "K01 2", "a4")])  # fmt: skip
    moment = DUE + timedelta(days=1)  # the sweep runs a day late: fresh holds still count
    outcome = host_writes.expire_due(db, catalog(), moment)
    assert [o.id for o in outcome.expired] == [1]
    assert [(o.id, o.status) for o in outcome.promoted] == [(2, "new"), (4, "new")]
    assert [o.hold_until for o in outcome.promoted] == [moment + timedelta(hours=24)] * 2
    assert status(db, 3) == "waiting"
    assert outcome.sold_out == {"K01": False}
    assert order_store.stock_used(db, ["K01"]) == {"K01": 5}
    moved = db.execute("SELECT by FROM order_events WHERE kind = 'promoted'").fetchall()
    assert moved == [("sistem (stok tersedia)",)] * 2


def test_order_moving_up_during_its_slot_keeps_the_longer_hold(db):
    """Promoted minutes after its claim, an order keeps its slot's deadline (the later one)."""
    ingest(db, [msg(1, "K01 10", "a1"), msg(2, "K01 2", "a2")])
    ingest(db, [msg(3, "batal K01", "a1")], received=T0 + timedelta(minutes=5))
    assert order_store.fetch_orders(db, [2])[0].hold_until == DUE
    assert status(db, 2) == "new"


def test_host_cancel_gives_a_promoted_order_a_fresh_hold(db):
    """A host cancel a day after the slot gives the order that moves up a full new hold."""
    ingest(db, [msg(1, "K01 10", "a1"), msg(2, "K01 2", "a2")])
    later = DUE - timedelta(hours=1)
    outcome = host_writes.change_status(db, catalog(), 1, "cancelled", "host", later)
    assert [o.hold_until for o in outcome.promoted] == [later + timedelta(hours=24)]


def test_sweep_is_one_transaction(db, monkeypatch):
    """A failure after the orders were marked leaves every order and event as it was."""
    ingest(db, [msg(1, "K01 10", "a1"), msg(2, "K01 2", "a2")])

    def boom(*args):
        raise RuntimeError("crash mid-sweep")

    monkeypatch.setattr(order_store, "set_holds", boom)
    with pytest.raises(RuntimeError):
        host_writes.expire_due(db, catalog(), DUE)
    assert (status(db, 1), status(db, 2)) == ("new", "waiting")
    assert db.execute("SELECT COUNT(*) FROM order_events").fetchone()[0] == 0
    monkeypatch.undo()
    assert [o.id for o in host_writes.expire_due(db, catalog(), DUE).expired] == [1]


def test_expired_order_is_final_for_the_host(db):
    """The host cannot revive or cancel an expired order."""
    ingest(db, [msg(1, "K01 1")])
    host_writes.expire_due(db, catalog(), DUE)
    for wanted in ("new", "confirmed", "cancelled"):
        with pytest.raises(Conflict, match="kedaluwarsa"):
            host_writes.change_status(db, catalog(), 1, wanted, "host", DUE)


def test_sweep_uses_the_index_of_new_orders(db):
    """The due orders are found through ``orders_due``, not a scan of every order."""
    plan = db.execute(
        f"EXPLAIN QUERY PLAN SELECT id FROM orders WHERE {order_store._DUE}", [utc_iso(DUE)]
    ).fetchall()
    assert any("orders_due" in row[-1] for row in plan)


# -- per-buyer limits through a page ----------------------------------------------------

LIMITED = replace(
    EVENT, products=[replace(EVENT.products[0], max_per_buyer=2), *EVENT.products[1:]]
)


def test_per_buyer_limit_cuts_and_refuses_across_pages(db):
    """Limit 2: 3 asked gives 2 and a cut; the next page's claim is refused whole."""
    first = ingest(db, [msg(1, "K01 3", "a1"), msg(2, "K01 2", "a2")], LIMITED)
    assert [(o.author_id, o.qty) for o in first.created] == [("a1", 2), ("a2", 2)]
    assert [(m.author_id, d.asked, d.allowed) for m, d in first.limited] == [("a1", 3, 2)]
    second = ingest(db, [msg(3, "K01 1", "a1"), msg(4, "K02 5", "a1")], LIMITED)
    assert [(o.code, o.qty) for o in second.created] == [("K02", 5)]
    assert [(d.code, d.allowed, d.limit) for _, d in second.limited] == [("K01", 0, 2)]


def test_per_buyer_limit_counts_waiting_and_forgets_cancelled(db):
    """Waiting units count against the limit; after a cancel the viewer may claim again."""
    ingest(db, [msg(1, "K01 10", "a9")])  # sold out: a1's claims wait
    ingest(db, [msg(2, "K01 1", "a1")], LIMITED)
    cut = ingest(db, [msg(3, "K01 5", "a1")], LIMITED)
    assert [(o.qty, o.status) for o in cut.created] == [(1, "waiting")]
    ingest(db, [msg(4, "batal K01", "a1")], LIMITED)
    again = ingest(db, [msg(5, "K01 2", "a1")], LIMITED)
    assert [(o.qty, o.status) for o in again.created] == [(2, "waiting")]
    assert again.limited == []


def test_expired_units_no_longer_count_against_the_limit(db):
    """Once a claim expired the buyer may claim the product again."""
    ingest(db, [msg(1, "K01 2", "a1")], LIMITED)
    host_writes.expire_due(db, catalog(LIMITED), DUE)
    again = ingest(db, [msg(2, "K01 2", "a1")], LIMITED)
    assert [o.qty for o in again.created] == [2]


# -- the migration ---------------------------------------------------------------------

OLD_ORDER = (
    "INSERT INTO orders (id, code, vendor_id, channel, slot_id, qty, status, platform,"
    " author_id, message_id, created_utc, price_idr, updated_utc, message_row)"
    " VALUES (?, 'K01', 'v0', 'utama', ?, 1, ?, 'youtube', 'a1', ?, ?, 40000, ?, ?)"
)


def test_migration_gives_existing_orders_their_holds(tmp_path):
    """Old rows get slot end + hours, else created + hours, or moved-up + hours."""
    db = open_db(tmp_path / "old.db")
    store.migrate(db)
    store.save_event(db, EVENT)
    db.execute("PRAGMA foreign_keys=OFF")
    apply_migrations(db, "orders", schema.MIGRATIONS[:3])
    db.execute("PRAGMA foreign_keys=ON")
    created = utc_iso(T0 + timedelta(minutes=1))
    moved = T0 + timedelta(days=3)
    with db.atomic():
        db.execute(OLD_ORDER, [1, "utama-0", "new", "m1", created, created, 1])
        db.execute(OLD_ORDER, [2, "gone", "new", "m2", created, created, 2])
        db.execute(OLD_ORDER, [3, "utama-0", "new", "m3", created, created, 3])
        db.execute(
            "INSERT INTO order_events (order_id, at_utc, by, kind) VALUES (3, ?, 's', 'promoted')",
            [utc_iso(moved)],
        )
    order_store.migrate(db)
    holds = [o.hold_until for o in order_store.fetch_orders(db, [1, 2, 3])]
    assert holds == [DUE, T0 + timedelta(minutes=1, hours=24), moved + timedelta(hours=24)]
    db.close()
