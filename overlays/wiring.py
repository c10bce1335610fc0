"""What the stream and the viewers see, in the app: the overlay hub and its pages, order links
and their click log. Only the app factory imports this module.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Iterable

from aiohttp import web

from kernel.keys import (
    CLICK_LOG,
    CLOCK,
    HUB,
    HUB_PORT,
    LINK_PAGES,
    OVERLAY_CATALOG,
    OVERLAY_SETTINGS,
    SCHEDULE,
    STATIC_VERSION,
    STORE,
    TEMPLATES,
)
from overlays import photos
from overlays.clicks import ClickLog, migrate
from overlays.hub import DEFAULT_PORT, Hub
from overlays.links import CatalogCache, LinkPages, LiveState, order_link
from overlays.pages import OverlayCatalog, overlay_page, qr_code
from overlays.state import OverlaySettings

log = logging.getLogger(__name__)


def setup(
    app: web.Application,
    settings: OverlaySettings | None = None,
    *,
    host: str = "127.0.0.1",
    origins: Iterable[str] = (),
) -> Hub:
    """Add the overlay hub and pages, the order links and their click log.

    ``host`` is where the hub listens (use the service's own host so OBS on another machine
    reaches both); ``origins`` are extra page origins allowed to open the socket.
    ``SOLD_OUT`` and ``ON_AIR_NOW`` are left unset: their owners may set them up to the
    end of start-up, and an unset key reads as "nothing".
    """
    clock = app.get(CLOCK)
    hub = Hub(
        static_version=app.get(STATIC_VERSION, ""),
        allowed_origins=origins,
        now_ms=(lambda: clock.now().timestamp() * 1000) if clock else None,
    )
    app[HUB] = hub
    app[OVERLAY_SETTINGS] = settings or OverlaySettings()
    app[OVERLAY_CATALOG] = OverlayCatalog()
    app.router.add_get("/overlay/{channel}", overlay_page)
    app.router.add_get("/qr/{code:[A-Za-z0-9_-]{1,32}}.svg", qr_code)
    app.cleanup_ctx.append(_hub_ctx(host))
    app.cleanup_ctx.append(catalog_ctx)
    app.cleanup_ctx.append(click_log_ctx)
    app.cleanup_ctx.append(link_pages_ctx)
    app.router.add_get("/o/{code}", order_link)
    app.router.add_get(photos.ROUTE, photos.photo_file)
    app.router.add_get(photos.SHARE_ROUTE, photos.share_file)
    return hub


def _hub_ctx(host: str) -> Callable[[web.Application], AsyncIterator[None]]:
    async def hub_ctx(app: web.Application) -> AsyncIterator[None]:
        """Run the hub as long as the app runs."""
        hub = app[HUB]
        await hub.start(host, app.get(HUB_PORT, DEFAULT_PORT))
        yield
        await hub.stop()

    return hub_ctx


async def catalog_ctx(app: web.Application) -> AsyncIterator[None]:
    """Keep the overlay pages' catalog on the schedule feed while the app runs."""
    stop = app[SCHEDULE].follow(app[OVERLAY_CATALOG].update)
    yield
    stop()


async def link_pages_ctx(app: web.Application) -> AsyncIterator[None]:
    """Compile the templates and follow the schedule feed before the first viewer arrives."""
    templates = app[TEMPLATES]
    pages = LinkPages(
        cache=CatalogCache(),
        live=LiveState(),
        landing=templates.get_template("landing.html"),
        missing=templates.get_template("landing_404.html"),
        static_version=app[STATIC_VERSION],
        base_url=app[OVERLAY_SETTINGS].base_url,
    )
    stop = app[SCHEDULE].follow(pages.cache.update)
    app[LINK_PAGES] = pages
    yield
    stop()


async def click_log_ctx(app: web.Application) -> AsyncIterator[None]:
    """Create the table, run the writer while the app runs, and write the rest on exit.

    Stopping (rather than cancelling) the writer lets an in-flight batch finish: a
    cancelled ``Store.run`` may never reach the database thread.
    """
    store = app[STORE]
    await store.run(migrate)
    click_log = ClickLog(store)
    app[CLICK_LOG] = click_log
    task = asyncio.create_task(click_log.run(), name="click-log")
    yield
    click_log.stop()
    await task
    log.info("Click log closed: %d written, %d dropped", click_log.written, click_log.dropped)
