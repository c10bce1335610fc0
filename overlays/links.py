"""Order links for viewers: ``/o/<code>`` shows a phone page to order one product.

The page links only to ``wa.me`` (with the vendor's number and a pre-filled message)
and to the order URL an organiser stored for the product (https only); nothing taken
from the request ever becomes a link target or a redirect. Each open is logged through
the batched ``ClickLog`` so the answer never waits on SQLite.

The catalog is built once per schedule revision and kept in memory: it follows the
schedule feed, so an edit in the editor shows here as soon as it is saved.
Other parts plug in what only they know through two app keys: ``SOLD_OUT`` (the orders
module) and ``ON_AIR_NOW`` (the rotation).
"""

from __future__ import annotations

import logging
import re
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import quote, urlsplit

import jinja2
from aiohttp import web

from kernel.formatting import rupiah
from kernel.keys import (
    CLICK_LOG,
    LINK_PAGES,
    ON_AIR_NOW,
    SOLD_OUT,
)
from overlays.clicks import referrer_origin
from overlays.devices import device_class
from overlays.photo_view import PhotoView, photo_view
from schedules.feed import Schedule
from schedules.model import Event, Product, Vendor

log = logging.getLogger(__name__)


LIVE_SECONDS = 0.25
MAX_CODE_CHARS = 24
_CODE_SHAPE = re.compile(r"([^\W\d_]{1,3})(\d{1,3})")
# The page has no scripts and loads only our stylesheet; say so, so an injected tag could
# do nothing even if escaping ever failed.
_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self';"
    " base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Content-Type": "text/html; charset=utf-8",
}
MAX_RENDERED = 4096


@lru_cache(maxsize=4096)
def code_key(text: str) -> str | None:
    """Key a code as the chat grammar does: letters without case, digits by value (k1 = K01).

    Mirrors ``code_key`` of ORDER-GRAMMAR.md; ``overlays`` may not import the
    orchestrator's grammar, so the rule is repeated here and tested on the same cases.
    """
    word = unicodedata.normalize("NFKC", text[:MAX_CODE_CHARS]).strip().lower()
    match = _CODE_SHAPE.fullmatch(word)
    if match is None or not match[1].isalpha():
        return None
    return match[1] + str(int(match[2]))


def wa_number(whatsapp: str) -> str | None:
    """Turn a stored WhatsApp number into wa.me's digits: ``0812-3...`` -> ``62812...``."""
    digits = "".join(ch for ch in whatsapp if ch.isascii() and ch.isdigit())
    if digits.startswith("0"):
        digits = "62" + digits.lstrip("0")
    elif digits.startswith("8"):
        digits = "62" + digits
    return digits if 8 <= len(digits) <= 15 else None


def https_url(url: str | None) -> str | None:
    """Return ``url`` when it is a plain https address, else ``None`` (never shown)."""
    if not url:
        return None
    url = url.strip()
    if any(ch.isspace() or not ch.isprintable() for ch in url):
        return None
    parts = urlsplit(url)
    if parts.scheme.lower() != "https" or not parts.hostname or parts.username:
        return None
    return url


@dataclass(frozen=True, slots=True)
class ProductPage:
    """What a landing page shows of one product, worked out once per schedule revision."""

    code: str
    name: str
    price: str
    stock: int | None
    vendor_id: str
    vendor_name: str
    kecamatan: str
    category: str
    wa_url: str | None
    order_url: str | None
    photo: PhotoView  # phone size, or its tile
    thumb: PhotoView  # for the list of what is on air


