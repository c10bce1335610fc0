"""/live: the viewers' live page and its public socket; viewer-safe, escaped, live."""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import replace
from datetime import timedelta

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from kernel.clock import ManualClock
from kernel.keys import BRIDGE, HUB, LIVE_FEED, ORDER_DESK, PUBLISHER, ROTATION
from orchestrator.app import create_app
from orchestrator.orders.model import ChatMessage
from overlays.hub import Hub
from overlays.live_state import embed_url, stock_label, viewer_state
from tests.conftest import login
from tests.orchestrator.helpers import T0, save, small_event

PHONE = "+628123000000"  # every vendor's WhatsApp in small_event


def _event():
    event = small_event()
    names = ["Kopi <b>Ajung</b>", *[v.name for v in event.vendors[1:]]]
    vendors = [replace(v, name=n) for v, n in zip(event.vendors, names, strict=True)]
    return replace(event, vendors=vendors)


def test_viewer_state_keeps_only_named_fields() -> None:
    """Unknown or private keys in the overlay state (ids, phones) never reach the live state."""
    overlay = {
        "channel": "utama", "on_air": True, "author_id": "UCsecret",
        "vendor": {"name": "Kopi", "whatsapp": PHONE, "id": "v0"},
        "products": [{"code": "K01", "name": "Kopi", "price": "Rp 40.000", "phone": PHONE}],
        "ticker": [{"code": "K01", "qty": 2, "first_name": "Siti Aminah", "author_id": "UCx"}],
        "countdown": {"target_ms": 5, "held": False, "next_name": "Tape", "secret": 1},
    }  # fmt: skip
    state = viewer_state(overlay, stock_left={"K01": 3})
    text = json.dumps(state)
    assert "UCsecret" not in text and "UCx" not in text and PHONE not in text
    assert state["ticker"][0]["first_name"] == "Siti"
    assert state["products"][0]["stock"] == "sisa 3"
    assert state["products"][0]["order"] == "/bayar/pesan/K01"
    assert "secret" not in state["countdown"]


def test_stock_labels_and_embeds() -> None:
    """Stock reads sisa N / habis / nothing; only a plain video id becomes a nocookie embed."""
    assert [stock_label(3, False), stock_label(0, False), stock_label(None, True),
            stock_label(None, False)] == ["sisa 3", "habis", "habis", ""]  # fmt: skip
    assert embed_url("dQw4w9WgXcQ") == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    assert embed_url("x/../evil") is None and embed_url("") is None


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0 + timedelta(minutes=5))


@pytest.fixture
async def client(aiohttp_client, settings, clock):
    save(settings.db, _event())
    return await aiohttp_client(create_app(settings, clock=clock))


def _ws(client, channel: str = "utama") -> str:
    return f"ws://127.0.0.1:{client.server.app[HUB].port}/live/{channel}"


async def _next_state(socket) -> dict:
    """The next revision's state (the receive is bounded by a deadline)."""
    message = json.loads(await asyncio.wait_for(socket.recv(), 5))
    return message["state"]


async def test_the_page_is_public_escaped_and_server_rendered(client) -> None:
    """No login; the vendor on air is there as text, with price, Pesan link and strict CSP."""
    page = await client.get("/live/utama")
    body = await page.text()
    assert page.status == 200
    assert "Kopi &lt;b&gt;Ajung&lt;/b&gt;" in body and "<b>Ajung" not in body
    assert "Rp 40.000" in body and 'href="/bayar/pesan/K01"' in body and "sisa 10" in body
    assert "15:40 WIB" in body  # the next vendor at 08:40 UTC
    csp = page.headers["Content-Security-Policy"]
    assert "frame-src https://www.youtube-nocookie.com https://www.youtube.com;" in csp
    assert f"connect-src ws://127.0.0.1:{client.server.app[HUB].port};" in csp
    assert "script-src 'self';" in csp and "unsafe-inline" not in csp
    assert not re.search(r"<script(?![^>]*\bsrc=)", body) and "style=" not in body
    assert PHONE not in body
    every = await client.get("/live")
    assert every.status == 200 and 'href="/live/utama"' in await every.text()
    missing = await client.get("/live/nope", headers={"Accept": "text/html"})
    assert missing.status == 404


async def test_a_host_action_reaches_the_socket(client) -> None:
    """A viewer's socket gets the snapshot, then the next vendor after the host's 'next'."""
    async with connect(_ws(client), origin=None) as socket:
        first = await _next_state(socket)
        assert first["vendor"]["name"] == "Kopi <b>Ajung</b>"
        await client.server.app[ROTATION].act("utama", "next", "host")
        while (state := await _next_state(socket))["vendor"]["name"] != "Penjual 1":
            pass
        assert state["products"][0]["code"] == "K02"
        assert client.server.app[HUB].pages() == []  # viewers are not OBS pages


