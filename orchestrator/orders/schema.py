"""The orders' tables and their migrations, oldest first; a database only moves forward.

``chat_messages`` keeps every message once: a message is found by ``key``, a short
number made from its platform and id (``message_key``), and the ids themselves decide.
``orders`` keeps the orders, UNIQUE (``message_row``, code) so a message can never make
two orders of one product; the row also says who ordered, when, from which message.
``order_events`` keeps every later change (status, qty, moving up) with who and when,
``platform_cursors`` each chat's next page token, ``vendor_links`` the vendors' private
page tokens. An order's ``hold_until_utc`` is when its hold on the stock ends if it is
still new then (``orchestrator.orders.holds``); the sweep finds those due by
``orders_due``, an index of the new orders only.
"""

from __future__ import annotations

import zlib

from sqlite_utils import Database

from kernel.db import apply_migrations
from kernel.times import parse_utc, utc_iso
from orchestrator.orders.holds import HoldRules
from schedules.store import load_event

_FIRST_TABLES = """
CREATE TABLE chat_messages (
  id INTEGER PRIMARY KEY, platform TEXT NOT NULL, message_id TEXT NOT NULL,
  channel TEXT, author_id TEXT, author_name TEXT, text TEXT, kind TEXT,
  amount_micros INTEGER, currency TEXT, published_utc TEXT, received_utc TEXT,
  parsed TEXT, UNIQUE (platform, message_id));
CREATE TABLE orders (
  id INTEGER PRIMARY KEY, code TEXT NOT NULL, vendor_id TEXT NOT NULL, channel TEXT,
  slot_id TEXT, qty INTEGER NOT NULL, status TEXT NOT NULL, platform TEXT NOT NULL,
  author_id TEXT NOT NULL, author_name TEXT, message_id TEXT NOT NULL, text TEXT,
  created_utc TEXT NOT NULL, price_idr INTEGER NOT NULL, amount_micros INTEGER,
  currency TEXT, updated_utc TEXT NOT NULL, UNIQUE (platform, message_id, code));
CREATE INDEX orders_code_status ON orders (code, status, qty);
CREATE INDEX orders_viewer ON orders (platform, author_id);
CREATE INDEX orders_vendor ON orders (vendor_id, id);
CREATE TABLE order_events (
  id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL REFERENCES orders (id),
  at_utc TEXT NOT NULL, by TEXT NOT NULL, kind TEXT NOT NULL, status_from TEXT,
  status_to TEXT, qty_from INTEGER, qty_to INTEGER, message_id TEXT);
CREATE INDEX order_events_order ON order_events (order_id, id);
CREATE TABLE platform_cursors (
  platform TEXT NOT NULL, chat_id TEXT NOT NULL, page_token TEXT, polling_ms INTEGER,
  quota_spent INTEGER, updated_utc TEXT, PRIMARY KEY (platform, chat_id));
CREATE TABLE vendor_links (
  vendor_id TEXT PRIMARY KEY, token TEXT NOT NULL UNIQUE, created_utc TEXT NOT NULL);
"""

# Step 3: messages found by a short key, orders unique by their message's row.
_KEYED_TABLES = """
CREATE TABLE chat_messages_keyed (
  id INTEGER PRIMARY KEY, platform TEXT NOT NULL, message_id TEXT NOT NULL,
  key INTEGER NOT NULL, channel TEXT, author_id TEXT, author_name TEXT, text TEXT,
  kind TEXT, amount_micros INTEGER, currency TEXT, published_utc TEXT,
  received_utc TEXT, parsed TEXT);
INSERT INTO chat_messages_keyed
  SELECT id, platform, message_id, message_key(platform, message_id), channel, author_id,
         author_name, text, kind, amount_micros, currency, published_utc, received_utc,
         parsed
  FROM chat_messages;
DROP TABLE chat_messages;
ALTER TABLE chat_messages_keyed RENAME TO chat_messages;
CREATE INDEX chat_messages_key ON chat_messages (key);
CREATE TABLE orders_keyed (
  id INTEGER PRIMARY KEY, code TEXT NOT NULL, vendor_id TEXT NOT NULL, channel TEXT,
  slot_id TEXT, qty INTEGER NOT NULL, status TEXT NOT NULL, platform TEXT NOT NULL,
  author_id TEXT NOT NULL, author_name TEXT, message_id TEXT NOT NULL, text TEXT,
  created_utc TEXT NOT NULL, price_idr INTEGER NOT NULL, amount_micros INTEGER,
  currency TEXT, updated_utc TEXT NOT NULL, message_row INTEGER NOT NULL,
  UNIQUE (message_row, code));
INSERT INTO orders_keyed
  SELECT o.*, COALESCE(
    (SELECT m.id FROM chat_messages m WHERE m.key = message_key(o.platform, o.message_id)
       AND m.platform = o.platform AND m.message_id = o.message_id), -o.id)
  FROM orders o;
DROP TABLE orders;
ALTER TABLE orders_keyed RENAME TO orders;
CREATE INDEX orders_code_status ON orders (code, status, qty);
CREATE INDEX orders_viewer_code ON orders (platform, author_id, code, status, qty);
CREATE INDEX orders_vendor ON orders (vendor_id, id);
"""


