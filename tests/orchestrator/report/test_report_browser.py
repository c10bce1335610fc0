"""/laporan in a real Chromium: on a phone, its charts drawn and nothing sideways; printed,
a PDF. The screenshots are the closing note's pictures of the report."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from aiohttp import web
from playwright.async_api import async_playwright, expect

from kernel.clock import ManualClock
from orchestrator.app import create_app
from tests.conftest import CHROMIUM_ARGS, screenshots
from tests.orchestrator.helpers import T0
from tests.orchestrator.report.test_report import _stored_event

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
async def served(settings):
    """The real app on a loopback port over the report's stored event; yields its URL."""
    _stored_event(settings.db)
    app = create_app(settings, clock=ManualClock(T0 + timedelta(hours=2)))
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    await runner.cleanup()


async def test_the_report_on_a_phone_and_on_paper(chromium, served) -> None:
    """An organiser's phone: charts at a readable width in cards that scroll, escaped
    names, the page never sideways, no errors; print media gives a PDF of a few pages."""
    artifacts = screenshots("report")
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        context = await browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        page = await context.new_page()
        problems: list[str] = []
        page.on(
            "console",
            lambda m: (
                problems.append(f"{m.text} {m.location['url']}") if m.type == "error" else None
            ),
        )
        page.on("pageerror", lambda err: problems.append(str(err)))
        page.on("response", lambda r: problems.append(r.url) if r.status >= 400 else None)
        await page.goto(f"{served}/login?token=org-token&next=/laporan")
        await expect(page).to_have_url(f"{served}/laporan")
        await expect(page.get_by_text("Kopi <b>Ajung</b>").first).to_be_visible()
        charts = page.locator(".chart svg")
        assert await charts.count() >= 2
        for index in range(await charts.count()):
            box = await charts.nth(index).bounding_box()
            card = await page.locator(".chart").nth(index).bounding_box()
            # drawn at a readable width (its 11 px labels unscaled), scrolling in its card
            assert box and box["width"] >= 600 and box["height"] > 40, box
            assert card and card["x"] + card["width"] <= PHONE["width"], card
        widths = await page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1] <= PHONE["width"], widths
        await page.screenshot(path=str(artifacts / "laporan.png"), full_page=True)
        await page.emulate_media(media="print")
        pdf = await page.pdf(format="A4", print_background=True)
        pages = re.findall(rb"/Type\s*/Page(?!s)", pdf)
        assert pdf.startswith(b"%PDF-") and 1 <= len(pages) <= 6, len(pages)
        (artifacts / "laporan.pdf").write_bytes(pdf)
        await browser.close()
    assert problems == [], problems
