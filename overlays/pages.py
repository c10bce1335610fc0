"""The overlay page for OBS browser sources, QR code images, and the hub's lifetime.

``setup(app, ...)`` registers ``/overlay/<channel>`` and ``/qr/<code>.svg`` and a
``cleanup_ctx`` that starts the hub with the app and stops it on exit. The hub listens on
its own port (``HUB_PORT``, default 8081; tests set 0); the page learns the socket URL from
the template, built from the request's host and the hub's actual port.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web
from yarl import URL

from kernel.keys import HUB, OVERLAY_CATALOG, OVERLAY_SETTINGS, STATIC_VERSION
from kernel.web import render
from overlays.messages import LAYOUTS
from overlays.qr import qr_svg
from overlays.state import order_link
from schedules.feed import Schedule


@dataclass
class OverlayCatalog:
    """Which channels and product codes exist; follows the schedule feed (``update``)."""

    revision: int = -1
    channels: frozenset[str] = frozenset()
    codes: frozenset[str] = frozenset()
    base_url: str = ""

    def update(self, schedule: Schedule) -> None:
        """Take the channels, codes and base URL of a newly published schedule."""
        event = schedule.event
        if event is not None:
            self.channels = frozenset(
                [c.id for c in event.channels] + [s.channel for s in event.slots]
            )
            self.codes = frozenset(p.code for p in event.products)
            self.base_url = event.base_url
        self.revision = schedule.revision


async def overlay_page(request: web.Request) -> web.Response:
    """Serve the overlay page of one channel; it fills itself from the hub's socket."""
    channel = request.match_info["channel"]
    catalog = request.config_dict[OVERLAY_CATALOG]
    if channel not in catalog.channels:
        return render(
            request,
            "message.html",
            status=404,
            title="Kanal tidak ditemukan",
            message=f"Tidak ada kanal {channel!r} di acara ini. Periksa alamat overlay di OBS.",
        )
    layout = request.query.get("layout", LAYOUTS[0])
    if layout not in LAYOUTS:
        return render(
            request,
            "message.html",
            status=400,
            title="Tata letak tidak dikenal",
            message=f"layout={layout!r} tidak dikenal; pakai salah satu dari {', '.join(LAYOUTS)}.",
        )
    ws_url = _socket_url(request, channel, layout)
    base_url = request.config_dict[OVERLAY_SETTINGS].base_url or catalog.base_url
    pay_address = base_url.split("://", 1)[-1].rstrip("/") + "/bayar"
    response = render(request, "overlay.html", channel=channel, layout=layout, ws_url=ws_url,
                      pay_address=pay_address)  # fmt: skip
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = _csp(ws_url)
    return response


async def qr_code(request: web.Request) -> web.Response:
    """Serve the QR code of a product's order link as SVG."""
    code = request.match_info["code"]
    catalog = request.config_dict[OVERLAY_CATALOG]
    if code not in catalog.codes:
        raise web.HTTPNotFound(text=f"QR: kode produk {code} tidak ada")
    base_url = request.config_dict[OVERLAY_SETTINGS].base_url or catalog.base_url
    return web.Response(
        body=qr_svg(order_link(base_url, code)),
        content_type="image/svg+xml",
        headers={"Cache-Control": "public, max-age=300"},
    )


def _socket_url(request: web.Request, channel: str, layout: str) -> str:
    """The hub's URL as this page's browser reaches it: same host, the hub's port."""
    hub = request.config_dict[HUB]
    url = URL.build(
        scheme="wss" if request.secure else "ws",
        host=request.url.host or "127.0.0.1",
        port=hub.port,
        path=f"/overlay/{channel}",
        query={"layout": layout, "v": request.config_dict.get(STATIC_VERSION, "")},
    )
    return str(url)


def _csp(ws_url: str) -> str:
    """Only our own files and our socket: no external fonts or scripts can sneak in."""
    origin = str(URL(ws_url).origin())
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"connect-src {origin}; base-uri 'none'; form-action 'none'"
    )
