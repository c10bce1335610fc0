"""The buyer's pages: ``/bayar`` (their parcels, details and payment) and its helpers.

A browser is a buyer by its cookie alone: a random secret, kept by us only as a hash.
The page is the same address for everyone, so a link posted in the chat shows another
viewer only their own (empty) checkout. Posts need the buyer's CSRF token and our own
origin. Personal data is on these pages for their buyer only.
"""

from __future__ import annotations

import asyncio
import io
import json
from datetime import timedelta
from functools import lru_cache

import segno
from aiohttp import web

from kernel.errors import BadInput, Conflict, Forbidden, NotFound, PasarError
from kernel.forms import read_form
from kernel.keys import CHECKOUT, CSRF_TOKEN, ORDER_DESK, PUBLISHER, SETTINGS, TEMPLATES
from kernel.qris import QrisError, read_static
from kernel.secret import same_secret
from kernel.web import render
from orchestrator.checkout import regions_api
from orchestrator.checkout.details_form import read_details
from orchestrator.checkout.model import (
    METHOD_LABELS,
    PARCEL_LABELS,
    PATH,
    Buyer,
)
from orchestrator.checkout.proofs import read_proof
from orchestrator.checkout.service import MAX_LINK_QTY, TOPIC, BuyerPage, new_request_id
from orchestrator.fulfilment.rules import courier_name, tracking_url
from orchestrator.live import event_stream
from orchestrator.origins import is_https, same_origin
from schedules.photos import photo_url

COOKIE = "pasar_pembeli"
COOKIE_DAYS = 90
# The site's ``Referrer-Policy: same-origin`` stays: under ``no-referrer`` Chromium sends
# ``Origin: null`` with the page's own form posts, and the origin check refuses them.
_NO_STORE = {"Cache-Control": "no-store"}
_ORIGIN_TEXT = "Permintaan dari situs lain ditolak (cross-site request refused)."


async def current_buyer(request: web.Request) -> Buyer | None:
    secret = request.cookies.get(COOKIE, "")
    return await request.config_dict[CHECKOUT].buyer(secret) if secret else None


def _remember(request: web.Request, response: web.StreamResponse, secret: str) -> None:
    settings = request.config_dict[SETTINGS]
    response.set_cookie(
        COOKIE, secret, max_age=COOKIE_DAYS * 24 * 3600, httponly=True, samesite="Lax",
        path="/", secure=is_https(request, settings.public_url, settings.trusted_proxy_set),
    )  # fmt: skip


async def buyer_or_new(request: web.Request) -> tuple[Buyer, str | None]:
    """The request's buyer, or a new one and the secret to set as its cookie."""
    buyer = await current_buyer(request)
    if buyer is not None:
        return buyer, None
    return await request.config_dict[CHECKOUT].begin()


def _check_post(request: web.Request, buyer: Buyer | None, form) -> None:
    settings = request.config_dict[SETTINGS]
    if not same_origin(request, settings.public_url, settings.trusted_proxy_set):
        raise Forbidden(_ORIGIN_TEXT)
    if buyer is not None and not same_secret(str(form.get("csrf_token", "")), buyer.csrf):
        raise Forbidden("Token formulir salah; muat ulang halaman (stale form).")


def _context(page: BuyerPage, **extra) -> dict:
    event = page.event
    tz = event.tz if event else None
    base = dict(
        page=page, buyer=page.buyer, details=page.buyer.details, parcels=page.parcels,
        event=event, tz=tz, labels=PARCEL_LABELS, path=PATH, methods=METHOD_LABELS,
        vendors={v.id: v for v in event.vendors} if event else {},
        request_id=new_request_id(), regions=regions_api.choices(page.buyer.details),
        errors={}, notice="", hold_until=_hold_until(page), courier_name=courier_name,
        tracking_url=tracking_url,
        merchants={v.vendor_id: merchant_name(vendor.qris) for v in page.parcels
                   if (vendor := event.vendor(v.vendor_id) if event else None) and vendor.qris},
    )  # fmt: skip
    return {**base, **extra}


@lru_cache(maxsize=256)
def merchant_name(qris: str) -> str:
    """The name in the vendor's QRIS: what the buyer's banking app shows as the payee."""
    try:
        return read_static(qris).name
    except QrisError:
        return ""


