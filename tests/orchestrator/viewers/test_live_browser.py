"""/live in a real Chromium at phone size: on air now, a rotation arrives live, fast and tidy."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from aiohttp import web
from playwright.async_api import async_playwright, expect

from kernel.clock import ManualClock
from kernel.keys import HUB, HUB_PORT, PUBLISHER
from orchestrator.app import create_app
from tests.conftest import CHROMIUM_ARGS, screenshots
from tests.orchestrator.helpers import save, small_event

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
ANDROID = (
    "Mozilla/5.0 (Linux; Android 13; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko)"
    " Chrome/120.0.0.0 Mobile Safari/537.36"
)
# What the test answers in YouTube's place: the page must frame it, and nothing else.
FAKE_PLAYER = "<!doctype html><title>player</title><body>video</body>"


def _event(start: datetime):
    """Long names: what pushes a phone page sideways."""
    event = small_event(start)
    vendors = [replace(event.vendors[0], name="Kopi Rakyat Sidomulyo Kecamatan Tanggul Jember"),
               *event.vendors[1:]]  # fmt: skip
    products = [replace(event.products[0], name="KopiRobustaBubukPetikMerahSangraiSedang250g"),
                *event.products[1:]]  # fmt: skip
    return replace(event, vendors=vendors, products=products)


@pytest.fixture
async def served(settings):
    """The real app on a loopback port, driven by a manual clock; yields (url, app, clock).

    The show began two minutes ago by the wall clock too, so the page's own clock and
    the app's (which stamps the hub's messages) tell the same countdown.
    """
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=2)
    save(settings.db, _event(start))
    clock = ManualClock(start + timedelta(minutes=2))
    app = create_app(settings, clock=clock)
    app[HUB_PORT] = 0
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}", app, clock
    await runner.cleanup()


async def test_live_page_on_a_phone(chromium, served) -> None:
    """Vendor on air, first paint < 1 s, a rotation arrives without reload, no errors, fits."""
    base, app, clock = served
    start = clock.now() - timedelta(minutes=2)
    artifacts = screenshots("viewers")
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        context = await browser.new_context(
            viewport=PHONE, user_agent=ANDROID, is_mobile=True, has_touch=True
        )
        page = await context.new_page()
        problems: list[str] = []
        requested: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda err: problems.append(str(err)))
        page.on("request", lambda req: requested.append(req.url))
        player = lambda route: route.fulfill(body=FAKE_PLAYER, content_type="text/html")  # noqa: E731
        await page.route("https://www.youtube-nocookie.com/**", player)
        await page.goto(f"{base}/live/utama")
        vendor = page.locator('#kanal-utama [data-role="vendor"]')
        await expect(vendor).to_have_text("Kopi Rakyat Sidomulyo Kecamatan Tanggul Jember")
        await expect(page.locator("#kanal-utama .live-order").first).to_have_attribute(
            "href", "/bayar/pesan/K01"
        )
        rev = app[HUB].snapshot("live/utama")["rev"]
        await expect(page.locator("#kanal-utama")).to_have_attribute("data-rev", str(rev))
        paint = await page.evaluate(
            "() => performance.getEntriesByType('paint').map((e) => [e.name, e.startTime])"
        )
        first = dict(paint)
        assert first["first-contentful-paint"] < 1000, paint
        await expect(page.locator('[data-role="left"]')).to_have_text(
            re.compile(r"^\((8:00|7:[0-5]\d) lagi\)$")
        )  # the next slot in 8 minutes, on the server's clock
        await page.screenshot(path=str(artifacts / "live.png"), full_page=True)
        await _fits(page)

        clock.advance(timedelta(minutes=8))  # the rotation moves on to the next vendor
        await expect(vendor).to_have_text("Penjual 1")
        await expect(page.locator("#kanal-utama .live-name")).to_have_text(["Kopi 1"])
        wib = (start + timedelta(minutes=20)).astimezone(ZoneInfo("Asia/Jakarta"))
        await expect(page.locator("#kanal-utama .live-when time")).to_have_text(
            wib.strftime("%H:%M WIB")
        )  # drawn by the browser from the absolute time, in WIB
        app[PUBLISHER].publish(
            "platform", "utama", {"broadcast_id": "AbCdEfGhIjK", "broadcast_status": "live"}
        )
        frame = page.frame_locator("#kanal-utama iframe")
        await expect(frame.locator("body")).to_have_text("video")
        await _fits(page)
        await page.screenshot(path=str(artifacts / "live-next.png"), full_page=True)
        navigations = await page.evaluate("() => performance.getEntriesByType('navigation').length")
        assert navigations == 1  # no reload happened
        await browser.close()
    outside = [u for u in requested if not u.startswith((base, "ws://127.0.0.1"))]
    assert outside == ["https://www.youtube-nocookie.com/embed/AbCdEfGhIjK"], outside
    assert problems == [], problems


async def _fits(page) -> None:
    """No sideways scroll; every order button at least 44 px tall inside the screen."""
    widths = await page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1] <= PHONE["width"], widths
    for button in await page.query_selector_all(".live-order"):
        box = await button.bounding_box()
        assert box["height"] >= 44 and box["x"] + box["width"] <= PHONE["width"], box
