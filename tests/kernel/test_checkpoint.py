"""The store's writes never wait for a checkpoint; a thread of its own does them."""

from __future__ import annotations

import asyncio
import sqlite3
import time

from kernel.checkpoint import Checkpointer, database_file
from kernel.db import Store, open_db


def write_rows(db, n: int) -> None:
    with db.atomic():
        db.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT)")
        db.conn.executemany("INSERT INTO t (v) VALUES (?)", [("x" * 300,) for _ in range(n)])


async def test_store_commits_leave_the_log_to_the_checkpointer(tmp_path):
    """The store's connection never checkpoints by itself; after writes the thread does."""
    store = Store(open_db(tmp_path / "pasar.db"))
    try:
        assert (await store.run(lambda db: db.execute("PRAGMA wal_autocheckpoint").fetchone())) == (
            0,
        )
        await store.run(write_rows, 5000)  # well past SQLite's own 1,000-page trigger
        deadline = time.monotonic() + 10
        while store.checkpointer.checkpoints == 0:
            assert time.monotonic() < deadline, "no checkpoint within 10 s of the writes"
            await asyncio.sleep(0.01)
        rows = await store.run(lambda db: db.execute("SELECT COUNT(*) FROM t").fetchone()[0])
        assert rows == 5000
    finally:
        store.close()
    assert not store.checkpointer._thread.is_alive()


def test_reads_without_writes_do_not_wake_the_checkpointer(tmp_path):
    checkpointer = Checkpointer(str(tmp_path / "x.db"), every_s=0.01)
    checkpointer.close()
    assert checkpointer.checkpoints == 0


def test_checkpointer_copies_the_log_into_the_file(tmp_path):
    path = tmp_path / "pasar.db"
    db = open_db(path)
    db.execute("PRAGMA wal_autocheckpoint=0")
    write_rows(db, 3000)
    checkpointer = Checkpointer(str(path))
    checkpointer.poke()
    checkpointer.close()  # joins: the poked checkpoint has run
    assert checkpointer.checkpoints == 1
    busy, frames, copied = checkpointer.last
    assert (busy, copied) == (0, frames) and frames > 0  # every frame copied
    db.close()


def test_memory_and_rollback_journal_databases_get_no_checkpointer(tmp_path):
    memory = open_db(None)
    assert database_file(memory.conn) is None
    plain = sqlite3.connect(tmp_path / "plain.db")
    assert database_file(plain) is None  # rollback journal: nothing to checkpoint
    plain.close()
    memory.close()
