"""Buyers who claimed, bound, gave an address and paid, and the vendors' desks they reach."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from aiohttp import FormData
from aiohttp.test_utils import TestClient

from kernel.keys import ORDER_DESK
from tests.orchestrator.checkout.conftest import (  # noqa: F401 - fixtures used here
    ADDRESS,
    clock,
    form_value,
    page_code,
    paying_event,
)
from tests.orchestrator.checkout.conftest import client as app_client  # noqa: F401
from tests.orchestrator.orders.helpers import chat

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
async def client(app_client):  # noqa: F811
    """The app's client; the other buyers' browsers it opens are closed afterwards."""
    app_client.browsers = []
    yield app_client
    for browser in app_client.browsers:
        await browser.close()


@dataclass
class Buyer:
    """One buyer's browser and what the tests need of it."""

    browser: TestClient
    csrf: str
    parcel_id: int | None


async def buyer(
    client, author: str, i: int, order: str = "K01 2", address: dict | None = None,
    pay: str | None = "qris", proof: bytes | None = None,
) -> Buyer:  # fmt: skip
    """A new browser whose chat author claims ``order``, binds, fills ``address``, pays."""
    browser = client if author == "a1" else TestClient(client.server)
    if browser is not client:
        client.browsers.append(browser)
    desk = client.app[ORDER_DESK]
    await desk.ingest([chat(i, order, author)])
    page = await (await browser.get("/bayar")).text()
    await desk.ingest([chat(i + 1, f"BAYAR {page_code(page)}", author)])
    csrf = form_value(await (await browser.get("/bayar")).text(), "csrf_token")
    resp = await browser.post("/bayar/data", data={**(address or ADDRESS), "csrf_token": csrf},
                              allow_redirects=False)  # fmt: skip
    assert resp.status == 303, await resp.text()
    page = await (await browser.get("/bayar")).text()
    found = re.findall(r'id="paket-(\d+)"', page)
    parcel_id = int(found[-1]) if found else None
    if pay and parcel_id:
        amount = form_value_for(page, parcel_id, pay)
        data = FormData({"csrf_token": csrf, "method": pay, "amount": amount,
                         "request_id": f"r{i}"})  # fmt: skip
        if proof:
            data.add_field("proof", proof, filename="bukti.png", content_type="image/png")
        resp = await browser.post(f"/bayar/paket/{parcel_id}/sudah-bayar", data=data,
                                  allow_redirects=False)  # fmt: skip
        assert resp.status == 303, await resp.text()
    return Buyer(browser, csrf, parcel_id)


def form_value_for(page: str, parcel_id: int, method: str) -> str:
    """The amount the parcel's pay form for ``method`` sends."""
    pattern = (rf'action="/bayar/paket/{parcel_id}/sudah-bayar".*?name="method" value="{method}">'
               r'<input type="hidden" name="amount" value="(\d+)"')  # fmt: skip
    found = re.search(pattern, page, re.S)
    assert found, f"no {method} form for parcel {parcel_id}"
    return found[1]


def desk_url(client, vendor: str = "v0") -> str:
    return "/v/" + client.app[ORDER_DESK].vendor_links[vendor]


async def desk_csrf(client, vendor: str = "v0") -> str:
    page = await (await client.get(desk_url(client, vendor))).text()
    return re.search(r'name="csrf-token" content="([^"]+)"', page)[1]


async def act(client, vendor: str, parcel_id: int, action: str, status: str, **fields):
    """Post one desk action as the vendor's page would."""
    data = {"csrf_token": await desk_csrf(client, vendor), "status": status, **fields}
    return await client.post(f"{desk_url(client, vendor)}/paket/{parcel_id}/{action}",
                             data=data, allow_redirects=False)  # fmt: skip
