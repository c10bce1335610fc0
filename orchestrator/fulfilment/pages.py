"""The vendor's desk: ``/v/<token>`` (their parcels), its actions, receipts and labels.

A vendor's page needs no login: the link's unguessable token is the key, so it is never
cached, indexed or sent on in a Referer, and a revoked token shows nothing (404, like
any unknown one). Posts need the page's CSRF token (made from the vendor's token, so it
changes when the link is reissued) and our own origin. Another vendor's parcel answers
exactly like a missing one.
"""

from __future__ import annotations

import hashlib
import hmac

from aiohttp import web

from kernel.errors import BadInput, Conflict, Forbidden
from kernel.forms import read_form
from kernel.keys import CSRF_TOKEN, FULFILMENT, ORDER_DESK, PUBLISHER, SETTINGS, TEMPLATES
from kernel.secret import same_secret
from kernel.times import JAKARTA
from kernel.web import render
from orchestrator.checkout.service import VENDOR_TOPIC
from orchestrator.fulfilment import rules, views
from orchestrator.fulfilment.service import TOPIC, Request
from orchestrator.live import event_stream
from orchestrator.origins import same_origin

VENDOR_HEADERS = {
    "Cache-Control": "no-store",
    # same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on posts,
    # which the origin check must refuse. Other sites still get no Referer (the token).
    "Referrer-Policy": "same-origin",
    "X-Robots-Tag": "noindex, nofollow",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self';"
    " connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self';"
    " frame-ancestors 'none'",
}
_IMAGE_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
MIN_GAP_SECONDS = 1.0  # a busy desk is redrawn at most once a second
LABELS_PER_PAGE = 48  # 12 A4 sheets: a print job a phone and a home printer manage


def vendor_csrf(token: str) -> str:
    """The CSRF token of a vendor's forms: tied to their link, so a new link makes a new one."""
    return hmac.new(token.encode(), b"pasar-vendor-desk", hashlib.sha256).hexdigest()[:32]


def _vendor(request: web.Request) -> tuple[str, str]:
    """The vendor of the link's token, and the token; 404 for an unknown or revoked one."""
    token = request.match_info["token"]
    vendor = request.config_dict[ORDER_DESK].vendor_for_token(token)
    if vendor is None:
        raise web.HTTPNotFound(text="Tautan tidak berlaku.", headers=VENDOR_HEADERS)
    return vendor, token


def _pay_url(request: web.Request) -> str:
    public = request.config_dict[SETTINGS].public_url
    return f"{(public or f'{request.scheme}://{request.host}').rstrip('/')}/bayar"


def _wanted(source) -> tuple[str, int]:
    """The group and page asked for (in the query or a form); bad values mean the default."""
    group = str(source.get("kelompok", ""))
    page = str(source.get("hal", "1"))
    return (group if group in rules.GROUPS else ""), (int(page) if page.isdigit() else 1)


async def _desk(request: web.Request, vendor_id: str, group: str, page: int) -> dict:
    """What the desk's parcels part shows: counts, one group's page of cards."""
    fulfil = request.config_dict[FULFILMENT]
    event = fulfil.event
    chosen = views.select(await fulfil.statuses(vendor_id), group, page)
    parcels = await fulfil.parcels(vendor_id, chosen.ids)
    cards = views.cards(parcels, event, fulfil.tariff, _pay_url(request),
                        event.tz if event else JAKARTA)  # fmt: skip
    return dict(sel=chosen, cards=cards, group_labels=rules.GROUP_LABELS, groups=rules.GROUPS,
                total=sum(chosen.counts.values()))  # fmt: skip


def _common(request: web.Request, vendor_id: str, token: str) -> dict:
    event = request.config_dict[FULFILMENT].event
    vendor = event.vendor(vendor_id) if event else None
    return dict(
        token=token, vendor=vendor, vendor_name=vendor.name if vendor else vendor_id,
        tz=event.tz if event else JAKARTA, labels=rules.ACTION_LABELS, couriers=rules.COURIERS,
        event=event, now=request.config_dict[FULFILMENT].clock.now(),
    )  # fmt: skip


def _render(request: web.Request, name: str, **context) -> web.Response:
    request[CSRF_TOKEN] = vendor_csrf(context["token"])
    response = render(request, name, **{"notice": "", **context})
    response.headers.update(VENDOR_HEADERS)
    return response


async def _desk_response(
    request: web.Request, vendor_id: str, token: str, group: str, page: int, notice: str = ""
) -> web.Response:
    turn, join = await request.config_dict[FULFILMENT].turn(vendor_id)
    parts = await _desk(request, vendor_id, group, page)
    return _render(request, "vendor_desk.html", turn=turn, join_url=join, notice=notice,
                   **parts, **_common(request, vendor_id, token))  # fmt: skip


