"""``/live`` and ``/live/<channel>``: what is on air now, public, server-rendered, then live.

The page is rendered from the channel's current live state, so a reload at any moment is
right; ``static/live.js`` then opens the hub's public socket ``/live/<channel>`` and
follows each revision. The page's CSP adds only the hub's socket and YouTube's embed
frames to the default.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

from aiohttp import web
from yarl import URL

from kernel.errors import NotFound
from kernel.formatting import local_time
from kernel.keys import CLOCK, HUB, LIVE_FEED, PUBLISHER, SCHEDULE, STORE
from kernel.times import JAKARTA
from kernel.web import render
from orchestrator.viewers.live import LiveFeed

# YouTube's two embed hosts: the privacy-enhanced one we use, and the plain one.
FRAME_SRC = "https://www.youtube-nocookie.com https://www.youtube.com"


def _socket_url(request: web.Request, channel: str) -> str:
    """The hub's public topic as this browser reaches it: same host, the hub's port."""
    return str(
        URL.build(
            scheme="wss" if request.secure else "ws",
            host=request.url.host or "127.0.0.1",
            port=request.config_dict[HUB].port,
            path=f"/live/{channel}",
        )
    )


def _csp(ws_origin: str) -> str:
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
        f" connect-src {ws_origin}; frame-src {FRAME_SRC}; form-action 'self';"
        " base-uri 'none'; frame-ancestors 'none'"
    )


def _page(request: web.Request, channels: list[str], one: bool) -> web.Response:
    feed = request.config_dict[LIVE_FEED]
    event = request.config_dict[SCHEDULE].current().event
    tz = event.tz if event else JAKARTA
    shown = []
    for c in channels:
        state = feed.state(c)
        target = ((state or {}).get("countdown") or {}).get("target_ms")
        shown.append({
            "id": c, "ws": _socket_url(request, c), "state": state,
            "title": next((ch.title for ch in event.channels if ch.id == c), c) if event else c,
            "next_at": local_time(datetime.fromtimestamp(target / 1000, UTC), tz) if target else "",
        })  # fmt: skip
    response = render(
        request, "live.html", channels=shown, one=one, event=event,
        tz_name=tz.key,
        server_now=int(request.config_dict[CLOCK].now().timestamp() * 1000),
    )  # fmt: skip
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = _csp(str(URL(shown[0]["ws"]).origin())
                                                       if shown else "'none'")  # fmt: skip
    return response


async def live_page(request: web.Request) -> web.Response:
    """Every channel's stage at once."""
    event = request.config_dict[SCHEDULE].current().event
    return _page(request, [c.id for c in event.channels] if event else [], one=False)


async def channel_page(request: web.Request) -> web.Response:
    """One channel's stage."""
    channel = request.match_info["channel"]
    event = request.config_dict[SCHEDULE].current().event
    if event is None or channel not in {c.id for c in event.channels}:
        raise NotFound(f"Kanal {channel!r} tidak ada di acara ini (no such channel).")
    return _page(request, [channel], one=True)


async def live_feed_ctx(app: web.Application) -> AsyncIterator[None]:
    """Run the live feed once the hub and the overlay bridge run."""
    feed = LiveFeed(app[HUB], app[SCHEDULE], app[STORE], app[PUBLISHER])
    app[LIVE_FEED] = feed
    await feed.start()
    yield
    await feed.stop()