def _hold_until(page: BuyerPage) -> dict[int | None, object]:
    """Per open parcel, the earliest moment one of its claims stops being held."""
    out = {}
    for view in page.parcels:
        moments = [line.hold_until for line in view.lines if line.hold_until is not None]
        if moments:
            out[view.parcel_id] = min(moments)
    return out


def _page(request: web.Request, page: BuyerPage, status: int = 200, **extra) -> web.Response:
    request[CSRF_TOKEN] = page.buyer.csrf  # the buyer's own, not a login's
    response = render(request, "checkout.html", status=status, **_context(page, **extra))
    response.headers.update(_NO_STORE)
    return response


async def checkout_page(request: web.Request) -> web.Response:
    """The buyer's checkout: the code to type in chat, their parcels, details and payment."""
    buyer, secret = await buyer_or_new(request)
    page = await request.config_dict[CHECKOUT].page(buyer)
    response = _page(request, page)
    if secret:
        _remember(request, response, secret)
    return response


def parcels_html(request: web.Request, page: BuyerPage) -> str:
    template = request.config_dict[TEMPLATES].get_template("checkout_parcels.html")
    return template.render(csrf_token=page.buyer.csrf, **_context(page))


async def checkout_events(request: web.Request) -> web.StreamResponse:
    """The buyer's page, live: its parcels again whenever one of them moves."""
    buyer = await current_buyer(request)
    if buyer is None:
        raise Forbidden("Buka halaman pembayaran dulu.")
    checkout = request.config_dict[CHECKOUT]

    async def make() -> dict:
        page = await checkout.page(await checkout.buyer(request.cookies[COOKIE]) or buyer)
        return {"html": parcels_html(request, page), "bound": page.chat_bound,
                "parcels": len(page.parcels)}  # fmt: skip

    def wanted(message) -> bool:
        return message.topic == TOPIC and message.channel == str(buyer.id)

    return await event_stream(request, request.config_dict[PUBLISHER], make, wanted, "checkout",
                              0.5)  # fmt: skip


async def save_details(request: web.Request) -> web.Response:
    """Store the buyer's name, WhatsApp and address; show every wrong field, keep the rest."""
    buyer = await current_buyer(request)
    if buyer is None:
        raise web.HTTPSeeOther("/bayar")
    form = await read_form(request)
    _check_post(request, buyer, form)
    details, errors = read_details(form, regions_api.REGIONS)
    checkout = request.config_dict[CHECKOUT]
    if errors:
        page = await checkout.page(buyer)
        page = BuyerPage(
            Buyer(buyer.id, buyer.csrf, details, buyer.authors), page.parcels, page.code,
            page.code_expires, page.event,
        )  # fmt: skip
        return _page(request, page, status=400, errors=errors,
                     notice="Periksa isian yang ditandai.")  # fmt: skip
    await checkout.save_details(buyer, details)
    raise web.HTTPSeeOther("/bayar#paket")


async def paid(request: web.Request) -> web.Response:
    """ "Saya sudah bayar" for one parcel, with an optional receipt photo."""
    buyer = await current_buyer(request)
    if buyer is None:
        raise web.HTTPSeeOther("/bayar")
    checkout = request.config_dict[CHECKOUT]
    try:
        form = await read_form(request)
    except web.HTTPRequestEntityTooLarge:  # past the app's body limit: the photo, surely
        page = await checkout.page(buyer)
        return _page(request, page, status=413, notice=TOO_BIG)
    _check_post(request, buyer, form)
    parcel_id = int(request.match_info["parcel_id"])
    try:
        upload = form.get("proof")
        data = upload.file.read(MAX_UPLOAD + 1) if hasattr(upload, "file") else None
        method = str(form.get("method", ""))
        amount = int(str(form.get("amount", "0")) or 0)
        await checkout.claim_paid(
            buyer, parcel_id, method, amount, str(form.get("request_id", "")) or new_request_id(),
            read_proof(data),
        )  # fmt: skip
    except (BadInput, Conflict) as error:
        page = await checkout.page(buyer)
        return _page(request, page, status=error.status, notice=str(error))
    except ValueError as error:
        raise BadInput("Jumlah tidak valid.") from error
    raise web.HTTPSeeOther(f"/bayar#paket-{parcel_id}")


