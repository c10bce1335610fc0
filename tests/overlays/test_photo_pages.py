"""Photos on the viewers' side: the stored files served for a year, the order page and the
overlay card showing them, and a deliberate tile where a product has none."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from html import unescape
from pathlib import Path

import pytest
from PIL import Image

from kernel.keys import PHOTOS, SCHEDULE
from orchestrator.app import create_app
from orchestrator.settings import Settings
from overlays.photo_view import initials, tone
from overlays.state import OnAir, build_state
from schedules.photos import photo_id
from tests.overlays.photo_event import TRICKY, photo_event
from tests.schedules.photo_samples import jpeg, jpeg_with_exif


@pytest.fixture
async def client(aiohttp_client, settings: Settings, tmp_path: Path):
    event_file = photo_event(tmp_path / "acara")
    app = create_app(replace(settings, event=event_file))
    return await aiohttp_client(app)


def product(client, code: str):
    return client.app[SCHEDULE].current().event.product(code)


async def test_a_photo_is_served_for_a_year(client) -> None:
    """/foto/<id>-<size>.webp is the stored WebP, immutable for a year, with an ETag."""
    pid = photo_id(jpeg_with_exif(1200, 900))
    assert product(client, "K01").photo_id == pid
    resp = await client.get(f"/foto/{pid}-card.webp")
    assert resp.status == 200
    assert resp.headers["Content-Type"] == "image/webp"
    assert resp.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    body = await resp.read()
    assert Image.open(io.BytesIO(body)).size == (240, 240)
    etag = resp.headers["ETag"]
    again = await client.get(f"/foto/{pid}-card.webp", headers={"If-None-Match": etag})
    assert again.status == 304 and await again.read() == b""


async def test_photos_are_public_but_nothing_else_is(client) -> None:
    """Anyone may load a photo; unknown ids, other sizes and other files are 404."""
    pid = product(client, "K01").photo_id
    for size in ("card", "phone", "thumb"):
        assert (await client.get(f"/foto/{pid}-{size}.webp")).status == 200
    for path in (f"/foto/{pid}-huge.webp", "/foto/0000000000000000-card.webp",
                 "/foto/pasar.db", "/foto/..%2Fpasar.db", f"/foto/{pid}-card.jpg"):  # fmt: skip
        assert (await client.get(path)).status == 404, path


async def test_a_link_preview_gets_a_jpeg_made_once_from_the_phone_size(client) -> None:
    """/foto/<id>-share.jpg is a 640 px baseline-decodable JPEG without EXIF, made on the
    first request and then the same bytes; an unknown id or a stored size's name is 404."""
    pid = product(client, "K01").photo_id
    resp = await client.get(f"/foto/{pid}-share.jpg")
    assert resp.status == 200
    assert resp.headers["Content-Type"] == "image/jpeg"
    assert resp.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    body = await resp.read()
    assert body[:3] == b"\xff\xd8\xff"  # a JPEG's start-of-image marker, not WebP's RIFF
    image = Image.open(io.BytesIO(body))
    assert (image.format, image.size, image.mode) == ("JPEG", (640, 640), "RGB")
    assert not image.getexif() and b"Exif" not in body
    assert await (await client.get(f"/foto/{pid}-share.jpg")).read() == body
    for path in ("/foto/0000000000000000-share.jpg", f"/foto/{pid}-phone.jpg",
                 f"/foto/{pid}-share.webp"):  # fmt: skip
        assert (await client.get(path)).status == 404, path


async def test_a_damaged_stored_photo_gets_no_preview_and_nothing_written(client) -> None:
    """A phone size damaged on disk: the preview is a 404 with a sentence, no JPEG is left
    behind, and the photo's other sizes are still served."""
    pid = product(client, "K01").photo_id
    store = client.app[PHOTOS].store
    (store.folder / f"{pid}-phone.webp").write_bytes(b"RIFF\x00\x00not a webp")
    resp = await client.get(f"/foto/{pid}-share.jpg")
    assert resp.status == 404 and "tidak ada" in await resp.text()
    assert not (store.folder / f"{pid}-share.jpg").exists()
    assert (await client.get(f"/foto/{pid}-card.webp")).status == 200


async def test_the_order_page_shows_the_photo_sized(client) -> None:
    """/o/K01 shows the phone size with its width, height and alt text."""
    pid = product(client, "K01").photo_id
    html = await (await client.get("/o/K01")).text()
    assert (
        f'<img src="/foto/{pid}-phone.webp" alt="Foto Kopi Robusta 250 g" width="640"'
        ' height="640" decoding="async">'
    ) in html


