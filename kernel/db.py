"""Opening the SQLite file, applying migrations, and running store calls off the event loop."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlite_utils import Database

from kernel.checkpoint import Checkpointer, database_file
from kernel.times import utc_iso

T = TypeVar("T")
Migration = Callable[[Database], None]


def open_db(path: str | Path | None) -> Database:
    """Open (or create) the database file in WAL mode; ``None`` gives an in-memory one."""
    if path is None:
        return Database(memory=True)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), check_same_thread=False)
    db = Database(conn)
    db.enable_wal()
    # NORMAL keeps every committed transaction across a process crash (kill -9); only a
    # power cut can lose the last ones, and it is much faster than FULL.
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA busy_timeout=5000")
    # A 32 MB page cache (the default is 2 MB): a day of chat makes indexes larger than
    # 2 MB, and each page of chat adds to them at random places; rereading those pages
    # from the OS made the 20th page of a rush 20 % slower than the first.
    db.execute("PRAGMA cache_size=-32768")
    db.execute("PRAGMA foreign_keys=ON")
    return db


def apply_migrations(db: Database, owner: str, migrations: Sequence[Migration]) -> None:
    """Run the ones of ``migrations`` not yet recorded for ``owner``, in order, each atomically."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS _migrations (owner TEXT, step INTEGER, applied_at TEXT,"
        " PRIMARY KEY (owner, step))"
    )
    done = {row[0] for row in db.execute("SELECT step FROM _migrations WHERE owner = ?", [owner])}
    for step, migration in enumerate(migrations, start=1):
        if step in done:
            continue
        with db.atomic():
            migration(db)
            db.execute(
                "INSERT INTO _migrations (owner, step, applied_at) VALUES (?, ?, ?)",
                [owner, step, utc_iso(datetime.now(UTC))],
            )


class Store:
    """One database connection owned by one worker thread, so the event loop never blocks.

    Every call goes through ``run``; SQLite sees a single writer and no connection is
    shared between threads at the same time.
    """

    def __init__(self, db: Database) -> None:
        self.db = db
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite")
        path = database_file(db.conn)
        self.checkpointer = Checkpointer(path) if path else None
        self._changes = 0  # the connection's total_changes when last checked
        if self.checkpointer is not None:  # it checkpoints instead of our commits
            db.execute("PRAGMA wal_autocheckpoint=0")

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Call ``fn(db, *args)`` on the store's thread and return its result."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, self._call, fn, args)

    def _call(self, fn: Callable[..., T], args: tuple) -> T:
        try:
            return fn(self.db, *args)
        finally:
            if self.checkpointer is not None and self.db.conn.total_changes != self._changes:
                self._changes = self.db.conn.total_changes
                self.checkpointer.poke()

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        if self.checkpointer is not None:
            self.checkpointer.close()
        self.db.close()
