"""The host control panel: login, actions through the API, live updates over SSE."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from datetime import timedelta

import pytest

from kernel.clock import ManualClock
from orchestrator.app import create_app
from tests.conftest import login
from tests.orchestrator.helpers import T0, save, small_event


@pytest.fixture
async def client(aiohttp_client, settings, tmp_path):
    event = small_event()
    event.vendors[1] = replace(event.vendors[1], name="<script>alert(1)</script>")
    save(settings.db, event)
    return await aiohttp_client(create_app(settings, clock=ManualClock(T0 + timedelta(minutes=2))))


async def read_state(stream) -> dict:
    """Read SSE lines until one whole ``state`` event has arrived."""
    event = None
    while True:
        line = (await asyncio.wait_for(stream.readline(), 5)).decode().strip()
        if line.startswith("event:"):
            event = line.split(":", 1)[1].strip()
        elif line.startswith("data:") and event == "state":
            return json.loads(line[5:])


async def test_panel_needs_a_login(client):
    """Without a session the panel redirects to the login page and the API says 401."""
    resp = await client.get("/", allow_redirects=False)
    assert resp.status == 302 and resp.headers["Location"].startswith("/login")
    assert (await client.get("/api/panel/state")).status == 401


async def test_action_without_csrf_is_refused(client):
    """A logged-in host still needs the CSRF token to change anything."""
    await login(client, "host")
    resp = await client.post("/api/channels/utama/actions", json={"kind": "next"})
    assert resp.status == 403


async def test_extend_moves_the_end_and_shows_in_the_log(client):
    """+5 minutes moves the slot's end and the day's end; the log says who did it."""
    csrf = await login(client, "host")
    resp = await client.post(
        "/api/channels/utama/actions",
        json={"kind": "extend", "minutes": 5},
        headers={"X-CSRF-Token": csrf},
    )
    assert resp.status == 200
    state = await (await client.get("/api/panel/state")).json()
    channel = state["channels"][0]
    assert channel["end"] == "2027-02-15T08:45:00Z"
    assert channel["delay_s"] == 300
    assert channel["log"][0]["by"] == "host" and channel["log"][0]["kind"] == "extend"


async def test_refused_action_says_why(client):
    """Resume with nothing held answers 409 with a reason a host can read."""
    csrf = await login(client, "host")
    resp = await client.post(
        "/api/channels/utama/actions", json={"kind": "resume"}, headers={"X-CSRF-Token": csrf}
    )
    assert resp.status == 409
    assert "ditahan" in (await resp.json())["error"]


async def test_live_stream_sends_state_then_changes(client):
    """The SSE feed sends the state at once and again after another host presses next."""
    csrf = await login(client, "host")
    resp = await client.get("/api/panel/events")
    first = await read_state(resp.content)
    assert first["channels"][0]["slot"]["id"] == "utama-0"
    await client.post(
        "/api/channels/utama/actions", json={"kind": "next"}, headers={"X-CSRF-Token": csrf}
    )
    second = await read_state(resp.content)
    assert second["channels"][0]["slot"]["id"] == "utama-1"
    resp.close()


async def test_vendor_names_are_escaped_on_the_page(client):
    """Organiser-written text never reaches the page as markup (the panel sets textContent)."""
    await login(client, "host")
    page = await (await client.get("/")).text()
    assert "<script>alert(1)</script>" not in page
    state = await (await client.get("/api/panel/state")).json()
    names = [row["name"] for row in state["channels"][0]["timeline"]]
    assert "<script>alert(1)</script>" in names  # plain data; the browser shows it as text
