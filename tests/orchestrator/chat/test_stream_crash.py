"""Streaming chat across a real ``kill -9``: every typed message is stored and ordered once."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.orchestrator.helpers import save, small_event
from tests.orchestrator.platforms.test_kill_restart import sandbox_state, wait_for
from tests.orchestrator.service_process import ROOT, ServiceProcess, free_port

pytestmark = pytest.mark.slow
BEFORE, DURING, AFTER = 60, 60, 30  # messages typed before, around and after the kill


@pytest.fixture
async def sandbox_url(tmp_path: Path) -> AsyncIterator[str]:
    """`python -m orchestrator.sandbox` as its own process, streaming on a free gRPC port."""
    port = free_port()
    cmd = [sys.executable, "-m", "orchestrator.sandbox", "--port", str(port), "--grpc-port", "0"]
    with (tmp_path / "sandbox.log").open("wb") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        await wait_for(lambda: sandbox_state(url), timeout=30)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def db_rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    """Read the service's database while it runs (WAL: readers never block it)."""
    with sqlite3.connect(db) as conn:
        return list(conn.execute(sql))


async def type_messages(session: aiohttp.ClientSession, url: str, chat_id: str,
                        first: int, count: int) -> list[str]:  # fmt: skip
    """Type ``count`` viewer messages into the sandbox chat; return their ids."""
    ids = []
    for i in range(first, first + count):
        body = {"liveChatId": chat_id, "text": "K01 1", "displayName": f"Penonton {i}",
                "authorChannelId": f"UCviewer{i:04d}"}  # fmt: skip
        async with session.post(f"{url}/_sandbox/chat", json=body) as resp:
            assert resp.status == 201
            ids.append((await resp.json())["id"])
    return ids


async def test_stream_survives_kill_9_with_nothing_lost_or_doubled(tmp_path: Path, sandbox_url):
    """kill -9 while messages stream in; after the restart the stream resumes from the
    saved token and every message is one stored message and one order."""
    db = tmp_path / "pasar.db"
    save(db, small_event(datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)))
    service = ServiceProcess(db, env={"PASAR_SANDBOX_URL": sandbox_url, "PASAR_AUDIENCE_RATE": "0"})

    async def streaming() -> dict | None:
        state = await sandbox_state(sandbox_url)
        return state if state and state["calls"].get("liveChatMessages.streamList") else None

    def stored() -> int:
        return db_rows(db, "SELECT COUNT(*) FROM chat_messages")[0][0]

    def stored_at_least(count: int):
        async def probe() -> bool:
            return stored() >= count

        return probe

    async with aiohttp.ClientSession() as session:
        try:
            await service.start()
            state = await wait_for(streaming, timeout=60, every=0.05)
            [chat_id] = state["chats"]
            sent = await type_messages(session, sandbox_url, chat_id, 0, BEFORE)
            await wait_for(lambda: asyncio.sleep(0, stored() >= BEFORE // 2), timeout=30)
            typing = asyncio.create_task(
                type_messages(session, sandbox_url, chat_id, BEFORE, DURING)
            )
            await wait_for(lambda: asyncio.sleep(0, stored() > BEFORE // 2), timeout=30)
            service.kill()
            sent += await typing
            sent += await type_messages(session, sandbox_url, chat_id, BEFORE + DURING, AFTER)
            opened_before = len((await sandbox_state(sandbox_url))["stream_tokens"])
            await service.start()
            total = BEFORE + DURING + AFTER
            await wait_for(stored_at_least(total), timeout=60, every=0.05)
        finally:
            service.stop()
        tokens = (await sandbox_state(sandbox_url))["stream_tokens"]
    assert tokens[opened_before], "the restarted service resumed from its saved token"
    messages = [r[0] for r in db_rows(db, "SELECT message_id FROM chat_messages")]
    orders = [r[0] for r in db_rows(db, "SELECT message_id FROM orders")]
    assert sorted(messages) == sorted(orders) == sorted(sent)
    statuses = dict(db_rows(db, "SELECT status, COUNT(*) FROM orders GROUP BY status"))
    assert statuses == {"new": 10, "waiting": len(sent) - 10}  # stock 10, the rest wait
