"""The example event's photos, made after the service answers instead of before.

The demo's first start used to make the example's 212 photos (about 9 CPU-seconds)
before ``/healthz`` answered. Now the example is stored with each product's photo named
but without an id (pages show the initials tile), and this task makes the sizes one
photo at a time in a thread, then gives the products their ids in one transaction and
publishes the new revision through the schedule feed: the pages follow it and show the
photos. A product an organiser changed meanwhile keeps what they chose. A start after a
crash finds the photos still missing and makes the rest.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator, Iterable
from pathlib import Path

from aiohttp import web
from sqlite_utils import Database

from kernel.keys import PHOTOS, SCHEDULE, STORE
from schedules.photo_import import PhotoImport
from schedules.photo_sources import read_file
from schedules.photos import PhotoError, is_url, make_photo, photo_id, stored_id
from schedules.startup import EXAMPLE_EVENT
from schedules.store import fill_photo_ids

log = logging.getLogger(__name__)


def missing_photos(db: Database) -> list[str]:
    """The photo files products name but have no stored photo for, each once."""
    rows = db.query(
        "SELECT photo FROM products WHERE coalesce(photo, '') != ''"
        " AND coalesce(photo_id, '') = '' ORDER BY rowid"
    )
    found = dict.fromkeys(r["photo"] for r in rows)
    return [ref for ref in found if not is_url(ref) and not stored_id(ref)]


def make_photos(
    references: Iterable[str], folder: Path, photos: PhotoImport, stop: threading.Event
) -> dict[str, str]:
    """Make each named file's sizes, one at a time (a core stays free for the pages);
    return the photo id per reference. A file that cannot be used is logged and skipped."""
    ids = {}
    for reference in references:
        if stop.is_set():
            break
        try:
            data = read_file(folder, reference, photos.rules.max_bytes)
            pid = photo_id(data)
            if photos.store is not None and not photos.store.has(pid):
                photos.store.put(make_photo(data))
        except PhotoError as err:
            log.warning("Example photo %s skipped: %s", reference, err)
            continue
        ids[reference] = pid
    return ids


async def make_in_background(app: web.Application, stop: threading.Event) -> None:
    """Make the example's missing photos off the event loop, then publish them."""
    the_store, photos = app[STORE], app[PHOTOS]
    references = await the_store.run(missing_photos)
    if not references or photos.store is None:
        return
    log.info("Making %d example photos in the background", len(references))
    # Not the store's writer thread: orders and host actions must not wait for photos.
    ids = await asyncio.to_thread(make_photos, references, EXAMPLE_EVENT.parent, photos, stop)
    if stop.is_set():
        return  # shutting down: the next start finds these stored and fills them in
    changed = await the_store.run(fill_photo_ids, ids)
    log.info("Example photos ready: %d products", changed)
    await app[SCHEDULE].reload()


async def background_ctx(app: web.Application) -> AsyncIterator[None]:
    """Run ``make_in_background`` while the app runs; on exit stop between two photos."""
    stop = threading.Event()
    task = asyncio.create_task(make_in_background(app, stop), name="demo-photos")
    yield
    # Not cancelled: a cancelled task leaves its thread running, and that thread could
    # write a photo after the app (and a test's data folder) is gone. Stopping between
    # two photos takes one photo's time at most.
    stop.set()
    try:
        await task
    except Exception:
        log.exception("Example photos failed; the pages keep the tiles")
