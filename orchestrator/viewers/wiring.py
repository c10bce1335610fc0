"""The viewers' agenda and live page in the app. Only the app factory imports this module."""

from __future__ import annotations

from aiohttp import web

from orchestrator.viewers import live_pages, pages


def setup(app: web.Application) -> None:
    app.router.add_get("/jadwal", pages.agenda_page)
    app.router.add_get("/jadwal/events", pages.agenda_events)
    app.router.add_get(r"/jadwal/slot/{slot_id}.ics", pages.slot_calendar)
    app.router.add_get(r"/jadwal/penjual/{vendor_id}.ics", pages.vendor_calendar)
    app.router.add_get("/live", live_pages.live_page)
    app.router.add_get("/live/{channel}", live_pages.channel_page)
    app.cleanup_ctx.append(live_pages.live_feed_ctx)
