"""The schedule feed: one read per reload, published once, followers told in order."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kernel.db import Store, open_db
from kernel.publisher import Publisher
from schedules import store
from schedules.feed import TOPIC, Schedule, ScheduleFeed
from tests.orchestrator.helpers import small_event


@pytest.fixture
async def the_store(tmp_path):
    db = open_db(tmp_path / "pasar.db")
    store.migrate(db)
    store.save_event(db, small_event())
    the_store = Store(db)
    yield the_store
    the_store.close()


def counting_reads(monkeypatch) -> list[int]:
    """Count every read of the whole event, whoever makes it."""
    reads: list[int] = []
    load = store.load_event

    def counted(db):
        reads.append(1)
        return load(db)

    monkeypatch.setattr(store, "load_event", counted)
    return reads


async def test_reload_reads_once_and_publishes_the_event(the_store, monkeypatch):
    """One reload is one read of the event and one ``schedule`` message carrying it."""
    publisher, reads = Publisher(), counting_reads(monkeypatch)
    feed = ScheduleFeed(the_store, publisher)
    heard: list[Schedule] = []
    publisher.listen(TOPIC, lambda message: heard.append(message.data))
    schedule = await feed.reload()
    assert len(reads) == 1 and heard == [schedule] and feed.current() is schedule
    assert schedule.revision == 1 and schedule.event.name == "Uji"


async def test_reload_without_a_change_publishes_nothing(the_store):
    """A second reload of the same revision leaves the followers alone."""
    publisher = Publisher()
    feed = ScheduleFeed(the_store, publisher)
    await feed.reload()
    before = publisher.published
    again = await feed.reload()
    assert publisher.published == before and again.revision == 1


async def test_follow_gives_the_current_schedule_then_each_new_one(the_store):
    """A follower hears the held schedule at once, then every edit's revision, until stopped."""
    feed = ScheduleFeed(the_store, Publisher())
    await feed.reload()
    revisions: list[int] = []
    stop = feed.follow(lambda schedule: revisions.append(schedule.revision))
    product = replace(small_event().products[0], stock=3)
    await the_store.run(store.upsert_product, product)
    await feed.reload()
    stop()
    await the_store.run(store.upsert_product, replace(product, stock=4))
    await feed.reload()
    assert revisions == [1, 2]
    assert feed.current().event.product("K01").stock == 4


class Answers:
    """A stand-in store whose every read answers ``schedule``."""

    def __init__(self, schedule: Schedule) -> None:
        self.schedule = schedule

    async def run(self, fn, *args):
        return self.schedule


async def test_an_older_answer_never_replaces_a_newer_one():
    """A reload that read revision 1 after the feed took revision 2 is dropped unpublished."""
    answers, publisher = Answers(Schedule(small_event(), 2)), Publisher()
    feed = ScheduleFeed(answers, publisher)
    newer = await feed.reload()
    answers.schedule = Schedule(small_event(), 1)
    assert await feed.reload() is newer and feed.current() is newer
    assert publisher.published == 1
