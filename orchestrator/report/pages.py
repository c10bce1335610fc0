"""``/laporan``: the event's report as a page for organisers, the same as the files."""

from __future__ import annotations

from aiohttp import web

from kernel.keys import CLOCK, SCHEDULE, STORE
from kernel.web import render
from orchestrator.report.build import chart_set, read_report


async def report_page(request: web.Request) -> web.Response:
    """Read the event's rows once (off the event loop) and draw the report."""
    app = request.config_dict
    if app[SCHEDULE].current().event is None:
        raise web.HTTPSeeOther("/editor")
    now = app[CLOCK].now()
    event, report = await app[STORE].run(read_report, now)
    response = render(request, "event_report.html", report=report, event=event,
                      charts=chart_set(event, report), tz=event.tz, generated=now, css="",
                      names={v.id: v.name for v in event.vendors})  # fmt: skip
    response.headers["Cache-Control"] = "no-store"
    return response
