"""The catalogue in a real Chromium at phone size: no sideways scroll, photos load, the
search field shows keyboard focus and searches, and nothing errs or leaves our origin."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from aiohttp import web
from playwright.async_api import async_playwright, expect

from orchestrator.app import create_app
from orchestrator.settings import Settings
from schedules.startup import EXAMPLE_EVENT
from tests.conftest import CHROMIUM_ARGS, screenshots
from tests.overlays.photo_event import photo_event

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
IMAGES = """() => Promise.all([...document.images].map((img) => img.decode().then(() => ({
    src: img.currentSrc, natural: img.naturalWidth, width: img.getBoundingClientRect().width}))))"""
SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture
async def served(settings: Settings, tmp_path: Path):
    """The real app on a loopback port, on an event file with photos (T01 has none)."""
    k01 = (EXAMPLE_EVENT.parent / "foto/K01.webp").read_bytes()
    app = create_app(replace(settings, event=photo_event(tmp_path / "acara", k01)))
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    await runner.cleanup()


def watch(page, base: str) -> tuple[list[str], list[str]]:
    """Collect console errors, page errors, failed answers and requests leaving our origin."""
    errors: list[str] = []
    foreign: list[str] = []
    page.on("console", lambda m: m.type == "error" and "status of 404" not in m.text
            and errors.append(m.text))  # fmt: skip
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.on("request", lambda r: r.url.startswith(base) or foreign.append(r.url))
    page.on("response", lambda r: r.status >= 400 and errors.append(f"{r.status} {r.url}"))
    return errors, foreign


async def test_the_catalogue_on_a_phone(chromium: str, served) -> None:
    """/pasar and a vendor page at 390 px: photos decode at their sizes, no sideways
    scroll, Tab reaches the search field with a visible outline, a search narrows it."""
    base = served
    artifacts = screenshots("viewers")
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = await browser.new_page(viewport=PHONE, is_mobile=True, device_scale_factor=2)
        errors, foreign = watch(page, base)
        await page.goto(f"{base}/pasar")
        images = await page.evaluate(IMAGES)
        assert [i["natural"] for i in images] == [120, 120] and images[0]["width"] == 56
        assert await page.locator(".item .photo-tile").count() == 1  # T01: its tile
        assert await page.evaluate(SIDEWAYS) <= 0
        for _ in range(12):
            await page.keyboard.press("Tab")
            if await page.evaluate("() => document.activeElement.id") == "q":
                break
        search = page.locator("#q")
        await expect(search).to_be_focused()
        outline = await search.evaluate(
            "(el) => [getComputedStyle(el).outlineStyle, getComputedStyle(el).outlineWidth]"
        )
        assert outline[0] != "none" and outline[1] == "3px", outline
        await page.screenshot(path=str(artifacts / "pasar.png"), full_page=True)
        await page.keyboard.type("tape")
        await page.keyboard.press("Enter")
        await expect(page.locator(".found")).to_contain_text("1 penjual, 1 produk")
        await expect(page.locator(".item .name")).to_have_text(["Tape Singkong"])
        await page.screenshot(path=str(artifacts / "pasar-cari.png"), full_page=True)
        await page.goto(f"{base}/pasar/kopi")
        images = await page.evaluate(IMAGES)
        # srcset at 2x of a ~175 px column picks the 640 px size (not the 120 px thumb)
        assert [i["src"].rsplit("-", 1)[1] for i in images] == ["phone.webp"] * 2
        assert all(150 <= i["width"] <= 200 for i in images), images
        assert await page.evaluate(SIDEWAYS) <= 0
        await expect(page.locator(".turns")).to_contain_text("SEDANG TAYANG")
        await page.screenshot(path=str(artifacts / "pasar-penjual.png"), full_page=True)
        await browser.close()
    assert errors == [] and foreign == []
