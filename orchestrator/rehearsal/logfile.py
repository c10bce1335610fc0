"""The rehearsal's log: every log record to ``rehearsal.log``, none on the terminal.

At 600x an injected fault is a warning every few real seconds (the Google client logs
each retried 403 at WARNING); on the terminal they would break the progress line into
noise. While the rehearsal runs, the root logger writes to the file beside the report
instead, and counts the warnings so the summary can point to them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class WarningCounter(logging.Handler):
    """Counts the records of WARNING and above that reach it."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


@contextmanager
def logging_to(path: Path) -> Iterator[WarningCounter]:
    """Send all logging to ``path`` (and count warnings) inside the block; restore after."""
    root = logging.getLogger()
    saved = root.handlers[:]
    file_handler = logging.FileHandler(path, encoding="utf-8")
    file_handler.setFormatter(logging.Formatter(FORMAT))
    counter = WarningCounter()
    root.handlers = [file_handler, counter]
    try:
        yield counter
    finally:
        root.handlers = saved
        file_handler.close()