async def test_a_foreign_origin_is_refused(client) -> None:
    """Another site's page cannot open the viewers' socket."""
    with pytest.raises(InvalidStatus) as refused:
        async with connect(_ws(client), origin="https://evil.example"):
            pass
    assert refused.value.response.status_code == 403


async def test_orders_show_stock_left_and_no_personal_data(client, clock) -> None:
    """Three K01 ordered: 'sisa 7'; the ticker has a first name only, never ids or phones."""
    app = client.server.app
    await app[BRIDGE].act("utama", "names_on", None)
    async with connect(_ws(client), origin=None) as socket:
        await _next_state(socket)
        message = ChatMessage("youtube", "m1", "utama", "UCsecretAuthor", "Siti Aminah",
                              "K01 3", clock.now())  # fmt: skip
        await app[ORDER_DESK].ingest([message])
        while (state := await _next_state(socket))["products"][0]["stock"] != "sisa 7":
            pass
        raw = json.dumps(state)
        assert state["ticker"][0]["first_name"] == "Siti" and "Aminah" not in raw
        assert "UCsecretAuthor" not in raw and PHONE not in raw and "m1" not in raw
    page = await (await client.get("/live/utama")).text()
    assert "sisa 7" in page and "Siti memesan 3×" in page and "Aminah" not in page


async def test_a_live_broadcast_is_embedded_and_dropped_when_complete(client) -> None:
    """The platform side's broadcast id becomes a nocookie iframe; a complete one goes away."""
    app = client.server.app
    publish = app[PUBLISHER].publish
    publish("platform", "utama", {"broadcast_id": "AbCdEfGhIjK", "broadcast_status": "live"})
    assert app[LIVE_FEED].state("utama")["video"].endswith("/embed/AbCdEfGhIjK")
    body = await (await client.get("/live/utama")).text()
    assert '<iframe src="https://www.youtube-nocookie.com/embed/AbCdEfGhIjK"' in body
    publish("platform", "utama", {"broadcast_id": "AbCdEfGhIjK", "broadcast_status": "complete"})
    assert app[LIVE_FEED].state("utama")["video"] is None
    assert "<iframe" not in await (await client.get("/live/utama")).text()


async def test_hub_followers_hear_real_overlay_changes_only() -> None:
    """follow() hears a changed overlay state once, not a repeat, not a viewers' topic."""
    hub, heard = Hub(), []
    stop = hub.follow(lambda channel, state: heard.append((channel, state["n"])))
    hub.publish("utama", {"n": 1})
    hub.publish("utama", {"n": 1})  # no change
    hub.publish_live("utama", {"n": 2})  # the viewers' own topic
    stop()
    hub.publish("utama", {"n": 3})
    assert heard == [("utama", 1)]


async def test_viewers_are_stamped_with_the_service_clock(client, clock) -> None:
    """Under a manual clock a viewer's snapshot and updates say the clock's time, not the
    machine's, so the page's countdowns agree with the schedule."""
    expected = clock.now().timestamp() * 1000
    async with connect(_ws(client), origin=None) as socket:
        snapshot = json.loads(await asyncio.wait_for(socket.recv(), 5))
        assert snapshot["now"] == int(expected)
        clock.advance(timedelta(minutes=3))
        await client.server.app[ROTATION].act("utama", "next", "host")
        update = json.loads(await asyncio.wait_for(socket.recv(), 5))
        assert update["type"] == "update"
        assert update["now"] == int(expected + 180_000)


async def test_metrics_count_live_viewers_per_channel(client) -> None:
    """/metrics says how many live pages are open on each channel, OBS pages apart."""
    async with connect(_ws(client), origin=None) as one, connect(_ws(client), origin=None) as two:
        await _next_state(one), await _next_state(two)
        text = await (await client.get("/metrics")).text()
        assert 'pasar_live_viewers{channel="utama"} 2' in text
        assert "pasar_overlay_pages 0" in text


async def test_the_host_sees_how_many_watch_the_live_page(client) -> None:
    """The panel's overlay list says how many viewers each channel's live page has."""
    await login(client, "host")
    async with connect(_ws(client), origin=None) as viewer:
        await _next_state(viewer)
        listed = await (await client.get("/api/overlay/pages")).json()
        assert listed == {"pages": [], "viewers": {"utama": 1}}
