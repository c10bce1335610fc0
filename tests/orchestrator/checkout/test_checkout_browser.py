"""The buyer's checkout in a real Chromium at phone size, against the real app and sandbox.

The claim and the ``BAYAR`` code are typed into the sandbox's YouTube chat, which the
app's real poller reads through google-api-python-client; the QR code on the page is
decoded by zxing-cpp from a screenshot, and its payload checked by ``emv`` (not by the
code under test).
"""

from __future__ import annotations

import asyncio
import io
import re
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import zxingcpp
from aiohttp import web
from PIL import Image
from playwright.async_api import BrowserContext, Page, async_playwright, expect

from kernel.keys import POLLERS, SANDBOX
from orchestrator.app import create_app
from tests.conftest import CHROMIUM_ARGS, screenshots
from tests.orchestrator.checkout.conftest import paying_event
from tests.orchestrator.checkout.emv import crc_ok, tlv
from tests.orchestrator.helpers import save

pytestmark = pytest.mark.browser

PHONE = dict(
    viewport={"width": 390, "height": 844}, device_scale_factor=1, is_mobile=True,
    has_touch=True, locale="id-ID", timezone_id="Asia/Jakarta",
    user_agent="Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like"
    " Gecko) Chrome/126.0 Mobile Safari/537.36",
)  # fmt: skip
BUDI = {"author_channel_id": "UCbudi000000000000000001", "display_name": "Budi <b>S</b>"}


