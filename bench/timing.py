"""What benches share: percentiles, and waiting on or for their child processes.

Standard library only: the fan-out benches import it into server processes whose RSS is
one of the figures, so it must not pull the app (or aiohttp) in with it. The app served
and timed for a bench is ``bench/served.py``.
"""

from __future__ import annotations

import math
import os
import resource
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


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


def wait_ready(url: str, proc: subprocess.Popen, seconds: float = 60.0) -> None:
    """Poll ``url`` until it answers 200, the process dies, or the deadline passes."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode} before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=1) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"{url} did not answer within {seconds:.0f} s")


def free_port() -> int:
    """A loopback port free just now, for a server in another process."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_service(db: Path, port: int) -> subprocess.Popen:
    """The real service (``run.py``) on ``port`` with ``db``: no platforms, logs quiet."""
    env = {
        **os.environ,
        "PASAR_ORGANISER_TOKEN": "bench-org",
        "PASAR_HOST_TOKEN": "bench-host",
        "PASAR_PLATFORMS": "false",
        "PASAR_AUDIENCE_RATE": "0",
        "PASAR_LOG_LEVEL": "WARNING",
    }
    cmd = [sys.executable, str(ROOT / "run.py"), "--port", str(port), "--overlay-port", "0",
           "--db", str(db)]  # fmt: skip
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
