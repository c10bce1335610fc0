"""Zoom chat orders across a real ``kill -9``: every message makes its order exactly once."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sqlite3
import subprocess
import sys
from contextlib import suppress
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest

from schedules.model import Channel
from schedules.yamlfile import dump_yaml
from tests.orchestrator.helpers import small_event
from tests.orchestrator.orders.helpers import MEETING_ID, SECRET, signed, zoom_event

ROOT = Path(__file__).resolve().parents[3]
MESSAGES = 60  # 20 for each of K01..K03; each has stock 10
CODES = ("K01", "K02", "K03")

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_event(path: Path) -> None:
    """The small test event running now, with channel utama's Zoom meeting set."""
    start = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=2)
    channel = Channel("utama", "Panggung Utama", MEETING_ID)
    path.write_text(dump_yaml(replace(small_event(start=start), channels=[channel])))


def start(db: Path, event: Path, port: int, log: Path) -> subprocess.Popen:
    """Run ``run.py`` as its own process, as a user would."""
    env = {**os.environ, "PASAR_ORGANISER_TOKEN": "org-token", "PASAR_HOST_TOKEN": "host-token",
           "PASAR_ZOOM_WEBHOOK_SECRET": SECRET, "PASAR_PLATFORMS": "false",
           "PASAR_AUDIENCE_RATE": "0"}  # fmt: skip
    env.pop("PASAR_CONFIG", None)
    cmd = [sys.executable, "run.py", "--port", str(port), "--overlay-port", "0",
           "--db", str(db), "--event", str(event)]  # fmt: skip
    with log.open("ab") as out:
        return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


async def wait_healthy(session: aiohttp.ClientSession, base: str, proc: subprocess.Popen) -> None:
    deadline = asyncio.get_running_loop().time() + 30
    while True:
        assert proc.poll() is None, "the service exited while starting"
        with suppress(aiohttp.ClientError):
            async with session.get(f"{base}/healthz") as resp:
                if resp.status == 200:
                    return
        assert asyncio.get_running_loop().time() < deadline, "service did not start in 30 s"
        await asyncio.sleep(0.05)


async def send(session: aiohttp.ClientSession, base: str, i: int) -> int:
    """Deliver chat message ``i`` as Zoom would (signed now); return the HTTP status."""
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    event = zoom_event(f"zm-{i}", f"mau {CODES[i % 3]} 1", sender=f"Viewer {i}", date_time=now)
    body, headers = signed(event)
    async with session.post(f"{base}/webhooks/zoom", data=body, headers=headers) as resp:
        return resp.status


def stop(proc: subprocess.Popen, sig: int) -> None:
    if proc.poll() is None:
        proc.send_signal(sig)
    proc.wait(timeout=20)


async def test_orders_survive_kill_9_and_redelivery(tmp_path):
    """Kill -9 mid-delivery, restart, resend all: each message is one order, stock holds."""
    db, event, log = tmp_path / "pasar.db", tmp_path / "event.yaml", tmp_path / "service.log"
    write_event(event)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as session:
        proc = start(db, event, port, log)
        try:
            await wait_healthy(session, base, proc)
            for i in range(MESSAGES // 2):
                assert await send(session, base, i) == 200
            # The rest go out at once; the service dies while they are in flight.
            flight = [asyncio.ensure_future(send(session, base, i)) for i in range(30, MESSAGES)]
            await asyncio.wait(flight, return_when=asyncio.FIRST_COMPLETED)
            proc.send_signal(signal.SIGKILL)
            answers = await asyncio.gather(*flight, return_exceptions=True)
        finally:
            stop(proc, signal.SIGKILL)
        acknowledged = {f"zm-{i}" for i in range(30)}
        acknowledged |= {f"zm-{30 + n}" for n, status in enumerate(answers) if status == 200}
        assert acknowledged <= stored_ids(db)  # what Zoom was told is stored, is
        proc = start(db, event, port, log)
        try:
            await wait_healthy(session, base, proc)
            statuses = [await send(session, base, i) for i in range(MESSAGES)]
            assert statuses == [200] * MESSAGES
        finally:
            stop(proc, signal.SIGTERM)
    check_orders(db)


def stored_ids(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {r[0] for r in conn.execute("SELECT message_id FROM chat_messages")}


def check_orders(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        ids = [r[0] for r in conn.execute("SELECT message_id FROM orders ORDER BY id")]
        statuses = dict(
            (f"{code}:{status}", n)
            for code, status, n in conn.execute(
                "SELECT code, status, COUNT(*) FROM orders GROUP BY code, status"
            )
        )
        messages = conn.execute("SELECT COUNT(*) FROM chat_messages").fetchone()[0]
    assert sorted(ids) == sorted(f"zm-{i}" for i in range(MESSAGES))
    assert messages == MESSAGES
    assert statuses == {f"{c}:{s}": 10 for c in CODES for s in ("new", "waiting")}