@dataclass(frozen=True)
class Catalog:
    """The event's products by code key, by catalog spelling and by vendor."""

    revision: int = 0
    base_url: str = ""  # the event's, for absolute addresses when no public URL is set
    by_key: dict[str, ProductPage] = field(default_factory=dict)
    by_code: dict[str, ProductPage] = field(default_factory=dict)
    by_vendor: dict[str, list[ProductPage]] = field(default_factory=dict)
    # Landing pages rendered for viewers, by (code, sold out, on air); see ``order_link``.
    rendered: dict[tuple, bytes] = field(default_factory=dict, compare=False)

    @classmethod
    def build(cls, event: Event | None, revision: int = 0) -> Catalog:
        """Precompute every product's page data; the first of two equal keys wins."""
        if event is None:
            return cls(revision)
        catalog = cls(revision, event.base_url.rstrip("/"))
        vendors = {v.id: v for v in event.vendors}
        for product in event.products:
            vendor = vendors.get(product.vendor_id)
            page = ProductPage(
                code=product.code,
                name=product.name,
                price=rupiah(product.price_idr),
                stock=product.stock,
                vendor_id=product.vendor_id,
                vendor_name=vendor.name if vendor else "",
                kecamatan=vendor.kecamatan if vendor else "",
                category=vendor.category if vendor else "",
                wa_url=whatsapp_link(vendor, product) if vendor else None,
                order_url=https_url(product.order_url),
                photo=photo_view(product, vendor.category if vendor else "", "phone"),
                thumb=photo_view(product, vendor.category if vendor else "", "thumb"),
            )
            catalog.by_code.setdefault(product.code, page)
            catalog.by_key.setdefault(code_key(product.code) or product.code, page)
            catalog.by_vendor.setdefault(product.vendor_id, []).append(page)
        return catalog

    def find(self, text: str) -> ProductPage | None:
        """Return the product a typed code means (``k1`` finds ``K01``), or ``None``."""
        key = code_key(text)
        return self.by_key.get(key) if key else self.by_code.get(text)


def order_message(vendor_name: str, product: Product) -> str:
    """Write the WhatsApp message a viewer sends to order one of a product."""
    item = f"{product.code} {product.name} ({rupiah(product.price_idr)})"
    return f"Halo {vendor_name}, saya mau pesan {item} x1 dari Pasar Live"


def whatsapp_link(vendor: Vendor, product: Product) -> str | None:
    """Return the wa.me link opening a chat with the vendor, the order already typed."""
    number = wa_number(vendor.whatsapp)
    if number is None:
        return None
    return f"https://wa.me/{number}?text={quote(order_message(vendor.name, product), safe='')}"


class CatalogCache:
    """Keep the catalog in memory; follows the schedule feed, rebuilt once per revision."""

    def __init__(self) -> None:
        self.catalog = Catalog()

    def update(self, schedule: Schedule) -> None:
        """Rebuild the catalog from a newly published schedule."""
        self.catalog = Catalog.build(schedule.event, schedule.revision)
        log.info("Order links: %d products (rev %d)", len(self.catalog.by_code), schedule.revision)


def _ask(app: web.Application, key: web.AppKey) -> Any:
    """Call an injected provider, if any; a failing one must not take the page down."""
    provider = app.get(key)
    if provider is None:
        return None
    try:
        return provider()
    except Exception:
        log.exception("%s failed; answering without it", key)
        return None


