"""Every route of the app, driven with random requests: never a 500, never a write without
the right role and a valid CSRF token.

Random draws say nothing certain about how many of them write: that depends on how many
routes there are. So the writes are proved apart, on a fresh app, by a fixed list
(``WRITES``): each one is refused without a session, for the wrong role, with a wrong
token and from another site, changing nothing, and then changes the database when sent
right. The fuzz itself proves that no random request gets past those guards.

The app runs for real on a loopback port, in a thread with its own event loop; requests
are plain HTTP from the test (``http.client``). Routes come from the app's router, so a
new route is fuzzed without touching this file. ``make fuzz`` runs many more examples
(``PASAR_FUZZ_EXAMPLES``).
"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import re
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
from aiohttp import web
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kernel.keys import ORDER_DESK
from orchestrator.app import create_app
from orchestrator.orders.model import ChatMessage
from orchestrator.settings import Settings
from tests.orchestrator.helpers import save, small_event

EXAMPLES = int(os.environ.get("PASAR_FUZZ_EXAMPLES", "600"))
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
# These end the test's own sessions; their refusals are tested on their own elsewhere.
ENDS_SESSIONS = ("/logout", "/sessions/logout-all")
SENT = {"requests": 0}


@dataclass
class Running:
    """The app on a loopback port, its database file, and a session per role."""

    port: int
    db: str
    routes: list[tuple[str, str]]
    cookies: dict[str, tuple[str, str]]  # role -> (cookie header, CSRF token)


def _serve(settings_, started: threading.Event, box: dict, start: datetime) -> None:
    loop = asyncio.new_event_loop()
    app = create_app(settings_)
    runner = web.AppRunner(app, handle_signals=False, access_log=None)
    loop.run_until_complete(runner.setup())
    site = web.TCPSite(runner, "127.0.0.1", 0)
    loop.run_until_complete(site.start())
    messages = [
        ChatMessage("youtube", f"fz{i}", "utama", f"a{i}", f"Budi {i}", "K01 1",
                    start + timedelta(minutes=1, seconds=i))
        for i in range(3)
    ]  # fmt: skip
    loop.run_until_complete(app[ORDER_DESK].ingest(messages))
    box.update(app=app, port=runner.addresses[0][1], loop=loop, runner=runner)
    started.set()
    loop.run_forever()
    loop.run_until_complete(runner.cleanup())
    loop.close()


def _request(port: int, method: str, path: str, headers: dict, body: bytes = b"") -> tuple:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, body=body or None, headers=headers)
        resp = conn.getresponse()
        headers = dict(resp.getheaders())
        if headers.get("Content-Type", "").startswith("text/event-stream"):
            return resp.status, headers, b""  # a live feed never ends: its answer is enough
        return resp.status, headers, resp.read()
    finally:
        conn.close()


def _login(port: int, token: str) -> tuple[str, str]:
    status, headers, _ = _request(port, "GET", f"/login?token={token}", {})
    assert status == 302
    cookie = headers["Set-Cookie"].split(";", 1)[0]
    _, _, page = _request(port, "GET", "/", {"Cookie": cookie})
    csrf = re.search(rb'name="csrf-token" content="([^"]+)"', page).group(1).decode()
    return cookie, csrf


def _start(folder) -> Iterator[Running]:
    """Serve a small event on air now on a loopback port until the caller is done."""
    the_settings = Settings(
        db=folder / "pasar.db", port=0, overlay_port=0, organiser_token="org-token",
        host_token="host-token", platforms=False, audience_rate=0,
        zoom_webhook_secret="fuzz-secret",
    )  # fmt: skip
    # On air now (real clock), so host actions and chat orders really take effect.
    start = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=5)
    save(the_settings.db, small_event(start, slots=6, minutes=30))
    started, box = threading.Event(), {}
    thread = threading.Thread(target=_serve, args=(the_settings, started, box, start), daemon=True)
    thread.start()
    assert started.wait(30), "the app did not start"
    app, port = box["app"], box["port"]
    routes = sorted({(r.method, r.resource.canonical) for r in app.router.routes()
                     if r.resource is not None})  # fmt: skip
    cookies = {"organiser": _login(port, "org-token"), "host": _login(port, "host-token")}
    yield Running(port, str(the_settings.db), routes, cookies)
    box["loop"].call_soon_threadsafe(box["loop"].stop)
    thread.join(30)


@pytest.fixture(scope="module")
def running(tmp_path_factory) -> Iterator[Running]:
    yield from _start(tmp_path_factory.mktemp("fuzz"))


@pytest.fixture
def fresh(tmp_path) -> Iterator[Running]:
    yield from _start(tmp_path)


def _state(db: str) -> tuple:
    """What no refused request may change: the event, the orders, the host's actions,
    the vendors' private links."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return (
            conn.execute("SELECT revision FROM event WHERE id = 1").fetchone(),
            conn.execute("SELECT group_concat(id || status) FROM orders").fetchone(),
            conn.execute("SELECT count(*) FROM actions").fetchone(),
            conn.execute("SELECT count(*) FROM slots").fetchone(),
            conn.execute("SELECT group_concat(channel || overlay) FROM overlay_host").fetchone(),
            conn.execute("SELECT group_concat(token) FROM vendor_links").fetchone(),
        )
    finally:
        conn.close()


