"""The organisers' side of the vendors' desks: any receipt photo, and reissuing a link.

These routes sit under ``/orders``, so the login middleware lets only hosts and
organisers in (and checks CSRF and origin on posts); hosts are refused here, since
receipts and vendors' links are the organisers' business.
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlencode

from aiohttp import web

from kernel.errors import Forbidden
from kernel.keys import FULFILMENT, ORDER_DESK, PUBLISHER, ROLE, STORE
from kernel.web import render
from orchestrator.checkout.model import PARCEL_LABELS, PARCEL_STATUSES
from orchestrator.fulfilment import sales, sales_store
from orchestrator.fulfilment import sales_csv as sales_csv_mod
from orchestrator.fulfilment.pages import VENDOR_HEADERS, receipt_image
from orchestrator.fulfilment.service import TOPIC

ORGANISER = "organiser"


def _organiser_only(request: web.Request) -> None:
    if request.get(ROLE) != ORGANISER:
        raise Forbidden("Hanya untuk penyelenggara (organisers only).")


async def proof(request: web.Request) -> web.Response:
    """Any parcel's receipt photo, for organisers."""
    _organiser_only(request)
    data, kind = await request.config_dict[FULFILMENT].proof(
        None, int(request.match_info["payment_id"])
    )
    return receipt_image(data, kind)


async def reissue_link(request: web.Request) -> web.Response:
    """Revoke a vendor's private link and make a new one; back to /orders to share it."""
    _organiser_only(request)
    vendor_id = request.match_info["vendor_id"]
    await request.config_dict[ORDER_DESK].reissue_link(vendor_id)
    # Desks open on the old link hear it and stop showing parcels.
    request.config_dict[PUBLISHER].publish(TOPIC, vendor_id, {"reissued": True})
    raise web.HTTPSeeOther(f"/orders#tautan-{vendor_id}", headers=VENDOR_HEADERS)


async def _facts(request: web.Request):
    """The event, the filter from the query, the parcels it keeps and the late cut-off."""
    fulfil = request.config_dict[FULFILMENT]
    event = fulfil.event
    names = {v.id: v.name for v in event.vendors} if event else {}
    chosen = sales.parse_filter(request.query, names)
    before = fulfil.clock.now() - sales.LATE_AFTER
    facts = await request.config_dict[STORE].run(sales_store.parcel_facts)
    return names, chosen, before, facts


async def sales_page(request: web.Request) -> web.Response:
    """The sales desk: parcels by vendor and status with Rupiah totals, vendors slow to
    ship flagged, buyers by province; filtered by vendor, status, day and "late only"."""
    _organiser_only(request)
    names, chosen, before, facts = await _facts(request)
    days = sorted({f.day for f in facts})
    picked = sales.filtered(facts, chosen, before)
    vendors, total = sales.summarise_facts(names, picked, before)
    # The province table ignores the province filter itself: it is how one picks it.
    unplaced = sales.filtered(facts, replace(chosen, province=""), before)
    response = render(
        request, "orders_parcels.html", vendors=vendors, total=total, names=names,
        statuses=PARCEL_STATUSES, labels=PARCEL_LABELS, chosen=chosen, days=days,
        provinces=sales.by_place(unplaced),
        regencies=sales.by_place(picked, chosen.province) if chosen.province else [],
        parcels=picked[-PARCEL_LIST:][::-1], shown=min(len(picked), PARCEL_LIST),
        count=len(picked), region=sales.region, before=before, query=_query(chosen),
        base_query=_query(replace(chosen, province="")),
        late_hours=int(sales.LATE_AFTER.total_seconds() // 3600),
    )  # fmt: skip
    response.headers["Cache-Control"] = "no-store"
    return response


PARCEL_LIST = 50  # the newest parcels listed on the page; the CSV has them all


def _query(chosen: sales.SalesFilter) -> str:
    """The filter as a query string, for the CSV link."""
    pairs = {"vendor": chosen.vendor, "status": chosen.status,
             "day": chosen.day.isoformat() if chosen.day else "",
             "late": "1" if chosen.late_only else "", "province": chosen.province}  # fmt: skip
    return urlencode({k: v for k, v in pairs.items() if v})


async def sales_csv(request: web.Request) -> web.Response:
    """The parcels the same filters pick, one row each, as CSV for Excel (organisers)."""
    _organiser_only(request)
    fulfil = request.config_dict[FULFILMENT]
    names = {v.id: v.name for v in fulfil.event.vendors} if fulfil.event else {}
    chosen = sales.parse_filter(request.query, names)
    name = sales_csv_mod.filename(chosen.vendor)
    data, _ = await request.config_dict[STORE].run(
        sales_csv_mod.export_csv, chosen, fulfil.clock.now()
    )
    return web.Response(
        body=data,
        content_type="text/csv",
        charset="utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )
