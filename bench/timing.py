"""What benches share: percentiles, answers from child processes, the open-file limit.

Standard library only: the fan-out benches import it into server processes whose RSS is
one of the figures, so it must not pull the app (or aiohttp) in with it. The app served
and timed for a bench is ``bench/served.py``.
"""

from __future__ import annotations

import math
import resource
from collections.abc import Iterable
from multiprocessing.connection import Connection
from typing import Any


def percentile(values: Iterable[float], pct: float) -> float:
    """Nearest-rank percentile (``pct`` from 0 to 100) of unsorted values; none is an error.

    One definition for every bench, so a p99 here and a p99 there are the same figure.
    """
    ordered = sorted(values)
    if not ordered:
        raise ValueError("percentile of no values")
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def percentile_ms(values: Iterable[float], pct: float, digits: int = 2) -> float | None:
    """``percentile`` rounded for a report; None when nothing was measured (nothing arrived)."""
    ordered = list(values)
    return round(percentile(ordered, pct), digits) if ordered else None


def expect(pipe: Connection, what: Any, timeout: float) -> Any:
    """The next message from a child process: ``what`` exactly, or anything when None.

    A child that hangs or says something else ends the bench with the reason, rather than
    leaving it waiting for ever.
    """
    if not pipe.poll(timeout):
        raise SystemExit(f"bench: a child process did not answer within {timeout} s")
    got = pipe.recv()
    if what is not None and got != what:
        raise SystemExit(f"bench: expected {what!r}, got {got!r}")
    return got


def raise_open_files(needed: int) -> None:
    """Each connection is a file descriptor on both sides; children inherit the raised limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
