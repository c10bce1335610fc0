"""The real service killed (kill -9) in the middle of a buyer's checkout, then restarted.

The sandbox runs as its own process (it outlives the service, as YouTube would); the
buyer is an HTTP client with its own cookie jar, the same one across every restart.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest

from kernel.db import open_db
from tests.orchestrator.checkout.conftest import ADDRESS, paying_event
from tests.orchestrator.helpers import save
from tests.orchestrator.service_process import ROOT, ServiceProcess, free_port

BUDI = {"authorChannelId": "UCbudi000000000000000001", "displayName": "Budi"}
LIST = "liveChatMessages.list"
SARI = {"authorChannelId": "UCsari000000000000000002", "displayName": "Sari"}


async def until(probe, timeout: float = 30.0, every: float = 0.02):
    """Poll an async ``probe`` until it returns something truthy, with a deadline."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := await probe():
            return result
        await asyncio.sleep(every)
    raise AssertionError("nothing happened in time")


@pytest.fixture
async def sandbox_url(tmp_path: Path) -> AsyncIterator[str]:
    """`python -m orchestrator.sandbox` as its own process, read every 200 ms."""
    port = free_port()
    cmd = [sys.executable, "-m", "orchestrator.sandbox", "--port", str(port),
           "--polling-ms", "200"]  # fmt: skip
    with (tmp_path / "sandbox.log").open("wb") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        await until(lambda: sandbox_state(url))
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


async def sandbox_state(url: str) -> dict | None:
    try:
        async with aiohttp.ClientSession() as session, session.get(f"{url}/_sandbox/state") as r:
            return await r.json() if r.status == 200 else None
    except aiohttp.ClientError:
        return None


async def type_in_chat(url: str, chat_id: str, text: str, author: dict) -> None:
    body = {"liveChatId": chat_id, "text": text, **author}
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{url}/_sandbox/chat", json=body) as resp,
    ):
        assert resp.status == 201, await resp.text()


def rows(db_path: Path, sql: str) -> list[tuple]:
    """Read the service's database straight from the file (WAL: safe while it runs)."""
    db = open_db(db_path)
    try:
        return [tuple(r) for r in db.execute(sql).fetchall()]
    finally:
        db.close()


class Buyer:
    """One phone: a cookie jar kept across restarts, and the pages it reads."""

    def __init__(self) -> None:
        self.jar = aiohttp.CookieJar(unsafe=True)  # the service answers on an IP address

    async def page(self, url: str) -> str:
        async with (
            aiohttp.ClientSession(cookie_jar=self.jar) as session,
            session.get(f"{url}/bayar") as resp,
        ):
            assert resp.status == 200
            return await resp.text()

    async def post(self, url: str, path: str, data: dict) -> int:
        async with (
            aiohttp.ClientSession(cookie_jar=self.jar) as session,
            session.post(f"{url}{path}", data=data, allow_redirects=False) as resp,
        ):
            return resp.status


def field(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, f"no {name} on the page"
    return found[1]


@pytest.mark.slow
async def test_killed_through_a_checkout_loses_and_doubles_nothing(tmp_path, sandbox_url):
    """kill -9 while a BAYAR page is read, right after the address is saved and right
    after "Saya sudah bayar" returns: after each restart no claim, binding, address or
    payment is lost or doubled, and the buyer's same cookie still opens their page."""
    db_path = tmp_path / "pasar.db"
    save(db_path, paying_event(datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)))
    # Polled chat, so "a page being read" is one liveChatMessages.list call to kill inside;
    # the streamed chat's own kill test is tests/orchestrator/chat/test_stream_crash.py.
    env = {"PASAR_SANDBOX_URL": sandbox_url, "PASAR_AUDIENCE_RATE": "0",
           "PASAR_CHAT_ANNOUNCEMENTS": "false", "PASAR_YOUTUBE_CHAT": "poll"}  # fmt: skip
    service, buyer = ServiceProcess(db_path, env=env), Buyer()

    async def chat_id() -> str | None:
        state = await sandbox_state(sandbox_url)
        return next(iter(state["chats"]), None) if state else None

    def orders() -> list[tuple]:
        return rows(db_path, "SELECT code, qty, author_id FROM orders ORDER BY id")

    async def three_orders() -> bool:
        return len(orders()) == 3

    try:
        await service.start()
        chat = await until(chat_id, timeout=60)
        await type_in_chat(sandbox_url, chat, "K01 2", BUDI)
        await type_in_chat(sandbox_url, chat, "K02 1", BUDI)
        await type_in_chat(sandbox_url, chat, "K01 1", SARI)
        await until(three_orders, timeout=60)

        # 1. Killed while the chat page holding the BAYAR code is being read: the sandbox
        # has served it; the service may or may not have stored it.
        code = re.search(r"BAYAR (\d{4})", await buyer.page(service.url))[1]
        reads = (await sandbox_state(sandbox_url))["calls"][LIST]
        await type_in_chat(sandbox_url, chat, f"BAYAR {code}", BUDI)

        async def page_served() -> bool:
            return (await sandbox_state(sandbox_url))["calls"][LIST] > reads

        await until(page_served, every=0.002)
        service.kill()
        await service.start()

        async def bound() -> bool:
            return 'class="card parcel' in await buyer.page(service.url)

        await until(bound, timeout=60)
        page = await buyer.page(service.url)
        assert page.count('class="card parcel') == 2

        # 2. Killed right after the address is stored.
        status = await buyer.post(service.url, "/bayar/data",
                                  {**ADDRESS, "csrf_token": field(page, "csrf_token")})  # fmt: skip
        assert status == 303
        service.kill()
        await service.start()
        page = await buyer.page(service.url)
        assert 'value="Budi Santoso"' in page and "Kalimantan 37" in page

        # 3. Killed right after "Saya sudah bayar" returns; the browser then sends it again.
        parcel = re.search(r"/bayar/paket/(\d+)/qris.svg", page)[1]
        form = {"csrf_token": field(page, "csrf_token"), "method": "qris", "amount": "88000",
                "request_id": "crash-1"}  # fmt: skip
        assert await buyer.post(service.url, f"/bayar/paket/{parcel}/sudah-bayar", form) == 303
        service.kill()
        await service.start()
        again = await buyer.post(service.url, f"/bayar/paket/{parcel}/sudah-bayar", form)
        assert again in (303, 409)
        page = await buyer.page(service.url)
        assert "menunggu konfirmasi" in page and "Anda sudah bayar Rp 88.000" in page
    finally:
        service.stop()

    assert orders() == [("K01", 2, BUDI["authorChannelId"]), ("K02", 1, BUDI["authorChannelId"]),
                        ("K01", 1, SARI["authorChannelId"])]  # fmt: skip
    assert rows(db_path, "SELECT platform, author_id FROM buyer_authors") == [
        ("youtube", BUDI["authorChannelId"])
    ]
    assert rows(db_path, "SELECT COUNT(*) FROM buyers WHERE name IS NOT NULL") == [(1,)]
    assert rows(db_path, "SELECT parcel_id, method, amount_idr FROM payments") == [
        (int(parcel), "qris", 88_000)
    ]
    parcels = rows(db_path, "SELECT vendor_id, status FROM parcels ORDER BY id")
    assert sorted(v for v, _ in parcels) == ["v0", "v1"]  # one parcel per vendor, no twin
    assert dict(parcels)["v0"] == "claimed"
    assert rows(db_path, "SELECT COUNT(*) FROM bind_codes WHERE used_utc IS NOT NULL") == [(1,)]
