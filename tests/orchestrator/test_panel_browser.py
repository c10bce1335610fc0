"""The control panel in a real Chromium: a host presses next and sees the countdown change."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp import web
from playwright.async_api import async_playwright, expect

from orchestrator.app import create_app
from tests.conftest import CHROMIUM_ARGS, screenshots
from tests.orchestrator.helpers import save, small_event

pytestmark = pytest.mark.browser


@pytest.fixture
async def base_url(settings):
    """The real app on a loopback port; slot 0 has 8 minutes left, slot 1 ends in 18."""
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=2)
    save(settings.db, small_event(start=start))
    runner = web.AppRunner(create_app(settings))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    await runner.cleanup()


async def test_host_presses_next_and_the_countdown_changes(base_url, chromium):
    """Pressing N puts the next vendor on air, with its countdown to its own end (18 min)."""
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = await browser.new_page(viewport={"width": 390, "height": 844})
        page.on("dialog", lambda dialog: dialog.accept())
        await page.goto(f"{base_url}/login?token=host-token&next=/")
        card = page.locator(".channel").first
        await expect(card.locator(".ch-vendor")).to_have_text("Penjual 0")
        await expect(page.locator("#viewers-summary")).to_have_text(
            "Penonton halaman /live (live page viewers): utama 0"
        )
        await expect(card.locator(".ch-countdown")).to_have_text(re.compile(r"0[78]:\d\d"))
        await page.keyboard.press("n")
        await expect(card.locator(".ch-vendor")).to_have_text("Penjual 1", timeout=1000)
        await expect(card.locator(".ch-countdown")).to_have_text(
            re.compile(r"1[78]:\d\d"), timeout=1000
        )
        await expect(card.locator(".ch-log li")).to_have_count(1)
        await page.screenshot(path=str(screenshots() / "panel-phone.png"), full_page=True)
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, "the panel must not scroll sideways on a phone"
        await browser.close()
