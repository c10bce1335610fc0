"""The host's own parts in the app: the rotation loop, the control panel, the overlay bridge.

Only the app factory imports this module.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from kernel.keys import (
    BRIDGE,
    CLOCK,
    HUB,
    ON_AIR_NOW,
    OVERLAY_SETTINGS,
    PANEL_EXTRAS,
    PUBLISHER,
    ROTATION,
    SCHEDULE,
    SLOT_LOCK,
    STORE,
)
from orchestrator import live
from orchestrator.overlay_bridge import OverlayBridge, overlay_action, overlay_pages, overlay_reload
from orchestrator.panel import panel_events, panel_json, panel_page, post_action
from orchestrator.rotation.service import Rotation


async def rotation_ctx(app: web.Application) -> AsyncIterator[None]:
    """Run the rotation loop on the schedule feed while the app runs; the editor asks it
    what aired."""
    rotation = Rotation(app[STORE], app[CLOCK], app[PUBLISHER], app[SCHEDULE])
    app[ROTATION] = rotation
    app[SLOT_LOCK] = rotation.edit_lock
    await rotation.start()
    yield
    await rotation.stop()


async def bridge_ctx(app: web.Application) -> AsyncIterator[None]:
    """Feed the overlay hub from the rotation once both run."""
    bridge = OverlayBridge(
        app[HUB], app[ROTATION], app[STORE], app[OVERLAY_SETTINGS], app[PUBLISHER]
    )
    app[BRIDGE] = bridge
    if ON_AIR_NOW not in app:  # a test may have put its own there
        app[ON_AIR_NOW] = bridge.on_air_now
    await bridge.start()
    yield
    bridge.stop()


def setup_rotation(app: web.Application) -> None:
    """The rotation loop and the control panel: page, live feed, host actions."""
    app.cleanup_ctx.append(rotation_ctx)
    app[PANEL_EXTRAS] = []
    live.setup(app, app[PUBLISHER])
    app.router.add_get("/", panel_page)
    app.router.add_get("/api/panel/state", panel_json)
    app.router.add_get("/api/panel/events", panel_events)
    app.router.add_post("/api/channels/{channel}/actions", post_action)


def setup_bridge(app: web.Application) -> None:
    """The overlay bridge and the host's overlay controls; after the overlays' wiring."""
    app.cleanup_ctx.append(bridge_ctx)
    app.router.add_post("/api/channels/{channel}/overlay", overlay_action)
    app.router.add_get("/api/overlay/pages", overlay_pages)
    app.router.add_post("/api/overlay/reload", overlay_reload)