MAX_UPLOAD = 5 * 2**20
TOO_BIG = f"Foto bukti terlalu besar (maks {MAX_UPLOAD // 2**20} MB); kirim foto yang lebih kecil."


@lru_cache(maxsize=2048)
def qr_svg(payload: str) -> str:
    """The QR code of a payload as SVG; kept, since a buyer's page asks for it again on
    every refresh and drawing it costs far more than the page."""
    out = io.BytesIO()
    # A standalone file, not ``svg_inline``: an <img> shows nothing of an SVG without xmlns.
    segno.make(payload, error="m").save(out, kind="svg", scale=6, border=4, dark="#000",
                                        light="#fff", xmldecl=False)  # fmt: skip
    return out.getvalue().decode()


async def qris_image(request: web.Request) -> web.Response:
    """The parcel's dynamic QRIS as an SVG QR code (its buyer only)."""
    buyer = await current_buyer(request)
    if buyer is None:
        raise Forbidden("Buka halaman pembayaran dulu.")
    checkout = request.config_dict[CHECKOUT]
    view = await checkout.open_parcel(buyer, int(request.match_info["parcel_id"]))
    try:
        payload = checkout.qris_for(view)
    except PasarError as error:
        raise BadInput(str(error)) from error
    # Drawing a new QR code takes 20-30 ms of pure Python: not on the event loop.
    svg = await asyncio.to_thread(qr_svg, payload)
    return web.Response(text=svg, content_type="image/svg+xml", headers=_NO_STORE)


def _product(request: web.Request):
    code = request.match_info["code"][:24]
    event = request.config_dict[CHECKOUT].event
    products = event.products if event else []
    product = next((p for p in products if p.code.lower() == code.lower()), None)
    if product is None:
        raise NotFound(f"Kode {code} tidak ada (no such product).")
    return product, event.vendor(product.vendor_id)


async def order_form(request: web.Request) -> web.Response:
    """ "Pesan di sini" from an order link: pick a quantity, then on to the checkout."""
    buyer, secret = await buyer_or_new(request)
    product, vendor = _product(request)
    request[CSRF_TOKEN] = buyer.csrf
    sold_out = product.code in request.config_dict[ORDER_DESK].sold_out_codes()
    photo = photo_url(product.photo_id, "thumb") if product.photo_id else ""
    response = render(request, "checkout_order.html", product=product, vendor=vendor,
                      sold_out=sold_out, request_id=new_request_id(), photo=photo,
                      limit=product.max_per_buyer or MAX_LINK_QTY)  # fmt: skip
    response.headers.update(_NO_STORE)
    if secret:
        _remember(request, response, secret)
    return response


async def order_here(request: web.Request) -> web.Response:
    """Claim the chosen quantity without the chat (once per form), then show the checkout."""
    buyer = await current_buyer(request)
    if buyer is None:
        raise web.HTTPSeeOther(request.path)
    form = await read_form(request)
    _check_post(request, buyer, form)
    product, _ = _product(request)
    try:
        qty = int(str(form.get("qty", "1")))
    except ValueError as error:
        raise BadInput("Jumlah harus angka.") from error
    request_id = str(form.get("request_id", "")) or new_request_id()
    await request.config_dict[CHECKOUT].order_by_link(buyer, product.code, qty, request_id)
    raise web.HTTPSeeOther("/bayar#paket")


async def regions_json(request: web.Request) -> web.Response:
    """Region choices for the address form: regencies of a province, districts of a regency."""
    province = request.query.get("provinsi", "")[:80]
    regency = request.query.get("kabupaten", "")[:80]
    # The regions package may read its files (tens of ms): not on the event loop.
    body = await asyncio.to_thread(regions_api.lookup, province, regency)
    return web.Response(
        text=json.dumps(body, ensure_ascii=False), content_type="application/json",
        headers={"Cache-Control": f"public, max-age={int(timedelta(days=1).total_seconds())}"},
    )  # fmt: skip
