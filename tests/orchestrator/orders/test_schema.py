"""A database made before messages were keyed moves forward with nothing lost."""

from __future__ import annotations

from datetime import timedelta

from kernel.db import apply_migrations, open_db
from orchestrator.orders import schema, writes
from orchestrator.orders import store as order_store
from orchestrator.orders.catalog import OrderCatalog
from orchestrator.orders.model import ChatMessage
from orchestrator.orders.onair import SlotLookup
from schedules import store
from tests.orchestrator.helpers import T0, small_event

EVENT = small_event()
OLD_MESSAGE = (
    "INSERT INTO chat_messages (platform, message_id, channel, author_id, author_name, text,"
    " kind, published_utc, received_utc, parsed) VALUES (?, ?, 'utama', ?, 'Budi', ?, 'text',"
    " '2027-02-15T08:30:00.000000Z', '2027-02-15T08:31:00.000000Z', ?)"
)
OLD_ORDER = (
    "INSERT INTO orders (id, code, vendor_id, channel, qty, status, platform, author_id,"
    " message_id, created_utc, price_idr, updated_utc) VALUES (?, ?, 'v1', 'utama', ?, ?,"
    " 'youtube', ?, ?, '2027-02-15T08:30:00.000000Z', 45000, '2027-02-15T08:31:00.000000Z')"
)


def old_database(path):
    """Tables as the first two steps made them, with two messages, orders and an event."""
    db = open_db(path)
    store.migrate(db)
    store.save_event(db, EVENT)
    db.execute("PRAGMA foreign_keys=OFF")
    apply_migrations(db, "orders", schema.MIGRATIONS[:2])
    db.execute("PRAGMA foreign_keys=ON")
    with db.atomic():
        db.execute(OLD_MESSAGE, ["youtube", "sbxM-one", "a1", "K01 2", "order"])
        db.execute(OLD_MESSAGE, ["youtube", "sbxM-two", "a2", "K01 1 K02 1", "order"])
        db.execute(OLD_ORDER, [1, "K01", 2, "new", "a1", "sbxM-one"])
        db.execute(OLD_ORDER, [2, "K01", 1, "waiting", "a2", "sbxM-two"])
        db.execute(OLD_ORDER, [3, "K02", 1, "new", "a2", "sbxM-two"])
        db.execute(
            "INSERT INTO order_events (order_id, at_utc, by, kind) VALUES (1, 'now', 'host', 'x')"
        )
    return db


def test_keyed_tables_keep_every_row_and_link_orders_to_messages(tmp_path):
    db = old_database(tmp_path / "old.db")
    order_store.migrate(db)
    messages = db.execute("SELECT id, platform, message_id, key FROM chat_messages").fetchall()
    assert messages == [
        (1, "youtube", "sbxM-one", schema.message_key("youtube", "sbxM-one")),
        (2, "youtube", "sbxM-two", schema.message_key("youtube", "sbxM-two")),
    ]
    orders = db.execute("SELECT id, code, status, message_row FROM orders ORDER BY id").fetchall()
    assert orders == [(1, "K01", "new", 1), (2, "K01", "waiting", 2), (3, "K02", "new", 2)]
    assert db.execute("SELECT order_id FROM order_events").fetchall() == [(1,)]
    assert db.execute("PRAGMA foreign_keys").fetchone() == (1,)
    indexes = {r[1] for r in db.execute("PRAGMA index_list(orders)")}
    assert {"orders_code_status", "orders_viewer_code", "orders_vendor"} <= indexes
    db.close()


def test_old_messages_are_still_known_after_the_move(tmp_path):
    """A page holding an old message again makes no new order; a new one does."""
    db = old_database(tmp_path / "old.db")
    order_store.migrate(db)
    again = ChatMessage("youtube", "sbxM-one", "utama", "a1", "Budi", "K01 2", T0)
    new = ChatMessage("youtube", "sbxM-new", "utama", "a3", "Sari", "K02 1", T0)
    inputs = writes.PageInputs(OrderCatalog.build(EVENT, 1), {}, SlotLookup(), T0)
    outcome = writes.ingest_page(db, inputs, [again, new], None)
    assert (outcome.duplicates, [o.id for o in outcome.created]) == (1, [4])
    row = db.execute("SELECT message_row FROM orders WHERE id = 4").fetchone()[0]
    assert db.execute("SELECT message_id FROM chat_messages WHERE id = ?", [row]).fetchone() == (
        "sbxM-new",
    )
    db.close()


def test_migrating_twice_changes_nothing(tmp_path):
    db = old_database(tmp_path / "old.db")
    order_store.migrate(db)
    before = db.execute("SELECT * FROM orders").fetchall()
    order_store.migrate(db)
    assert db.execute("SELECT * FROM orders").fetchall() == before
    db.close()


def test_shared_keys_do_not_hide_a_new_message(tmp_path, monkeypatch):
    """Every message gets the same key: the ids alone still tell new from known."""
    monkeypatch.setattr(order_store, "message_key", lambda platform, message_id: 7)
    monkeypatch.setattr(writes, "message_key", lambda platform, message_id: 7)
    db = open_db(tmp_path / "pasar.db")
    store.migrate(db)
    store.save_event(db, EVENT)
    order_store.migrate(db)
    inputs = writes.PageInputs(OrderCatalog.build(EVENT, 1), {}, SlotLookup(), T0)
    page = [
        ChatMessage("youtube", f"m{i}", "utama", "a1", "Budi", "K01 1", T0 + timedelta(seconds=i))
        for i in range(3)
    ]
    first = writes.ingest_page(db, inputs, page[:2], None)
    second = writes.ingest_page(db, inputs, page, None)
    assert (first.new_messages, second.new_messages, second.duplicates) == (2, 1, 2)
    assert db.execute("SELECT COUNT(*) FROM orders").fetchone()[0] == 3
    db.close()