def message_key(platform: str, message_id: str) -> int:
    """A short number for a message, for the dedupe index.

    Platform ids are long and random (YouTube's run to 70 characters); an index of them
    costs a 2,000-message page more than everything else in its storage. Two messages
    may share a key: the index only narrows the search, the ids themselves decide.
    """
    return zlib.crc32(f"{platform}\x1f{message_id}".encode())


def _run(db: Database, script: str) -> None:
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def _create_tables(db: Database) -> None:
    _run(db, _FIRST_TABLES)


def _index_open_orders_by_viewer(db: Database) -> None:
    """A cancel reads the viewer's open orders of some codes: answer it from the index."""
    db.execute("DROP INDEX IF EXISTS orders_viewer")
    db.execute("CREATE INDEX orders_viewer_code ON orders (platform, author_id, code, status, qty)")


def _key_messages(db: Database) -> None:
    """Find messages by ``message_key`` and make orders unique by their message's row.

    SQLite cannot drop a UNIQUE constraint, so both tables are rebuilt (foreign keys off,
    see ``migrate``) and the order events' references checked afterwards.
    """
    db.conn.create_function("message_key", 2, message_key, deterministic=True)
    _run(db, _KEYED_TABLES)
    broken = db.execute("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"order events lost their orders in the rebuild: {broken[:5]}")


def _add_holds(db: Database) -> None:
    """Give every order its hold deadline, and index the new ones by it for the sweep.

    Orders already there get theirs as if they had been placed with it: from their slot's
    end when the stored event still has the slot, else from when they were published,
    and from the last time they moved up if they did.
    """
    db.execute("ALTER TABLE orders ADD COLUMN hold_until_utc TEXT")
    rules = HoldRules.from_event(load_event(db) if db["event"].exists() else None)
    rows = db.execute(
        "SELECT o.id, o.vendor_id, o.slot_id, o.created_utc, (SELECT MAX(e.at_utc)"
        " FROM order_events e WHERE e.order_id = o.id AND e.kind = 'promoted') FROM orders o"
    ).fetchall()
    holds = []
    for order_id, vendor_id, slot, created, moved_up in rows:
        until = rules.until(vendor_id, slot, parse_utc(created))
        if moved_up is not None:
            until = rules.moved_up(vendor_id, parse_utc(moved_up), until)
        holds.append((utc_iso(until), order_id))
    db.conn.executemany("UPDATE orders SET hold_until_utc = ? WHERE id = ?", holds)
    db.execute("CREATE INDEX orders_due ON orders (hold_until_utc) WHERE status = 'new'")


MIGRATIONS = [_create_tables, _index_open_orders_by_viewer, _key_messages, _add_holds]


def migrate(db: Database) -> None:
    """Bring the orders tables up to date; safe at every start.

    Rebuilding a table that others reference needs foreign keys off, which SQLite only
    allows outside a transaction (its documented way to change a table's constraints).
    """
    if db.conn.in_transaction:  # the pragma would be ignored and a rebuild would fail
        raise RuntimeError("orders tables are migrated outside a transaction")
    db.execute("PRAGMA foreign_keys=OFF")
    try:
        apply_migrations(db, "orders", MIGRATIONS)
    finally:
        db.execute("PRAGMA foreign_keys=ON")
