"""Every shared object of the app, by one typed key each: the app factory's table of parts.

Keys flow down: the app factory and the wiring modules put objects here, handlers and
pages read them. The types are imported for checkers only, so this module imports no
feature code and any module may import it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    import jinja2

    from kernel.clock import Clock
    from kernel.db import Store
    from kernel.memo import Memo
    from kernel.publisher import Publisher
    from orchestrator.auth import Tokens
    from orchestrator.chat.pollers import ChatPollers
    from orchestrator.checkout.service import Checkout
    from orchestrator.fulfilment.service import Fulfilment
    from orchestrator.login_guard import LoginLimiter
    from orchestrator.orders.desk import OrderDesk
    from orchestrator.overlay_bridge import OverlayBridge
    from orchestrator.platforms.manager import PlatformManager
    from orchestrator.platforms.youtube_stream import StreamClient
    from orchestrator.rotation.service import Rotation
    from orchestrator.sandbox import Sandbox
    from orchestrator.sandbox.state import SandboxState
    from orchestrator.sessions import SessionBook
    from orchestrator.settings import Settings
    from orchestrator.viewers.catalogue import Catalogue
    from orchestrator.viewers.live import LiveFeed
    from overlays.clicks import ClickLog
    from overlays.hub import Hub
    from overlays.links import LinkPages
    from overlays.pages import OverlayCatalog
    from overlays.state import OverlaySettings
    from schedules.feed import ScheduleFeed
    from schedules.model import Slot
    from schedules.photo_import import PhotoImport

# -- the kernel: every app has these -----------------------------------------------------
SETTINGS: web.AppKey[Settings] = web.AppKey("settings")
CLOCK: web.AppKey[Clock] = web.AppKey("clock")
STARTED_AT: web.AppKey[datetime] = web.AppKey("started_at")
STORE: web.AppKey[Store] = web.AppKey("store")
PUBLISHER: web.AppKey[Publisher] = web.AppKey("publisher")
TEMPLATES: web.AppKey[jinja2.Environment] = web.AppKey("templates")
STATIC_VERSION: web.AppKey[str] = web.AppKey("static_version")
EXTRA_BANNER: web.AppKey[list[str]] = web.AppKey("extra_banner")

# -- per request, set by the auth middleware ---------------------------------------------
ROLE: web.RequestKey[str] = web.RequestKey("role")
CSRF_TOKEN: web.RequestKey[str] = web.RequestKey("csrf_token")
TOKENS: web.AppKey[Tokens] = web.AppKey("tokens")
SESSIONS: web.AppKey[SessionBook] = web.AppKey("sessions")
LOGIN_LIMITER: web.AppKey[LoginLimiter] = web.AppKey("login_limiter")

# -- schedules: the organisers' editor ---------------------------------------------------
FLASH_KEY: web.AppKey[bytes] = web.AppKey("flash_key")
# Why a slot may no longer be edited (aired, on air), or None: the scheduled times by
# default; the orchestrator swaps in the rotation engine's answer.
SLOT_LOCK: web.AppKey[Callable[[Slot, datetime], str | None]] = web.AppKey("slot_lock")
# The one schedule feed: the current event, published once per edit (``schedules.feed``).
SCHEDULE: web.AppKey[ScheduleFeed] = web.AppKey("schedule")
# Where product photos are stored (beside the database) and how their URLs are fetched.
PHOTOS: web.AppKey[PhotoImport] = web.AppKey("photos")

# -- overlays: the stream's pages and the viewers' links ---------------------------------
HUB: web.AppKey[Hub] = web.AppKey("overlay_hub")
HUB_PORT: web.AppKey[int] = web.AppKey("overlay_port")
OVERLAY_SETTINGS: web.AppKey[OverlaySettings] = web.AppKey("overlay_settings")
OVERLAY_CATALOG: web.AppKey[OverlayCatalog] = web.AppKey("overlay_catalog")
SOLD_OUT: web.AppKey[Callable[[], frozenset[str]]] = web.AppKey("sold_out")
ON_AIR_NOW: web.AppKey[Callable[[], list[dict]]] = web.AppKey("on_air_now")
LINK_PAGES: web.AppKey[LinkPages] = web.AppKey("link_pages")
CLICK_LOG: web.AppKey[ClickLog] = web.AppKey("click_log")

# -- orchestrator: the host's side -------------------------------------------------------
ROTATION: web.AppKey[Rotation] = web.AppKey("rotation")
# Callables (app, channel id) -> dict merged into each channel's panel view ("platform").
PANEL_EXTRAS: web.AppKey[list[Callable[[web.Application, str], dict]]] = web.AppKey("panel_extras")
BRIDGE: web.AppKey[OverlayBridge] = web.AppKey("overlay_bridge")
ORDER_DESK: web.AppKey[OrderDesk] = web.AppKey("order_desk")
# Zoom meeting id -> our channel, as the platform side learns them (survives restarts).
ZOOM_MEETINGS: web.AppKey[dict[str, str]] = web.AppKey("zoom_meetings")
WEBHOOK_NOW: web.AppKey[Callable[[], float]] = web.AppKey("zoom_webhook_now")
PLATFORMS: web.AppKey[PlatformManager] = web.AppKey("platforms")
SANDBOX: web.AppKey[Sandbox] = web.AppKey("platform_sandbox")
POLLERS: web.AppKey[ChatPollers] = web.AppKey("chat_pollers")
# YouTube's streaming chat (gRPC), when the platform side could set one up.
YOUTUBE_STREAM: web.AppKey[StreamClient] = web.AppKey("youtube_stream")
CHECKOUT: web.AppKey[Checkout] = web.AppKey("checkout")
FULFILMENT: web.AppKey[Fulfilment] = web.AppKey("fulfilment")
# The viewers' catalogue /pasar, built once per schedule revision (the key).
CATALOGUE: web.AppKey[Memo[int, Catalogue]] = web.AppKey("catalogue")
# The /jadwal page last drawn, by what it was drawn from (pages._agenda_key).
AGENDA: web.AppKey[Memo[tuple, bytes]] = web.AppKey("agenda")
# The viewers' live page: each channel's viewer-safe state on the hub (``/live``).
LIVE_FEED: web.AppKey[LiveFeed] = web.AppKey("live_feed")

# -- the sandbox's own app (the fake YouTube and Zoom servers) ---------------------------
SANDBOX_STATE: web.AppKey[SandboxState] = web.AppKey("sandbox_state")
