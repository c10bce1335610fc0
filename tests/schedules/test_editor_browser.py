"""The organiser editor in a real Chromium, phone-sized, against the real app on a real port."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from aiohttp import web
from playwright.async_api import async_playwright, expect

from kernel.clock import ManualClock
from kernel.db import open_db
from orchestrator.app import create_app
from orchestrator.settings import Settings
from schedules import store
from schedules.model import Channel, Event, Product, Slot, Vendor
from tests.conftest import CHROMIUM_ARGS, screenshots

pytestmark = pytest.mark.browser

WIB = ZoneInfo("Asia/Jakarta")
NOW = datetime(2027, 2, 15, 8, 0, tzinfo=UTC)  # 15:00 WIB


def at(hhmm: str) -> datetime:
    hour, minute = map(int, hhmm.split(":"))
    return datetime(2027, 2, 15, hour, minute, tzinfo=WIB).astimezone(UTC)


def sample_event() -> Event:
    return Event(
        "Pasar Uji",
        channels=[Channel("utama", "Panggung Utama")],
        vendors=[Vendor("kopi", "Kopi Rakyat Sidomulyo"), Vendor("batik", "Batik Labako")],
        products=[
            Product("K01", "kopi", "Kopi Robusta Bubuk 250 g", 43000),
            Product("B01", "batik", "Kain Batik Tulis Labako 2 m", 589000),
        ],
        slots=[
            Slot("sapa", "utama", at("14:30"), at("14:40"), title="Pembukaan & sapa penonton"),
            Slot("kopi", "utama", at("15:40"), at("15:50"), "kopi", ("K01",)),
            Slot("batik", "utama", at("15:50"), at("16:00"), "batik", ("B01",)),
        ],
    )


@pytest.fixture
async def base_url(settings: Settings):
    """Serve the app with a pinned clock on 127.0.0.1, port 0, and yield its address."""
    db = open_db(settings.db)
    store.migrate(db)
    store.save_event(db, sample_event())
    db.close()
    app = create_app(settings, clock=ManualClock(NOW))
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    yield f"http://{host}:{port}"
    await runner.cleanup()


async def test_organiser_moves_a_slot_on_a_phone(base_url: str, chromium: str):
    """Log in by link, move Kopi's slot through the form, and see it moved on the schedule."""
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = await browser.new_page(viewport={"width": 390, "height": 844})
        await page.goto(f"{base_url}/login?token=org-token&next=/editor")
        kopi = page.locator("#slot-kopi")
        await expect(kopi.locator(".start")).to_have_text("15:40 WIB")
        await expect(page.locator("#slot-sapa .badge")).to_have_text("terkunci (locked)")
        await kopi.get_by_role("link", name="Ubah").click()
        await page.fill("#f-start", "16:20")
        await page.fill("#f-end", "16:35")
        await page.get_by_role("button", name="Simpan").click()
        await expect(page.locator(".flash")).to_contain_text("Slot disimpan")
        await expect(kopi.locator(".start")).to_have_text("16:20 WIB")
        await expect(kopi.locator(".end")).to_have_text("s/d 16:35 WIB")
        await expect(kopi).to_have_class("slot just-changed")
        order = await page.locator("li.slot").evaluate_all("els => els.map(e => e.id)")
        assert order == ["slot-sapa", "slot-batik", "slot-kopi"]
        assert await _no_sideways_scroll(page)
        await page.screenshot(path=str(screenshots() / "editor.png"), full_page=True)
        for path in ("/editor/products", "/editor/vendors", "/editor/slots/batik"):
            await page.goto(base_url + path)
            assert await _no_sideways_scroll(page), path
        await browser.close()


async def _no_sideways_scroll(page) -> bool:
    """The page body fits the phone's width (wide tables scroll inside .table-wrap)."""
    return await page.evaluate(
        "document.documentElement.scrollWidth <= window.innerWidth"
        " && document.body.scrollWidth <= window.innerWidth"
    )
