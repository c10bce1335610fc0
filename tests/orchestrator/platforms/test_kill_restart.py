"""The real service killed (kill -9) in the middle of platform set-up, then restarted."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from kernel.db import open_db
from orchestrator.platforms import resources
from schedules.model import Event
from tests.orchestrator.helpers import save, small_event
from tests.orchestrator.service_process import ROOT, ServiceProcess, free_port, logged_in

KINDS = ("zoomMeeting", "liveBroadcast", "liveStream")


@pytest.fixture
async def sandbox_url(tmp_path: Path) -> AsyncIterator[str]:
    """`python -m orchestrator.sandbox` as its own process, with 20 % faults."""
    port = free_port()
    cmd = [sys.executable, "-m", "orchestrator.sandbox", "--port", str(port),
           "--faults", "0.2", "--seed", "3", "--retry-after", "mixed"]  # fmt: skip
    with (tmp_path / "sandbox.log").open("wb") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        await wait_for(lambda: sandbox_state(url), timeout=30)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


async def sandbox_state(url: str) -> dict[str, Any] | None:
    try:
        async with aiohttp.ClientSession() as session, session.get(f"{url}/_sandbox/state") as r:
            return await r.json() if r.status == 200 else None
    except aiohttp.ClientError:
        return None


async def wait_for(probe: Callable[[], Any], timeout: float, every: float = 0.01) -> Any:
    """Poll an async probe until it returns something truthy, with a deadline."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = await probe()
        if result:
            return result
        await asyncio.sleep(every)
    raise AssertionError("nothing happened in time")


def saved_row(db_path: Path, scope: str) -> resources.Resources | None:
    """Read the service's platform row straight from its database (WAL: safe while it runs)."""
    db = open_db(db_path)
    try:
        rows = resources.load(db, scope)
    finally:
        db.close()
    return rows[0] if rows else None


async def move_show(url: str, event: Event, first_slot: datetime) -> None:
    """Move the show's slots to begin at ``first_slot``, as an organiser does in the editor."""
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as session:
        csrf = await logged_in(session, url, token="org-token")
        for slot in sorted(event.slots, key=lambda s: s.start):
            start = first_slot + (slot.start - event.slots[0].start)
            end = start + (slot.end - slot.start)
            local_start, local_end = start.astimezone(event.tz), end.astimezone(event.tz)
            body = {"date": local_start.date().isoformat(),
                    "start": local_start.strftime("%H:%M:%S"),
                    "end": local_end.strftime("%H:%M:%S")}  # fmt: skip
            move = f"{url}/api/editor/slots/{slot.id}/move"
            async with session.post(move, json=body, headers={"X-CSRF-Token": csrf}) as resp:
                assert resp.status == 200, await resp.text()


@pytest.mark.slow
async def test_killed_during_set_up_then_restarted(tmp_path: Path, sandbox_url: str) -> None:
    """kill -9 with the meeting saved but no stream yet: the restart makes nothing twice."""
    # The show is saved hours away and moved near once the service answers: start-up
    # takes from 1 to 10 s as the machine is idle or busy, and set-up must begin after it.
    far = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=3)
    event = small_event(far, slots=2, minutes=5)
    db_path = tmp_path / "pasar.db"
    save(db_path, event)
    env = {
        "PASAR_SANDBOX_URL": sandbox_url,
        "PASAR_PLATFORM_LEAD_MINUTES": "0.15",  # set-up begins 9 s before the first slot
        "PASAR_AUDIENCE_RATE": "0",
    }
    service = ServiceProcess(db_path, env=env)
    scope = f"sandbox:{sandbox_url}"

    async def mid_set_up() -> resources.Resources | None:
        row = saved_row(db_path, scope)
        return row if row and row.meeting_id and not row.stream_id else None

    async def live() -> dict | None:
        state = await sandbox_state(sandbox_url)
        return state if state and "live" in state["broadcasts"].values() else None

    try:
        await service.start()
        first_slot = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=16)
        await move_show(service.url, event, first_slot)  # set-up begins ~7 s from now
        assert saved_row(db_path, scope) is None, "set-up must not have begun yet"
        await wait_for(mid_set_up, timeout=30, every=0.001)
        service.kill()
        row = saved_row(db_path, scope)
        assert row.step == resources.NEW and row.marker and not row.stream_id
        await service.start()
        state = await wait_for(live, timeout=40, every=0.1)
    finally:
        service.stop()
    assert {k: state["creates"].get(k, 0) for k in KINDS} == dict.fromkeys(KINDS, 1)
    assert list(state["streams"].values()) == ["active"]
    assert list(state["meetings"].values()) == ["started"]
    assert saved_row(db_path, scope).meeting_id == row.meeting_id
