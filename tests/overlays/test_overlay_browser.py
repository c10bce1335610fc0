"""The overlay page in a real Chromium against the real app and hub."""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp import web
from playwright.async_api import Page, async_playwright, expect

from kernel.db import open_db
from kernel.keys import HUB, HUB_PORT
from orchestrator.app import create_app
from orchestrator.settings import Settings
from overlays.hub import Hub
from overlays.state import HostOverlay, OnAir, OverlaySettings, build_state
from schedules import store
from schedules.model import Channel, Event, Product, Slot, Vendor
from tests.conftest import CHROMIUM_ARGS, screenshots

pytestmark = pytest.mark.browser

OVERLAY = OverlaySettings(base_url="https://pasar.example")
NOW = datetime.now(UTC).replace(microsecond=0)


def sample_event() -> Event:
    start = NOW - timedelta(minutes=1)
    return Event(
        "Pasar Uji",
        channels=[Channel("utama", "Panggung Utama")],
        vendors=[
            Vendor("kopi", "Kopi Rakyat Sidomulyo", category="Minuman", kecamatan="Sumberjambe"),
            Vendor("tape", "Tape Manis Bondowoso"),
        ],
        products=[
            Product("K01", "kopi", "Kopi Robusta 250 g", 45000),
            Product("T01", "tape", "Tape Singkong", 15000),
        ],
        slots=[Slot("s1", "utama", start, start + timedelta(minutes=20), "kopi", ("K01",))],
    )


def on_air(event: Event) -> OnAir:
    slot = event.slots[0]
    return OnAir("live", slot.id, slot.vendor_id, slot.products, "Kopi dari lereng Raung",
                 slot.start, slot.end, "tape", slot.end)  # fmt: skip


def state(event: Event, host: HostOverlay | None = None, **kwargs) -> dict:
    host = host or HostOverlay(lower_third=True)
    return build_state(event, "utama", on_air(event), host=host, settings=OVERLAY, **kwargs)


@pytest.fixture
async def served(settings: Settings, chromium: str):
    """Run the app on a real port, publish the first state, and open the page in Chromium."""
    event = sample_event()
    db = open_db(settings.db)
    store.migrate(db)
    store.save_event(db, event)
    db.close()
    app = create_app(settings)
    app[HUB_PORT] = 0
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    hub = app[HUB]
    ticker = [{"code": "K01", "qty": 2, "first_name": "Siti"}]
    hub.publish("utama", state(event, ticker=ticker))
    errors: list[str] = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = await browser.new_page(viewport={"width": 1920, "height": 1080})
        page.on("pageerror", lambda err: errors.append(str(err)))
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        await page.goto(f"http://127.0.0.1:{runner.addresses[0][1]}/overlay/utama")
        yield page, hub, event
        await browser.close()
    await runner.cleanup()
    assert errors == []


# Resolve ``window.__seen`` as soon as a node shows a text (a MutationObserver, no polling).
SEEN_TEXT = """([selector, text]) => {
    const node = document.querySelector(selector);
    window.__seen = new Promise((resolve) => {
        const check = () => node.textContent === text && resolve(true);
        new MutationObserver(check).observe(node, {childList: true, characterData: true});
        check();
    });
}"""


async def wait_rev(page: Page, rev: int) -> None:
    await expect(page.locator("body")).to_have_attribute("data-rev", str(rev))