async def desk_page(request: web.Request) -> web.Response:
    """The vendor's desk: counts per group, one group's parcels with their actions."""
    vendor_id, token = _vendor(request)
    return await _desk_response(request, vendor_id, token, *_wanted(request.query))


async def desk_events(request: web.Request) -> web.StreamResponse:
    """The desk, live: its group's parcels again after the vendor's or a buyer's change."""
    vendor_id, token = _vendor(request)
    group, page = _wanted(request.query)
    env = request.config_dict[TEMPLATES]

    async def make() -> dict:
        if request.config_dict[ORDER_DESK].vendor_for_token(token) != vendor_id:
            return {"html": "", "total": 0, "revoked": True}  # the link was reissued meanwhile
        parts = await _desk(request, vendor_id, group, page)
        html = env.get_template("vendor_parcels.html").render(
            csrf_token=vendor_csrf(token), **parts, **_common(request, vendor_id, token)
        )
        return {"html": html, "total": parts["total"]}

    def wanted(message) -> bool:
        return message.topic in (TOPIC, VENDOR_TOPIC) and message.channel == vendor_id

    publisher = request.config_dict[PUBLISHER]
    return await event_stream(request, publisher, make, wanted, "desk", MIN_GAP_SECONDS)


async def act(request: web.Request) -> web.Response:
    """One action on one of the vendor's parcels (a form post; back to the desk)."""
    vendor_id, token = _vendor(request)
    settings = request.config_dict[SETTINGS]
    if not same_origin(request, settings.public_url, settings.trusted_proxy_set):
        raise Forbidden("Permintaan dari situs lain ditolak (cross-site request refused).")
    form = await read_form(request)
    if not same_secret(str(form.get("csrf_token", "")), vendor_csrf(token)):
        raise Forbidden("Token formulir salah; muat ulang halaman (stale form).")
    parcel_id = int(request.match_info["parcel_id"])
    group, page = _wanted(form)
    req = Request(
        action=request.match_info["action"], status_seen=str(form.get("status", "")),
        reason=str(form.get("reason", "")), courier=str(form.get("courier", "")),
        resi=str(form.get("resi", "")), quote=str(form.get("quote", "")),
    )  # fmt: skip
    try:
        await request.config_dict[FULFILMENT].act(vendor_id, parcel_id, req)
    except (BadInput, Conflict) as error:
        response = await _desk_response(request, vendor_id, token, group, page, str(error))
        response.set_status(error.status)
        return response
    back = f"/v/{token}?kelompok={group}&hal={page}" if group else f"/v/{token}"
    raise web.HTTPSeeOther(f"{back}#paket-{parcel_id}", headers=VENDOR_HEADERS)


async def proof(request: web.Request) -> web.Response:
    """A receipt photo of the vendor's own parcel."""
    vendor_id, _ = _vendor(request)
    data, kind = await request.config_dict[FULFILMENT].proof(
        vendor_id, int(request.match_info["payment_id"])
    )
    return receipt_image(data, kind)


def receipt_image(data: bytes, kind: str) -> web.Response:
    headers = {**VENDOR_HEADERS, "Content-Disposition": "inline"}
    return web.Response(body=data, content_type=_IMAGE_TYPES.get(kind, "application/octet-stream"),
                        headers=headers)  # fmt: skip


async def labels_page(request: web.Request) -> web.Response:
    """Packing list and A6 shipping labels, four to an A4 sheet, ready to print.

    By default the parcels to pack and to ship, oldest first, ``LABELS_PER_PAGE`` at a
    time (``?hal=2`` for the next); ``?paket=ID`` (repeatable) picks parcels instead.
    """
    vendor_id, token = _vendor(request)
    fulfil = request.config_dict[FULFILMENT]
    event = fulfil.event
    wanted = {int(x) for x in request.query.getall("paket", [])[:LABELS_PER_PAGE] if x.isdigit()}
    work = (rules.TO_PACK, rules.TO_SHIP)
    ids = [i for i, status in await fulfil.statuses(vendor_id)
           if (i in wanted if wanted else rules.group_of(status) in work)]  # fmt: skip
    _, page = _wanted(request.query)
    pages = max(1, -(-len(ids) // LABELS_PER_PAGE))
    page = min(page, pages)
    chosen = await fulfil.parcels(
        vendor_id, ids[(page - 1) * LABELS_PER_PAGE : page * LABELS_PER_PAGE]
    )
    cards = views.cards(chosen, event, fulfil.tariff, _pay_url(request),
                        event.tz if event else JAKARTA)  # fmt: skip
    return _render(request, "vendor_labels.html", parcels=cards, page=page, pages=pages,
                   **_common(request, vendor_id, token))  # fmt: skip
