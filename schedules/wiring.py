"""The organisers' editor in the app, and the schedule feed everyone follows.

Only the app factory imports this module.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from kernel.keys import PUBLISHER, SCHEDULE, SLOT_LOCK, STORE
from schedules import editing, flash
from schedules.editor import (
    product_list,
    product_page,
    schedule_page,
    slot_delete,
    slot_page,
    slot_shift,
    vendor_list,
    vendor_page,
)
from schedules.editor_api import api_slot_create, api_slot_delete, api_slot_move, api_slot_update
from schedules.editor_files import export_yaml, export_zip, upload_page
from schedules.feed import ScheduleFeed

# Pages that answer GET (the form) and POST (its submission) on one address.
FORMS = [
    ("/editor/slots/new", slot_page),
    ("/editor/slots/{slot_id}", slot_page),
    ("/editor/vendors/new", vendor_page),
    ("/editor/vendors/{vendor_id}", vendor_page),
    ("/editor/products/new", product_page),
    ("/editor/products/{code}", product_page),
    ("/editor/upload", upload_page),
]
ROUTES = [
    ("GET", "/editor", schedule_page),
    ("POST", "/editor/slots/{slot_id}/delete", slot_delete),
    ("POST", "/editor/slots/{slot_id}/shift", slot_shift),
    ("GET", "/editor/vendors", vendor_list),
    ("GET", "/editor/products", product_list),
    ("GET", "/editor/export.yaml", export_yaml),
    ("GET", "/editor/export.zip", export_zip),
    ("POST", "/api/editor/slots", api_slot_create),
    ("PATCH", "/api/editor/slots/{slot_id}", api_slot_update),
    ("DELETE", "/api/editor/slots/{slot_id}", api_slot_delete),
    ("POST", "/api/editor/slots/{slot_id}/move", api_slot_move),
]


async def feed_ctx(app: web.Application) -> AsyncIterator[None]:
    """Read the stored schedule once, before anything that follows the feed starts."""
    feed = ScheduleFeed(app[STORE], app[PUBLISHER])
    await feed.reload()
    app[SCHEDULE] = feed
    yield


def setup(app: web.Application) -> None:
    """Register the schedule feed, the editor's routes and the default slot lock.

    Call it before the wiring of anything that follows the feed (the rotation first).
    """
    flash.setup(app)
    app[SLOT_LOCK] = editing.scheduled_lock
    app.cleanup_ctx.append(feed_ctx)
    for method, path, handler in ROUTES:
        app.router.add_route(method, path, handler)
    for path, handler in FORMS:
        app.router.add_route("GET", path, handler)
        app.router.add_route("POST", path, handler)
