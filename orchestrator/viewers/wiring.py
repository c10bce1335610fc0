"""The viewers' agenda, catalogue and live page in the app; only the app factory imports it."""

from __future__ import annotations

from aiohttp import web

from kernel.keys import AGENDA, CATALOGUE
from kernel.memo import Memo
from orchestrator.viewers import catalogue_pages, live_pages, pages


def setup(app: web.Application) -> None:
    app[AGENDA] = Memo()
    app[CATALOGUE] = Memo()
    app.router.add_get("/jadwal", pages.agenda_page)
    app.router.add_get("/jadwal/events", pages.agenda_events)
    app.router.add_get(r"/jadwal/slot/{slot_id}.ics", pages.slot_calendar)
    app.router.add_get(r"/jadwal/penjual/{vendor_id}.ics", pages.vendor_calendar)
    app.router.add_get("/pasar", catalogue_pages.catalogue_page)
    app.router.add_get("/pasar/{vendor_id}", catalogue_pages.vendor_page)
    app.router.add_get("/sitemap.xml", catalogue_pages.sitemap)
    app.router.add_get("/live", live_pages.live_page)
    app.router.add_get("/live/{channel}", live_pages.channel_page)
    app.cleanup_ctx.append(live_pages.live_feed_ctx)
