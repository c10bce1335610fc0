"""/jadwal: the public running order as the host runs it, live, cached, and as calendar files."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import timedelta

import pytest

from kernel.clock import ManualClock
from kernel.keys import ROTATION
from orchestrator.app import create_app
from orchestrator.rotation.actions import Action
from orchestrator.rotation.engine import channel_state
from orchestrator.viewers.agenda import agenda, vendor_slots
from tests.conftest import login
from tests.orchestrator.helpers import T0, save, small_event


def _event():
    event = small_event()
    names = ["Kopi <b>Ajung</b>", *[v.name for v in event.vendors[1:]]]
    vendors = [replace(v, name=n) for v, n in zip(event.vendors, names, strict=True)]
    return replace(event, vendors=vendors)


def test_an_extend_moves_the_rest_of_the_day_and_a_skip_is_marked() -> None:
    """The agenda takes the engine's effective times: +5 min ripples, a skipped slot is gone."""
    event = _event()
    actions = [Action("extend", T0 + timedelta(minutes=2), "host", minutes=5.0),
               Action("skip", T0 + timedelta(minutes=3), "host", slot_id="utama-3")]  # fmt: skip
    state = channel_state(event.slots, actions, T0 + timedelta(minutes=4), event.tz)
    days = agenda(event, {"utama": state.timeline})
    lines = days[T0.date()]["utama"]
    by_id = {line.slot_id: line for line in lines}
    assert by_id["utama-1"].moved_s == 300 and by_id["utama-2"].moved_s == 300
    assert by_id["utama-3"].gone and by_id["utama-0"].moved_s == 0
    assert [line.slot_id for line in vendor_slots(days, "v3")] == []
    assert by_id["utama-0"].products == ("Kopi 0",)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0 + timedelta(minutes=5))


@pytest.fixture
async def client(aiohttp_client, settings, clock):
    save(settings.db, _event())
    return await aiohttp_client(create_app(settings, clock=clock))


async def test_the_page_is_public_escaped_and_marks_who_is_on_air(client) -> None:
    """No login; the vendor's name is text; the slot on air is marked; reminders link .ics."""
    page = await client.get("/jadwal")
    body = await page.text()
    assert page.status == 200
    assert "Kopi &lt;b&gt;Ajung&lt;/b&gt;" in body and "<b>Ajung" not in body
    live = re.search(r'<li id="slot-utama-0" class="turn live">', body)
    assert live and "SEDANG TAYANG" in body
    assert body.count('href="/jadwal/slot/') == 4 and "og:title" in body
    assert "15:30" in body and "WIB" in body  # T0 is 08:30 UTC


async def test_an_unchanged_agenda_answers_304(client) -> None:
    """The ETag of the page comes back as 304 with no body until the show moves."""
    first = await client.get("/jadwal")
    tag = first.headers["ETag"]
    assert "must-revalidate" in first.headers["Cache-Control"]
    again = await client.get("/jadwal", headers={"If-None-Match": tag})
    assert again.status == 304 and await again.read() == b""
    await client.server.app[ROTATION].act("utama", "extend", "host", minutes=4)
    moved = await client.get("/jadwal", headers={"If-None-Match": tag})
    assert moved.status == 200 and moved.headers["ETag"] != tag
    assert "mundur 4 menit" in await moved.text()


async def test_a_host_action_reaches_an_open_agenda_live(client) -> None:
    """The agenda's event stream sends a new list after an extend, with the slots moved."""
    response = await client.get("/jadwal/events")
    first = await _next_event(response)
    assert "mundur" not in first["html"]
    await client.server.app[ROTATION].act("utama", "extend", "host", minutes=7)
    moved = await _next_event(response)
    assert "mundur 7 menit" in moved["html"]
    response.close()


async def _next_event(response) -> dict:
    """Read one ``jadwal`` event from the stream (the read itself waits, with a deadline)."""
    data = b""
    while not data.endswith(b"\n\n") or b"data:" not in data:
        data += await response.content.readuntil(b"\n\n")
        if data.startswith(b":"):  # keep-alive
            data = b""
    line = next(x for x in data.decode().splitlines() if x.startswith("data:"))
    return json.loads(line[5:])


def _unfold(text: str) -> str:
    """RFC 5545 folding undone by hand: a CRLF followed by one space joins lines."""
    return text.replace("\r\n ", "")


async def test_a_slot_calendar_has_utc_times_a_stable_uid_and_a_reminder(client) -> None:
    """The .ics of a slot: its effective start in UTC, a UID per slot, a 10-minute alarm."""
    await client.server.app[ROTATION].act("utama", "extend", "host", minutes=5)
    response = await client.get("/jadwal/slot/utama-1.ics")
    text = _unfold(await response.text())
    assert response.status == 200 and response.content_type == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    lines = text.split("\r\n")
    assert "DTSTART:20270215T084500Z" in lines  # 08:40 scheduled, 5 minutes later
    assert "DTEND:20270215T085500Z" in lines
    assert any(x.startswith("UID:utama-1@") for x in lines)
    assert "BEGIN:VALARM" in lines and "TRIGGER:-PT10M" in lines
    assert any(x.startswith("DESCRIPTION:") and "/jadwal" in x for x in lines)


async def test_a_vendor_calendar_and_unknown_ones(client) -> None:
    """A vendor's file holds its turns; an unknown slot or vendor is a 404 with a sentence."""
    text = await (await client.get("/jadwal/penjual/v2.ics")).text()
    assert text.count("BEGIN:VEVENT") == 1 and "Penjual 2" in text
    for path in ("/jadwal/slot/nope.ics", "/jadwal/penjual/nope.ics"):
        missing = await client.get(path, headers={"Accept": "text/html"})
        assert missing.status == 404


async def test_the_page_carries_no_login_so_one_drawing_fits_everyone(client) -> None:
    """An organiser logged in gets the same bytes as a viewer: no form token, no menu."""
    anonymous = await (await client.get("/jadwal")).text()
    token = await login(client, "organiser")
    mine = await (await client.get("/jadwal")).text()
    assert token and token not in mine and 'href="/editor"' not in mine and mine == anonymous
