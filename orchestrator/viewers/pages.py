"""``/jadwal``: the public agenda, live, with calendar files; no login, no personal data.

Server-rendered so it works without JavaScript; a small script swaps in the fresh list
when the host moves the show (the same Server-Sent Events as the panel). Responses carry
an ETag, so a phone that reloads an unchanged agenda gets a 304 and no body.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from urllib.parse import urlsplit

from aiohttp import web

from kernel.errors import NotFound
from kernel.keys import AGENDA, CLOCK, PUBLISHER, ROTATION, SCHEDULE, SETTINGS, TEMPLATES
from kernel.web import render
from orchestrator.live import event_stream
from orchestrator.rotation.service import TOPIC as ROTATION_TOPIC
from orchestrator.viewers import ics
from orchestrator.viewers.agenda import AgendaSlot, agenda, vendor_slots
from schedules.feed import TOPIC as SCHEDULE_TOPIC

_REVALIDATE = "public, max-age=0, must-revalidate"


def _days(request: web.Request):
    app = request.config_dict
    event = app[SCHEDULE].current().event
    if event is None:
        return None, {}
    rotation = app[ROTATION]
    timelines = {c: rotation.state(c).timeline for c in rotation.channels}
    return event, agenda(event, timelines)


def _context(request: web.Request) -> dict:
    event, days = _days(request)
    now = request.config_dict[CLOCK].now()
    return dict(event=event, days=days, now=now, tz=event.tz if event else None,
                on_air=_on_air(days, now))  # fmt: skip


def _on_air(days, now: datetime) -> set[str]:
    return {
        line.slot_id
        for channels in days.values()
        for lines in channels.values()
        for line in lines
        if line.start and line.end and line.start <= now < line.end and not line.gone
    }


def _with_etag(request: web.Request, response: web.Response) -> web.Response:
    tag = '"' + hashlib.blake2b(response.body, digest_size=12).hexdigest() + '"'
    response.headers["Cache-Control"] = _REVALIDATE
    if tag in request.headers.get("If-None-Match", ""):
        return web.Response(status=304, headers={"ETag": tag, "Cache-Control": _REVALIDATE})
    response.headers["ETag"] = tag
    return response


def _agenda_key(request: web.Request) -> tuple:
    """What the page is drawn from: it changes only with the schedule, the host's actions (a
    new timeline) and the moments a turn starts or ends; between those every viewer gets the
    same bytes."""
    app = request.config_dict
    rotation, now = app[ROTATION], app[CLOCK].now()
    timelines = tuple(rotation.state(c).timeline for c in rotation.channels)
    moments = tuple(
        (p.start is not None and p.end is not None and p.start <= now < p.end,
         (p.end or p.slot.end) > now)
        for timeline in timelines
        for p in timeline
    )  # fmt: skip
    return (app[SCHEDULE].current().revision, timelines, moments)


async def agenda_page(request: web.Request) -> web.Response:
    """The running order by day and channel, as it really runs (drawn once per change)."""
    # Public paths carry no login (no role, no form token): one page fits every viewer.
    settings = request.config_dict[SETTINGS]

    def draw() -> bytes:
        page = render(request, "jadwal.html", base_url=settings.base_url, **_context(request))
        return page.body

    body = request.config_dict[AGENDA].get(_agenda_key(request), draw)
    response = web.Response(body=body, content_type="text/html", charset="utf-8")
    return _with_etag(request, response)


async def agenda_events(request: web.Request) -> web.StreamResponse:
    """The agenda's list again whenever the rotation or the schedule moves."""
    template = request.config_dict[TEMPLATES].get_template("jadwal_days.html")

    async def make() -> dict:
        return {"html": template.render(**_context(request))}

    def wanted(message) -> bool:
        return message.topic in (ROTATION_TOPIC, SCHEDULE_TOPIC)

    publisher = request.config_dict[PUBLISHER]
    return await event_stream(request, publisher, make, wanted, "jadwal", 1.0)


def _calendar(request: web.Request, lines: list[AgendaSlot], name: str) -> web.Response:
    settings = request.config_dict[SETTINGS]
    event, _ = _days(request)
    link = f"{settings.base_url}/jadwal"
    host = urlsplit(settings.base_url).hostname or "pasar-live"
    body = ics.calendar(lines, event.name or "Pasar Live", link, host,
                        request.config_dict[CLOCK].now())  # fmt: skip
    response = web.Response(body=body, content_type="text/calendar", charset="utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.ics"'
    return _with_etag(request, response)


async def slot_calendar(request: web.Request) -> web.Response:
    """One turn as a calendar entry with a reminder."""
    slot_id = request.match_info["slot_id"]
    _, days = _days(request)
    lines = [line for chs in days.values() for ls in chs.values() for line in ls
             if line.slot_id == slot_id and not line.gone]  # fmt: skip
    if not lines:
        raise NotFound("Slot ini tidak ada atau tidak tayang (no such slot on air).")
    return _calendar(request, lines, f"pasar-{slot_id}")


async def vendor_calendar(request: web.Request) -> web.Response:
    """Every turn of one vendor as calendar entries."""
    vendor_id = request.match_info["vendor_id"]
    _, days = _days(request)
    lines = vendor_slots(days, vendor_id)
    if not lines:
        raise NotFound("Penjual ini tidak punya jadwal tayang (no turns for this vendor).")
    return _calendar(request, lines, f"pasar-{vendor_id}")
