"""The orders pages: login, filters, status changes, totals, vendor pages, escaping, live feed."""

from __future__ import annotations

import asyncio
import json

from kernel.keys import ORDER_DESK, PUBLISHER
from orchestrator.orders.desk import TOPIC
from tests.conftest import login
from tests.orchestrator.orders.helpers import chat

XSS = "<img src=x onerror=alert(1)>"


async def fill(client) -> None:
    """Three orders: two for Penjual 0 (K01), one for Penjual 1 (K02)."""
    await client.app[ORDER_DESK].ingest(
        [chat(1, "K01 2", "a1"), chat(2, f"mau K01 {XSS}", "a2", name=f"Eve {XSS}"),
         chat(3, "K02 3", "a3")]
    )  # fmt: skip


async def test_orders_page_needs_a_login(client):
    """Without a login /orders goes to the login page and the JSON answers 401."""
    resp = await client.get("/orders", allow_redirects=False)
    assert resp.status == 302 and resp.headers["Location"].startswith("/login")
    resp = await client.get("/api/orders", headers={"Accept": "application/json"})
    assert resp.status == 401


async def test_host_sees_orders_and_totals_in_rupiah(client):
    """A host sees every order and each vendor's total as ``Rp 123.000``."""
    await fill(client)
    await login(client, "host")
    page = await (await client.get("/orders")).text()
    assert "Rp 120.000" in page  # Penjual 0: 3 x K01 at Rp 40.000
    assert "Rp 123.000" in page  # Penjual 1: 3 x K02 at Rp 41.000
    assert "Menampilkan 3 dari 3 pesanan" in page
    assert "Tautan pribadi penjual" not in page  # only organisers share vendor links


async def test_viewer_html_is_shown_as_text(client):
    """Chat text and names holding HTML are escaped on /orders and on the vendor's page."""
    await fill(client)
    await login(client, "organiser")
    for path in ("/orders", "/v/" + client.app[ORDER_DESK].vendor_links["v0"] + "/pesanan"):
        page = await (await client.get(path)).text()
        assert XSS not in page
        assert "&lt;img src=x onerror=alert(1)&gt;" in page


async def test_filters_by_vendor_status_and_channel(client):
    """Query filters narrow the list; the JSON and the page agree; a bad status is a 400."""
    await fill(client)
    await login(client, "host")
    data = await (await client.get("/api/orders?vendor=v1")).json()
    assert [o["code"] for o in data["orders"]] == ["K02"]
    data = await (await client.get("/api/orders?status=waiting")).json()
    assert data["orders"] == []
    data = await (await client.get("/api/orders?channel=kuliner")).json()
    assert data["count"] == 0
    page = await (await client.get("/orders?vendor=v0")).text()
    assert "Menampilkan 2 dari 2 pesanan" in page
    assert (await client.get("/orders?status=lost")).status == 400


async def test_status_change_by_form_needs_csrf(client):
    """The no-JS form changes a status with its CSRF token and returns to the list."""
    await fill(client)
    csrf = await login(client, "host")
    form = {"status": "confirmed", "next": "/orders?vendor=v0"}
    assert (await client.post("/orders/1/status", data=form)).status == 403
    resp = await client.post(
        "/orders/1/status", data={**form, "csrf_token": csrf}, allow_redirects=False
    )
    assert resp.status == 303 and resp.headers["Location"] == "/orders?vendor=v0"
    data = await (await client.get("/api/orders?status=confirmed")).json()
    assert [o["id"] for o in data["orders"]] == [1]


async def test_status_change_by_json_and_refusals(client):
    """JSON posts change a status; a backward move is refused with 409 and a reason."""
    await fill(client)
    csrf = await login(client, "host")
    headers = {"X-CSRF-Token": csrf, "Accept": "application/json"}
    resp = await client.post("/api/orders/3/status", json={"status": "paid"}, headers=headers)
    assert resp.status == 200
    resp = await client.post("/api/orders/3/status", json={"status": "new"}, headers=headers)
    assert resp.status == 409 and "mundur" in (await resp.json())["error"]
    resp = await client.post("/api/orders/99/status", json={"status": "paid"}, headers=headers)
    assert resp.status == 404
    resp = await client.post("/api/orders/3/status", json={"status": "cancelled"}, headers=headers)
    assert resp.status == 200
    data = await (await client.get("/api/orders?vendor=v1")).json()
    assert data["totals"][0]["total"] == "Rp 0"


async def test_vendor_page_shows_only_that_vendor(client):
    """A vendor's private link lists their orders only, with no login and no referrer."""
    await fill(client)
    token = client.app[ORDER_DESK].vendor_links["v1"]
    resp = await client.get(f"/v/{token}/pesanan")
    assert resp.status == 200
    assert resp.headers["Referrer-Policy"] == "no-referrer"
    page = await resp.text()
    assert "Pesanan Penjual 1" in page and "K02" in page
    assert "K01" not in page and "Eve" not in page
    assert (await client.get("/v/not-a-token")).status == 404


async def test_organiser_sees_vendor_links(client):
    """Organisers get each vendor's private link on /orders to share."""
    await login(client, "organiser")
    page = await (await client.get("/orders")).text()
    for token in client.app[ORDER_DESK].vendor_links.values():
        assert f"/v/{token}" in page


async def test_live_feed_sends_a_snapshot_then_changes(client):
    """/orders/events sends the list at once and again after a new order."""
    await login(client, "host")
    resp = await client.get("/orders/events?channel=utama")
    assert resp.headers["Content-Type"].startswith("text/event-stream")
    first = await read_event(resp)
    assert first["count"] == 0
    await client.app[ORDER_DESK].ingest([chat(1, "K01 1", name=f"Eve {XSS}")])
    second = await read_event(resp)
    assert second["orders"][0]["viewer"] == f"Eve {XSS}"  # raw text; the page uses textContent
    resp.close()


async def test_a_vendors_feed_waits_for_their_own_orders(client):
    """/v/<token>/events stays quiet on another vendor's order and redraws on its own."""
    token = client.app[ORDER_DESK].vendor_links["v1"]  # Penjual 1 sells K02
    resp = await client.get(f"/v/{token}/events")
    assert (await read_event(resp))["count"] == 0
    await client.app[ORDER_DESK].ingest([chat(1, "K01 1", "a1")])  # Penjual 0's
    quiet = asyncio.ensure_future(read_event(resp))
    done, _ = await asyncio.wait([quiet], timeout=0.5)  # the feed's gap is 0.1 s
    assert not done, "the vendor's feed redrew for another vendor's order"
    await client.app[ORDER_DESK].ingest([chat(2, "K02 2", "a2")])
    own = await quiet
    assert own["count"] == 1 and own["orders"][0]["code"] == "K02"
    resp.close()


async def test_order_news_names_the_vendors_whose_orders_moved(client):
    """Each channel's orders message lists the vendors of the orders it reports."""
    heard = []
    client.app[PUBLISHER].listen(TOPIC, heard.append)
    await client.app[ORDER_DESK].ingest([chat(1, "K01 1", "a1"), chat(2, "K02 2", "a2")])
    assert [m.data["vendors"] for m in heard if m.data["created"]] == [["v0", "v1"]]


async def read_event(resp) -> dict:
    """Read the next ``orders`` event of a Server-Sent Events stream."""
    data = None
    while True:
        line = (await asyncio.wait_for(resp.content.readline(), 5)).decode().rstrip("\n")
        if line.startswith("data: "):
            data = json.loads(line[6:])
        elif line == "" and data is not None:
            return data
