"""The buyer's path through the app: claim in chat, bind by code, address, pay, live status."""

from __future__ import annotations

import re

from aiohttp.test_utils import TestClient

from kernel.keys import CHECKOUT, ORDER_DESK, STORE
from orchestrator.checkout import store as checkout_store
from tests.orchestrator.checkout.conftest import ADDRESS, form_value, page_code
from tests.orchestrator.orders.helpers import chat


async def bind(client, author: str = "a1", i: int = 100) -> str:
    page = await (await client.get("/bayar")).text()
    code = page_code(page)
    result = await client.app[ORDER_DESK].ingest([chat(i, f"BAYAR {code}", author)])
    assert result.orders == []  # the code is no order
    return code


async def test_claim_bind_address_and_pay(client):
    desk = client.app[ORDER_DESK]
    await desk.ingest([chat(1, "K01 2", "a1"), chat(2, "K02 1", "a1"), chat(3, "K01 1", "zz")])
    first = await (await client.get("/bayar")).text()
    assert "Belum ada pesanan" in first and "Kopi 0" not in first
    await bind(client)
    page = await (await client.get("/bayar")).text()
    assert "Penjual 0" in page and "Penjual 1" in page  # one parcel per vendor
    assert page.count('class="card parcel') == 2
    assert "Isi data penerima" in page
    csrf = form_value(page, "csrf_token")
    resp = await client.post("/bayar/data", data={**ADDRESS, "csrf_token": csrf},
                             allow_redirects=False)  # fmt: skip
    assert resp.status == 303, await resp.text()
    page = await (await client.get("/bayar")).text()
    assert "&lt;script&gt;" in page and "<script>alert" not in page
    # K01 x2 at 40.000, 800 g to Kabupaten Jember: 8.000 for the first kg.
    assert "Rp 80.000" in page and "Rp 8.000" in page and "Rp 88.000" in page
    parcel_id = int(re.search(r"/bayar/paket/(\d+)/qris.svg", page)[1])
    svg = await client.get(f"/bayar/paket/{parcel_id}/qris.svg")
    assert svg.status == 200 and svg.content_type == "image/svg+xml"
    resp = await client.post(
        f"/bayar/paket/{parcel_id}/sudah-bayar",
        data={"csrf_token": csrf, "method": "qris", "amount": "88000", "request_id": "r1"},
        allow_redirects=False,
    )
    assert resp.status == 303, await resp.text()
    page = await (await client.get("/bayar")).text()
    assert "menunggu konfirmasi" in page and "Anda sudah bayar Rp 88.000" in page
    orders = {o.code: o.status for o in await client.app[STORE].run(
        lambda db: checkout_store.order_store.viewer_orders(db, [("youtube", "a1")]))}  # fmt: skip
    assert orders == {"K01": "confirmed", "K02": "new"}


async def test_a_second_browser_sees_nothing_personal(client):
    await client.app[ORDER_DESK].ingest([chat(1, "K01 2", "a1")])
    await bind(client)
    page = await (await client.get("/bayar")).text()
    await client.post("/bayar/data", data={**ADDRESS, "csrf_token": form_value(page, "csrf_token")})
    other = TestClient(client.server)
    try:
        seen = await (await other.get("/bayar")).text()
        assert "Budi Santoso" not in seen and "3456" not in seen and "Kalimantan" not in seen
        assert "Penjual 0" not in seen
        assert page_code(seen) != page_code(page)
        resp = await other.get("/bayar/paket/1/qris.svg")
        assert resp.status in (403, 404)
    finally:
        await other.close()


async def test_wrong_and_reused_codes_bind_nothing(client):
    desk = client.app[ORDER_DESK]
    await desk.ingest([chat(1, "K01 1", "a1"), chat(2, "K02 1", "eve")])
    page = await (await client.get("/bayar")).text()
    code = page_code(page)
    wrong = f"{(int(code) + 1) % 10000:04d}"
    await desk.ingest([chat(3, f"BAYAR {wrong}", "a1")])
    assert "Penjual 0" not in await (await client.get("/bayar")).text()
    await desk.ingest([chat(4, f"BAYAR {code}", "a1")])
    assert "Penjual 0" in await (await client.get("/bayar")).text()
    await desk.ingest([chat(5, f"BAYAR {code}", "eve")])  # the used code, typed by another
    page = await (await client.get("/bayar")).text()
    assert "Penjual 1" not in page


async def test_an_author_is_bound_once(client):
    desk = client.app[ORDER_DESK]
    await desk.ingest([chat(1, "K01 1", "a1")])
    await bind(client, "a1", 10)
    other = TestClient(client.server)
    try:
        code = page_code(await (await other.get("/bayar")).text())
        await desk.ingest([chat(11, f"BAYAR {code}", "a1")])
        assert "Penjual 0" not in await (await other.get("/bayar")).text()
        assert "Penjual 0" in await (await client.get("/bayar")).text()
    finally:
        await other.close()


async def test_posts_need_the_buyers_token(client):
    await client.app[ORDER_DESK].ingest([chat(1, "K01 1", "a1")])
    await bind(client)
    resp = await client.post("/bayar/data", data={**ADDRESS, "csrf_token": "nope"})
    assert resp.status == 403
    resp = await client.post("/bayar/data", data={**ADDRESS},
                             headers={"Origin": "https://evil.example"})  # fmt: skip
    assert resp.status == 403


async def test_order_link_shop_claims_without_chat(client):
    landing = await (await client.get("/o/K02")).text()
    assert 'href="/bayar/pesan/K02"' in landing
    form = await (await client.get("/bayar/pesan/K02")).text()
    sent = {"qty": "2", "request_id": form_value(form, "request_id"),
            "csrf_token": form_value(form, "csrf_token")}  # fmt: skip
    resp = await client.post("/bayar/pesan/K02", data=sent, allow_redirects=False)
    assert resp.status == 303 and resp.headers["Location"].startswith("/bayar")
    again = await client.post("/bayar/pesan/K02", data=sent, allow_redirects=False)
    assert again.status == 303  # the same form sent twice
    missing = await client.get("/bayar/pesan/ZZ9")
    assert missing.status == 404
    page = await (await client.get("/bayar")).text()
    assert "Penjual 1" in page and page.count("2 × Rp 41.000") == 1


async def test_bad_details_are_shown_and_kept(client):
    await client.app[ORDER_DESK].ingest([chat(1, "K01 1", "a1")])
    await bind(client)
    page = await (await client.get("/bayar")).text()
    form = {**ADDRESS, "postal_code": "12", "province": "Atlantis",
            "csrf_token": form_value(page, "csrf_token")}  # fmt: skip
    resp = await client.post("/bayar/data", data=form)
    text = await resp.text()
    assert resp.status == 400
    assert "Kode pos 5 angka" in text and "Pilih provinsi" in text
    assert 'value="Budi Santoso"' in text


async def test_checkout_is_running(client):
    assert client.app[CHECKOUT] is not None