async def until(probe, timeout: float = 30.0, every: float = 0.05):
    """Poll ``probe`` (sync) until it returns something truthy, with a deadline."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := probe():
            return result
        await asyncio.sleep(every)
    raise AssertionError("nothing happened in time")


@pytest.fixture
async def live(settings):
    """The real app with its own sandbox; the first vendor is on air and its chat is read."""
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)
    save(settings.db, paying_event(start))
    app = create_app(replace(settings, platforms=True, audience_rate=0, chat_announcements=False))
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()

    def reading():
        status = app[POLLERS].status("utama")
        return status["live_chat_id"] if status["polls"] >= 1 else None

    chat_id = await until(reading, timeout=60)
    yield app, f"http://127.0.0.1:{runner.addresses[0][1]}", chat_id
    await runner.cleanup()


async def phone(browser) -> tuple[BrowserContext, Page]:
    context = await browser.new_context(**PHONE)
    return context, await context.new_page()


async def shot(page: Page, name: str, full: bool = True) -> None:
    """A phone-size screenshot for the closing note, in 64 colours to keep it small."""
    image = Image.open(io.BytesIO(await page.screenshot(full_page=full)))
    image.convert("RGB").quantize(64).save(screenshots("checkout") / f"{name}.png", optimize=True)


def rupiah_value(text: str) -> int:
    found = re.fullmatch(r"Rp (\d{1,3}(?:\.\d{3})*)", text.strip())
    assert found, f"not a Rupiah amount as Rp 45.000: {text!r}"
    return int(found[1].replace(".", ""))


async def decoded_qr(page: Page) -> str:
    """What a scanning app reads off the QR code as the phone shows it."""
    image = page.locator("img.qris").first
    await expect(image).to_be_visible()
    await page.wait_for_function("() => document.querySelector('img.qris').naturalWidth > 0")
    box = await image.bounding_box()
    assert box and box["width"] >= 200, "the QR code is too small to scan from a phone"
    png = await image.screenshot()
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(found) == 1 and found[0].format == zxingcpp.BarcodeFormat.QRCode
    return found[0].text


async def fill_address(page: Page) -> None:
    await page.fill("#f-name", "Budi Santoso")
    await page.fill("#f-wa", "0812 3456 7890")
    await page.select_option("#f-province", "Jawa Timur")
    await expect(page.locator("#f-regency option", has_text="Kabupaten Jember")).to_have_count(1)
    await page.select_option("#f-regency", "Kabupaten Jember")
    await expect(page.locator("#f-district option", has_text="Sumbersari")).to_have_count(1)
    await page.select_option("#f-district", "Sumbersari")
    await page.fill("#f-postal", "68121")
    await page.fill("#f-street", "Jl. Kalimantan 37 <script>alert(1)</script>")


async def no_sideways_scroll(page: Page) -> None:
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the checkout scrolls sideways on a phone ({width} px)"


TARGETS = """() => Array.from(document.querySelectorAll(
  '.checkout button, .checkout select, .checkout input:not([type=hidden]):not([type=radio]),'
  + ' .checkout summary, .checkout a.button, .checkout textarea, .checkout label.choice'))
  .filter((e) => e.getClientRects().length)
  .map((e) => [e.id || e.textContent.trim().slice(0, 40), e.getBoundingClientRect().height])
  .filter(([, height]) => height < 44)"""


async def big_enough_to_tap(page: Page) -> None:
    small = await page.evaluate(TARGETS)
    assert small == [], f"tap targets under 44 px on a phone: {small}"


async def test_buyer_walks_the_checkout_on_a_phone(live, chromium):
    """Claim in chat, type the code, the page follows; address; the QRIS decodes to the
    total with a right CRC; the transfer shows total + unique code; paid shows live."""
    app, base, chat_id = live
    sandbox = app[SANDBOX]
    sandbox.add_chat_message(chat_id, "K01 2", **BUDI)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        context, page = await phone(browser)
        await page.goto(f"{base}/bayar")
        code = (await page.locator(".bind-code .code").inner_text()).split()[-1]
        assert re.fullmatch(r"\d{4}", code)
        await expect(page.locator(".bind .muted").first).to_contain_text("WIB")
        await no_sideways_scroll(page)
        await shot(page, "01-kode-bayar")

        sandbox.add_chat_message(chat_id, f"BAYAR {code}", **BUDI)
        await expect(page.locator("section.parcel")).to_have_count(1, timeout=20_000)
        await expect(page.locator(".bind li")).to_have_text("YouTube · Budi <b>S</b>")
        await expect(page.locator("section.parcel h2")).to_have_text("Penjual 0")
        await shot(page, "02-paket-terhubung")

        await fill_address(page)
        sandbox.add_chat_message(chat_id, "K02 1", **BUDI)  # a claim while typing the address
        await expect(page.locator("section.parcel")).to_have_count(2, timeout=20_000)
        await expect(page.locator("#f-name")).to_have_value("Budi Santoso")  # nothing typed lost
        await expect(page.locator("#f-district")).to_have_value("Sumbersari")
        await shot(page, "03-alamat")
        await page.click("form.details button[type=submit]")
        await expect(page.locator("#f-street")).to_have_value(re.compile("<script>"))
        await no_sideways_scroll(page)
        await big_enough_to_tap(page)

        first = page.locator("section.parcel").first
        total = rupiah_value(await first.locator("tr.total .num").inner_text())
        assert total == 88_000  # 2 x Rp 40.000 + Rp 8.000 to Kabupaten Jember
        await expect(first.locator("table.lines")).to_contain_text("0,8 kg")  # Indonesian
        shown = rupiah_value(await first.locator(".pay-way .amount").first.inner_text())
        assert shown == total
        payload = await decoded_qr(page)
        fields = tlv(payload)
        assert crc_ok(payload), payload
        assert fields["01"] == "12" and fields["54"] == str(total)
        assert fields["53"] == "360" and fields["58"] == "ID"
        await expect(first.locator(".pay-way").first).to_contain_text(fields["59"])
        await first.locator(".pay-way").first.scroll_into_view_if_needed()
        await shot(page, "04-qris", full=False)

        watcher = await context.new_page()  # the same buyer's second tab, left open
        await watcher.goto(f"{base}/bayar")
        await watcher.evaluate("window.notReloaded = true")
        await first.locator("button", has_text="Saya sudah bayar (QRIS)").click()
        await expect(page.locator("section.parcel").first.locator(".badge.status")).to_have_text(
            "menunggu konfirmasi"
        )
        status = watcher.locator("section.parcel").first.locator(".badge.status")
        await expect(status).to_have_text("menunggu konfirmasi")
        assert await watcher.evaluate("window.notReloaded === true"), "it reloaded instead"
        await shot(page, "05-menunggu-konfirmasi")

        second = page.locator("section.parcel").nth(1)
        await second.locator("summary", has_text="transfer").click()
        transfer = rupiah_value(await second.locator("dd.amount").inner_text())
        second_total = rupiah_value(await second.locator("tr.total .num").inner_text())
        assert 1 <= transfer - second_total <= 999
        unique = f"{transfer - second_total:03d}"
        await expect(second.locator(".pay-way", has_text="transfer")).to_contain_text(unique)
        await second.scroll_into_view_if_needed()
        await shot(page, "06-transfer", full=False)
        await second.locator("button", has_text="Saya sudah bayar (transfer)").click()
        await expect(page.locator("section.parcel").nth(1).locator(".badge.status")).to_have_text(
            "menunggu konfirmasi"
        )
        await browser.close()


async def test_a_second_phone_with_the_link_sees_nothing_personal(live, chromium):
    """Another browser opening /bayar (the link posted in chat) sees only its own empty
    page, its own code, and cannot fetch the first buyer's QRIS."""
    app, base, chat_id = live
    sandbox = app[SANDBOX]
    sandbox.add_chat_message(chat_id, "K01 1", **BUDI)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        _, page = await phone(browser)
        await page.goto(f"{base}/bayar")
        code = (await page.locator(".bind-code .code").inner_text()).split()[-1]
        sandbox.add_chat_message(chat_id, f"BAYAR {code}", **BUDI)
        await expect(page.locator("section.parcel")).to_have_count(1, timeout=20_000)
        await fill_address(page)
        await page.click("form.details button[type=submit]")
        qr = await page.locator("img.qris").first.get_attribute("src")

        _, other = await phone(browser)
        await other.goto(f"{base}/bayar")
        text = await other.locator("main").inner_text()
        for secret in ("Budi", "3456", "Kalimantan", "Penjual 0", "Sumbersari", code):
            assert secret not in text
        await expect(other.locator("section.parcel")).to_have_count(0)
        resp = await other.request.get(f"{base}{qr}")
        assert resp.status in (403, 404)
        read = app[POLLERS].status("utama")["messages"]
        eve = {"author_channel_id": "UCeve00000000000000000001", "display_name": "Eve"}
        sandbox.add_chat_message(chat_id, "K02 1", **eve)
        sandbox.add_chat_message(chat_id, f"BAYAR {code}", **eve)  # the used code, reused
        await until(lambda: app[POLLERS].status("utama")["messages"] >= read + 2)
        await page.reload()
        await expect(page.locator("section.parcel")).to_have_count(1)
        await expect(page.locator(".bind li")).to_have_count(1)
        await shot(other, "07-perangkat-lain")
        await browser.close()


