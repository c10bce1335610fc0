"""The order landing page in a real Chromium at phone size: fits, big buttons, nothing external."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from aiohttp import web

from kernel.db import open_db
from kernel.keys import ON_AIR_NOW
from orchestrator.app import create_app
from schedules import store
from schedules.model import Channel, Event, Product, Slot, Vendor
from tests.conftest import CHROMIUM_ARGS, screenshots

PHONE = {"width": 390, "height": 844}
ANDROID = (
    "Mozilla/5.0 (Linux; Android 13; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko)"
    " Chrome/120.0.0.0 Mobile Safari/537.36"
)

pytestmark = pytest.mark.browser


def phone_event() -> Event:
    """Long names and an unbroken word: the things that push a phone page sideways."""
    now = datetime.now(UTC).replace(microsecond=0)
    return Event(
        name="Pasar Jember",
        channels=[Channel("utama", "Panggung Utama")],
        vendors=[
            Vendor(
                "kopi",
                "Kopi Rakyat Sidomulyo Kecamatan Tanggul Jember Jawa Timur",
                "kopi",
                whatsapp="+628123007919",
                kecamatan="Tanggul",
            )
        ],
        products=[
            Product(
                "K01",
                "kopi",
                "Kopi Robusta Bubuk 250 g Petik Merah Sangrai Sedang",
                43000,
                25,
                "https://www.tokopedia.com/kopi-rakyat-sidomulyo",
            ),
            Product("K02", "kopi", "KopiDripBagIsiSepuluhTanpaSpasiSamaSekaliPanjang", 33000),
        ],
        slots=[Slot("utama-now", "utama", now, now + timedelta(hours=1), "kopi", ("K01", "K02"))],
    )


@pytest.fixture
async def base_url(settings):
    """The real app on a real loopback port, with K01 and K02 on air."""
    db = open_db(settings.db)
    store.migrate(db)
    store.save_event(db, phone_event())
    db.close()
    app = create_app(settings)
    on_air = [
        {
            "channel": "utama",
            "title": "Panggung Utama",
            "slot_id": "utama-now",
            "vendor_id": "kopi",
            "codes": ["K01", "K02"],
        }
    ]

    async def install(app):
        app[ON_AIR_NOW] = lambda: on_air  # after the rotation bridge has set its own
        yield

    app.cleanup_ctx.append(install)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    await runner.cleanup()


async def check_fits_phone(page) -> None:
    """No sideways scroll, and every button and link at least 44 px tall inside the screen."""
    widths = await page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1] <= PHONE["width"], widths
    for target in await page.query_selector_all(".landing-button, .landing-list a"):
        box = await target.bounding_box()
        assert box["height"] >= 44, (await target.inner_text(), box)
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box


async def test_landing_fits_a_phone(chromium, base_url):
    """At 390x844 the landing page has no horizontal scroll, big buttons and only local assets."""
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        context = await browser.new_context(
            viewport=PHONE, user_agent=ANDROID, is_mobile=True, has_touch=True
        )
        page = await context.new_page()
        requested: list[str] = []
        problems: list[str] = []
        page.on("request", lambda req: requested.append(req.url))
        page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
        await page.goto(f"{base_url}/o/k1")
        await page.get_by_text("Pesan via WhatsApp").wait_for()
        await check_fits_phone(page)
        wa_colour = await page.eval_on_selector(
            ".landing-button.wa", "el => getComputedStyle(el).backgroundColor"
        )
        assert wa_colour == "rgb(31, 122, 69)", "landing.css did not load (CSP or path)"
        await page.screenshot(path=str(screenshots() / "landing.png"), full_page=True)
        await page.goto(f"{base_url}/o/K02")
        await check_fits_phone(page)
        await page.goto(f"{base_url}/o/Z99")
        await check_fits_phone(page)
        await browser.close()
    assert all(url.startswith(base_url) for url in requested), requested
    assert not [p for p in problems if "404" not in p], problems
