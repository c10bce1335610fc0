"""The YouTube quota tally in SQLite, per quota day, written as it moves.

The adapter counts in worker threads; ``QuotaKeeper`` hops each change onto the event
loop and writes only the latest one at a time, so a burst of calls costs one write.
A count only grows within a day, so the stored value is the larger of old and new.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date

from sqlite_utils import Database

from kernel.db import Store, apply_migrations

from .quota import QuotaTracker

log = logging.getLogger(__name__)


def _table(db: Database) -> None:
    db["youtube_quota"].create(
        {"scope": str, "day": str, "used": int, "exhausted": int}, pk=("scope", "day")
    )


def migrate(db: Database) -> None:
    apply_migrations(db, "youtube_quota", [_table])


def load_quota(db: Database, scope: str, day: date) -> tuple[int, bool]:
    """Units spent in ``scope`` (which YouTube project) and whether they ran out, on ``day``."""
    migrate(db)
    sql = "SELECT * FROM youtube_quota WHERE scope = ? AND day = ?"
    row = next(db.query(sql, [scope, day.isoformat()]), None)
    return (row["used"], bool(row["exhausted"])) if row else (0, False)


def save_quota(db: Database, scope: str, day: date, used: int, exhausted: bool) -> None:
    with db.atomic():
        db.execute(
            "INSERT INTO youtube_quota (scope, day, used, exhausted) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(scope, day) DO UPDATE SET used = max(used, excluded.used),"
            " exhausted = max(exhausted, excluded.exhausted)",
            [scope, day.isoformat(), used, int(exhausted)],
        )


def forget_quota(db: Database, scope: str) -> None:
    """A fresh local sandbox has a fresh quota: what an earlier one spent does not count."""
    migrate(db)
    with db.atomic():
        db.execute("DELETE FROM youtube_quota WHERE scope = ?", [scope])


class QuotaKeeper:
    """Restore a tracker from the store at start, then save each change of it."""

    def __init__(self, tracker: QuotaTracker, the_store: Store, scope: str) -> None:
        self.tracker, self.store, self.scope = tracker, the_store, scope
        self._latest: tuple[date, int, bool] | None = None
        self._writing: asyncio.Task | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def start(self) -> None:
        day = self.tracker.today()
        used, exhausted = await self.store.run(load_quota, self.scope, day)
        self.tracker.restore(day, used, exhausted)
        self._loop = asyncio.get_running_loop()
        self.tracker.on_change = self._changed

    async def stop(self) -> None:
        """Stop listening, let a write in flight finish, and write the final tally."""
        self.tracker.on_change = None
        if self._writing is not None:
            await self._writing
        tracker = self.tracker
        await self.store.run(save_quota, self.scope, tracker.today(), tracker.used,
                             tracker.exhausted)  # fmt: skip

    def _changed(self, day: date, used: int, exhausted: bool) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._queue, (day, used, exhausted))

    def _queue(self, tally: tuple[date, int, bool]) -> None:
        self._latest = tally
        if self._writing is None or self._writing.done():
            self._writing = asyncio.ensure_future(self._write())

    async def _write(self) -> None:
        while self._latest is not None:
            tally, self._latest = self._latest, None
            try:
                await self.store.run(save_quota, self.scope, *tally)
            except Exception:
                log.exception("Saving the YouTube quota tally failed")
