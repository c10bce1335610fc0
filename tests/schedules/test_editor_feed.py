"""The editor publishes each saved change once on the schedule feed, and only saved ones."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kernel.keys import PUBLISHER, SCHEDULE, STORE
from schedules import store
from schedules.feed import TOPIC
from tests.conftest import login
from tests.schedules.test_editor import NOW, at, make_client, post, slot_of, stored, upload_form


@pytest.fixture
async def organiser(aiohttp_client, settings):
    """The app at 15:00 WIB on the editor's small event, an organiser logged in."""
    client = await make_client(aiohttp_client, settings, NOW)
    client.csrf = await login(client, "organiser")
    return client


def schedule_messages(client) -> list[int]:
    """The revisions the feed publishes from now on."""
    revisions: list[int] = []
    client.server.app[PUBLISHER].listen(TOPIC, lambda m: revisions.append(m.data.revision))
    return revisions


async def test_a_saved_edit_is_published_once(organiser):
    """A shift saves revision 2 and the feed publishes exactly that, once."""
    revisions = schedule_messages(organiser)
    resp = await post(organiser, "/editor/slots/malam/shift", minutes="5")
    assert resp.status == 303
    assert revisions == [2]
    feed = organiser.server.app[SCHEDULE]
    assert slot_of(feed.current().event, "malam").start == at("19:35")


async def test_a_refused_edit_publishes_nothing(organiser):
    """Moving an aired slot is refused and the feed stays silent on revision 1."""
    revisions = schedule_messages(organiser)
    resp = await post(organiser, "/editor/slots/aired/shift", minutes="5")
    assert resp.status == 303
    assert revisions == [] and organiser.server.app[SCHEDULE].current().revision == 1


async def test_a_change_the_feed_missed_is_read_then_the_edit_saved(organiser):
    """When the database moved on behind the feed, the editor reloads it and saves anyway."""
    app = organiser.server.app
    vendor = replace(app[SCHEDULE].current().event.vendors[0], name="Kopi Arjasa Baru")
    await app[STORE].run(store.upsert_vendor, vendor)  # as another process would
    resp = await post(organiser, "/editor/slots/malam/shift", minutes="5")
    assert resp.status == 303
    event, revision = await stored(organiser)
    assert revision == 3 and event.vendors[0].name == "Kopi Arjasa Baru"
    assert app[SCHEDULE].current().revision == 3


async def test_an_upload_is_published_once(aiohttp_client, settings, fixtures_dir):
    """Replacing the event by upload publishes its new revision once."""
    early = await make_client(aiohttp_client, settings, at("13:00"))  # nothing aired yet
    early.csrf = await login(early, "organiser")
    revisions = schedule_messages(early)
    files = {p.name: p.read_bytes() for p in sorted(fixtures_dir.glob("*.csv"))}
    resp = await early.post("/editor/upload", data=upload_form(early, files))
    assert resp.status == 200, await resp.text()
    assert revisions == [2]
    assert len(early.server.app[SCHEDULE].current().event.slots) == 98
