"""/pasar, /pasar/<vendor> and /sitemap.xml: public, escaped, cached, no personal data."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from xml.etree import ElementTree

import pytest

from kernel.clock import ManualClock
from kernel.keys import ROTATION, SCHEDULE, STORE
from orchestrator.app import create_app
from schedules import store
from tests.orchestrator.helpers import T0, save, small_event

PUBLIC = "https://pasar.example.id"
PHOTO = "0123456789abcdef"


def _event():
    event = small_event()
    first = replace(event.vendors[0], name="Kopi <b>Ajung</b>", owner="Bu Siti Rahayu",
                    description='Kopi "asli" <script>alert(1)</script>', bank="BRI",
                    bank_account="1234567890", bank_account_name="Siti Rahayu")  # fmt: skip
    products = list(event.products)
    products[0] = replace(products[0], photo_id=PHOTO, order_url="https://toko.example/k01")
    products[1] = replace(products[1], order_url="javascript:alert(1)")
    return replace(event, vendors=[first, *event.vendors[1:]], products=products)


@pytest.fixture
async def client(aiohttp_client, settings):
    save(settings.db, _event())
    app = create_app(replace(settings, public_url=PUBLIC),
                     clock=ManualClock(T0 + timedelta(minutes=5)))  # fmt: skip
    return await aiohttp_client(app)


async def test_the_catalogue_is_public_escaped_and_links_each_product(client) -> None:
    """No login; names are text; each product links /o/ and /bayar/pesan/; Rupiah with dots."""
    page = await client.get("/pasar")
    body = await page.text()
    assert page.status == 200
    assert "Kopi &lt;b&gt;Ajung&lt;/b&gt;" in body and "<b>Ajung" not in body
    for code in ("K01", "K02", "K03", "K04"):
        assert f'href="/o/{code}"' in body and f'href="/bayar/pesan/{code}"' in body
    assert "Rp 40.000" in body and "Rp 43.000" in body
    assert f'src="/foto/{PHOTO}-thumb.webp"' in body and 'width="120" height="120"' in body
    assert '<label for="q">' in body and '<label for="kategori">' in body
    assert "<script" not in body


async def test_search_and_category_narrow_the_page(client) -> None:
    """`?q=kopi 2` shows one product; an unknown category shows the 'nothing found' text."""
    body = await (await client.get("/pasar", params={"q": "kopi 2"})).text()
    assert 'href="/o/K03"' in body and 'href="/o/K01"' not in body
    assert "1 penjual, 1 produk" in body
    none = await (await client.get("/pasar", params={"kategori": "batik"})).text()
    assert "Tidak ada yang cocok" in none and 'href="/o/' not in none


async def test_a_vendor_page_shows_description_links_and_turns(client) -> None:
    """Escaped description, wa.me, the https order link only, on-air turn and its .ics."""
    page = await client.get("/pasar/v0")
    body = await page.text()
    assert page.status == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "<script>alert" not in body
    assert 'href="https://wa.me/628123000000?text=' in body
    assert 'href="https://toko.example/k01"' in body and "javascript:" not in body
    assert "SEDANG TAYANG" in body and 'href="/jadwal/penjual/v0.ics"' in body
    assert "15:30 WIB" in body  # T0 is 08:30 UTC
    assert f'property="og:image" content="{PUBLIC}/foto/{PHOTO}-share.jpg"' in body
    assert 'property="og:image:type" content="image/jpeg"' in body
    assert 'property="og:title" content="Kopi &lt;b&gt;Ajung&lt;/b&gt; · Uji"' in body
    later = await (await client.get("/pasar/v3")).text()
    assert "SEDANG TAYANG" not in later and "16:00 WIB" in later


async def test_an_unknown_vendor_is_a_404_page(client) -> None:
    """A vendor id not in the event answers 404 with a sentence, not a stack trace."""
    page = await client.get("/pasar/nope", headers={"Accept": "text/html"})
    assert page.status == 404 and "tidak ada" in await page.text()


async def test_an_unchanged_page_answers_304_until_the_show_moves(client) -> None:
    """The ETag comes back as 304 with no body; an extend moves the vendor's turns and the tag."""
    first = await client.get("/pasar/v2")
    tag = first.headers["ETag"]
    assert "must-revalidate" in first.headers["Cache-Control"]
    again = await client.get("/pasar/v2", headers={"If-None-Match": tag})
    assert again.status == 304 and await again.read() == b""
    await client.server.app[ROTATION].act("utama", "extend", "host", minutes=4)
    moved = await client.get("/pasar/v2", headers={"If-None-Match": tag})
    assert moved.status == 200 and moved.headers["ETag"] != tag
    assert "15:54 WIB" in await moved.text()
    listing = await client.get("/pasar", params={"q": "kopi"})
    same = await client.get("/pasar", params={"q": "KOPI"},
                            headers={"If-None-Match": listing.headers["ETag"]})  # fmt: skip
    assert same.status == 304


async def test_an_edited_schedule_is_a_new_catalogue_and_a_new_tag(client) -> None:
    """A product renamed in the store: after the feed's reload /pasar shows it, tag moved."""
    app = client.server.app
    first = await client.get("/pasar")
    tag, product = first.headers["ETag"], small_event().products[2]
    assert product.name in await first.text()
    await app[STORE].run(store.upsert_product, replace(product, name="Kopi Luwak Baru"))
    await app[SCHEDULE].reload()
    edited = await client.get("/pasar", headers={"If-None-Match": tag})
    assert edited.status == 200 and edited.headers["ETag"] != tag
    page = await edited.text()
    assert "Kopi Luwak Baru" in page and product.name not in page


async def test_the_sitemap_lists_absolute_public_addresses(client) -> None:
    """Every <loc> starts with the public URL: /pasar, /jadwal, each vendor and product."""
    response = await client.get("/sitemap.xml")
    assert response.status == 200 and response.content_type == "application/xml"
    root = ElementTree.fromstring(await response.read())
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [x.text for x in root.findall("s:url/s:loc", ns)]
    assert all(loc.startswith(PUBLIC + "/") for loc in locs)
    assert {f"{PUBLIC}/pasar", f"{PUBLIC}/jadwal", f"{PUBLIC}/pasar/v0", f"{PUBLIC}/o/K04"} <= set(
        locs
    )
    assert len(locs) == 2 + 4 + 4


async def test_no_personal_data_on_any_catalogue_page(client) -> None:
    """The owner's name, bank account and holder never show on the public pages."""
    for path in ("/pasar", "/pasar/v0", "/pasar?q=ajung", "/sitemap.xml"):
        body = await (await client.get(path)).text()
        assert not re.search("Siti|Rahayu|1234567890|BRI", body), path
