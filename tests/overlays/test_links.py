"""Order links: the landing page, its 404, its safety rules and the clicks it logs."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from aiohttp import web
from sqlite_utils import Database

from kernel.db import open_db
from kernel.keys import CLICK_LOG, LINK_PAGES, ON_AIR_NOW, SCHEDULE, SOLD_OUT, STORE
from orchestrator.app import create_app
from orchestrator.chat import grammar
from overlays import links
from overlays import wiring as overlays_wiring
from schedules import store
from schedules.model import Channel, Event, Product, Slot, Vendor

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15"
    " (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1"
)
TABLET = "Mozilla/5.0 (Linux; Android 13; SM-X200) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"
DESKTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"
WA_MESSAGE = (
    "Halo Kopi Rakyat, saya mau pesan K01 Kopi Robusta Bubuk 250 g (Rp 43.000) x1 dari Pasar Live"
)


def sample_event() -> Event:
    """Two vendors, four products with every kind of order URL and stock, one slot on air."""
    now = datetime.now(UTC).replace(microsecond=0)
    return Event(
        name="Pasar Uji",
        channels=[Channel("utama", "Panggung Utama"), Channel("kedua", "Panggung Kedua")],
        vendors=[
            Vendor(
                "kopi-rakyat", "Kopi Rakyat", "kopi", whatsapp="0812-3007-919", kecamatan="Tanggul"
            ),
            Vendor(
                "sabun",
                "Sabun <b>Kenanga</b>",
                "kecantikan",
                whatsapp="+62 813 1111 2222",
                kecamatan="<i>Patrang</i>",
            ),
        ],
        products=[
            Product(
                "K01",
                "kopi-rakyat",
                "Kopi Robusta Bubuk 250 g",
                43000,
                25,
                "https://www.tokopedia.com/kopi-rakyat",
            ),
            Product(
                "K02",
                "kopi-rakyat",
                "Kopi Drip Bag isi 10",
                33000,
                None,
                "http://insecure.example/k02",
            ),
            Product(
                "H22",
                "sabun",
                "Sabun Sereh <script>alert(1)</script>",
                15000,
                0,
                "javascript:alert(1)",
            ),
            Product("H23", "sabun", "Sabun Kopi", 18000, 40, None),
        ],
        slots=[
            Slot(
                "utama-now",
                "utama",
                now - timedelta(minutes=5),
                now + timedelta(hours=1),
                "kopi-rakyat",
                ("K01", "K02"),
                "Kopi Jember",
            )
        ],
    )


ON_AIR = [
    {
        "channel": "utama",
        "title": "Panggung Utama",
        "slot_id": "utama-now",
        "vendor_id": "kopi-rakyat",
        "codes": ["K01", "K02"],
    },
    {
        "channel": "kedua",
        "title": "Panggung Kedua",
        "slot_id": "kedua-now",
        "vendor_id": "sabun",
        "codes": ["H23"],
    },
]


class Providers:
    """What the orders module and the rotation would plug in; tests change it at will."""

    def __init__(self) -> None:
        self.on_air: list[dict] = list(ON_AIR)
        self.sold_out: frozenset[str] = frozenset()
        self.fail = False

    def on_air_now(self) -> list[dict]:
        if self.fail:
            raise RuntimeError("rotation is down")
        return self.on_air


@pytest.fixture
def providers() -> Providers:
    return Providers()


@pytest.fixture
async def client(aiohttp_client, settings, providers):
    """The real app on a saved sample event, with the on-air and sold-out providers set."""
    db = open_db(settings.db)
    store.migrate(db)
    store.save_event(db, sample_event())
    db.close()
    app = create_app(settings)

    async def install(app):
        # Last of the start-up steps, so the order desk and the rotation bridge (which set
        # these keys as they start) leave the test in charge.
        app[ON_AIR_NOW] = providers.on_air_now
        app[SOLD_OUT] = lambda: providers.sold_out
        yield

    app.cleanup_ctx.append(install)
    client = await aiohttp_client(app)
    app[LINK_PAGES].live.max_age = 0  # tests change the providers between requests
    return client


def hrefs(html: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'href="([^"]*)"', html)]


async def page(client, path: str, **kwargs) -> tuple[int, str]:
    resp = await client.get(path, allow_redirects=False, **kwargs)
    return resp.status, await resp.text()


async def logged_rows(client) -> list[dict]:
    app = client.server.app
    await app[CLICK_LOG].flush()
    return await app[STORE].run(lambda db: list(db.query("SELECT * FROM clicks ORDER BY id")))


async def test_landing_shows_product_price_vendor_and_whatsapp(client):
    """The page names the product, price, vendor and links to wa.me with the right message."""
    status, html = await page(client, "/o/K01")
    assert status == 200
    for text in (
        "Kopi Robusta Bubuk 250 g",
        "Rp 43.000",
        "Kopi Rakyat",
        "Kec. Tanggul",
        "kopi",
        "Stok: 25",
        "Pesan via WhatsApp",
        "K01",
    ):
        assert text in html
    wa = next(h for h in hrefs(html) if h.startswith("https://wa.me/"))
    parts = urlsplit(wa)
    assert parts.path == "/628123007919"
    assert parse_qs(parts.query) == {"text": [WA_MESSAGE]}
    assert "/" not in hrefs(html)  # no link to the staff pages, which would ask for a login


async def test_code_matches_like_the_chat_grammar(client):
    """``/o/k1``, ``/o/k01`` and ``/o/K001`` all open K01; a code-less word does not."""
    for path in ("/o/k1", "/o/k01", "/o/K001", "/o/%EF%BC%AB01"):  # the last is a full-width K
        status, html = await page(client, path)
        assert status == 200, path
        assert "Kopi Robusta Bubuk 250 g" in html
    assert (await page(client, "/o/kopi"))[0] == 404


async def test_unknown_code_lists_products_on_air(client):
    """An unknown code answers 404 in Indonesian with links to the products on air."""
    status, html = await page(client, "/o/Z99")
    assert status == 404
    assert "Kode Z99 tidak ditemukan" in html
    assert "Produk yang sedang tayang" in html
    assert {"/o/K01", "/o/K02", "/o/H23"} <= set(hrefs(html))
    assert "Panggung Kedua" in html


async def test_unknown_code_with_nothing_on_air(client, providers):
    """With nothing on air the 404 says so instead of listing products."""
    providers.on_air = []
    status, html = await page(client, "/o/Z99")
    assert status == 404
    assert "Belum ada produk yang tayang sekarang" in html
    assert not any(h.startswith("/o/") for h in hrefs(html))


async def test_request_never_becomes_a_redirect_or_link(client):
    """Query strings, Referer and odd paths are never echoed as a link or a redirect."""
    evil = "https://evil.example/steal"
    for path in (
        "/o/K01?next=https://evil.example&url=//evil.example",
        "/o/%2F%2Fevil.example",
        "/o/javascript:alert(1)",
        "/o/K01/..%2F..%2Fevil.example",
    ):
        resp = await client.get(path, allow_redirects=False, headers={"Referer": evil})
        html = await resp.text()
        assert resp.status in (200, 404), path
        assert "Location" not in resp.headers
        assert "evil" not in html and "javascript" not in html, path
        for href in hrefs(html):
            assert (
                href.startswith("https://wa.me/")
                or href == "https://www.tokopedia.com/kopi-rakyat"
                or (href.startswith("/") and not href.startswith("//"))
            ), href


async def test_order_url_shown_only_when_https(client):
    """The marketplace button appears for an https URL, never for http or javascript."""
    _, html = await page(client, "/o/K01")
    assert "https://www.tokopedia.com/kopi-rakyat" in hrefs(html)
    assert "Beli di toko online" in html
    for code in ("K02", "H22", "H23"):
        _, html = await page(client, f"/o/{code}")
        assert "Beli di toko online" not in html, code
        assert not any(h.startswith(("http://", "javascript")) for h in hrefs(html)), code


async def test_sold_out_shows_stok_habis(client, providers):
    """Sold-out codes (and stock 0) say "Stok habis"; unlimited stock says nothing."""
    providers.sold_out = frozenset({"K01"})
    _, html = await page(client, "/o/K01")
    assert "Stok habis" in html and "Stok: 25" not in html
    _, html = await page(client, "/o/H22")
    assert "Stok habis" in html
    _, html = await page(client, "/o/K02")
    assert "Stok" not in html
    providers.sold_out = frozenset()
    _, html = await page(client, "/o/K01")
    assert "Stok: 25" in html and "Stok habis" not in html


async def test_clicks_logged_with_channel_slot_and_device(client, providers):
    """Each open is a row with UTC time, code, the channel and slot on air, origin and device."""
    youtube = "https://www.youtube.com/watch?v=abc&t=1"
    await client.get("/o/k1", headers={"User-Agent": IPHONE, "Referer": youtube})
    await client.get("/o/H23", headers={"User-Agent": "curl/8.5.0"})
    await client.get("/o/H22", headers={"User-Agent": TABLET})  # off air: first channel on air
    providers.on_air = []
    await client.get("/o/K02", headers={"User-Agent": DESKTOP})
    await client.get("/o/Z99")  # unknown codes are not clicks
    rows = await logged_rows(client)
    assert [(r["code"], r["channel"], r["slot_id"], r["device"]) for r in rows] == [
        ("K01", "utama", "utama-now", "phone"),
        ("H23", "kedua", "kedua-now", "bot"),
        ("H22", "utama", "utama-now", "tablet"),
        ("K02", None, None, "desktop"),
    ]
    assert rows[0]["referrer"] == "https://www.youtube.com"
    assert rows[1]["referrer"] is None
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", rows[0]["at"])


async def test_script_in_names_is_escaped(client):
    """Product and vendor text with HTML shows as text, never as markup."""
    _, html = await page(client, "/o/H22")
    assert "<script>" not in html and "<b>" not in html and "<i>" not in html
    assert "Sabun Sereh &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;Kenanga&lt;/b&gt;" in html
    assert "Kec. &lt;i&gt;Patrang&lt;/i&gt;" in html


async def test_live_badge_names_the_channel_showing_the_product(client):
    """A product on air says on which channel; one off air does not."""
    _, html = await page(client, "/o/K01")
    assert "Sedang tayang di Panggung Utama" in html
    _, html = await page(client, "/o/H22")
    assert "Sedang tayang di" not in html
    assert "Sedang tayang sekarang" in html and "/o/K01" in hrefs(html)


async def test_schedule_edit_shows_after_revision_change(client):
    """A price changed in the database shows once the schedule feed publishes it."""
    app = client.server.app
    changed = Product("K01", "kopi-rakyat", "Kopi Robusta Bubuk 250 g", 45000, 25, None)
    await app[STORE].run(store.upsert_product, changed)
    await app[SCHEDULE].reload()
    _, html = await page(client, "/o/K01")
    assert "Rp 45.000" in html and "Rp 43.000" not in html
    assert "Beli di toko online" not in html


async def test_failing_provider_does_not_break_the_page(client, providers):
    """If the rotation's provider raises, the landing page still answers."""
    providers.fail = True
    status, html = await page(client, "/o/K01")
    assert status == 200 and "Pesan via WhatsApp" in html
    assert "Sedang tayang" not in html


