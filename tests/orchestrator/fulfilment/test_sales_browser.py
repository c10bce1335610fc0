"""The organisers' sales desk in a real Chromium at phone size: nothing wider than the
screen, and the filters and the province table work with a thumb."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import async_playwright, expect

from tests.conftest import CHROMIUM_ARGS, screenshots
from tests.orchestrator.fulfilment.test_desk_browser import (  # noqa: F401 - fixture
    PHONE,
    paying_buyer,
    served,
)

pytestmark = pytest.mark.browser

WIDE_NAME = "Budi Santoso bin Abdurrahman Wahid Kusumawardhani dari Kecamatan Sumbersari"


async def _no_sideways_scroll(page) -> None:
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"page is {width} px wide on a {PHONE['width']} px phone"


async def test_sales_desk_on_a_phone(served, chromium):  # noqa: F811
    """At 390 px: no horizontal scroll, filters and controls at least 44 px tall, picking
    a vendor and 'only late' filters the page, a province opens its kabupaten/kota, the
    CSV link keeps the filter, and no CSP violation."""
    base, app = served
    artifacts = screenshots("sales")
    await paying_buyer(base, app, "a1", 1, WIDE_NAME)
    await paying_buyer(base, app, "a2", 10, "Sari Dewi")
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        context = await browser.new_context(viewport=PHONE, is_mobile=True)
        page = await context.new_page()
        blocked: list[str] = []
        page.on(
            "console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None
        )
        await page.goto(f"{base}/login?token=org-token&next=/orders/paket")
        await expect(page.locator("h1")).to_contain_text("Meja penjualan")
        await expect(page.locator('tr[data-vendor="v0"]')).to_be_visible()
        await expect(page.locator('[data-money="claimed"]')).to_have_text("Rp 176.000")
        await _no_sideways_scroll(page)
        for control in ("select[name=vendor]", "select[name=status]", "select[name=day]",
                        "label.check", "#filters button[type=submit]"):  # fmt: skip
            box = await page.locator(control).bounding_box()
            assert box["height"] >= 44, (control, box)
        await page.screenshot(path=str(artifacts / "meja-penjualan.png"), full_page=True)

        await page.select_option("select[name=vendor]", "v0")
        await page.select_option("select[name=status]", "claimed")
        await page.locator("#filters button[type=submit]").click()
        await expect(page).to_have_url(re.compile(r"/orders/paket\?vendor=v0&status=claimed"))
        await expect(page.locator("ul.parcels li")).to_have_count(2)
        await expect(page.locator("#csv")).to_have_attribute(
            "href", "/orders/paket.csv?vendor=v0&status=claimed"
        )
        await page.locator("label.check").click()
        await page.locator("#filters button[type=submit]").click()
        await expect(page.locator("ul.parcels li")).to_have_count(0)
        await expect(page.locator("input[name=late]")).to_be_checked()

        await page.goto(f"{base}/orders/paket")
        await page.locator('tr[data-province="Jawa Timur"] a').click()
        await expect(page.locator('#kabupaten tr[data-regency="Kabupaten Jember"]')).to_be_visible()
        await _no_sideways_scroll(page)
        await browser.close()
    assert blocked == []
