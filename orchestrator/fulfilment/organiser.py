"""The organisers' side of the vendors' desks: any receipt photo, and reissuing a link.

These routes sit under ``/orders``, so the login middleware lets only hosts and
organisers in (and checks CSRF and origin on posts); hosts are refused here, since
receipts and vendors' links are the organisers' business.
"""

from __future__ import annotations

from aiohttp import web

from kernel.errors import Forbidden
from kernel.keys import FULFILMENT, ORDER_DESK, PUBLISHER, ROLE, STORE
from kernel.web import render
from orchestrator.checkout.model import PARCEL_LABELS, PARCEL_STATUSES
from orchestrator.fulfilment import sales
from orchestrator.fulfilment import store as desk_store
from orchestrator.fulfilment.pages import VENDOR_HEADERS, _image
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
    return _image(data, kind)


async def reissue_link(request: web.Request) -> web.Response:
    """Revoke a vendor's private link and make a new one; back to /orders to share it."""
    _organiser_only(request)
    vendor_id = request.match_info["vendor_id"]
    await request.config_dict[ORDER_DESK].reissue_link(vendor_id)
    # Desks open on the old link hear it and stop showing parcels.
    request.config_dict[PUBLISHER].publish(TOPIC, vendor_id, {"reissued": True})
    raise web.HTTPSeeOther(f"/orders#tautan-{vendor_id}", headers=VENDOR_HEADERS)


async def sales_page(request: web.Request) -> web.Response:
    """Parcels by vendor and status with Rupiah totals; vendors slow to ship flagged."""
    _organiser_only(request)
    fulfil = request.config_dict[FULFILMENT]
    event = fulfil.event
    names = {v.id: v.name for v in event.vendors} if event else {}
    before = fulfil.clock.now() - sales.LATE_AFTER
    rows = await request.config_dict[STORE].run(desk_store.sales_rows)
    late = await request.config_dict[STORE].run(desk_store.late_paid, before)
    vendors, total = sales.summarise(names, rows, late)
    response = render(request, "orders_parcels.html", vendors=vendors, total=total,
                      statuses=PARCEL_STATUSES, labels=PARCEL_LABELS,
                      late_hours=int(sales.LATE_AFTER.total_seconds() // 3600))  # fmt: skip
    response.headers["Cache-Control"] = "no-store"
    return response