WORDS = st.sampled_from(["utama", "kuliner", "K01", "1", "0", "-1", "999999", "v1", "../..",
                         "%00", "x" * 300, "é", "<script>", "{}", "' OR 1=1"])  # fmt: skip
TEXT = st.one_of(WORDS, st.text(max_size=40))
# Path variables mostly name things that exist, so handlers get past "not found".
KNOWN = {"channel": ["utama"], "order_id": ["1", "2", "3"], "code": ["K01", "K02"],
         "slot_id": ["utama-0", "utama-3"], "vendor_id": ["v1"]}  # fmt: skip


def _variable(draw, name: str) -> str:
    known = KNOWN.get(name.split(":", 1)[0])
    if known and draw(st.integers(0, 3)):
        return draw(st.sampled_from(known))
    return quote(draw(TEXT), safe="") or "x"


# Bodies the handlers accept, so that allowed requests really write and a missing guard
# shows up as a change.
MEANINGFUL = st.sampled_from([
    {"kind": "hold"}, {"kind": "next"}, {"kind": "extend", "minutes": 5}, {"kind": "undo"},
    {"status": "confirmed"}, {"status": "paid"}, {"status": "cancelled"},
    {"action": "card", "value": "K01"}, {"action": "message", "value": "Halo"},
    {"channel": "utama", "start": "2027-02-15T10:00:00Z", "end": "2027-02-15T10:05:00Z"},
])  # fmt: skip


# Per route, bodies its handler takes: half the requests to it carry one, so allowed ones
# really write and a missing guard shows as a change in the database.
GOOD = {
    "/api/channels/{channel}/actions": [
        {"kind": "hold"},
        {"kind": "resume"},
        {"kind": "next"},
        {"kind": "extend", "minutes": 5},
        {"kind": "undo"},
    ],
    "/api/orders/{order_id}/status": [{"status": "confirmed"}, {"status": "cancelled"}],
    "/orders/{order_id}/status": [{"status": "paid"}, {"status": "new"}],
    "/api/channels/{channel}/overlay": [
        {"action": "show_card", "value": "K01"},
        {"action": "automatic"},
    ],
    "/editor/slots/{slot_id}/shift": [{"minutes": "5"}, {"minutes": "-5"}],
    "/editor/slots/{slot_id}/delete": [{}],
    "/orders/vendor-links/{vendor_id}/reissue": [{}],
}


@st.composite
def requests(draw, routes: list[tuple[str, str]]) -> dict:
    """One request: a route's path filled in, any method, headers, cookie and body."""
    unsafe = [r for r in routes if r[0] in UNSAFE]
    good = [r for r in unsafe if r[1] in GOOD]
    pool = draw(st.sampled_from([routes, unsafe, good, good]))  # writes, not just refusals
    method, template = draw(st.sampled_from(pool or routes))
    if not draw(st.integers(0, 4)):  # now and then a method the route does not take
        method = draw(st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]))
    if method == "*":
        method = draw(st.sampled_from(["GET", "POST"]))
    path = re.sub(r"\{([^}]+)\}", lambda m: _variable(draw, m.group(1)), template)
    if draw(st.booleans()):
        query = draw(st.dictionaries(WORDS, TEXT, max_size=3))
        path += "?" + "&".join(f"{quote(k)}={quote(v)}" for k, v in query.items())
    role = draw(st.sampled_from([None, "host", "organiser", "organiser"]))
    csrf = draw(st.sampled_from(["right", "right", "wrong", "none"]))
    kind = draw(st.sampled_from(["json", "form", "bytes", "none"]))
    bodies = GOOD.get(template)
    if bodies and draw(st.integers(0, 3)):
        kind = "good"
    if kind == "good":
        fields = draw(st.sampled_from(bodies))
        if template.startswith("/api/"):
            body, content_type = json.dumps(fields).encode(), "application/json"
        else:
            body = "&".join(f"{k}={quote(str(v))}" for k, v in fields.items()).encode()
            content_type = "application/x-www-form-urlencoded"
    elif kind == "json":
        anything = st.dictionaries(WORDS, st.one_of(TEXT, st.integers()), max_size=4)
        fields = draw(st.one_of(MEANINGFUL, MEANINGFUL, anything))
        body = json.dumps(fields).encode()
        content_type = "application/json"
    elif kind == "form":
        fields = draw(st.one_of(MEANINGFUL, MEANINGFUL, st.dictionaries(WORDS, TEXT, max_size=4)))
        fields = {k: str(v) for k, v in fields.items()}
        body = "&".join(f"{quote(k)}={quote(v)}" for k, v in fields.items()).encode()
        content_type = "application/x-www-form-urlencoded"
    else:
        body = draw(st.binary(max_size=200)) if kind == "bytes" else b""
        content_type = draw(st.sampled_from(["application/json", "text/plain",
                                             "multipart/form-data; boundary=x"]))  # fmt: skip
    origin = draw(st.sampled_from([None, None, "own", "https://evil.example", "null"]))
    return {"method": method, "path": path, "role": role, "csrf": csrf, "body": body,
            "content_type": content_type, "origin": origin}  # fmt: skip


# Who may write where, written out here rather than taken from ``auth``: a test that
# asked the code under test would agree with any mistake in it.
PUBLIC = ("/healthz", "/metrics", "/o/", "/overlay/", "/static/", "/webhooks/", "/login",
          "/logout", "/v/", "/favicon.ico", "/qr/", "/jadwal", "/foto/", "/pasar",
          "/sitemap.xml", "/live")  # fmt: skip
ORGANISER_ONLY = ("/editor", "/api/editor", "/sessions", "/orders/vendor-links", "/laporan")


def expected_roles(path: str) -> set[str] | None:
    if path != "/" and path.startswith(PUBLIC):
        return None
    return {"organiser"} if path.startswith(ORGANISER_ONLY) else {"organiser", "host"}


def _allowed_to_write(req: dict) -> bool:
    needed = expected_roles(req["path"].split("?", 1)[0])
    if needed is None:
        return True  # public routes (webhooks, order links, login) have their own guards
    if req["role"] is None or req["role"] not in needed:
        return False
    cross_site = req["origin"] in ("https://evil.example", "null")
    return req["method"] not in UNSAFE or (req["csrf"] == "right" and not cross_site)


