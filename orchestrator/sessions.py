"""Server-side login sessions: a random id in the cookie, the session itself in SQLite.

A cookie that only carries a signature cannot be taken back; a session id can: logout
deletes it, "log out everywhere" deletes them all, and a restart keeps the rest. The
database holds a hash of each id, so a copy of the file opens no session. Sessions are
few (one per organiser or host browser), so all of them live in memory too and a
request never waits on the database to be let in.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlite_utils import Database

from kernel.db import apply_migrations
from kernel.times import parse_utc, utc_iso

SESSION_DAYS = 7


@dataclass(frozen=True)
class Session:
    """Who is logged in, the CSRF token of their pages, and until when."""

    key: str  # sha256 of the id in the cookie
    role: str
    csrf: str
    expires_at: datetime


def key_of(session_id: str) -> str:
    """The stored name of a cookie's session id (its hash)."""
    return hashlib.sha256(session_id.encode("utf-8", "surrogatepass")).hexdigest()


def new_session(role: str, now: datetime) -> tuple[str, Session]:
    """A fresh session id (for the cookie) and its session (for the book)."""
    session_id = secrets.token_urlsafe(32)
    expires = now + timedelta(days=SESSION_DAYS)
    return session_id, Session(key_of(session_id), role, secrets.token_urlsafe(16), expires)


class SessionBook:
    """Every live session, by key; the store functions below keep the table in step."""

    def __init__(self, sessions: list[Session] = ()) -> None:
        self._by_key = {s.key: s for s in sessions}

    def find(self, session_id: str, now: datetime) -> Session | None:
        """The live session for a cookie's id, or None (unknown, revoked or expired)."""
        if not session_id or len(session_id) > 128:
            return None
        session = self._by_key.get(key_of(session_id))
        return session if session is not None and session.expires_at > now else None

    def add(self, session: Session) -> None:
        self._by_key[session.key] = session

    def drop(self, key: str) -> None:
        self._by_key.pop(key, None)

    def clear(self) -> int:
        count = len(self._by_key)
        self._by_key.clear()
        return count


def _sessions_table(db: Database) -> None:
    db["sessions"].create(
        {"key": str, "role": str, "csrf": str, "created_at": str, "expires_at": str}, pk="key"
    )


def migrate(db: Database) -> None:
    apply_migrations(db, "sessions", [_sessions_table])


def load_sessions(db: Database, now: datetime) -> list[Session]:
    """Read the sessions that have not expired; forget the rest."""
    migrate(db)
    with db.atomic():
        db.execute("DELETE FROM sessions WHERE expires_at <= ?", [utc_iso(now)])
        rows = list(db.query("SELECT * FROM sessions"))
    return [Session(r["key"], r["role"], r["csrf"], parse_utc(r["expires_at"])) for r in rows]


def save_session(db: Database, session: Session, now: datetime) -> None:
    with db.atomic():
        db["sessions"].insert(
            {"key": session.key, "role": session.role, "csrf": session.csrf,
             "created_at": utc_iso(now), "expires_at": utc_iso(session.expires_at)}
        )  # fmt: skip


def delete_session(db: Database, key: str) -> None:
    with db.atomic():
        db.execute("DELETE FROM sessions WHERE key = ?", [key])


def delete_all_sessions(db: Database) -> None:
    with db.atomic():
        db.execute("DELETE FROM sessions")
