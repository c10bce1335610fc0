"""The app with platforms on: in-process sandbox, banner, panel box, retry action, audience."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from aiohttp import web

from kernel.clock import ManualClock, RealClock, ScaledClock
from kernel.errors import StartupError
from kernel.keys import CLOCK, PLATFORMS, PUBLISHER, SANDBOX, SETTINGS
from orchestrator import serve
from orchestrator.app import create_app
from orchestrator.panel import panel_state
from orchestrator.platforms.ledger import LIVE_TOPIC
from orchestrator.platforms.resources import ENSURED, LIVE
from orchestrator.platforms.sandbox_wiring import adapters, scaled_policy
from orchestrator.settings import Settings
from tests.conftest import login
from tests.orchestrator.helpers import T0, save, small_event
from tests.orchestrator.platforms.conftest import until


@pytest.fixture
def clock() -> ManualClock:
    """The app's clock, before the show's lead time."""
    return ManualClock(T0 - timedelta(minutes=20))


async def start(aiohttp_client, settings: Settings, clock: ManualClock):
    save(settings.db, small_event())
    return await aiohttp_client(create_app(settings, clock=clock))


async def test_without_credentials_the_sandbox_runs_the_show(aiohttp_client, settings, clock):
    """No credentials: an in-process sandbox, a plain banner line, and the show goes live."""
    client = await start(aiohttp_client, replace(settings, platforms=True), clock)
    app = client.server.app
    sandbox, manager = app[SANDBOX], app[PLATFORMS]
    line = (
        f"YouTube & Zoom: sandbox lokal di {sandbox.base_url}"
        " (tanpa kredensial / no credentials set)"
    )
    assert line in serve.banner(app, settings, 8080)
    assert manager.mode == "sandbox" and sandbox.state.clock is clock
    clock.set(T0 - timedelta(minutes=15))
    await until(lambda: manager.status("utama")["step"] == ENSURED)
    clock.set(T0)
    await until(lambda: manager.status("utama")["step"] == LIVE)
    assert list(sandbox.state.snapshot()["broadcasts"].values()) == ["live"]


async def test_panel_shows_the_platform_box_and_retry_needs_csrf(aiohttp_client, settings, clock):
    """The panel state carries each channel's platform; retry is a CSRF-checked panel action."""
    client = await start(aiohttp_client, replace(settings, platforms=True), clock)
    csrf = await login(client, "host")
    state = await (await client.get("/api/panel/state")).json()
    platform = state["channels"][0]["platform"]
    assert platform["mode"] == "sandbox" and platform["quota_left"] == 10_000
    assert {"meeting_id", "join_url", "broadcast_status", "stream_status", "stream_health",
            "quota_used", "last_error"} <= set(platform)  # fmt: skip
    url = "/api/channels/utama/platform/retry"
    assert (await client.post(url, json={})).status == 403
    resp = await client.post(url, json={}, headers={"X-CSRF-Token": csrf})
    assert resp.status == 200 and (await resp.json())["channel"] == "utama"
    missing = await client.post("/api/channels/nope/platform/retry", headers={"X-CSRF-Token": csrf})
    assert missing.status == 404
    page = await (await client.get("/")).text()
    assert "/static/orchestrator/platforms.js" in page
    script = await client.get("/static/orchestrator/platforms.js")
    assert script.status == 200 and "channel-render" in await script.text()


async def test_panel_feed_refreshes_on_platform_changes(aiohttp_client, settings, clock):
    """A platform status change reaches the panel state (topic panel.platform)."""
    client = await start(aiohttp_client, replace(settings, platforms=True), clock)
    app = client.server.app
    async with app[PUBLISHER].subscribe() as queue:
        clock.set(T0 - timedelta(minutes=15))
        await until(lambda: app[PLATFORMS].status("utama")["step"] == ENSURED)
        topics = {queue.get_nowait().topic for _ in range(queue.qsize())}
    assert {"platform", "panel.platform"} <= topics
    state = await panel_state(app)
    assert state["channels"][0]["platform"]["meeting_id"]


