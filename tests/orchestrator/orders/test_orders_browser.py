"""The orders page in a real Chromium on a phone: live rows, viewer HTML as text, status buttons."""

from __future__ import annotations

from dataclasses import replace

import pytest
from aiohttp import web
from playwright.async_api import async_playwright, expect

from kernel.keys import ORDER_DESK
from orchestrator.app import create_app
from tests.conftest import CHROMIUM_ARGS
from tests.orchestrator.helpers import save
from tests.orchestrator.orders.helpers import SECRET, chat

pytestmark = pytest.mark.browser

XSS = "<img src=x onerror=\"document.title='pwned'\">"


@pytest.fixture
async def served(settings, clock, event):
    """Serve the app on 127.0.0.1, port 0; yield its address and the app."""
    save(settings.db, event)
    app = create_app(replace(settings, zoom_webhook_secret=SECRET), clock=clock)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    yield f"http://{host}:{port}", app
    await runner.cleanup()


async def test_live_order_shows_html_as_text_and_confirms(served, chromium: str):
    """A new order appears without reload, its HTML shown as text; Konfirmasi moves it on."""
    base, app = served
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = await browser.new_page(viewport={"width": 390, "height": 844})
        await page.goto(f"{base}/login?token=host-token&next=/orders")
        await expect(page.locator("#conn")).to_have_attribute("data-state", "open")
        await app[ORDER_DESK].ingest([chat(1, f"mau K01 2 {XSS}", name=f"Eve {XSS}")])
        row = page.locator('tr[data-id="1"]')
        await expect(row.locator("td.chat")).to_contain_text(XSS)
        assert await page.locator("td img").count() == 0
        assert await page.title() != "pwned"
        await row.get_by_role("button", name="Konfirmasi").click()
        await expect(row.locator(".badge")).to_have_text("dikonfirmasi")
        await browser.close()


async def test_vendor_page_is_live_under_its_strict_policy(served, chromium: str):
    """The vendor's page (no login, strict CSP) shows its new orders live, and no others."""
    base, app = served
    token = app[ORDER_DESK].vendor_links["v1"]
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = await browser.new_page(viewport={"width": 360, "height": 740})
        blocked: list[str] = []
        page.on(
            "console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None
        )
        await page.goto(f"{base}/v/{token}/pesanan")
        await expect(page.locator("#conn")).to_have_attribute("data-state", "open")
        await app[ORDER_DESK].ingest([chat(1, "K01 1", "a1"), chat(2, "K02 4", "a2")])
        await expect(page.locator("tbody[data-part=orders] tr")).to_have_count(1)
        await expect(page.locator('tr[data-id="2"]')).to_contain_text("K02")
        await expect(page.locator("tbody[data-part=totals]")).to_contain_text("Rp 164.000")
        assert blocked == []
        await browser.close()
