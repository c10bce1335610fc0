"""The app factory: one aiohttp application per event, wired from settings.

Long-lived parts (the database thread, the rotation loop, pollers, the overlay hub)
start and stop in ``cleanup_ctx`` so tests and Ctrl-C shut everything down cleanly.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aiohttp import web

from kernel import errors
from kernel.clock import Clock, RealClock
from kernel.db import Store, open_db
from kernel.keys import (
    CLOCK,
    HUB_PORT,
    PUBLISHER,
    ROTATION,
    SETTINGS,
    SLOT_LOCK,
    STARTED_AT,
    STATIC_VERSION,
    STORE,
    TEMPLATES,
    TOKENS,
)
from kernel.publisher import Publisher
from kernel.web import PACKAGE_DIRS, make_templates
from kernel.web import static_version as compute_static_version
from orchestrator import auth, metrics, panel
from orchestrator.rotation.service import Rotation
from orchestrator.settings import Settings
from schedules import store
from schedules.model import Event, rebase

log = logging.getLogger(__name__)

EXAMPLE_EVENT = Path(__file__).resolve().parent.parent / "schedules/examples/pasar-jember.yaml"


def create_app(settings: Settings, clock: Clock | None = None) -> web.Application:
    """Build the application; nothing is opened until it starts.

    ``clock`` is the rotation's clock: real by default, manual or scaled in tests and
    rehearsals.
    """
    app = web.Application(middlewares=[errors.error_middleware], client_max_size=20 * 2**20)
    app[SETTINGS] = settings
    app[CLOCK] = clock or RealClock()
    app[PUBLISHER] = Publisher()
    app[TEMPLATES] = make_templates()
    app[STATIC_VERSION] = compute_static_version()
    app.middlewares.append(auth.auth_middleware)
    app.router.add_route("*", "/login", auth.login)
    app.router.add_post("/logout", auth.logout)
    app.router.add_get("/metrics", metrics.metrics)
    app.router.add_get("/healthz", healthz)
    for package in PACKAGE_DIRS:
        app.router.add_static(f"/static/{package.name}", package / "static", append_version=False)
    app.cleanup_ctx.append(store_ctx)
    app.cleanup_ctx.append(rotation_ctx)
    panel.setup(app)
    _add_features(app)
    return app


def _add_features(app: web.Application) -> None:
    """Plug in each capability's routes and background tasks."""
    from orchestrator import overlay_bridge
    from orchestrator.chat import pollers as chat_pollers
    from orchestrator.orders.desk import setup as orders_desk_setup
    from orchestrator.platforms import manager as platforms_manager
    from overlays import links, pages
    from overlays.state import OverlaySettings
    from schedules import editor

    settings = app[SETTINGS]
    editor.setup(app)
    links.setup(app)
    pages.setup(app, OverlaySettings(base_url=settings.public_url), host=settings.host)
    app[HUB_PORT] = settings.overlay_port
    overlay_bridge.setup(app)
    platforms_manager.setup(app)
    orders_desk_setup(app)
    chat_pollers.setup(app)  # needs the platforms and the order desk


async def store_ctx(app: web.Application) -> AsyncIterator[None]:
    """Open the database, bring it up to date, load an event if it has none."""
    settings = app[SETTINGS]
    db = open_db(settings.db)
    the_store = Store(db)
    app[STORE] = the_store
    app[STARTED_AT] = datetime.now(UTC)
    await the_store.run(store.migrate)
    await the_store.run(_load_startup_event, settings)
    app[TOKENS] = await the_store.run(
        auth.ensure_tokens, settings.organiser_token, settings.host_token
    )
    yield
    the_store.close()


async def rotation_ctx(app: web.Application) -> AsyncIterator[None]:
    """Run the rotation loop for as long as the app runs."""

    rotation = Rotation(app[STORE], app[CLOCK], app[PUBLISHER])
    app[ROTATION] = rotation
    app[SLOT_LOCK] = rotation.edit_lock
    await rotation.start()
    yield
    await rotation.stop()


def _load_startup_event(db, settings: Settings) -> None:
    """Import ``--event`` as written, or the demo example (rebased to start soon) if empty."""
    if settings.event is not None:
        event = read_event_file(settings.event)
        if store.load_event(db) != event:
            store.save_event(db, event)
            log.info("Event loaded from %s", settings.event)
        return
    if store.has_event(db):
        return
    event = read_event_file(EXAMPLE_EVENT)
    if settings.demo:
        start = datetime.now(UTC) + timedelta(seconds=settings.demo_lead_seconds)
        event = rebase(event, start.replace(microsecond=0))
    store.save_event(db, event)
    log.info("Example event loaded (%d slots)", len(event.slots))


def read_event_file(path: Path) -> Event:
    """Load and check an event file; refuse it with every problem listed if it has errors."""
    from schedules.loader import load_paths

    result = load_paths([path])
    if result.errors or result.event is None:
        lines = "\n".join(str(p) for p in result.errors) or "no event"
        raise errors.StartupError(f"event: {path} tidak bisa dipakai:\n{lines}")
    return result.event


async def healthz(request: web.Request) -> web.Response:
    """Say the service is up, with the event and schedule revision it serves."""
    the_store = request.config_dict[STORE]
    revision = await the_store.run(store.schedule_revision)
    return web.json_response(
        {
            "status": "ok",
            "revision": revision,
            "time": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
            "started_at": request.config_dict[STARTED_AT].isoformat().replace("+00:00", "Z"),
        }
    )
