"""Sessions end when they should; logins are limited; cookies, origins and headers hold."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from kernel.keys import TOKENS
from orchestrator.app import create_app
from tests.conftest import login
from tests.orchestrator.helpers import save, small_event


@pytest.fixture
async def client(aiohttp_client, settings):
    save(settings.db, small_event())
    return await aiohttp_client(create_app(settings))


def _cookie(client) -> str:
    return next(c.value for c in client.session.cookie_jar if c.key == "pasar_session")


async def test_old_cookie_is_dead_after_logout(client, aiohttp_client):
    """A copy of the cookie taken before logout opens nothing afterwards."""
    csrf = await login(client, "host")
    stolen = _cookie(client)
    resp = await client.post("/logout", headers={"X-CSRF-Token": csrf}, allow_redirects=False)
    assert resp.status == 302
    other = await aiohttp_client(client.server)
    other.session.cookie_jar.update_cookies({"pasar_session": stolen})
    assert (await other.get("/api/panel/state")).status == 401


async def test_every_login_gets_a_new_session_id(client, aiohttp_client):
    """Logging in again (even with a cookie) hands out a new id; the old one stops working."""
    await login(client, "host")
    first = _cookie(client)
    await login(client, "host")
    assert _cookie(client) != first
    other = await aiohttp_client(client.server)
    other.session.cookie_jar.update_cookies({"pasar_session": first})
    assert (await other.get("/api/panel/state")).status == 401


async def test_sessions_survive_a_restart(aiohttp_client, settings):
    """A session made before a restart still works after it (the table keeps it)."""
    save(settings.db, small_event())
    first = await aiohttp_client(create_app(settings))
    await login(first, "host")
    cookie = _cookie(first)
    await first.close()
    second = await aiohttp_client(create_app(settings))
    second.session.cookie_jar.update_cookies({"pasar_session": cookie})
    assert (await second.get("/api/panel/state")).status == 200


async def test_logout_everywhere_ends_other_sessions_and_makes_new_links(aiohttp_client, settings):
    """The organiser's "log out everywhere" ends the host's session and the old links."""
    settings = replace(settings, organiser_token="", host_token="")
    save(settings.db, small_event())
    app = create_app(settings)
    organiser = await aiohttp_client(app)
    host = await aiohttp_client(organiser.server)
    tokens = app[TOKENS]
    old_org, old_host = tokens.organiser, tokens.host
    await organiser.get(f"/login?token={old_org}", allow_redirects=False)
    await host.get(f"/login?token={old_host}", allow_redirects=False)
    assert (await host.get("/api/panel/state")).status == 200
    page = await (await organiser.get("/")).text()
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    resp = await organiser.post("/sessions/logout-all", data={"csrf_token": csrf})
    text = await resp.text()
    assert resp.status == 200 and "Semua sesi diakhiri" in text
    assert (await host.get("/api/panel/state")).status == 401
    assert (await organiser.get("/api/panel/state")).status == 200  # still in, fresh session
    assert tokens.organiser != old_org and tokens.organiser in text
    assert (await host.get(f"/login?token={old_host}", allow_redirects=False)).status == 401


async def test_hosts_cannot_log_everyone_out(client):
    """ "Log out everywhere" is for organisers only."""
    csrf = await login(client, "host")
    resp = await client.post("/sessions/logout-all", headers={"X-CSRF-Token": csrf})
    assert resp.status == 403


async def test_wrong_tokens_are_limited_with_retry_after(client):
    """After ten wrong tokens from one address the next try gets 429 with Retry-After."""
    statuses = [(await client.get(f"/login?token=nope{n}")).status for n in range(10)]
    assert statuses == [401] * 10
    resp = await client.get("/login?token=org-token", allow_redirects=False)
    assert resp.status == 429 and int(resp.headers["Retry-After"]) > 0
    assert "pasar_session" not in resp.cookies


async def test_cookie_is_secure_behind_https(aiohttp_client, settings):
    """With an https public URL the cookie is Secure; on plain local http it is not."""
    save(settings.db, small_event())
    plain = await aiohttp_client(create_app(settings))
    resp = await plain.get("/login?token=host-token", allow_redirects=False)
    assert not resp.cookies["pasar_session"]["secure"]
    https = await aiohttp_client(create_app(replace(settings, public_url="https://pasar.example")))
    resp = await https.get("/login?token=host-token", allow_redirects=False)
    assert resp.cookies["pasar_session"]["secure"]


async def test_forwarded_proto_counts_only_from_a_trusted_proxy(aiohttp_client, settings):
    """X-Forwarded-Proto: https makes the cookie Secure only when the proxy is trusted."""
    save(settings.db, small_event())
    headers = {"X-Forwarded-Proto": "https"}
    untrusted = await aiohttp_client(create_app(settings))
    resp = await untrusted.get("/login?token=host-token", headers=headers, allow_redirects=False)
    assert not resp.cookies["pasar_session"]["secure"]
    trusted = await aiohttp_client(create_app(replace(settings, trusted_proxies="127.0.0.1")))
    resp = await trusted.get("/login?token=host-token", headers=headers, allow_redirects=False)
    assert resp.cookies["pasar_session"]["secure"]


async def test_cross_site_posts_are_refused_even_with_the_token(client):
    """A state change whose Origin (or Referer) is another site is refused; our own passes."""
    csrf = await login(client)
    url = "/api/channels/utama/actions"
    body = {"kind": "hold"}
    evil = {"X-CSRF-Token": csrf, "Origin": "https://evil.example"}
    assert (await client.post(url, json=body, headers=evil)).status == 403
    referer = {"X-CSRF-Token": csrf, "Referer": "https://evil.example/page"}
    assert (await client.post(url, json=body, headers=referer)).status == 403
    own = {"X-CSRF-Token": csrf, "Origin": str(client.make_url("")).rstrip("/")}
    assert (await client.post(url, json=body, headers=own)).status in (200, 409)


@pytest.mark.parametrize(
    "headers,url",
    [
        ({}, "/login?token=t%C3%B6ken"),
        ({"Cookie": "pasar_session=s\u00f6sse"}, "/api/panel/state"),
    ],
)
async def test_non_ascii_secrets_are_a_clear_refusal(client, headers, url):
    """A non-ASCII token or cookie is a 401, never a 500."""
    resp = await client.get(url, headers=headers, allow_redirects=False)
    assert resp.status == 401


async def test_non_ascii_csrf_token_is_refused_not_a_crash(client):
    """A non-ASCII X-CSRF-Token gets 403, not 500."""
    await login(client)
    resp = await client.post(
        "/api/channels/utama/actions", json={"kind": "hold"},
        headers={"X-CSRF-Token": "t\u00f6ken".encode().decode("latin-1")},
    )  # fmt: skip
    assert resp.status == 403


@pytest.mark.parametrize("path", ["/", "/orders", "/login", "/editor", "/healthz"])
async def test_every_page_has_security_headers(client, path):
    """Pages carry a CSP without inline code, frame-ancestors 'none', nosniff, a referrer rule."""
    await login(client)
    resp = await client.get(path)
    csp = resp.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] in ("same-origin", "no-referrer")
    assert resp.headers["X-Frame-Options"] == "DENY"


async def test_the_overlay_page_may_be_framed(client):
    """OBS may show the overlay: no frame-ancestors 'none' and no X-Frame-Options there."""
    resp = await client.get("/overlay/utama")
    assert resp.status == 200
    assert "frame-ancestors 'none'" not in resp.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in resp.headers


async def test_non_ascii_flash_signature_shows_nothing(client):
    """An editor link with a non-ASCII ``sig`` shows the page without the message, no 500."""
    await login(client)
    resp = await client.get("/editor?err=Diretas&sig=%C3%A9")
    assert resp.status == 200 and "Diretas" not in await resp.text()