async def test_page_headers_forbid_scripts_and_caching(client):
    """The landing answers with a no-script CSP and no-store, and sets no cookie."""
    resp = await client.get("/o/K01")
    assert "default-src 'none'" in resp.headers["Content-Security-Policy"]
    assert resp.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in resp.headers


@pytest.mark.parametrize(
    "word", ["K01", "k1", "k001", "KOP1", "ab12", "Ｋ０１", "x2", "1k", "kopi", "k1234", "", " k1 "]
)
def test_code_key_matches_chat_grammar(word):
    """The landing's code matching is the chat grammar's, case by case."""
    assert links.code_key(word) == grammar.code_key(word)


@pytest.mark.parametrize(
    ("stored", "digits"),
    [
        ("0812-3007-919", "628123007919"),
        ("+62 813 1111 2222", "6281311112222"),
        ("628123007919", "628123007919"),
        ("812 3007 919", "628123007919"),
        ("", None),
        ("12", None),
    ],
)
def test_wa_number_forms(stored, digits):
    """Numbers as organisers write them become wa.me's international digits."""
    assert links.wa_number(stored) == digits


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://shopee.co.id/x", True),
        ("HTTPS://tokopedia.com/a", True),
        ("http://tokopedia.com/a", False),
        ("javascript:alert(1)", False),
        ("https://user@evil.example/", False),
        ("https://a.example/x y", False),
        ("//evil.example", False),
        (None, False),
    ],
)
def test_https_url_filter(url, shown):
    """Only plain https addresses survive as order URLs."""
    assert (links.https_url(url) is not None) is shown