class LiveState:
    """What changes while the event runs: the channels on air and the sold-out codes.

    Read from ``ON_AIR_NOW`` and ``SOLD_OUT`` at most every ``max_age`` seconds: the
    providers build their answer on each call, and a burst of thousands of opens need not
    ask them thousands of times. A quarter second late is invisible to a viewer.
    """

    def __init__(
        self, max_age: float = LIVE_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.max_age = max_age
        self.clock = clock
        self._expires = float("-inf")
        self._value: tuple[list[dict], tuple, frozenset[str]] = ([], (), frozenset())

    def read(self, app: web.Application) -> tuple[list[dict], tuple, frozenset[str]]:
        """Return what is on air, a key summing it up, and the sold-out codes."""
        now = self.clock()
        if now >= self._expires:
            on_air = _ask(app, ON_AIR_NOW) or []
            self._value = (on_air, _on_air_key(on_air), frozenset(_ask(app, SOLD_OUT) or ()))
            self._expires = now + self.max_age
        return self._value


@dataclass(frozen=True)
class LinkPages:
    """The compiled templates, the catalog and the live state the handler needs."""

    cache: CatalogCache
    live: LiveState
    landing: jinja2.Template
    missing: jinja2.Template
    static_version: str
    base_url: str = ""  # the public URL, for Open Graph's absolute addresses; "" = the event's


def channel_of(code: str, on_air: list[dict]) -> dict | None:
    """Return the on-air channel showing ``code``, else the first on air, else ``None``."""
    for channel in on_air:
        if code in (channel.get("codes") or ()):
            return channel
    return on_air[0] if on_air else None


def on_air_groups(catalog: Catalog, on_air: list[dict], skip: str = "") -> list[dict]:
    """List each on-air channel's title and products (catalog entries only), for links."""
    groups = []
    for channel in on_air:
        codes = channel.get("codes") or ()
        pages = [catalog.by_code[c] for c in codes if c in catalog.by_code]
        if not codes and channel.get("vendor_id"):
            pages = catalog.by_vendor.get(channel["vendor_id"], [])
        pages = [p for p in pages if p.code != skip]
        if pages:
            groups.append({"title": _title(channel), "products": pages})
    return groups


def _title(channel: dict) -> str:
    return channel.get("title") or channel.get("channel") or ""


def _on_air_key(on_air: list[dict]) -> tuple:
    """Sum up what of ``on_air`` a page shows, to find its rendered copy."""
    return tuple(
        (c.get("channel"), c.get("title"), tuple(c.get("codes") or ()), c.get("vendor_id"))
        for c in on_air
    )


async def order_link(request: web.Request) -> web.Response:
    """Show one product's order page and log the open; unknown codes get a 404 page."""
    app = request.app  # the app ``setup`` was given: a plain dict look-up per key
    pages = app[LINK_PAGES]
    catalog = pages.cache.catalog
    raw = request.match_info["code"]
    product = catalog.find(raw)
    on_air, on_air_key, sold_out_codes = pages.live.read(app)
    if product is None:
        groups = on_air_groups(catalog, on_air)
        # Echo the code only when it looks like one, so the page cannot carry made-up text.
        shown = raw if code_key(raw) else ""
        html = _render(pages, pages.missing, code=shown, groups=groups)
        return web.Response(body=html, status=404, headers=_HEADERS)
    channel = channel_of(product.code, on_air)
    if request.method == "GET":
        _log_click(app, request, product.code, channel)
    sold_out = product.stock == 0 or product.code in sold_out_codes
    key = (product.code, sold_out, on_air_key)
    if (html := catalog.rendered.get(key)) is None:
        html = _landing(pages, catalog, product, sold_out, channel, on_air)
        if len(catalog.rendered) >= MAX_RENDERED:
            catalog.rendered.clear()
        catalog.rendered[key] = html
    return web.Response(body=html, headers=_HEADERS)


def _landing(
    pages: LinkPages,
    catalog: Catalog,
    product: ProductPage,
    sold_out: bool,
    channel: dict | None,
    on_air: list[dict],
) -> bytes:
    """Render a landing page; ``order_link`` keeps it for every viewer of the same state.

    Every viewer of one product sees the same page until the stock state, the on-air
    channels or the catalog change, so most opens cost a dict look-up, not a render.
    """
    live = channel is not None and product.code in (channel.get("codes") or ())
    return _render(
        pages,
        pages.landing,
        product=product,
        sold_out=sold_out,
        base_url=pages.base_url.rstrip("/") or catalog.base_url,
        live_title=_title(channel) if live else "",
        groups=on_air_groups(catalog, on_air, skip=product.code),
    )


def _log_click(app: web.Application, request: web.Request, code: str, channel: dict | None) -> None:
    headers = request.headers
    app[CLICK_LOG].add(
        code,
        channel.get("channel") if channel else None,
        channel.get("slot_id") if channel else None,
        referrer_origin(headers.get("Referer")),
        device_class(headers.get("User-Agent")),
    )


def _render(pages: LinkPages, template: jinja2.Template, **context: Any) -> bytes:
    """Render a viewer's page: the same for everyone, so no login menu and no CSRF token."""
    return template.render(
        csrf_token="",
        role=None,
        static_version=pages.static_version,
        request_path="",
        **context,
    ).encode()
