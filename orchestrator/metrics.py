"""``/metrics`` in the Prometheus text format: enough to watch a show from outside."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from aiohttp import web

from kernel.keys import CLICK_LOG, HUB, PUBLISHER, ROTATION, STARTED_AT


def _lines(app: web.Application) -> Iterator[str]:
    uptime = (datetime.now(UTC) - app[STARTED_AT]).total_seconds()
    yield from _gauge("pasar_uptime_seconds", "Seconds since start", uptime)
    yield from _gauge("pasar_events_published_total", "Rotation events", app[PUBLISHER].published)
    rotation = app.get(ROTATION)
    if rotation is not None:
        yield "# HELP pasar_channel_on_air 1 when a slot is on air on the channel"
        yield "# TYPE pasar_channel_on_air gauge"
        for channel, run in rotation.channels.items():
            live = int(run.state is not None and run.state.status in ("on_air", "host", "held"))
            yield f'pasar_channel_on_air{{channel="{channel}"}} {live}'
    hub = app.get(HUB)
    if hub is not None:
        yield from _gauge("pasar_overlay_pages", "Connected overlay pages", len(hub.pages()))
        yield from _gauge("pasar_overlay_dropped_total", "Sockets dropped as too slow", hub.dropped)
        yield "# HELP pasar_live_viewers Open live-page sockets of the channel"
        yield "# TYPE pasar_live_viewers gauge"
        for channel, count in hub.viewers().items():
            yield f'pasar_live_viewers{{channel="{channel}"}} {count}'
    clicks = app.get(CLICK_LOG)
    if clicks is not None:
        yield from _gauge("pasar_clicks_written_total", "Order-link clicks stored", clicks.written)
        yield from _gauge("pasar_clicks_pending", "Clicks waiting for the next flush",
                          clicks.pending)  # fmt: skip


def _gauge(name: str, help_text: str, value: float) -> Iterator[str]:
    yield f"# HELP {name} {help_text}"
    yield f"# TYPE {name} gauge"
    yield f"{name} {value:g}"


async def metrics(request: web.Request) -> web.Response:
    """Answer with the current figures; cheap enough to scrape every few seconds."""
    body = "\n".join(_lines(request.app)) + "\n"
    return web.Response(text=body, content_type="text/plain", charset="utf-8")
