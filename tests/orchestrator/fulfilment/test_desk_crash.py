"""The vendor's actions across a real ``kill -9``: what the desk answered is kept, once."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest

from schedules.yamlfile import dump_yaml
from tests.orchestrator.checkout.conftest import ADDRESS, paying_event
from tests.orchestrator.helpers import small_event
from tests.orchestrator.service_process import ServiceProcess

pytestmark = pytest.mark.slow

FIELD = re.compile(r'name="(csrf_token|request_id)" value="([^"]*)"')
ENV = {"PASAR_PLATFORMS": "false", "PASAR_AUDIENCE_RATE": "0"}


def write_event(path: Path) -> None:
    """The paying test event, running now."""
    start = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=2)
    paying = paying_event()
    event = replace(small_event(start=start), vendors=paying.vendors, products=paying.products,
                    shipping=paying.shipping)  # fmt: skip
    path.write_text(dump_yaml(event))


async def link_buyer(base: str, qty: int, pay: bool) -> None:
    """A browser that orders K01 by its link, gives an address and (maybe) pays by QRIS."""
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(base, cookie_jar=jar) as http:
        form = dict(FIELD.findall(await (await http.get("/bayar/pesan/K01")).text()))
        async with http.post("/bayar/pesan/K01", data={**form, "qty": str(qty)}) as resp:
            csrf = dict(FIELD.findall(await resp.text()))["csrf_token"]
        async with http.post("/bayar/data", data={**ADDRESS, "csrf_token": csrf}) as resp:
            page = await resp.text()
        if pay:
            parcel = re.search(r"/bayar/paket/(\d+)/sudah-bayar", page)[1]
            amount = re.search(r'name="method" value="qris"><input type="hidden" name="amount"'
                               r' value="(\d+)"', page)[1]  # fmt: skip
            data = {"csrf_token": csrf, "method": "qris", "amount": amount, "request_id": "p1"}
            async with http.post(f"/bayar/paket/{parcel}/sudah-bayar", data=data) as resp:
                assert resp.status == 200, await resp.text()


def rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


async def test_confirm_and_cancel_survive_kill_9(tmp_path):
    """Confirm then cancel a parcel, kill -9 the moment the cancel is answered, restart:
    the parcel stays cancelled, the next buyer stays moved up, nothing is recorded twice,
    and the same form sent again is refused."""
    db, event = tmp_path / "pasar.db", tmp_path / "event.yaml"
    write_event(event)
    service = ServiceProcess(db, "--event", str(event), env=ENV)
    await service.start()
    try:
        await link_buyer(service.url, 10, pay=True)  # all of K01's stock
        await link_buyer(service.url, 2, pay=False)  # waits for stock
        token = rows(db, "SELECT token FROM vendor_links WHERE vendor_id = 'v0'")[0][0]
        desk = f"{service.url}/v/{token}"
        async with aiohttp.ClientSession() as http:
            page = await (await http.get(desk)).text()
            csrf = re.search(r'name="csrf-token" content="([^"]+)"', page)[1]
            parcel = re.search(r'id="paket-(\d+)"', page)[1]
            sent = {"csrf_token": csrf, "status": "claimed"}
            async with http.post(f"{desk}/paket/{parcel}/confirm", data=sent,
                                 allow_redirects=False) as resp:  # fmt: skip
                assert resp.status == 303
            cancel = {"csrf_token": csrf, "status": "paid", "reason": "Stok rusak"}
            async with http.post(f"{desk}/paket/{parcel}/cancel", data=cancel,
                                 allow_redirects=False) as resp:  # fmt: skip
                assert resp.status == 303
            service.kill()
            await service.start()
            async with http.post(f"{desk}/paket/{parcel}/cancel", data=cancel,
                                 allow_redirects=False) as resp:  # fmt: skip
                assert resp.status == 409  # the page is out of date: done already
    finally:
        service.stop()
    assert rows(db, f"SELECT status, note FROM parcels WHERE id = {parcel}") == [
        ("cancelled", "Stok rusak")]  # fmt: skip
    kinds = rows(db, f"SELECT kind FROM parcel_events WHERE parcel_id = {parcel} ORDER BY id")
    assert [k for (k,) in kinds] == ["opened", "paid_claimed", "confirm", "cancel"]
    assert rows(db, "SELECT qty, status FROM orders ORDER BY id") == [(10, "cancelled"),
                                                                       (2, "new")]  # fmt: skip
