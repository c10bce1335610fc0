"""The event a service starts with: the file it was given, or the shipped example."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlite_utils import Database

from kernel.errors import StartupError
from schedules import store
from schedules.loader import LoadResult, load_paths
from schedules.model import Event, rebase
from schedules.photo_import import PhotoImport, attach_photos

log = logging.getLogger(__name__)

EXAMPLE_EVENT = Path(__file__).resolve().parent / "examples/pasar-jember.yaml"


def read_event_file(path: Path, photos: PhotoImport | None = None) -> Event:
    """Load and check an event file (and its photos, when ``photos`` says where they go);
    refuse it with every problem listed if it has errors."""
    result = load_paths([path])
    if photos is not None:
        result = attach_photos(result, photos)
    return _usable(path, result)


def _usable(path: Path, result: LoadResult) -> Event:
    if result.errors or result.event is None:
        lines = "\n".join(str(p) for p in result.errors) or "no event"
        raise StartupError(f"event: {path} tidak bisa dipakai:\n{lines}")
    return result.event


def load_startup_event(
    db: Database,
    path: Path | None,
    demo: bool,
    lead_seconds: float,
    now: datetime,
    photos: PhotoImport | None = None,
) -> None:
    """Import ``path`` as written, or the example (shifted to start soon when ``demo``) if empty.

    A given file's photo files are read again at each start (a replaced file is a new
    photo; one already stored is not resized again); a web address is fetched once.
    The example is stored with its photos named but not made: ``schedules.demo_photos``
    makes them after the service answers.
    """
    if path is not None:
        stored = store.load_event(db)
        result = load_paths([path])
        if photos is not None:
            result = attach_photos(result, photos, known=stored)
        event = _usable(path, result)
        if stored != event:
            store.save_event(db, event)
            log.info("Event loaded from %s", path)
        return
    if store.has_event(db):
        return
    event = read_event_file(EXAMPLE_EVENT)
    if demo:
        start = now.astimezone(UTC) + timedelta(seconds=lead_seconds)
        event = rebase(event, start.replace(microsecond=0))
    store.save_event(db, event)
    log.info("Example event loaded (%d slots)", len(event.slots))
