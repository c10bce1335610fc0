"""Binding chat authors to a buyer's browser by a one-time code typed in the chat.

Anyone can read a public chat, so nothing posted there may open a buyer's checkout.
The checkout page shows its buyer a short code; the buyer types ``BAYAR 4821`` in the
live chat; the chat reader sees that *author* type it and binds the author's claims to
the browser that holds the code. The code proves the author and the browser are one
person; it is used once, lives ``CODE_MINUTES``, and an author who types
``MAX_MISSES`` wrong codes in an hour is ignored for the rest of it. An author is bound
to one browser only: the table's key is the author, so a claim cannot be bound twice.

The functions taking ``db`` run inside the chat page's transaction (see
``orders.writes``), so a binding is stored with the message that made it, or neither is.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlite_utils import Database

from kernel.times import parse_utc, utc_iso
from orchestrator.orders.model import ChatMessage

CODE_DIGITS = 4
CODE_MINUTES = 30
MAX_MISSES = 5
MISS_WINDOW = timedelta(hours=1)
_COMMAND = re.compile(r"\s*bayar\s*[:#-]?\s*(\d{4})\s*[.!]?\s*", re.IGNORECASE)

BOUND, AGAIN, TAKEN, WRONG, IGNORED = "bound", "again", "taken", "wrong", "ignored"


def code_in(text: str) -> str | None:
    """The code of a ``BAYAR 4821`` message, or None (wide digits and case are folded)."""
    if len(text) > 40:
        return None
    match = _COMMAND.fullmatch(unicodedata.normalize("NFKC", text))
    return match[1] if match else None


def new_code(rng: secrets.SystemRandom | None = None) -> str:
    return f"{(rng or secrets.SystemRandom()).randrange(10**CODE_DIGITS):0{CODE_DIGITS}d}"


@dataclass(frozen=True)
class Attempt:
    """What one ``BAYAR`` message did: ``result`` is one of the constants above."""

    platform: str
    author_id: str
    author_name: str
    channel: str
    message_id: str
    result: str
    buyer_id: int | None = None


def bind_messages(db: Database, messages: Sequence[ChatMessage], now: datetime) -> list[Attempt]:
    """Bind the authors of the page's ``BAYAR`` messages; return what each one did.

    ``messages`` are the page's new messages, in order; most have no code and cost one
    regular-expression test each.
    """
    attempts = []
    for m in messages:
        code = code_in(m.text) if "ayar" in m.text.lower() or not m.text.isascii() else None
        if code is None:
            continue
        result, buyer = _bind_one(db, m, code, now)
        attempts.append(
            Attempt(m.platform, m.author_id, m.author_name, m.channel, m.message_id, result, buyer)
        )
    return attempts


def _bind_one(db: Database, m: ChatMessage, code: str, now: datetime) -> tuple[str, int | None]:
    stamp = utc_iso(now)
    if _misses(db, m.platform, m.author_id, now) >= MAX_MISSES:
        return IGNORED, None
    row = db.execute(
        "SELECT id, buyer_id FROM bind_codes WHERE code = ? AND used_utc IS NULL"
        " AND expires_utc > ? ORDER BY id DESC LIMIT 1",
        [code, stamp],
    ).fetchone()
    if row is None:
        _miss(db, m.platform, m.author_id, stamp)
        return WRONG, None
    code_id, buyer_id = row
    bound = db.execute(
        "SELECT buyer_id FROM buyer_authors WHERE platform = ? AND author_id = ?",
        [m.platform, m.author_id],
    ).fetchone()
    if bound is not None and bound[0] != buyer_id:
        return TAKEN, bound[0]  # the code stays usable by its owner's own chat account
    db.execute(
        "UPDATE bind_codes SET used_utc = ?, used_by = ? WHERE id = ?",
        [stamp, f"{m.platform}/{m.author_id}", code_id],
    )
    if bound is not None:
        return AGAIN, buyer_id
    db.execute(
        "INSERT INTO buyer_authors (platform, author_id, buyer_id, author_name, bound_utc,"
        " message_id) VALUES (?, ?, ?, ?, ?, ?)",
        [m.platform, m.author_id, buyer_id, m.author_name, stamp, m.message_id],
    )
    return BOUND, buyer_id


def _misses(db: Database, platform: str, author_id: str, now: datetime) -> int:
    row = db.execute(
        "SELECT misses, last_utc FROM bind_misses WHERE platform = ? AND author_id = ?",
        [platform, author_id],
    ).fetchone()
    if row is None or row[1] <= utc_iso(now - MISS_WINDOW):
        return 0
    return row[0]


def _miss(db: Database, platform: str, author_id: str, stamp: str) -> None:
    db.execute(
        "INSERT INTO bind_misses (platform, author_id, misses, last_utc) VALUES (?, ?, 1, ?)"
        " ON CONFLICT (platform, author_id) DO UPDATE SET last_utc = excluded.last_utc,"
        " misses = CASE WHEN bind_misses.last_utc <= ? THEN 1 ELSE bind_misses.misses + 1 END",
        [platform, author_id, stamp, utc_iso(parse_utc(stamp) - MISS_WINDOW)],
    )


def issue_code(db: Database, buyer_id: int, now: datetime) -> tuple[str, datetime]:
    """The buyer's live code (a new one when it has none): no two live codes are equal."""
    stamp = utc_iso(now)
    row = db.execute(
        "SELECT code, expires_utc FROM bind_codes WHERE buyer_id = ? AND used_utc IS NULL"
        " AND expires_utc > ? ORDER BY id DESC LIMIT 1",
        [buyer_id, utc_iso(now + timedelta(minutes=5))],  # not one about to run out
    ).fetchone()
    if row is not None:
        return row[0], parse_utc(row[1])
    live = {
        r[0]
        for r in db.execute(
            "SELECT code FROM bind_codes WHERE used_utc IS NULL AND expires_utc > ?", [stamp]
        )
    }
    if len(live) >= 10**CODE_DIGITS // 2:
        raise RuntimeError("too many live binding codes")  # 5,000 buyers binding at once
    code = new_code()
    while code in live:
        code = new_code()
    expires = now + timedelta(minutes=CODE_MINUTES)
    db.execute(
        "INSERT INTO bind_codes (code, buyer_id, created_utc, expires_utc) VALUES (?, ?, ?, ?)",
        [code, buyer_id, stamp, utc_iso(expires)],
    )
    return code, expires