async def test_a_name_in_alt_text_is_escaped(client) -> None:
    """A product name with quotes and a script tag stays text inside the alt attribute."""
    html = await (await client.get("/o/S01")).text()
    assert "<script>alert" not in html
    match = re.search(r'<img src="/foto/[0-9a-f]{16}-phone\.webp" alt="([^"]*)"', html)
    assert match is not None
    assert unescape(match[1]) == f"Foto {TRICKY}"


async def test_a_product_without_photo_gets_a_tile(client) -> None:
    """T01 has no photo: its page shows a tile with its initials in its category's colour."""
    html = await (await client.get("/o/T01")).text()
    assert "/foto/" not in html.split('class="landing-code"')[0]
    tile = f'<div class="photo-tile photo-tone-{tone("Kuliner")}" role="img"'
    assert tile in html and "<span>TS</span>" in html
    assert initials("Tape Singkong") == "TS" and initials("Batik") == "BA"
    assert initials("  ") == "?"


async def test_the_overlay_card_carries_the_photo(client) -> None:
    """The overlay state gives each product its card size's address, or none and a tile."""
    event = client.app[SCHEDULE].current().event
    slot = event.slots[0]
    on_air = OnAir("live", slot.id, "kopi", slot.products, "", slot.start, slot.end)
    state = build_state(event, "utama", on_air)
    k01 = next(p for p in state["products"] if p["code"] == "K01")
    assert k01["photo"] == f"/foto/{product(client, 'K01').photo_id}-card.webp"
    assert k01["photo_alt"] == "Foto Kopi Robusta 250 g"
    t01 = build_state(event, "utama", replace(on_air, vendor_id="tape", product_codes=("T01",)))
    [tape] = t01["products"]
    assert tape["photo"] is None and tape["initials"] == "TS" and tape["tone"] == tone("Kuliner")


async def test_a_new_photo_gets_a_new_address(aiohttp_client, settings, tmp_path: Path) -> None:
    """Replacing the photo file (the sheet unchanged) and restarting gives a new URL; the old
    one still answers (a page cached before the change still shows its photo)."""
    event_file = photo_event(tmp_path / "acara")
    app = create_app(replace(settings, event=event_file))
    first = await aiohttp_client(app)
    old = product(first, "K01").photo_id
    await first.close()
    (tmp_path / "acara/foto/kopi.jpg").write_bytes(jpeg(800, 800, colour="olive"))
    second = await aiohttp_client(create_app(replace(settings, event=event_file)))
    new = product(second, "K01").photo_id
    assert new == photo_id(jpeg(800, 800, colour="olive")) != old
    html = await (await second.get("/o/K01")).text()
    assert f"/foto/{new}-phone.webp" in html and old not in html
    assert (await second.get(f"/foto/{old}-phone.webp")).status == 200
    assert second.app[PHOTOS].store.has(new)


async def test_the_order_form_shows_the_thumbnail(client) -> None:
    """ "Pesan di sini" (/bayar/pesan/K01) shows the product's thumbnail; T01's shows none."""
    pid = product(client, "K01").photo_id
    html = await (await client.get("/bayar/pesan/K01")).text()
    assert (
        f'<img class="order-photo" src="/foto/{pid}-thumb.webp" alt="Foto Kopi Robusta 250 g"'
        ' width="120" height="120">'
    ) in html
    assert "order-photo" not in await (await client.get("/bayar/pesan/T01")).text()


async def test_the_order_page_has_open_graph_with_price_and_absolute_photo(
    aiohttp_client, settings: Settings, tmp_path: Path
) -> None:
    """og:title holds the product and its Rupiah price; og:image is the photo's full address."""
    public = "https://pasar.example.id"
    app = create_app(replace(settings, event=photo_event(tmp_path / "acara"), public_url=public))
    client = await aiohttp_client(app)
    pid = product(client, "K01").photo_id
    html = await (await client.get("/o/K01")).text()
    meta = dict(re.findall(r'<meta property="(og:[a-z:]+)" content="([^"]*)">', html))
    assert meta["og:title"] == "K01 Kopi Robusta 250 g · Rp 45.000"
    assert meta["og:image"] == f"{public}/foto/{pid}-share.jpg"
    assert meta["og:image:type"] == "image/jpeg"
    assert (meta["og:image:width"], meta["og:image:height"]) == ("640", "640")
    assert meta["og:url"] == f"{public}/o/K01"
    tricky = await (await client.get("/o/S01")).text()
    title = re.search(r'<meta property="og:title" content="([^"]*)">', tricky)
    assert title and unescape(title[1]).startswith(f"S01 {TRICKY} · Rp ")
