"""Queries on the orders' tables (``schema`` says what each holds). Synchronous; run on
the store thread. Callers wrap multi-step writes in one ``db.atomic()``.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlite_utils import Database

from kernel.times import parse_utc, utc_iso
from orchestrator.orders.book import BookOrder
from orchestrator.orders.model import (
    CHAT_CANCELLABLE,
    EXPIRED,
    HOLDS_STOCK,
    WAITING,
    Cursor,
    Order,
)
from orchestrator.orders.schema import message_key, migrate

__all__ = ["message_key", "migrate"]  # with the queries below

_CHUNK = 500  # ids per IN (...) query; well under SQLite's variable limit


def _chunks(items: Sequence, size: int = _CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _marks(n: int) -> str:
    return ",".join("?" * n)


def _rows(n: int, width: int) -> str:
    """``(?,?),(?,?)``: ``n`` rows of ``width`` values for a VALUES list."""
    return ",".join([f"({_marks(width)})"] * n)


# -- chat messages --------------------------------------------------------------------

MESSAGE_COLUMNS = ("id", "platform", "message_id", "key", "channel", "author_id",
                   "author_name", "text", "kind", "amount_micros", "currency",
                   "published_utc", "received_utc", "parsed")  # fmt: skip
_INSERT_MESSAGE = (
    f"INSERT INTO chat_messages ({', '.join(MESSAGE_COLUMNS)})"
    f" VALUES ({_marks(len(MESSAGE_COLUMNS))})"
)


def known_messages(db: Database, keys: Iterable[int]) -> set[tuple[str, str]]:
    """The (platform, message id) of every stored message whose key is one of ``keys``.

    Keys may be shared: the caller compares the ids it has with these.
    """
    found: set[tuple[str, str]] = set()
    for chunk in _chunks(sorted(set(keys))):
        sql = f"SELECT platform, message_id FROM chat_messages WHERE key IN ({_marks(len(chunk))})"
        found.update(db.execute(sql, chunk).fetchall())
    return found


def next_message_row(db: Database) -> int:
    """The row id the next message gets (one writer thread: no one else takes it)."""
    return db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM chat_messages").fetchone()[0]


def insert_messages(db: Database, rows: Sequence[tuple]) -> None:
    """Insert message rows (``MESSAGE_COLUMNS`` order); the caller left out known ones."""
    db.conn.executemany(_INSERT_MESSAGE, rows)


# -- orders ---------------------------------------------------------------------------

ORDER_COLUMNS = ("id", "code", "vendor_id", "channel", "slot_id", "qty", "status", "platform",
                 "author_id", "author_name", "message_id", "text", "created_utc", "price_idr",
                 "amount_micros", "currency", "updated_utc", "message_row",
                 "hold_until_utc")  # fmt: skip
_INSERT_ORDER = (
    f"INSERT INTO orders ({', '.join(ORDER_COLUMNS)}) VALUES ({_marks(len(ORDER_COLUMNS))})"
)
EVENT_COLUMNS = ("order_id", "at_utc", "by", "kind", "status_from", "status_to", "qty_from",
                 "qty_to", "message_id")  # fmt: skip
_INSERT_EVENT = (
    f"INSERT INTO order_events ({', '.join(EVENT_COLUMNS)}) VALUES ({_marks(len(EVENT_COLUMNS))})"
)
_HOLDING = tuple(sorted(HOLDS_STOCK))
_OPEN = tuple(sorted(CHAT_CANCELLABLE))
_OWNED = tuple(sorted(HOLDS_STOCK | {WAITING}))  # what counts against a per-buyer limit


def next_order_id(db: Database) -> int:
    """The id the next order gets (one writer thread: no one else takes it meanwhile)."""
    return db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM orders").fetchone()[0]


def stock_used(db: Database, codes: Iterable[str] | None = None) -> dict[str, int]:
    """Return the qty held by new/confirmed/paid/shipped orders, per code (of ``codes``)."""
    sql = f"SELECT code, SUM(qty) FROM orders WHERE status IN ({_marks(len(_HOLDING))})"
    params: list = list(_HOLDING)
    if codes is None:
        return dict(db.execute(sql + " GROUP BY code", params).fetchall())
    used: dict[str, int] = {}
    for chunk in _chunks(sorted(set(codes))):
        query = sql + f" AND code IN ({_marks(len(chunk))}) GROUP BY code"
        used.update(db.execute(query, [*params, *chunk]).fetchall())
    return used


def book_orders(
    db: Database,
    waiting_codes: Iterable[str],
    viewer_codes: Iterable[tuple[str, str, str]] = (),
) -> list[BookOrder]:
    """Load what the book may change: the waiting lists of ``waiting_codes`` and the open
    (new, confirmed, waiting) orders of each (platform, author id, code) of ``viewer_codes``."""
    rows: dict[int, tuple] = {}
    # Moving a waiting order up needs no viewer: reading only the columns of the
    # (code, status, qty) index keeps this off the table. A canceller's own waiting
    # orders come again below, with their viewer, and replace these.
    for chunk in _chunks(sorted(set(waiting_codes))):
        sql = (
            "SELECT id, code, qty, status, '', '' FROM orders WHERE status = ?"
            f" AND code IN ({_marks(len(chunk))})"
        )
        rows.update((r[0], r) for r in db.execute(sql, [WAITING, *chunk]))
    # One statement per chunk of pairs; each pair is one look-up of the
    # (platform, author, code, status, qty) index.
    for chunk in _chunks(sorted(set(viewer_codes)), _CHUNK // 3):
        sql = (
            f"WITH asked (platform, author_id, code) AS (VALUES {_rows(len(chunk), 3)})"
            " SELECT o.id, o.code, o.qty, o.status, o.platform, o.author_id FROM asked"
            " JOIN orders o ON o.platform = asked.platform AND o.author_id = asked.author_id"
            f" AND o.code = asked.code WHERE o.status IN ({_marks(len(_OPEN))})"
        )
        params = [value for key in chunk for value in key]
        rows.update((r[0], r) for r in db.execute(sql, [*params, *_OPEN]))
    return [BookOrder(r[0], r[1], r[2], r[3], (r[4], r[5])) for r in rows.values()]


def units_owned(
    db: Database, viewer_codes: Iterable[tuple[str, str, str]]
) -> dict[tuple[str, str, str], int]:
    """Units each (platform, author id, code) holds or waits for, for per-buyer limits.

    One statement per chunk of triples, each one look-up of the viewer index.
    """
    owned: dict[tuple[str, str, str], int] = {}
    for chunk in _chunks(sorted(set(viewer_codes)), _CHUNK // 3):
        sql = (
            f"WITH asked (platform, author_id, code) AS (VALUES {_rows(len(chunk), 3)})"
            " SELECT o.platform, o.author_id, o.code, SUM(o.qty) FROM asked"
            " JOIN orders o ON o.platform = asked.platform AND o.author_id = asked.author_id"
            f" AND o.code = asked.code WHERE o.status IN ({_marks(len(_OWNED))})"
            " GROUP BY o.platform, o.author_id, o.code"
        )
        params = [value for key in chunk for value in key]
        for platform, author, code, units in db.execute(sql, [*params, *_OWNED]):
            owned[(platform, author, code)] = units
    return owned


def waiting_head(
    db: Database, code: str, max_qty: int, count: int | None
) -> tuple[list[BookOrder], int | None]:
    """The first ``count`` (None: all) waiting orders of ``code`` of at most ``max_qty``
    units, oldest first, and the id of the last one read when there may be more.

    Bigger orders cannot move up in the caller's page, so they are left out.
    """
    sql = "SELECT id, qty FROM orders WHERE code = ? AND status = ? AND qty <= ? ORDER BY id"
    params: list = [code, WAITING, max_qty]
    if count is not None:
        sql += " LIMIT ?"
        params.append(count)
    rows = db.execute(sql, params).fetchall()
    orders = [BookOrder(i, code, qty, WAITING, ("", "")) for i, qty in rows]
    more = count is not None and len(rows) == count
    return orders, (rows[-1][0] if more else None)


def insert_orders(db: Database, rows: Sequence[tuple]) -> None:
    """Insert order rows in ``ORDER_COLUMNS`` order."""
    db.conn.executemany(_INSERT_ORDER, rows)


def insert_events(db: Database, rows: Sequence[tuple]) -> None:
    """Insert order event rows in ``EVENT_COLUMNS`` order."""
    db.conn.executemany(_INSERT_EVENT, rows)


def update_orders(db: Database, changes: Sequence[tuple[str, int, str, int]]) -> None:
    """Apply (status, qty, updated_utc, id) changes."""
    db.conn.executemany(
        "UPDATE orders SET status = ?, qty = ?, updated_utc = ? WHERE id = ?", changes
    )


def set_holds(db: Database, holds: Sequence[tuple[str, int]]) -> None:
    """Apply (hold_until_utc, id) fresh deadlines of orders that moved up; a later one kept
    stays (``holds.moved_up_until``; the stored texts sort as the times do)."""
    db.conn.executemany(
        "UPDATE orders SET hold_until_utc = MAX(COALESCE(hold_until_utc, ''), ?) WHERE id = ?",
        holds,
    )


# The literal 'new' (model.NEW) lets SQLite use ``orders_due``, the index of new orders.
_DUE = "status = 'new' AND hold_until_utc <= ?"


def next_hold(db: Database) -> datetime | None:
    """The earliest deadline of a new order, or None when no order is new."""
    row = db.execute("SELECT MIN(hold_until_utc) FROM orders WHERE status = 'new'").fetchone()
    return parse_utc(row[0]) if row and row[0] else None


_ORDER_FIELDS = ("id", "code", "vendor_id", "channel", "slot_id", "qty", "status", "platform",
                 "author_id", "author_name", "message_id", "text", "created_utc", "price_idr",
                 "amount_micros", "currency", "updated_utc", "hold_until_utc")  # fmt: skip
_SELECT_ORDERS = f"SELECT {', '.join(_ORDER_FIELDS)} FROM orders"


def _order(r: tuple) -> Order:
    """An order from a row of ``_SELECT_ORDERS`` (the fields in ``Order``'s order)."""
    return Order(r[0], r[1], r[2], r[3] or "", r[4], r[5], r[6], r[7], r[8], r[9] or "",
                 r[10], r[11] or "", parse_utc(r[12]), r[13], r[14], r[15],
                 parse_utc(r[16]), parse_utc(r[17]) if r[17] else None)  # fmt: skip


def fetch_orders(db: Database, ids: Sequence[int]) -> list[Order]:
    """Read orders by id, in id order."""
    found: list[Order] = []
    for chunk in _chunks(sorted(set(ids))):
        sql = f"{_SELECT_ORDERS} WHERE id IN ({_marks(len(chunk))}) ORDER BY id"
        found += [_order(r) for r in db.execute(sql, list(chunk))]
    return found


def expire_due(db: Database, now: datetime, by: str) -> list[Order]:
    """Mark every new order whose hold ended by ``now`` expired and log it; return them.

    The caller holds the transaction. Set-wise statements, each one pass over the
    ``orders_due`` index: the sweep may meet a whole evening's unpaid claims at once.
    """
    stamp = utc_iso(now)
    db.execute(
        "INSERT INTO order_events (order_id, at_utc, by, kind, status_from, status_to,"
        " qty_from, qty_to, message_id) SELECT id, ?, ?, 'expired', status, ?, qty, qty, NULL"
        f" FROM orders WHERE {_DUE} ORDER BY id",
        [stamp, by, EXPIRED, stamp],
    )
    rows = db.execute(
        f"UPDATE orders SET status = ?, updated_utc = ? WHERE {_DUE}"
        f" RETURNING {', '.join(_ORDER_FIELDS)}",
        [EXPIRED, stamp, stamp],
    ).fetchall()
    holds: dict[str, datetime] = {}  # a slot's claims share one deadline: read it once
    expired = []
    for r in rows:
        hold = holds.get(r[17])
        if hold is None:
            hold = holds[r[17]] = parse_utc(r[17])
        expired.append(Order(r[0], r[1], r[2], r[3] or "", r[4], r[5], r[6], r[7], r[8],
                             r[9] or "", r[10], r[11] or "", parse_utc(r[12]), r[13], r[14],
                             r[15], now, hold))  # fmt: skip
    expired.sort(key=lambda o: o.id)
    return expired


def _where(channel: str | None, vendor: str | None, status: str | None) -> tuple[str, list]:
    clauses, params = [], []
    for column, value in (("channel", channel), ("vendor_id", vendor), ("status", status)):
        if value:
            clauses.append(f"{column} = ?")
            params.append(value)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def list_orders(
    db: Database,
    channel: str | None = None,
    vendor: str | None = None,
    status: str | None = None,
    limit: int | None = None,
) -> list[Order]:
    """Orders matching the filters, newest first (all of them without ``limit``)."""
    where, params = _where(channel, vendor, status)
    sql = f"{_SELECT_ORDERS}{where} ORDER BY id DESC"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [_order(r) for r in db.execute(sql, params)]


def count_orders(db: Database, channel=None, vendor=None, status=None) -> int:
    """How many orders match the filters (the page shows only the newest)."""
    where, params = _where(channel, vendor, status)
    return db.execute(f"SELECT COUNT(*) FROM orders{where}", params).fetchone()[0]


def vendor_totals(
    db: Database, channel: str | None = None, vendor: str | None = None
) -> list[dict]:
    """Per vendor: orders and Rupiah that count (not cancelled, not waiting), and paid ones."""
    where, params = _where(channel, vendor, None)
    holding = _marks(len(_HOLDING))
    sql = (
        "SELECT vendor_id,"
        f" SUM(CASE WHEN status IN ({holding}) THEN 1 ELSE 0 END) AS orders,"
        f" SUM(CASE WHEN status IN ({holding}) THEN qty ELSE 0 END) AS units,"
        f" SUM(CASE WHEN status IN ({holding}) THEN qty * price_idr ELSE 0 END) AS total_idr,"
        " SUM(CASE WHEN status IN ('paid', 'shipped') THEN qty * price_idr ELSE 0 END)"
        " AS paid_idr,"
        " SUM(CASE WHEN status = 'waiting' THEN 1 ELSE 0 END) AS waiting"
        f" FROM orders{where} GROUP BY vendor_id ORDER BY total_idr DESC, vendor_id"
    )
    return list(db.query(sql, [*_HOLDING, *_HOLDING, *_HOLDING, *params]))


def order_history(db: Database, order_id: int) -> list[dict]:
    """Every change of one order, oldest first."""
    return list(db.query("SELECT * FROM order_events WHERE order_id = ? ORDER BY id", [order_id]))


# -- cursors --------------------------------------------------------------------------


def save_cursor(db: Database, cursor: Cursor, now: datetime) -> None:
    """Upsert a chat's cursor; call inside the page's transaction."""
    db.execute(
        "INSERT INTO platform_cursors (platform, chat_id, page_token, polling_ms, quota_spent,"
        " updated_utc) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (platform, chat_id) DO UPDATE SET"
        " page_token = excluded.page_token, polling_ms = excluded.polling_ms,"
        " quota_spent = excluded.quota_spent, updated_utc = excluded.updated_utc",
        [cursor.platform, cursor.chat_id, cursor.page_token, cursor.polling_ms,
         cursor.quota_spent, utc_iso(now)],
    )  # fmt: skip


def load_cursor(db: Database, platform: str, chat_id: str) -> Cursor | None:
    """The cursor saved with a chat's last page, or None for a chat never read."""
    row = db.execute(
        "SELECT page_token, polling_ms, quota_spent FROM platform_cursors"
        " WHERE platform = ? AND chat_id = ?",
        [platform, chat_id],
    ).fetchone()
    return Cursor(platform, chat_id, row[0], row[1], row[2]) if row else None


# -- vendors' private links -----------------------------------------------------------


def ensure_vendor_links(db: Database, vendor_ids: Iterable[str], now: datetime) -> dict[str, str]:
    """Give every vendor a private page token (kept once made); return vendor id -> token."""
    with db.atomic():
        links = dict(db.execute("SELECT vendor_id, token FROM vendor_links").fetchall())
        for vendor_id in vendor_ids:
            if vendor_id not in links:
                links[vendor_id] = secrets.token_urlsafe(16)
                db.execute(
                    "INSERT INTO vendor_links (vendor_id, token, created_utc) VALUES (?, ?, ?)",
                    [vendor_id, links[vendor_id], utc_iso(now)],
                )
    return links


def reissue_vendor_link(db: Database, vendor_id: str, now: datetime) -> str:
    """Replace the vendor's page token with a new one; the old link stops working."""
    token = secrets.token_urlsafe(16)
    with db.atomic():
        db.execute(
            "INSERT INTO vendor_links (vendor_id, token, created_utc) VALUES (?, ?, ?)"
            " ON CONFLICT (vendor_id) DO UPDATE SET token = excluded.token,"
            " created_utc = excluded.created_utc",
            [vendor_id, token, utc_iso(now)],
        )
    return token


def viewer_orders(db: Database, viewers: Sequence[tuple[str, str]]) -> list[Order]:
    """Every order of these (platform, author id) viewers, in id order (their checkout)."""
    found: list[Order] = []
    for platform, author_id in viewers:
        sql = f"{_SELECT_ORDERS} WHERE platform = ? AND author_id = ?"
        found += [_order(r) for r in db.execute(sql, [platform, author_id])]
    return sorted(found, key=lambda o: o.id)
