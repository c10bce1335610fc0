"""The orders pages: ``/orders`` for hosts and organisers, ``/v/<token>`` for each vendor.

Both are rendered on the server (they work without JavaScript: filters are a GET form,
status changes a POST form) and kept live by Server-Sent Events carrying the same data
as JSON, which the browser shows with ``textContent`` only: chat text and names are
written by viewers. A vendor's page needs no login; its unguessable token is the key,
so it is never cached, indexed, or leaked in a Referer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from aiohttp import web
from sqlite_utils import Database

from kernel.errors import BadInput, NotFound
from kernel.formatting import rupiah, zone_label
from kernel.forms import read_form, read_json_object
from kernel.keys import ORDER_DESK, PUBLISHER, ROLE, SETTINGS, STORE
from kernel.publisher import Message
from kernel.times import iso_z
from kernel.web import render
from orchestrator.live import event_stream
from orchestrator.orders import export
from orchestrator.orders import store as order_store
from orchestrator.orders.book import PATH
from orchestrator.orders.desk import TOPIC, OrderDesk
from orchestrator.orders.model import CANCELLED, FINAL, STATUS_LABELS, STATUSES, Order

_FILTERS = ("channel", "vendor", "status")
SHOWN = 500  # rows on a page; the CSV has them all
MIN_GAP_SECONDS = 0.1
ACTION_LABELS = {"confirmed": "Konfirmasi", "paid": "Sudah bayar", "shipped": "Dikirim",
                 CANCELLED: "Batalkan"}  # fmt: skip
_VENDOR_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self';"
    " connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none';"
    " frame-ancestors 'none'",
}


def superchat_text(micros: int | None, currency: str | None) -> str:
    """Show a Super Chat's amount: ``Rp 50.000`` for IDR, ``USD 5.00`` otherwise."""
    if micros is None:
        return ""
    if (currency or "IDR").upper() == "IDR":
        return rupiah(micros // 1_000_000)
    return f"{currency} {micros / 1_000_000:.2f}"


def local(moment: datetime, tz: ZoneInfo) -> str:
    """A moment for people: ``15/02 15:41 WIB``."""
    return f"{moment.astimezone(tz):%d/%m %H:%M} {zone_label(tz)}"


def order_view(order: Order, desk: OrderDesk) -> dict:
    """One order as the pages show it (all text, ready for ``textContent``)."""
    catalog = desk.catalog
    actions = []
    if order.status in PATH:
        later = PATH[PATH.index(order.status) + 1 :]
        actions = [{"status": s, "label": ACTION_LABELS[s]} for s in later[:1]]
    if order.status not in FINAL:
        actions.append({"status": CANCELLED, "label": ACTION_LABELS[CANCELLED]})
    return {
        "id": order.id,
        "time": local(order.created_at, catalog.tz),
        "at": iso_z(order.created_at),
        "channel": catalog.channel_titles.get(order.channel, order.channel),
        "vendor": catalog.vendor_name(order.vendor_id),
        "code": order.code,
        "product": catalog.product_names.get(order.code, ""),
        "qty": order.qty,
        "total": rupiah(order.total_idr),
        "status": order.status,
        "status_label": STATUS_LABELS.get(order.status, order.status),
        "viewer": order.author_name,
        "platform": order.platform,
        "text": order.text,
        "superchat": superchat_text(order.amount_micros, order.currency),
        "actions": actions,
    }


def _totals_view(rows: list[dict], desk: OrderDesk) -> list[dict]:
    return [
        {
            "vendor_id": r["vendor_id"],
            "vendor": desk.catalog.vendor_name(r["vendor_id"]),
            "orders": r["orders"] or 0,
            "units": r["units"] or 0,
            "total": rupiah(r["total_idr"] or 0),
            "paid": rupiah(r["paid_idr"] or 0),
            "waiting": r["waiting"] or 0,
        }
        for r in rows
    ]


def _query(db: Database, channel, vendor, status) -> tuple[list[Order], int, list[dict]]:
    orders = order_store.list_orders(db, channel, vendor, status, limit=SHOWN)
    count = order_store.count_orders(db, channel, vendor, status)
    return orders, count, order_store.vendor_totals(db, channel, vendor)


async def snapshot(app: web.Application, filters: dict[str, str | None]) -> dict:
    """The orders and per-vendor totals matching ``filters``, as the pages show them."""
    desk = app[ORDER_DESK]
    orders, count, totals = await app[STORE].run(
        _query, filters.get("channel"), filters.get("vendor"), filters.get("status")
    )
    return {
        "orders": [order_view(o, desk) for o in orders],
        "count": count,
        "shown": len(orders),
        "totals": _totals_view(totals, desk),
    }


def _filters(request: web.Request) -> dict[str, str | None]:
    """Read ``channel``, ``vendor`` and ``status`` from the query; empty means all."""
    filters = {k: (request.query.get(k) or "").strip() or None for k in _FILTERS}
    status = filters["status"]
    if status is not None and status not in STATUSES:
        choices = ", ".join(STATUSES)
        raise BadInput(f"status {status!r} tidak dikenal; pilih salah satu: {choices}")
    return filters


async def orders_page(request: web.Request) -> web.Response:
    """The host's and organisers' list of orders, filtered, with totals per vendor."""
    desk = request.config_dict[ORDER_DESK]
    await desk.refresh()
    filters = _filters(request)
    data = await snapshot(request.app, filters)
    links = []
    if request.get(ROLE) == "organiser":
        base = _public_base(request)
        links = [
            {"vendor": desk.catalog.vendor_name(v), "vendor_id": v, "url": f"{base}/v/{token}"}
            for v, token in desk.vendor_links.items()
            if v in desk.catalog.vendor_names
        ]
    return render(
        request, "orders.html", data=data, filters=filters, query=request.query_string,
        channels=desk.catalog.channel_titles, vendors=desk.catalog.vendor_names,
        statuses=[(s, STATUS_LABELS[s]) for s in STATUSES], links=links,
    )  # fmt: skip


def _public_base(request: web.Request) -> str:
    """Where vendors reach the service: the configured public URL, else this request's."""
    public = request.config_dict[SETTINGS].public_url if SETTINGS in request.config_dict else ""
    return (public or f"{request.scheme}://{request.host}").rstrip("/")


async def orders_json(request: web.Request) -> web.Response:
    """The filtered orders and totals as JSON, for tools and the other helpers."""
    return web.json_response(await snapshot(request.app, _filters(request)))


async def stream(
    request: web.Request, make: Callable[[], Awaitable[dict]], channel: str | None = None,
    vendor: str | None = None,
) -> web.StreamResponse:  # fmt: skip
    """Send ``make()`` now and after every order change (of ``channel``/``vendor``, if given).

    A vendor's page waits for their own orders: with 70 vendors' pages open, redrawing
    every one after each chat order anywhere kept the whole service busy.
    """

    def wanted(message: Message) -> bool:
        if message.topic != TOPIC or channel not in (None, message.channel):
            return False
        return vendor is None or vendor in (message.data or {}).get("vendors", ())

    publisher = request.config_dict[PUBLISHER]
    return await event_stream(request, publisher, make, wanted, "orders", MIN_GAP_SECONDS)


async def orders_events(request: web.Request) -> web.StreamResponse:
    """The live feed of /orders, with the page's filters."""
    filters = _filters(request)
    return await stream(request, lambda: snapshot(request.app, filters), filters["channel"])


def _back(target: str) -> str:
    """Return to the orders page the form came from; never to anywhere else."""
    if target.startswith("/orders") and not target.startswith("//") and "\\" not in target:
        return target
    return "/orders"


async def change_status(request: web.Request) -> web.Response:
    """Move an order along or cancel it: a form post (redirects back) or JSON (answers JSON).

    The page's script posts JSON to ``/api/orders/<id>/status``, where errors come back as
    JSON too; the form without JavaScript posts to ``/orders/<id>/status``.
    """
    desk = request.config_dict[ORDER_DESK]
    is_json = request.content_type == "application/json"
    if is_json:
        body = await read_json_object(request)
    else:
        body = await read_form(request)
    status = str(body.get("status", ""))
    if status not in STATUSES:
        raise BadInput(f"status {status!r} tidak dikenal (unknown status)")
    order_id = int(request.match_info["order_id"])
    await desk.set_status(order_id, status, by=request.get(ROLE) or "host")
    if is_json:
        return web.json_response({"ok": True, "id": order_id, "status": status})
    raise web.HTTPSeeOther(_back(str(body.get("next", ""))))


async def export_orders(request: web.Request) -> web.Response:
    """Download the orders (all, or one vendor's, or as filtered) as CSV."""
    filters = _filters(request)
    data, _ = await request.config_dict[STORE].run(
        export.export_csv, filters["vendor"], filters["channel"], filters["status"]
    )
    return _csv_response(data, export.filename(filters["vendor"]))


def _csv_response(data: bytes, name: str, headers: dict | None = None) -> web.Response:
    return web.Response(
        body=data,
        headers={
            **(headers or {}),
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{name}"',
        },
    )


def _vendor(request: web.Request) -> tuple[OrderDesk, str]:
    desk = request.config_dict[ORDER_DESK]
    vendor = desk.vendor_for_token(request.match_info["token"])
    if vendor is None:
        raise NotFound("Tautan penjual ini tidak berlaku (unknown vendor link).")
    return desk, vendor


async def vendor_page(request: web.Request) -> web.Response:
    """A vendor's own orders, read-only, for a phone."""
    desk, vendor = _vendor(request)
    data = await snapshot(request.app, {"vendor": vendor})
    response = render(
        request, "vendor_orders.html", data=data, vendor=desk.catalog.vendor_name(vendor),
        token=request.match_info["token"],
    )  # fmt: skip
    response.headers.update(_VENDOR_HEADERS)
    return response


async def vendor_events(request: web.Request) -> web.StreamResponse:
    """The live feed of a vendor's page: their orders only."""
    _, vendor = _vendor(request)
    return await stream(request, lambda: snapshot(request.app, {"vendor": vendor}), vendor=vendor)


async def vendor_export(request: web.Request) -> web.Response:
    """A vendor's own orders as CSV, through their private link."""
    _, vendor = _vendor(request)
    data, _ = await request.config_dict[STORE].run(export.export_csv, vendor)
    return _csv_response(data, export.filename(vendor), _VENDOR_HEADERS)
