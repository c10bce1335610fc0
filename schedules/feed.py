"""The one schedule feed: the event and its revision, read once per change and published.

Whoever writes the schedule while the service runs (the editor's forms, its JSON API and
its upload) calls ``reload`` once after a successful write: it reads the event through
the store and publishes it on the ``schedule`` topic. Whoever keeps something built from
the event (the rotation, the overlay and order-link catalogs, the order desk, the editor's
pages) follows the feed and never asks the database for the revision.

A ``pasar-live import`` run by another process into a running service's database is not
seen until the service restarts, or until the same files are uploaded in the editor.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlite_utils import Database

from kernel.db import Store
from kernel.publisher import Publisher
from schedules import store
from schedules.model import Event

log = logging.getLogger(__name__)

TOPIC = "schedule"


@dataclass(frozen=True)
class Schedule:
    """The data of a ``schedule`` message: the event (``None`` before any) and its revision.

    The event is shared by everyone who follows the feed and must not be changed in place.
    """

    event: Event | None = None
    revision: int = 0


def read_schedule(db: Database) -> Schedule:
    """Read the stored event and its revision in one snapshot (the revision matches the rows)."""
    with db.atomic():
        return Schedule(store.load_event(db), store.schedule_revision(db))


class ScheduleFeed:
    """Hold the current schedule; ``reload`` reads it once and tells every follower."""

    def __init__(self, the_store: Store, publisher: Publisher) -> None:
        self.store, self.publisher = the_store, publisher
        self._schedule = Schedule()
        self._loaded = False

    def current(self) -> Schedule:
        """The schedule as last read; no database access."""
        return self._schedule

    async def reload(self) -> Schedule:
        """Read the stored schedule and publish it when its revision is newer than the held one.

        Two reloads in flight may finish in either order; the older answer is dropped, so
        followers never go back a revision.
        """
        schedule = await self.store.run(read_schedule)
        if self._loaded and schedule.revision <= self._schedule.revision:
            return self._schedule
        self._schedule, self._loaded = schedule, True
        log.info("Schedule revision %d published", schedule.revision)
        self.publisher.publish(TOPIC, "", schedule)
        return schedule

    def follow(self, apply: Callable[[Schedule], None]) -> Callable[[], None]:
        """Call ``apply`` with the current schedule now and with every later one; return
        what stops it. ``apply`` runs inside ``publish``: quick, no awaiting."""
        apply(self._schedule)
        return self.publisher.listen(TOPIC, lambda message: apply(message.data))