@pytest.fixture
async def shop(settings):
    """The real app without platforms: order links only."""
    save(settings.db, paying_event(datetime.now(UTC).replace(microsecond=0)))
    runner = web.AppRunner(create_app(settings))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    await runner.cleanup()


async def test_order_link_shop_on_a_phone(shop, chromium):
    """From /o/K02 "Pesan di sini", a quantity, and the parcel is on the buyer's checkout
    (the form's post passes the origin check in a real browser); ordering again joins it."""
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        _, page = await phone(browser)
        await page.goto(f"{shop}/o/K02")
        await page.click("a.landing-button.order")
        await expect(page).to_have_url(re.compile(r"/bayar/pesan/K02$"))
        await page.fill("#f-qty", "2")
        await big_enough_to_tap(page)
        await shot(page, "08-pesan-di-sini")
        await page.click("form button[type=submit]")
        await expect(page).to_have_url(re.compile(r"/bayar#paket$"))
        parcel = page.locator("section.parcel")
        await expect(parcel).to_have_count(1)
        await expect(parcel.locator("h2")).to_have_text("Penjual 1")
        await expect(parcel.locator("table.lines")).to_contain_text("2 × Rp 41.000")
        await page.go_back()  # a fresh form (no-store): ordering again is a new claim
        await page.fill("#f-qty", "1")
        await page.click("form button[type=submit]")
        await expect(page.locator("section.parcel")).to_have_count(1)  # joins the open parcel
        await expect(page.locator("section.parcel tr", has_text="K02")).to_have_count(2)
        await expect(page.locator("section.parcel tr.total")).to_contain_text("menunggu ongkir")
        await browser.close()
