"""Zoom chat orders end to end: the sandbox's Zoom signs webhooks, as Zoom does, and sends
them to the real service process for the meeting the service created itself."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from orchestrator.sandbox import start_sandbox
from tests.orchestrator.helpers import save, small_event
from tests.orchestrator.platforms.test_kill_restart import saved_row, wait_for
from tests.orchestrator.service_process import ServiceProcess

SECRET = "zoom-secret-e2e"


def orders(db_path: Path) -> list[tuple]:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return conn.execute(
            "SELECT platform, channel, code, qty FROM orders ORDER BY id"
        ).fetchall()
    finally:
        conn.close()


@pytest.mark.slow
async def test_chat_in_the_services_own_meeting_becomes_orders_also_after_a_restart(tmp_path):
    """The meeting the service made maps to its channel at once, and again after kill -9."""
    first_slot = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=5)
    db_path = tmp_path / "pasar.db"
    save(db_path, small_event(first_slot, slots=2, minutes=30))
    async with await start_sandbox("127.0.0.1", 0) as sandbox:
        url = sandbox.base_url.rstrip("/")
        env = {"PASAR_SANDBOX_URL": url, "PASAR_PLATFORM_LEAD_MINUTES": "1",
               "PASAR_AUDIENCE_RATE": "0", "PASAR_ZOOM_WEBHOOK_SECRET": SECRET}  # fmt: skip
        service = ServiceProcess(db_path, env=env)
        scope = f"sandbox:{url}"

        async def meeting() -> str | None:
            row = saved_row(db_path, scope)
            return row.meeting_id if row and row.meeting_id else None

        try:
            await service.start()
            sandbox.configure_zoom_webhook(f"{service.url}/webhooks/zoom", SECRET)
            assert await sandbox.validate_zoom_webhook()
            meeting_id = await wait_for(meeting, timeout=30)
            first = await sandbox.send_zoom_chat(int(meeting_id), "mau K01 2 kak", "Sari")
            assert first.status == 200 and '"ok"' in first.response_text, first.response_text
            assert orders(db_path) == [("zoom", "utama", "K01", 2)]
            await asyncio.to_thread(service.kill)
            await service.start()
            again = await sandbox.send_zoom_chat(int(meeting_id), "K01 1", "Budi")
            assert again.status == 200 and '"ok"' in again.response_text, again.response_text
            assert orders(db_path)[-1] == ("zoom", "utama", "K01", 1)
        finally:
            # Off the loop: the in-process sandbox must keep answering the calls the
            # service makes while it shuts down, or both wait for each other.
            await asyncio.to_thread(service.stop)
