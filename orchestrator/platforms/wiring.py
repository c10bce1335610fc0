"""YouTube and Zoom in the app: the platform manager's start-up, its panel box and API.

Only the app factory imports this module.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

from aiohttp import web

from kernel.errors import NotFound
from kernel.keys import (
    EXTRA_BANNER,
    ORDER_DESK,
    PANEL_EXTRAS,
    PLATFORMS,
    PUBLISHER,
    ROTATION,
    SETTINGS,
    STORE,
    YOUTUBE_STREAM,
)
from orchestrator.platforms import sandbox_wiring
from orchestrator.platforms.manager import ManagerOptions, PlatformManager
from orchestrator.platforms.quota_store import QuotaKeeper
from orchestrator.settings import Settings


def options_for(settings: Settings) -> ManagerOptions:
    """Read the lifecycle's knobs from Settings."""
    return ManagerOptions(
        lead=timedelta(minutes=settings.platform_lead_minutes),
        announce=settings.chat_announcements,
        base_url=settings.public_url,
    )


async def platforms_ctx(app: web.Application) -> AsyncIterator[None]:
    """Run the manager while the app runs (only when ``settings.platforms`` is on)."""
    settings = app[SETTINGS]
    if not settings.platforms:
        yield
        return
    async with sandbox_wiring.adapters(app) as wired:
        manager = PlatformManager(
            app[ROTATION], app[STORE], app[PUBLISHER], wired.youtube, wired.zoom,
            options_for(settings), scope=wired.scope, mode=wired.mode,
        )  # fmt: skip
        app[PLATFORMS] = manager
        if wired.stream is not None:
            app[YOUTUBE_STREAM] = wired.stream
        app[EXTRA_BANNER].extend(wired.banner)
        detach = sandbox_wiring.attach_audience(
            app[PUBLISHER], app[ROTATION], wired, settings.audience_rate,
            settings.buyers if settings.demo or settings.extra.get("rehearsal") else 0.0,
            _own_url(settings),
            (lambda: app[ORDER_DESK].vendor_links) if _vendors_sim(settings) else None,
        )  # fmt: skip
        keeper = QuotaKeeper(wired.youtube.quota, app[STORE], wired.scope)
        await keeper.start()  # before the first call: plan with what today already spent
        await manager.start()
        try:
            yield
        finally:
            await manager.stop()
            detach()
            await keeper.stop()


def _vendors_sim(settings: Settings) -> bool:
    """Whether simulated vendors work their desks: in the demo and rehearsals, when on."""
    return settings.vendors_sim and (settings.demo or bool(settings.extra.get("rehearsal")))


def _own_url(settings: Settings) -> str:
    """Where the sandbox's buyers reach this service: its own address (loopback when it
    listens everywhere), on its port; none while the port is left to the OS (0)."""
    host = "127.0.0.1" if settings.host in ("", "0.0.0.0", "::") else settings.host
    return f"http://{host}:{settings.port}" if settings.port else ""


def panel_extra(app: web.Application, channel: str) -> dict[str, Any]:
    """Add the channel's platform state to its panel view."""
    manager = app.get(PLATFORMS)
    return {"platform": manager.status(channel)} if manager is not None else {}


def _manager(request: web.Request) -> PlatformManager:
    manager = request.config_dict.get(PLATFORMS)
    if manager is None:
        raise NotFound("YouTube & Zoom tidak aktif (platforms are off: set platforms=true)")
    return manager


async def get_status(request: web.Request) -> web.Response:
    """GET /api/channels/{channel}/platform: the channel's platform state."""
    channel = request.match_info["channel"]
    manager = _manager(request)
    if channel not in manager.rotation.channels:
        raise NotFound(f"kanal {channel!r} tidak ada (unknown channel)")
    return web.json_response(manager.status(channel))


async def post_retry(request: web.Request) -> web.Response:
    """POST /api/channels/{channel}/platform/retry: run the failed step again now."""
    return web.json_response(await _manager(request).retry(request.match_info["channel"]))


def setup(app: web.Application) -> None:
    """Plug the platforms in: lifecycle task, panel box, retry action, banner lines."""
    if EXTRA_BANNER not in app:
        app[EXTRA_BANNER] = []
    app[PANEL_EXTRAS].append(panel_extra)
    app.router.add_get("/api/channels/{channel}/platform", get_status)
    app.router.add_post("/api/channels/{channel}/platform/retry", post_retry)
    app.cleanup_ctx.append(platforms_ctx)
