"""The service's plain doors: health, metrics, login and logout, settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestrator.app import create_app
from orchestrator.auth import required_roles
from orchestrator.settings import SettingsError, load_settings
from tests.conftest import login
from tests.orchestrator.helpers import save, small_event


@pytest.fixture
async def client(aiohttp_client, settings):
    save(settings.db, small_event())
    return await aiohttp_client(create_app(settings))


async def test_healthz_answers_json(client):
    """/healthz says ok and gives the schedule revision, without a login."""
    body = await (await client.get("/healthz")).json()
    assert body["status"] == "ok" and body["revision"] == 1


async def test_the_browsers_favicon_request_gets_the_icon(client):
    """/favicon.ico, asked by every browser on its own, is the SVG icon for anyone."""
    resp = await client.get("/favicon.ico")
    assert resp.status == 200 and resp.content_type == "image/svg+xml"
    assert (await resp.read()).lstrip().startswith(b"<svg")


async def test_metrics_are_prometheus_text(client):
    """/metrics lists uptime and each channel's on-air gauge."""
    text = await (await client.get("/metrics")).text()
    assert "pasar_uptime_seconds" in text
    assert 'pasar_channel_on_air{channel="utama"}' in text


async def test_wrong_token_is_refused(client):
    """A wrong login token gets 401 and no session cookie."""
    resp = await client.get("/login?token=nope", allow_redirects=False)
    assert resp.status == 401
    assert "pasar_session" not in resp.cookies


async def test_login_never_redirects_off_site(client):
    """``next`` pointing at another site falls back to the role's own page."""
    resp = await client.get("/login?token=host-token&next=//evil.example/", allow_redirects=False)
    assert resp.headers["Location"] == "/"


async def test_logout_needs_csrf_and_ends_the_session(client):
    """A logout without the CSRF token is refused; with it, the panel needs a login again."""
    csrf = await login(client, "host")
    assert (await client.post("/logout", allow_redirects=False)).status == 403
    resp = await client.post("/logout", data={"csrf_token": csrf}, allow_redirects=False)
    assert resp.status == 302
    assert (await client.get("/api/panel/state")).status == 401


async def test_host_cannot_open_the_editor(client):
    """The editor is for organisers: a host session gets 403."""
    await login(client, "host")
    assert (await client.get("/editor")).status == 403


@pytest.mark.parametrize(
    ("path", "public"),
    [("/pasar", True), ("/pasar/v1", True), ("/pasarku", False), ("/live/utama", True),
     ("/livestream", False), ("/jadwal/slot/a.ics", True), ("/jadwalku", False),
     ("/bayar/data", True), ("/bayaran", False), ("/o/K01", True), ("/o", False),
     ("/favicon.ico", True), ("/", False), ("/orders/paket", False)],
)  # fmt: skip
def test_public_pages_are_their_path_or_under_it(path: str, public: bool):
    """A public name covers itself and what is under it, never a longer name: a new private
    page called /pasarku or /livestream is not public by accident."""
    assert (required_roles(path) is None) is public


def test_flags_beat_environment_beat_config(tmp_path: Path):
    """Settings come from flags, then PASAR_* variables, then the config file."""
    config = tmp_path / "pasar.toml"
    config.write_text('port = 7000\nhost = "0.0.0.0"\naudience_rate = 2.0\n')
    settings = load_settings({"port": 9000}, {"PASAR_HOST": "127.0.0.2"}, config)
    assert (settings.port, settings.host, settings.audience_rate) == (9000, "127.0.0.2", 2.0)


@pytest.mark.parametrize(
    ("flags", "env", "name"),
    [
        ({"port": 70000}, {}, "port"),
        ({}, {"PASAR_PORT": "delapan"}, "port"),
        ({}, {"PASAR_ZOOM_CLIENT_ID": "x"}, "zoom_account_id"),
        ({}, {"PASAR_PUBLIC_URL": "pasar.example"}, "public_url"),
        ({}, {"PASAR_BUYERS": "1.5"}, "buyers"),
    ],
)
def test_bad_setting_names_itself(flags, env, name):
    """A bad value stops start-up with the setting's name in the message."""
    with pytest.raises(SettingsError, match=name):
        load_settings(flags, env)
