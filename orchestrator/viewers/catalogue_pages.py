"""``/pasar``, ``/pasar/<vendor>`` and ``/sitemap.xml``: the public catalogue; no login.

Server-rendered without scripts, the same for every viewer (no login menu, no CSRF token),
so a page is rendered once per schedule revision and search and kept. The ETag is known
before rendering: a phone reloading an unchanged page gets a 304 for a dict look-up.
A vendor's page adds when it airs, from the same agenda as ``/jadwal`` (the rotation's
effective times), so its ETag also sums up those turns.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime
from urllib.parse import quote
from xml.sax.saxutils import escape

from aiohttp import web

from kernel.errors import NotFound
from kernel.keys import CATALOGUE, CLOCK, ROTATION, SCHEDULE, SETTINGS, STATIC_VERSION, TEMPLATES
from orchestrator.viewers.agenda import AgendaSlot, agenda, vendor_slots
from orchestrator.viewers.catalogue import MAX_RENDERED, Catalogue, fold, query_words
from schedules.feed import Schedule

log = logging.getLogger(__name__)

_REVALIDATE = "public, max-age=0, must-revalidate"


def _catalogue(app: web.Application) -> Catalogue:
    """The catalogue of the schedule's current revision, built on the first read of it."""
    schedule = app[SCHEDULE].current()
    return app[CATALOGUE].get(schedule.revision, lambda: _build(schedule))


def _build(schedule: Schedule) -> Catalogue:
    catalogue = Catalogue.build(schedule.event, schedule.revision)
    log.info("Catalogue: %d vendors (rev %d)", len(catalogue.stalls), schedule.revision)
    return catalogue


def _tag(*parts: object) -> str:
    return '"' + hashlib.blake2b(repr(parts).encode(), digest_size=12).hexdigest() + '"'


def _answer(request: web.Request, tag: str, make, content_type: str = "text/html") -> web.Response:
    """A 304 when the browser holds ``tag``, else the body ``make()`` returns."""
    headers = {"ETag": tag, "Cache-Control": _REVALIDATE}
    if tag in request.headers.get("If-None-Match", ""):
        return web.Response(status=304, headers=headers)
    return web.Response(body=make(), headers=headers, content_type=content_type, charset="utf-8")


def _render(request: web.Request, name: str, **context) -> bytes:
    """Render a viewer's page: the same for everyone, so no role and no CSRF token."""
    app = request.config_dict
    template = app[TEMPLATES].get_template(name)
    page = template.render(csrf_token="", role=None, static_version=app[STATIC_VERSION],
                           request_path=request.path, base_url=app[SETTINGS].base_url,
                           **context)  # fmt: skip
    return page.encode()


async def catalogue_page(request: web.Request) -> web.Response:
    """Every vendor and product, or those matching ``?q=`` and ``?kategori=``."""
    app = request.config_dict
    catalogue = _catalogue(app)
    query = request.query.get("q", "")[:80]
    category = request.query.get("kategori", "")[:80]
    key = (query_words(query), fold(category))
    tag = _tag("pasar", catalogue.revision, app[STATIC_VERSION], app[SETTINGS].base_url, key)

    def make() -> bytes:
        if (body := catalogue.rendered.get(key)) is None:
            event = app[SCHEDULE].current().event
            body = _render(request, "pasar.html", event=event, catalogue=catalogue,
                           results=catalogue.search(query, category), query=query.strip(),
                           category=category.strip(), searched=any(key))  # fmt: skip
            if len(catalogue.rendered) >= MAX_RENDERED:
                catalogue.rendered.clear()
            catalogue.rendered[key] = body
        return body

    return _answer(request, tag, make)


def _turns(request: web.Request, vendor_id: str) -> list[AgendaSlot]:
    app = request.config_dict
    event = app[SCHEDULE].current().event
    if event is None:
        return []
    rotation = app[ROTATION]
    timelines = {c: rotation.state(c).timeline for c in rotation.channels}
    return vendor_slots(agenda(event, timelines), vendor_id)


def _when(line: AgendaSlot, now: datetime) -> str:
    start, end = line.start or line.scheduled_start, line.end or line.scheduled_end
    return "past" if end <= now else "live" if start <= now else "next"


async def vendor_page(request: web.Request) -> web.Response:
    """One vendor: description, WhatsApp, products with links, and when it is on air."""
    app = request.config_dict
    catalogue = _catalogue(app)
    stall = catalogue.by_id.get(request.match_info["vendor_id"])
    if stall is None:
        raise NotFound("Penjual ini tidak ada di katalog (no such vendor). Lihat /pasar.")
    now = app[CLOCK].now()
    turns = [(line, _when(line, now)) for line in _turns(request, stall.id)]
    summary = tuple((x.slot_id, x.start, x.end, x.scheduled_start, w) for x, w in turns)
    tag = _tag("penjual", catalogue.revision, app[STATIC_VERSION], app[SETTINGS].base_url,
               stall.id, summary)  # fmt: skip

    def make() -> bytes:
        event = app[SCHEDULE].current().event
        return _render(request, "pasar_vendor.html", event=event, stall=stall, turns=turns,
                       tz=event.tz if event else None)  # fmt: skip

    return _answer(request, tag, make)


async def sitemap(request: web.Request) -> web.Response:
    """Every public page worth finding, with absolute addresses from the public URL."""
    app = request.config_dict
    catalogue = _catalogue(app)
    base = app[SETTINGS].base_url
    tag = _tag("sitemap", catalogue.revision, base)

    def make() -> bytes:
        paths = ["/pasar", "/jadwal"]
        paths += [f"/pasar/{quote(s.id, safe='')}" for s in catalogue.stalls]
        paths += [f"/o/{quote(i.code, safe='')}" for s in catalogue.stalls for i in s.items]
        urls = "".join(f"<url><loc>{escape(base + p)}</loc></url>\n" for p in paths)
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{urls}</urlset>\n"
        ).encode()

    return _answer(request, tag, make, content_type="application/xml")