async def test_audience_types_orders_once_live(aiohttp_client, settings, clock):
    """With an audience rate, viewers type into the sandbox chat once the broadcast is live."""
    client = await start(aiohttp_client, replace(settings, platforms=True, audience_rate=5), clock)
    app = client.server.app
    manager, sandbox = app[PLATFORMS], app[SANDBOX]
    clock.set(T0)
    await until(lambda: manager.status("utama")["step"] == LIVE)
    clock.advance(timedelta(seconds=10))
    chat = sandbox.state.youtube.chats[manager.live_chat_id("utama")]
    await until(lambda: len(chat.messages) >= 40)
    assert any("K01" in (m["snippet"].get("displayMessage") or "").upper() for m in chat.messages)


async def test_audience_joins_each_chat_once_on_platform_live(aiohttp_client, settings, clock):
    """The audience listens for platform.live: one audience per live chat, however often told."""
    client = await start(aiohttp_client, replace(settings, platforms=True, audience_rate=5), clock)
    app = client.server.app
    publisher, sandbox = app[PUBLISHER], app[SANDBOX]
    for chat in ("sbxCone", "sbxCone", "", "sbxCtwo"):
        publisher.publish(LIVE_TOPIC, "utama", chat)
    assert [audience.live_chat_id for audience in sandbox.audiences] == ["sbxCone", "sbxCtwo"]


async def test_demo_audiences_bring_buyers_to_the_apps_own_port(aiohttp_client, settings, clock):
    """In the demo each live chat's audience brings buyers (the set share, this app's port)."""
    demo = replace(settings, platforms=True, audience_rate=5, demo=True, buyers=0.4, port=18080)
    client = await start(aiohttp_client, demo, clock)
    app = client.server.app
    app[PUBLISHER].publish(LIVE_TOPIC, "utama", "sbxCone")
    shoppers = app[SANDBOX].shoppers
    assert [(s.audience.live_chat_id, s.share) for s in shoppers] == [("sbxCone", 0.4)]
    assert shoppers[0].base_url == "http://127.0.0.1:18080"


async def test_no_buyers_outside_demo_and_rehearsal(aiohttp_client, settings, clock):
    """A real event (demo off) or an unknown port gets an audience but no simulated buyers."""
    real = replace(settings, platforms=True, audience_rate=5, demo=False, port=18080)
    client = await start(aiohttp_client, real, clock)
    client.server.app[PUBLISHER].publish(LIVE_TOPIC, "utama", "sbxCone")
    assert len(client.server.app[SANDBOX].audiences) == 1
    assert client.server.app[SANDBOX].shoppers == []


async def test_platforms_off_starts_nothing(aiohttp_client, settings, clock):
    """With platforms=False (the test default) there is no sandbox and no platform box."""
    client = await start(aiohttp_client, settings, clock)
    app = client.server.app
    assert SANDBOX not in app and PLATFORMS not in app
    csrf = await login(client, "host")
    state = await (await client.get("/api/panel/state")).json()
    assert "platform" not in state["channels"][0]
    resp = await client.post("/api/channels/utama/platform/retry", headers={"X-CSRF-Token": csrf})
    assert resp.status == 404


async def test_half_the_credentials_fail_loudly(settings, clock):
    """Zoom set but no YouTube token: start-up stops, naming what is missing."""
    app = web.Application()
    app[SETTINGS] = replace(
        settings, platforms=True, zoom_account_id="a", zoom_client_id="b", zoom_client_secret="c"
    )
    app[CLOCK] = clock
    with pytest.raises(StartupError, match="youtube_token_file"):
        async with adapters(app):
            pass


def test_back_off_runs_in_the_clock_time():
    """A 600x rehearsal clock backs off 600 times faster; real and manual clocks in real time."""
    scaled = ScaledClock(T0, T0, 600)
    assert scaled_policy(scaled).time_scale == pytest.approx(1 / 600)
    assert scaled_policy(RealClock()).time_scale == scaled_policy(ManualClock(T0)).time_scale == 1
