"""The app factory: one aiohttp application per event, wired from settings.

Each room's wiring module adds its routes and its long-lived parts; those start and stop
in ``cleanup_ctx``, in the order added here, so tests and Ctrl-C shut everything down
cleanly. Nothing imports this module but the command line (``cli``, ``serve``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

from aiohttp import web

from kernel import errors
from kernel.clock import Clock, RealClock
from kernel.db import Store, open_db
from kernel.headers import add_security_headers
from kernel.keys import (
    CLOCK,
    HUB_PORT,
    LOGIN_LIMITER,
    PHOTOS,
    PUBLISHER,
    SCHEDULE,
    SESSIONS,
    SETTINGS,
    STARTED_AT,
    STATIC_VERSION,
    STORE,
    TEMPLATES,
    TOKENS,
)
from kernel.publisher import Publisher
from kernel.times import iso_z
from kernel.web import make_templates, static_version
from orchestrator import auth, metrics, sessions
from orchestrator import wiring as host_wiring
from orchestrator.chat import wiring as chat_wiring
from orchestrator.checkout import wiring as checkout_wiring
from orchestrator.fulfilment import wiring as fulfilment_wiring
from orchestrator.login_guard import LoginLimiter
from orchestrator.orders import wiring as orders_wiring
from orchestrator.platforms import wiring as platforms_wiring
from orchestrator.report import wiring as report_wiring
from orchestrator.sessions import SessionBook
from orchestrator.settings import Settings
from orchestrator.viewers import wiring as viewers_wiring
from overlays import wiring as overlays_wiring
from overlays.state import OverlaySettings
from schedules import demo_photos, store
from schedules import wiring as schedules_wiring
from schedules.photo_import import PhotoImport
from schedules.photo_store import PhotoStore
from schedules.startup import load_startup_event

# The three rooms, each with its own templates/ and static/ folders.
ROOMS = [Path(__file__).resolve().parent.parent / name for name in
         ("orchestrator", "overlays", "schedules")]  # fmt: skip


def create_app(settings: Settings, clock: Clock | None = None) -> web.Application:
    """Build the application; nothing is opened until it starts.

    ``clock`` is the one clock of the app: real by default, manual or scaled in tests
    and rehearsals.
    """
    app = web.Application(middlewares=[errors.error_middleware], client_max_size=20 * 2**20)
    app[SETTINGS] = settings
    app[CLOCK] = clock or RealClock()
    app[PUBLISHER] = Publisher()
    app[TEMPLATES] = make_templates(ROOMS)
    app[STATIC_VERSION] = static_version(ROOMS)
    app[HUB_PORT] = settings.overlay_port
    app[PHOTOS] = PhotoImport(PhotoStore.beside(settings.db))
    app.middlewares.append(auth.auth_middleware)
    app.on_response_prepare.append(add_security_headers)
    app.router.add_route("*", "/login", auth.login)
    app.router.add_post("/logout", auth.logout)
    app.router.add_post("/sessions/logout-all", auth.logout_everywhere)
    app[LOGIN_LIMITER] = LoginLimiter()
    app.router.add_get("/metrics", metrics.metrics)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/favicon.ico", favicon)
    for room in ROOMS:
        app.router.add_static(f"/static/{room.name}", room / "static", append_version=False)
    app.cleanup_ctx.append(store_ctx)
    # Start-up order: the schedule feed, the rotation that follows it, then what shows it
    # (overlays, bridge), the platforms, the order desk (the bridge listens to it), and
    # the checkout (it follows the desk) and the chat (it feeds the desk).
    schedules_wiring.setup(app)
    if settings.event is None and settings.demo_photos:
        app.cleanup_ctx.append(demo_photos.background_ctx)  # after the feed: it publishes
    host_wiring.setup_rotation(app)
    overlays_wiring.setup(app, OverlaySettings(base_url=settings.public_url), host=settings.host)
    host_wiring.setup_bridge(app)
    platforms_wiring.setup(app)
    orders_wiring.setup(app)
    checkout_wiring.setup(app)
    fulfilment_wiring.setup(app)
    chat_wiring.setup(app)
    report_wiring.setup(app)
    viewers_wiring.setup(app)
    return app


async def store_ctx(app: web.Application) -> AsyncIterator[None]:
    """Open the database, bring it up to date, load an event if it has none."""
    settings = app[SETTINGS]
    the_store = Store(open_db(settings.db))
    app[STORE] = the_store
    app[STARTED_AT] = datetime.now(UTC)
    await the_store.run(store.migrate)
    await the_store.run(
        load_startup_event, settings.event, settings.demo, settings.demo_lead_seconds,
        datetime.now(UTC), app[PHOTOS],
    )  # fmt: skip
    app[TOKENS] = await the_store.run(
        auth.ensure_tokens, settings.organiser_token, settings.host_token
    )
    app[SESSIONS] = SessionBook(await the_store.run(sessions.load_sessions, datetime.now(UTC)))
    yield
    the_store.close()


FAVICON = Path(__file__).resolve().parents[1] / "schedules" / "static" / "favicon.svg"


async def favicon(request: web.Request) -> web.StreamResponse:
    """The browser's own ``/favicon.ico`` request: our SVG icon, not a 404 in the console."""
    headers = {"Content-Type": "image/svg+xml", "Cache-Control": "public, max-age=86400"}
    return web.FileResponse(FAVICON, headers=headers)


async def healthz(request: web.Request) -> web.Response:
    """Say the service is up, with the event and schedule revision it serves."""
    return web.json_response(
        {
            "status": "ok",
            "revision": request.config_dict[SCHEDULE].current().revision,
            "time": iso_z(datetime.now(UTC)),
            "started_at": iso_z(request.config_dict[STARTED_AT]),
        }
    )
