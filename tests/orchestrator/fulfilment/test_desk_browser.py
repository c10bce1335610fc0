"""The vendor's desk in a real Chromium at phone size: confirm, labels, ship, the buyer sees it.

The buyers are set up over plain HTTP (claim, bind, address, pay); the vendor then works
their desk in Chromium, prints the labels (print media and a PDF), and ships with a resi
while the buyer's page, open in another tab, shows the resi without a reload.
"""

from __future__ import annotations

import re

import pytest
from aiohttp import ClientSession, CookieJar, web
from playwright.async_api import async_playwright, expect

from kernel.keys import ORDER_DESK
from orchestrator.app import create_app
from tests.conftest import CHROMIUM_ARGS, screenshots
from tests.orchestrator.checkout.conftest import ADDRESS, form_value, page_code, paying_event
from tests.orchestrator.fulfilment.conftest import form_value_for
from tests.orchestrator.helpers import save
from tests.orchestrator.orders.helpers import chat

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
async def served(settings, clock):
    """Serve the app on 127.0.0.1, port 0; yield its address and the app."""
    save(settings.db, paying_event())
    app = create_app(settings, clock=clock)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    yield f"http://{host}:{port}", app
    await runner.cleanup()


async def paying_buyer(base: str, app, author: str, i: int, name: str) -> tuple[str, int]:
    """A buyer who claims K01 in chat, binds, gives an address and pays by QRIS over HTTP;
    returns their checkout cookie and parcel id."""
    async with ClientSession(base, cookie_jar=CookieJar(unsafe=True)) as http:
        await app[ORDER_DESK].ingest([chat(i, "K01 2", author)])
        page = await (await http.get("/bayar")).text()
        await app[ORDER_DESK].ingest([chat(i + 1, f"BAYAR {page_code(page)}", author)])
        csrf = form_value(await (await http.get("/bayar")).text(), "csrf_token")
        await http.post("/bayar/data", data={**ADDRESS, "name": name, "csrf_token": csrf})
        page = await (await http.get("/bayar")).text()
        parcel_id = int(re.findall(r'id="paket-(\d+)"', page)[-1])
        amount = form_value_for(page, parcel_id, "qris")
        sent = {"csrf_token": csrf, "method": "qris", "amount": amount, "request_id": f"r{i}"}
        resp = await http.post(f"/bayar/paket/{parcel_id}/sudah-bayar", data=sent)
        assert resp.status == 200, await resp.text()  # followed to /bayar
        cookie = next(c for c in http.cookie_jar if c.key == "pasar_pembeli").value
    return cookie, parcel_id


async def test_vendor_confirms_prints_and_ships_and_the_buyer_sees_it_live(served, chromium):
    """At phone size: confirm two payments, print one A6 label each, ship one with a resi;
    the buyer's open page shows the resi live; no CSP violation on the way."""
    base, app = served
    artifacts = screenshots("vendor")
    cookie, first = await paying_buyer(base, app, "a1", 1, "Budi Santoso")
    _, second = await paying_buyer(base, app, "a2", 10, "Sari Dewi")
    desk = f"{base}/v/{app[ORDER_DESK].vendor_links['v0']}"
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        vendor = await browser.new_context(viewport=PHONE, is_mobile=True)
        blocked: list[str] = []
        page = await vendor.new_page()
        page.on(
            "console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None
        )
        await page.goto(desk)
        await expect(page.locator("#conn")).to_have_attribute("data-state", "open")
        await expect(page.locator(".count-confirm strong")).to_have_text("2")
        # The countdown runs on the server's (manual) clock: v0's slot is on air at T0+1 min.
        await expect(page.locator(".countdown")).to_contain_text("SEDANG TAYANG · sisa 9 menit")
        for left, parcel in ((1, first), (0, second)):
            card = page.locator(f"#paket-{parcel}")
            await card.get_by_role("button", name="Konfirmasi pembayaran").click()
            await expect(page.locator(".count-confirm strong")).to_have_text(str(left))
            await expect(page.locator(f"#paket-{parcel}")).to_have_count(0)  # moved on
        await page.locator(".count-pack").click()
        await expect(page.locator(".count-pack strong")).to_have_text("2")
        for parcel in (first, second):
            await expect(page.locator(f"#paket-{parcel} .badge.status")).to_have_text("dibayar")
        await page.screenshot(path=str(artifacts / "desk.png"), full_page=True)

        labels = await vendor.new_page()
        labels.on(
            "console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None
        )
        await labels.goto(f"{desk}/label")
        await labels.emulate_media(media="print")
        await expect(labels.locator("section.label")).to_have_count(2)
        await expect(labels.locator(".screen-only").first).to_be_hidden()
        box = await labels.locator("section.label").first.bounding_box()
        assert 390 <= box["width"] <= 400 and 550 <= box["height"] <= 565  # 105 × 148 mm at 96 dpi
        pdf = await labels.pdf(prefer_css_page_size=True)
        assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 2
        await labels.emulate_media(media="screen")
        await labels.screenshot(path=str(artifacts / "labels.png"), full_page=True)

        buyer = await browser.new_context(viewport=PHONE, is_mobile=True)
        host = re.match(r"http://([^:/]+)", base)[1]
        await buyer.add_cookies([{"name": "pasar_pembeli", "value": cookie, "domain": host,
                                  "path": "/"}])  # fmt: skip
        shop = await buyer.new_page()
        await shop.goto(f"{base}/bayar")
        await expect(shop.locator(f"#paket-{first} .badge.status")).to_have_text("dibayar")

        card = page.locator(f"#paket-{first}")
        await card.locator("summary", has_text="Kirim").click()
        await card.locator("select[name=courier]").select_option("jne")
        await card.locator("input[name=resi]").fill("CGK1234567890123")
        await card.get_by_role("button", name="Kirim", exact=True).click()
        await expect(page.locator(".count-shipped strong")).to_have_text("1")
        await expect(page.locator(".count-pack strong")).to_have_text("1")
        await expect(shop.locator(f"#paket-{first} .resi")).to_have_text("CGK1234567890123")
        await expect(shop.locator(f"#paket-{first}")).to_contain_text("JNE")
        await shop.screenshot(path=str(artifacts / "buyer-shipped.png"), full_page=True)
        assert blocked == []
        await browser.close()
