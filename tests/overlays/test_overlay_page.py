"""The overlay page and QR codes through the real app factory and aiohttp's test client."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp import web

from kernel.db import open_db
from kernel.keys import HUB, HUB_PORT, OVERLAY_SETTINGS, STATIC_VERSION
from orchestrator.app import create_app
from orchestrator.settings import Settings
from overlays.qr import qr_svg
from schedules import store
from schedules.model import Channel, Event, Product, Slot, Vendor

BASE_URL = "https://pasar.example"


def sample_event() -> Event:
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)
    return Event(
        "Pasar Uji",
        channels=[Channel("utama", "Panggung Utama")],
        vendors=[Vendor("kopi", "Kopi Rakyat Sidomulyo")],
        products=[Product("K01", "kopi", "Kopi Robusta 250 g", 45000)],
        slots=[Slot("s1", "utama", start, start + timedelta(minutes=20), "kopi", ("K01",))],
    )


def overlay_app(settings: Settings, event: Event) -> web.Application:
    """The real app with ``event`` stored first and the hub on a free port."""
    db = open_db(settings.db)
    store.migrate(db)
    store.save_event(db, event)
    db.close()
    app = create_app(settings)
    app[HUB_PORT] = 0
    return app


@pytest.fixture
async def client(aiohttp_client, settings):
    return await aiohttp_client(overlay_app(settings, sample_event()))


async def test_overlay_page_has_versioned_assets_and_the_socket_url(client):
    """/overlay/utama is public HTML with ?v= static URLs and the hub's real socket URL."""
    resp = await client.get("/overlay/utama")
    assert resp.status == 200
    assert resp.content_type == "text/html"
    page = html.unescape(await resp.text())
    app = client.server.app
    version, port = app[STATIC_VERSION], app[HUB].port
    assert port > 0
    assert f'src="/static/overlays/overlay.js?v={version}"' in page
    assert f'href="/static/overlays/overlay.css?v={version}"' in page
    assert f"ws://127.0.0.1:{port}/overlay/utama?layout=full&v={version}" in page
    assert "https://" not in page and "http://" not in page  # nothing external
    assert resp.headers["Cache-Control"] == "no-store"
    assert f"connect-src ws://127.0.0.1:{port}" in resp.headers["Content-Security-Policy"]
    js = await client.get(f"/static/overlays/overlay.js?v={version}")
    assert js.status == 200


async def test_layout_is_passed_to_the_page_and_socket(client):
    """?layout=card picks the card layout for the page and names it to the hub."""
    page = html.unescape(await (await client.get("/overlay/utama?layout=card")).text())
    assert 'class="overlay layout-card"' in page
    assert "/overlay/utama?layout=card&v=" in page


async def test_unknown_layout_is_a_400(client):
    """A misspelt layout says which ones exist instead of showing a blank page."""
    resp = await client.get("/overlay/utama?layout=besar")
    assert resp.status == 400
    assert "full, lower, card, ticker" in await resp.text()


async def test_unknown_channel_is_a_404(client):
    """A channel that is not in the event has no overlay page."""
    assert (await client.get("/overlay/tidak-ada")).status == 404


async def test_qr_code_is_an_svg_of_the_order_link(client):
    """/qr/K01.svg is the QR code of the product's order link."""
    resp = await client.get("/qr/K01.svg")
    assert resp.status == 200
    assert resp.content_type == "image/svg+xml"
    body = await resp.read()
    assert body.startswith(b"<svg") and b"viewBox" in body
    base_url = client.server.app[OVERLAY_SETTINGS].base_url or sample_event().base_url
    assert body == qr_svg(f"{base_url}/o/K01")


async def test_qr_code_of_unknown_product_is_a_404(client):
    """Only products of the event get QR codes (no minting codes for arbitrary text)."""
    assert (await client.get("/qr/ZZ9.svg")).status == 404


async def test_overlay_names_the_checkout_address(client):
    """The ticker says where viewers pay: the event's short checkout address."""
    page = await (await client.get("/overlay/utama")).text()
    assert re.search(r'class="ticker-pay">Bayar: [^<]+/bayar<', page)
