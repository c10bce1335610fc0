"""Product photos in a real Chromium: the order page at phone size and the overlay card
load the photo (decoded, sized, from our own origin), with no console errors."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from aiohttp import web
from playwright.async_api import async_playwright, expect

from kernel.keys import HUB, HUB_PORT, ON_AIR_NOW, SCHEDULE
from orchestrator.app import create_app
from orchestrator.settings import Settings
from overlays.state import HostOverlay, OnAir, build_state
from schedules.startup import EXAMPLE_EVENT
from tests.conftest import CHROMIUM_ARGS, screenshots
from tests.overlays.photo_event import photo_event

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

# What the browser made of an <img>: loaded, decoded and laid out at a real size.
IMAGE = """(img) => img.decode().then(() => ({
    src: img.currentSrc, natural: img.naturalWidth, width: img.getBoundingClientRect().width,
    height: img.getBoundingClientRect().height, complete: img.complete,
}))"""


@pytest.fixture
async def served(settings: Settings, tmp_path: Path):
    """The real app on a loopback port, started on an event file with photos, K01 on air."""
    # K01's photo is the example event's drawn placeholder: the screenshots show one.
    k01 = (EXAMPLE_EVENT.parent / "foto/K01.webp").read_bytes()
    app = create_app(replace(settings, event=photo_event(tmp_path / "acara", k01)))
    app[HUB_PORT] = 0
    on_air = [{"channel": "utama", "title": "Panggung Utama", "slot_id": "s1",
               "vendor_id": "kopi", "codes": ["K01", "S01"]}]  # fmt: skip

    async def install(app):
        app[ON_AIR_NOW] = lambda: on_air  # after the rotation bridge has set its own
        yield

    app.cleanup_ctx.append(install)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    yield app, f"http://127.0.0.1:{runner.addresses[0][1]}"
    await runner.cleanup()


def watch(page, base: str) -> tuple[list[str], list[str]]:
    """Collect console errors, page errors, failed answers and requests leaving our origin.

    Chromium's own /favicon.ico request (no page here has an icon) is not a page request
    and logs a 404 to the console; every answer the page asked for is checked instead.
    """
    errors: list[str] = []
    foreign: list[str] = []

    def console(message) -> None:
        if message.type == "error" and "status of 404" not in message.text:
            errors.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.on("request", lambda r: r.url.startswith(base) or foreign.append(r.url))
    page.on("response", lambda r: r.status >= 400 and errors.append(f"{r.status} {r.url}"))
    return errors, foreign


async def test_order_page_photo_loads_on_a_phone(chromium: str, served) -> None:
    """/o/K01 at 390x844: the photo decodes, fills the column as a square, tiles stand in
    for missing thumbnails, and nothing errs or leaves our origin."""
    app, base = served
    pid = app[SCHEDULE].current().event.product("K01").photo_id
    artifacts = screenshots("photos")
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = await browser.new_page(viewport=PHONE, is_mobile=True, device_scale_factor=2)
        errors, foreign = watch(page, base)
        await page.goto(f"{base}/o/K01")
        photo = await page.locator(".landing-photo img").evaluate(IMAGE)
        assert photo["src"] == f"{base}/foto/{pid}-phone.webp"
        assert photo["complete"] and photo["natural"] == 640
        assert 300 <= photo["width"] <= PHONE["width"]
        assert round(photo["height"]) == round(photo["width"])
        thumb = await page.locator(".landing-list img.landing-thumb").evaluate(IMAGE)
        assert thumb["natural"] == 120 and round(thumb["width"]) == 40
        await page.screenshot(path=str(artifacts / "order-link-k01.png"), full_page=True)
        await page.goto(f"{base}/o/T01")  # no photo: the tile, with the initials
        tile = page.locator(".landing-photo .photo-tile")
        await expect(tile).to_have_text("TS")
        box = await tile.bounding_box()
        assert box["width"] >= 300 and abs(box["width"] - box["height"]) < 1
        colour = await tile.evaluate("(el) => getComputedStyle(el).backgroundColor")
        assert colour not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)"), colour
        await page.screenshot(path=str(artifacts / "order-link-no-photo.png"), full_page=True)
        await browser.close()
    assert errors == [] and foreign == []


async def test_overlay_card_shows_the_photo(chromium: str, served) -> None:
    """The overlay card pinned to K01 shows its 240 px photo at 220 px; pinned to T01 the
    tile shows instead, and the photo is hidden."""
    app, base = served
    event = app[SCHEDULE].current().event
    slot = event.slots[0]
    on_air = OnAir("live", slot.id, "kopi", slot.products, "", slot.start, slot.end)
    hub = app[HUB]
    hub.publish("utama", build_state(event, "utama", on_air, host=HostOverlay(card_code="K01")))
    artifacts = screenshots("photos")
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = await browser.new_page(viewport={"width": 1920, "height": 1080})
        errors, foreign = watch(page, base)
        await page.goto(f"{base}/overlay/utama?layout=card")
        await expect(page.locator("#card .card-code")).to_have_text("K01")
        photo = await page.locator("#card .card-img").evaluate(IMAGE)
        assert photo["src"].endswith(f"/foto/{event.product('K01').photo_id}-card.webp")
        # Rounded: mid-animation the layout box can read 219.9999.
        assert photo["natural"] == 240 and round(photo["width"]) == round(photo["height"]) == 220
        assert await page.locator("#card .card-img").get_attribute("alt") == (
            "Foto Kopi Robusta 250 g"
        )
        await page.evaluate("() => Promise.all(document.getAnimations().map((a) => a.finished))")
        await page.locator("#card").screenshot(path=str(artifacts / "overlay-card-k01.png"))
        hub.publish("utama", build_state(event, "utama", on_air, host=HostOverlay(card_code="T01")))
        await expect(page.locator("#card .card-tile")).to_be_visible()
        await expect(page.locator("#card .card-tile")).to_have_text("TS")
        await expect(page.locator("#card .card-img")).to_be_hidden()
        await browser.close()
    assert errors == [] and all(u.startswith(("ws://127.0.0.1", base)) for u in foreign), foreign
