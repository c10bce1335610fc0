"""Tuning the interpreter for a latency-sensitive event loop, once start-up is done."""

from __future__ import annotations

import gc
import sys


def settle_memory() -> None:
    """Move what start-up built (event, templates, API discovery) out of the collector's way.

    Full garbage collections over that long-lived heap were the longest pauses of the
    event loop (tens of ms); frozen objects are never scanned again.
    """
    gc.collect()
    gc.freeze()
    # Platform calls run in worker threads; a short GIL switch interval lets the event
    # loop (rotation, overlays) take the GIL back within 1 ms instead of 5.
    sys.setswitchinterval(0.001)