async def test_page_shows_the_snapshot(served):
    """The page draws the channel's state from the snapshot: vendor, price, code, QR, ticker."""
    page, hub, _ = served
    await wait_rev(page, hub.snapshot("utama")["rev"])
    await expect(page.locator("#lower-third")).to_have_class(re.compile(r"\bon\b"))
    await expect(page.locator("#lower-third .lt-name")).to_have_text("Kopi Rakyat Sidomulyo")
    await expect(page.locator("#card")).to_have_class(re.compile(r"\bon\b"))
    await expect(page.locator("#card .card-code")).to_have_text("K01")
    await expect(page.locator("#card .card-price")).to_have_text("Rp 45.000")
    await expect(page.locator("#card .card-hint")).to_have_text("Ketik: K01 2")
    await expect(page.locator("#card .card-link")).to_have_text("pasar.example/o/K01")
    await expect(page.locator("#countdown .cd-name")).to_have_text("Tape Manis Bondowoso")
    await expect(page.locator("#ticker li")).to_have_text(["K01 ×2 Kopi Robusta 250 g"])
    # The page's CSP forbids eval, so wait through promises rather than wait_for_function.
    await page.evaluate("() => document.querySelector('#card .card-qr').decode()")  # QR loads
    await page.evaluate("() => Promise.all(document.getAnimations().map((a) => a.finished))")
    await page.screenshot(path=str(screenshots() / "overlay.png"), omit_background=True)


async def test_body_is_transparent_without_scrollbars(served):
    """OBS needs a transparent 1920x1080 page that never scrolls."""
    page, hub, _ = served
    await wait_rev(page, hub.snapshot("utama")["rev"])
    looks = await page.evaluate(
        """() => {
            const html = document.documentElement, body = document.body;
            const css = (el) => getComputedStyle(el);
            return {
                backgrounds: [css(html).backgroundColor, css(body).backgroundColor],
                overflow: [css(html).overflow, css(body).overflow],
                fits: html.scrollWidth <= innerWidth && html.scrollHeight <= innerHeight,
            };
        }"""
    )
    assert looks["backgrounds"] == ["rgba(0, 0, 0, 0)", "rgba(0, 0, 0, 0)"]
    assert looks["overflow"] == ["hidden", "hidden"]
    assert looks["fits"] is True


async def test_published_change_shows_within_half_a_second(served):
    """A hub.publish reaches the page's DOM in under 500 ms."""
    page, hub, event = served
    await wait_rev(page, hub.snapshot("utama")["rev"])
    notice = "Diskon 10% hari ini"
    await page.evaluate(SEEN_TEXT, ["#notice .notice-text", notice])
    started = time.perf_counter()
    hub.publish("utama", state(event, HostOverlay(lower_third=True, notice=notice)))
    await asyncio.wait_for(page.evaluate("() => window.__seen"), 5)
    elapsed = time.perf_counter() - started
    assert elapsed < 0.5, f"took {elapsed * 1000:.0f} ms"
    await expect(page.locator("#notice")).to_have_class(re.compile(r"\bon\b"))


async def test_page_recovers_after_the_hub_restarts(served):
    """When the hub goes away the page keeps its last state, reconnects, and catches up."""
    page, hub, event = served
    await wait_rev(page, hub.snapshot("utama")["rev"])
    port = hub.port
    await hub.stop()
    await expect(page.locator("body")).to_have_attribute("data-connected", "false")
    await expect(page.locator("#card .card-code")).to_have_text("K01")  # last state stays
    rev = hub.publish("utama", state(event, HostOverlay(lower_third=True, card_code="T01")))
    await hub.start("127.0.0.1", port)
    await expect(page.locator("#card .card-code")).to_have_text("T01", timeout=10_000)
    await wait_rev(page, rev)
    assert isinstance(hub, Hub) and hub.port == port


async def test_organiser_text_is_shown_as_text_not_html(served):
    """A product or vendor name holding markup shows literally and never runs."""
    page, hub, event = served
    evil = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'
    vendors = [replace(event.vendors[0], name="<b>Kopi</b>"), event.vendors[1]]
    products = [replace(event.products[0], name=evil), event.products[1]]
    hostile = replace(event, vendors=vendors, products=products)
    hub.publish("utama", state(hostile))
    await expect(page.locator("#card .card-name")).to_have_text(evil)
    await expect(page.locator("#lower-third .lt-name")).to_have_text("<b>Kopi</b>")
    assert await page.evaluate("window.__pwned") is None
    assert await page.locator("#card img").count() == 2  # only the photo and the QR code
    assert await page.locator("#lower-third b").count() == 0
