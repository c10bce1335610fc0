"""The viewers' pages pass an accessibility audit in a real Chromium at phone size: text
contrast (WCAG AA), labelled fields, named links and buttons, sized images with alt
text, one h1, a language, and a visible focus on everything Tab reaches.

The audit is written here from the WCAG 2.1 formulas (relative luminance, contrast
ratio, large text at 24 px or 18.66 px bold), not taken from the pages' code.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from aiohttp import web
from playwright.async_api import async_playwright

from kernel.keys import ORDER_DESK
from orchestrator.app import create_app
from orchestrator.settings import Settings
from schedules.startup import EXAMPLE_EVENT
from tests.conftest import CHROMIUM_ARGS
from tests.overlays.photo_event import photo_event

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

AUDIT = """() => {
  const problems = [];
  const channel = (c) => {
    c /= 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = (c) => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  const parse = (text) => {
    const m = /rgba?\\(([^)]+)\\)/.exec(text);
    if (!m) return null;
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(parseFloat);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  };
  const over = (top, under) => ({
    r: top.r * top.a + under.r * (1 - top.a), g: top.g * top.a + under.g * (1 - top.a),
    b: top.b * top.a + under.b * (1 - top.a), a: 1 });
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const style = getComputedStyle(e);
      if (style.backgroundImage !== "none") return null;  // a picture: not measurable
      const c = parse(style.backgroundColor);
      if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
    }
    let colour = { r: 255, g: 255, b: 255, a: 1 };
    for (const layer of layers.reverse()) colour = over(layer, colour);
    return colour;
  };
  const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!node.textContent.trim() || !el || seen.has(el)) continue;
    seen.add(el);
    if (el.closest("script, style, noscript, [aria-hidden='true'], iframe")) continue;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    if (style.visibility === "hidden" || box.width === 0 || box.height === 0) continue;
    const bg = background(el);
    const fg = parse(style.color);
    if (!bg || !fg) continue;
    const shown = over(fg, bg);
    const [hi, lo] = [luminance(shown), luminance(bg)].sort((a, b) => b - a);
    const ratio = (hi + 0.05) / (lo + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (parseInt(style.fontWeight, 10) >= 700 && size >= 18.66);
    const need = large ? 3 : 4.5;
    if (ratio < need - 0.005) {
      const text = node.textContent.trim().slice(0, 40);
      const under = [bg.r, bg.g, bg.b].map(Math.round).join(",");
      problems.push(`contrast ${ratio.toFixed(2)} < ${need}: "${text}" ${style.color} on ${under}`);
    }
  }
  for (const field of document.querySelectorAll("input:not([type=hidden]), select, textarea")) {
    const named = (field.labels && field.labels.length) || field.getAttribute("aria-label")
      || field.getAttribute("aria-labelledby");
    if (!named) problems.push(`field without a label: ${field.outerHTML.slice(0, 90)}`);
  }
  for (const link of document.querySelectorAll("a[href], button")) {
    const name = link.textContent.trim() || link.getAttribute("aria-label")
      || link.querySelector("img[alt]:not([alt=''])");
    if (!name) problems.push(`link or button without a name: ${link.outerHTML.slice(0, 90)}`);
  }
  for (const img of document.images) {
    if (!img.hasAttribute("alt")) problems.push(`image without alt: ${img.src}`);
    if (!img.getAttribute("width") || !img.getAttribute("height")) {
      problems.push(`image without width and height: ${img.src}`);
    }
  }
  if (!document.documentElement.lang) problems.push("no lang on <html>");
  if (!document.title.trim()) problems.push("no <title>");
  const h1 = document.querySelectorAll("h1").length;
  if (h1 !== 1) problems.push(`${h1} h1 elements`);
  return problems;
}"""

FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const visible = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
    || style.boxShadow !== "none";
  return { tag: el.tagName, text: (el.textContent || el.id || "").trim().slice(0, 30), visible };
}"""


@pytest.fixture
async def served(settings: Settings, tmp_path: Path):
    """The real app on a loopback port, on an event file with photos (T01 has none);
    yields its URL and the first vendor's desk link."""
    k01 = (EXAMPLE_EVENT.parent / "foto/K01.webp").read_bytes()
    app = create_app(replace(settings, event=photo_event(tmp_path / "acara", k01)))
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    links = app[ORDER_DESK].vendor_links
    yield f"http://127.0.0.1:{runner.addresses[0][1]}", "/v/" + links[sorted(links)[0]]
    await runner.cleanup()


async def audit(page, base: str, paths) -> dict[str, list[str]]:
    """Open each path; the audit's problems and unseen focus, per path that has any."""
    found: dict[str, list[str]] = {}
    for path in paths:
        await page.goto(base + path)
        problems = await page.evaluate(AUDIT)
        for _ in range(40):
            await page.keyboard.press("Tab")
            focus = await page.evaluate(FOCUS)
            if focus is None:
                break  # past the last element: back to the page itself
            if not focus["visible"]:
                problems.append(f"focus not visible on {focus['tag']} {focus['text']!r}")
        if problems:
            found[path] = sorted(set(problems))
    return found


async def test_the_viewers_pages_pass_the_audit(chromium: str, served) -> None:
    """Every public page a viewer opens: no audit problem, and every element Tab reaches
    shows that it has the focus."""
    base, _ = served
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = await browser.new_page(viewport=PHONE, is_mobile=True)
        await page.goto(f"{base}/pasar")
        vendor = re.search(r'href="(/pasar/[^"?#]+)"', await page.content())
        assert vendor, "the catalogue links no vendor page"
        paths = ("/live", "/live/utama", "/pasar", vendor[1], "/jadwal", "/o/K01", "/o/T01",
                 "/bayar", "/bayar/pesan/K01")  # fmt: skip
        found = await audit(page, base, paths)
        await browser.close()
    assert found == {}, found


async def test_the_working_pages_pass_the_audit(chromium: str, served) -> None:
    """The vendor's desk and labels, and the organisers' sales desk, report, orders and
    editor pass the same audit on a phone."""
    base, desk = served
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = await browser.new_page(viewport=PHONE, is_mobile=True)
        found = await audit(page, base, (desk, f"{desk}/label"))
        await page.goto(f"{base}/login?token=org-token&next=/")
        found |= await audit(page, base, ("/", "/orders", "/orders/paket", "/laporan", "/editor"))
        await browser.close()
    assert found == {}, found
