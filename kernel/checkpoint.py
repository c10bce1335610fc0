"""Copy the write-ahead log into the database file away from the writer.

SQLite checkpoints by itself inside a commit once the log passes 1,000 pages: that
commit then copies the log and syncs the file twice, 15 ms on a small VPS against 1.5 ms
for a plain commit, and a rush of chat hits it every second or third page. Here the
writer turns that off and a thread with its own connection checkpoints instead, when
told there were writes and at most once per ``every_s``. A PASSIVE checkpoint never
blocks the writer, and it changes nothing about what survives a crash: a committed
transaction is in the log either way.
"""

from __future__ import annotations

import logging
import sqlite3
import threading

log = logging.getLogger(__name__)


class Checkpointer:
    """A thread that checkpoints ``path`` after ``poke()``, at most once per ``every_s``."""

    def __init__(self, path: str, every_s: float = 1.0) -> None:
        self.path, self.every_s = path, every_s
        self.checkpoints = 0  # how many ran (tests read it)
        self.last: tuple[int, int, int] | None = None  # (busy, frames in log, copied)
        self._pending = False
        self._wake = threading.Event()
        self._closing = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sqlite-checkpoint", daemon=True)
        self._thread.start()

    def poke(self) -> None:
        """Say the log grew; cheap enough to call after every write."""
        self._pending = True
        self._wake.set()

    def close(self) -> None:
        """Run the checkpoint asked for, if any, and stop the thread."""
        self._closing.set()
        self._wake.set()
        self._thread.join()

    def _run(self) -> None:
        conn = sqlite3.connect(self.path, check_same_thread=False)
        try:
            while True:
                self._wake.wait()
                self._wake.clear()
                ran = self._pending
                if ran:
                    self._pending = False
                    self._checkpoint(conn)
                if self._closing.is_set() or (ran and self._closing.wait(self.every_s)):
                    return
        finally:
            conn.close()

    def _checkpoint(self, conn: sqlite3.Connection) -> None:
        try:
            self.last = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            self.checkpoints += 1
        except sqlite3.Error as err:  # busy or locked: the next poke tries again
            log.debug("checkpoint skipped: %s", err)


def database_file(conn: sqlite3.Connection) -> str | None:
    """The main database file of ``conn`` if it is a file in WAL mode, else None."""
    if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        return None
    files = {name: path for _, name, path in conn.execute("PRAGMA database_list")}
    return files.get("main") or None
