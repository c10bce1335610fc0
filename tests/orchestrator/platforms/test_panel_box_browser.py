"""The platform box on the host panel, in a real Chromium: state, the error, the retry button."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from aiohttp import web
from playwright.async_api import async_playwright, expect

from kernel.clock import ManualClock
from kernel.keys import PLATFORMS, SANDBOX
from orchestrator.app import create_app
from tests.conftest import CHROMIUM_ARGS
from tests.orchestrator.helpers import T0, save, small_event
from tests.orchestrator.platforms.conftest import until

pytestmark = pytest.mark.browser


@pytest.fixture
async def app_url(settings):
    """The real app with platforms on (in-process sandbox), before the show's lead time."""
    save(settings.db, small_event())
    clock = ManualClock(T0 - timedelta(minutes=20))
    app = create_app(replace(settings, platforms=True), clock=clock)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield app, clock, f"http://127.0.0.1:{runner.addresses[0][1]}"
    await runner.cleanup()


async def test_failed_set_up_shows_its_reason_and_retry_fixes_it(app_url, chromium):
    """Out of quota at set-up: the box names the reason; after more quota, Coba lagi works."""
    app, clock, base = app_url
    sandbox, manager = app[SANDBOX], app[PLATFORMS]
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = await browser.new_page()
        await page.goto(f"{base}/login?token=host-token&next=/")
        box = page.locator(".channel .platform-box").first
        await expect(box.locator("h3")).to_have_text("YouTube & Zoom (sandbox) · belum disiapkan")
        sandbox.state.quota.exhaust(clock.now())
        clock.set(T0 - timedelta(minutes=15))
        await expect(box.locator(".pf-error")).to_contain_text("Gagal (persiapan): quotaExceeded")
        await expect(box.locator("text=Meeting Zoom: 85")).to_have_count(1)
        sandbox.state.quota.used = 0
        await box.locator("button.pf-retry").click()
        await expect(box.locator("h3")).to_have_text("YouTube & Zoom (sandbox) · siap tayang")
        await expect(box.locator("button.pf-retry")).to_have_count(0)
        await expect(box).to_contain_text("Siaran YouTube: sbxB")
        await browser.close()
    await until(lambda: manager.status("utama")["broadcast_status"] == "ready")