def test_fuzz_every_route(running: Running):
    """Random requests on every route: no 500, and refused ones change nothing stored."""

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(req=requests(running.routes))  # fmt: skip
    def one(req: dict) -> None:
        if req["path"].startswith(ENDS_SESSIONS) and req["role"] is not None:
            req["role"] = None  # keep the module's sessions alive for the next examples
        headers = {"Content-Type": req["content_type"]}
        if req["role"] is not None:
            cookie, token = running.cookies[req["role"]]
            headers["Cookie"] = cookie
            if req["csrf"] != "none":
                headers["X-CSRF-Token"] = token if req["csrf"] == "right" else "nope"
        if req["origin"] == "own":
            headers["Origin"] = f"http://127.0.0.1:{running.port}"
        elif req["origin"] is not None:
            headers["Origin"] = req["origin"]
        before = _state(running.db)
        status, _, body = _request(running.port, req["method"], req["path"], headers, req["body"])
        SENT["requests"] += 1
        SENT.setdefault("status", {}).setdefault(status, 0)
        SENT["status"][status] += 1
        assert status < 500, (req, status, body[:300])
        after = _state(running.db)
        if after != before:
            SENT["writes"] = SENT.get("writes", 0) + 1
        if not _allowed_to_write(req):
            assert after == before, (req, status)

    one()
    assert SENT["requests"] >= min(EXAMPLES, 50)
    print(f"fuzz: {SENT['requests']} requests, {SENT.get('writes', 0)} wrote, {SENT['status']}")


# Writes that each change what ``_state`` reads, in an order where each still can: the
# role that may send it, the method, the path and the body (JSON for /api/, else a form).
WRITES = [
    ("host", "/api/channels/utama/actions", {"kind": "hold"}),
    ("host", "/api/channels/utama/actions", {"kind": "resume"}),
    ("host", "/api/channels/utama/actions", {"kind": "extend", "minutes": 5}),
    ("host", "/api/orders/1/status", {"status": "confirmed"}),
    ("host", "/orders/2/status", {"status": "cancelled"}),
    ("host", "/api/channels/utama/overlay", {"action": "show_card", "value": "K01"}),
    ("organiser", "/editor/slots/utama-5/shift", {"minutes": "5"}),
    ("organiser", "/orders/vendor-links/v1/reissue", {}),
    ("organiser", "/editor/slots/utama-4/delete", {}),
]
WRITE_ROUTES = {"/api/channels/{channel}/actions", "/api/orders/{order_id}/status",
                "/orders/{order_id}/status", "/api/channels/{channel}/overlay",
                "/editor/slots/{slot_id}/shift", "/orders/vendor-links/{vendor_id}/reissue",
                "/editor/slots/{slot_id}/delete"}  # fmt: skip


def _send(run: Running, path: str, fields: dict, role: str | None, csrf: str, origin: str):
    if path.startswith("/api/"):
        body, kind = json.dumps(fields).encode(), "application/json"
    else:
        body = "&".join(f"{k}={quote(str(v))}" for k, v in fields.items()).encode()
        kind = "application/x-www-form-urlencoded"
    headers = {"Content-Type": kind, "Origin": origin}
    if role is not None:
        cookie, token = run.cookies[role]
        headers.update({"Cookie": cookie, "X-CSRF-Token": token if csrf == "right" else "nope"})
    status, _, answer = _request(run.port, "POST", path, headers, body)
    assert status < 500, (path, status, answer[:300])
    return status


def test_fixed_writes_land_only_when_sent_right(fresh: Running):
    """Each of the same 9 writes, whatever routes exist, is refused without a session, for
    a host on organisers' routes, with a wrong token and from another site, changing
    nothing; sent right it changes the database."""
    assert {template for method, template in fresh.routes if method == "POST"} >= WRITE_ROUTES
    own = f"http://127.0.0.1:{fresh.port}"
    wrote = 0
    for role, path, fields in WRITES:
        refused = [
            (None, "right", own),
            (role, "wrong", own),
            (role, "right", "https://evil.example"),
        ]
        if role == "organiser":
            refused.append(("host", "right", own))
        for who, csrf, origin in refused:
            before = _state(fresh.db)
            _send(fresh, path, fields, who, csrf, origin)
            assert _state(fresh.db) == before, (path, who, csrf, origin)
        before = _state(fresh.db)
        status = _send(fresh, path, fields, role, "right", own)
        assert _state(fresh.db) != before, (path, status)
        wrote += 1
    assert wrote == len(WRITES) == 9