def test_live_state_asks_providers_at_most_every_max_age():
    """Bursts of opens reuse one answer of the providers until it is ``max_age`` old."""
    calls, now = [], [100.0]
    app = web.Application()
    app[ON_AIR_NOW] = lambda: calls.append(1) or list(ON_AIR)
    app[SOLD_OUT] = lambda: frozenset({"K01"})
    live = links.LiveState(max_age=0.25, clock=lambda: now[0])
    for _ in range(3):
        on_air, key, sold_out = live.read(app)
    assert len(calls) == 1 and on_air == ON_AIR and sold_out == {"K01"} and key
    now[0] += 0.25
    live.read(app)
    assert len(calls) == 2


def test_live_state_survives_missing_and_failing_providers():
    """No provider, or one that raises, reads as nothing on air and nothing sold out."""
    app = web.Application()
    assert links.LiveState(max_age=0).read(app) == ([], (), frozenset())
    app[ON_AIR_NOW] = lambda: 1 / 0
    assert links.LiveState(max_age=0).read(app)[0] == []


def test_setup_leaves_the_provider_keys_to_their_owners():
    """``setup`` sets no default providers: the rotation bridge only fills an empty key."""
    app = web.Application()
    overlays_wiring.setup(app)
    assert ON_AIR_NOW not in app and SOLD_OUT not in app


def test_catalog_without_event_is_empty():
    """A database with no event gives an empty catalog, so every code is a 404."""
    db = Database(memory=True)
    store.migrate(db)
    catalog = links.Catalog.build(store.load_event(db))
    assert catalog.find("K01") is None
