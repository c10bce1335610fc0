"""The overlay state of one channel, built from plain inputs: pure, no clock, no I/O.

The state carries absolute times (slot start, when the lower third ends, when product
cycling starts and its period, the countdown target) rather than "what shows now": the page
works out the current product from its clock, so a page reloaded at any moment shows the
right thing and the server publishes only when something really changes.

Times in the state are Unix milliseconds (what JavaScript's ``Date.now()`` speaks). Every
text in it comes from organisers or viewers: pages must set it as text, never as HTML.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from kernel.formatting import rupiah
from overlays.photo_view import photo_view
from schedules.model import Event, Product, Vendor

# Statuses meaning "a slot is on": the rotation engine's on_air/host/held, or plain "live".
AIRING = frozenset({"live", "on_air", "host", "held"})


class OverlayActionError(ValueError):
    """The host asked for an overlay action that does not exist or lacks its value."""


@dataclass(frozen=True)
class OnAir:
    """What the rotation has on air on one channel, as plain data the engine fills in.

    ``status`` takes the rotation engine's words: ``on_air`` (a vendor's slot), ``host``
    (a host segment) and ``held`` mean a slot is on (``live`` too); anything else
    (``break``, ``off_air``...) shows no lower third or product card, only the countdown,
    ticker and notice. ``held`` (or status ``held``) stops the countdown.
    """

    status: str
    slot_id: str | None = None
    vendor_id: str | None = None
    product_codes: tuple[str, ...] = ()
    title: str = ""
    start: datetime | None = None
    end: datetime | None = None
    next_vendor_id: str | None = None
    next_start: datetime | None = None
    held: bool = False


@dataclass(frozen=True)
class HostOverlay:
    """What the host has taken over from automatic mode; the defaults are automatic.

    ``lower_third`` is ``None`` for automatic, ``True``/``False`` when forced on/off.
    ``show_names`` lets the ticker show viewers' first names (off by default: privacy).
    """

    card_code: str | None = None
    card_hidden: bool = False
    lower_third: bool | None = None
    notice: str = ""
    show_names: bool = False


@dataclass(frozen=True)
class OverlaySettings:
    """Knobs of the automatic overlay; ``base_url`` empty means the event's own base URL."""

    base_url: str = ""
    lower_third_seconds: float = 12
    product_cycle_seconds: float = 8
    ticker_size: int = 5


ACTIONS = (
    "show_card",
    "hide_card",
    "show_lower_third",
    "hide_lower_third",
    "notice_on",
    "notice_off",
    "names_on",
    "names_off",
    "automatic",
)
NOTICE_MAX = 200


def apply_action(overlay: HostOverlay, action: str, value: str | None = None) -> HostOverlay:
    """Return the host overlay after one panel action; ``automatic`` keeps notice and names."""
    if action == "show_card":
        if not value:
            raise OverlayActionError("show_card: kode produk wajib diisi (product code needed)")
        return replace(overlay, card_code=value.strip(), card_hidden=False)
    text = (value or "").strip()[:NOTICE_MAX]
    if action == "notice_on" and not text:
        raise OverlayActionError("notice_on: teks pengumuman kosong (notice text needed)")
    changes: dict[str, dict[str, Any]] = {
        "hide_card": {"card_code": None, "card_hidden": True},
        "show_lower_third": {"lower_third": True},
        "hide_lower_third": {"lower_third": False},
        "notice_on": {"notice": text},
        "notice_off": {"notice": ""},
        "names_on": {"show_names": True},
        "names_off": {"show_names": False},
        "automatic": {"card_code": None, "card_hidden": False, "lower_third": None},
    }
    if action not in changes:
        raise OverlayActionError(f"aksi overlay tidak dikenal: {action!r} (use one of {ACTIONS})")
    return replace(overlay, **changes[action])


def build_state(
    event: Event,
    channel: str,
    on_air: OnAir,
    *,
    host: HostOverlay | None = None,
    sold_out: Collection[str] = frozenset(),
    ticker: Sequence[Mapping[str, Any]] = (),
    settings: OverlaySettings | None = None,
) -> dict[str, Any]:
    """Build the whole overlay state of ``channel``: the one thing the hub publishes."""
    host = host or HostOverlay()
    settings = settings or OverlaySettings()
    links = _Links(settings.base_url or event.base_url, sold_out, event)
    live = on_air.status in AIRING
    vendor = event.vendor(on_air.vendor_id) if live and on_air.vendor_id else None
    products = _featured(event, on_air, vendor) if live else []
    return {
        "channel": channel,
        "event": event.name,
        "status": on_air.status,
        "on_air": live,
        "slot": _slot(on_air) if live else None,
        "vendor": _vendor(vendor),
        "lower_third": _lower_third(on_air, host, settings, live),
        "products": [links.product(p) for p in products],
        "card": _card(event, on_air, host, settings, links, live),
        "countdown": _countdown(event, on_air),
        "ticker": _ticker(event, ticker, host.show_names, settings.ticker_size),
        "notice": host.notice,
    }


def order_link(base_url: str, code: str) -> str:
    """The viewer-facing order link of a product code (what the QR code holds)."""
    return f"{base_url.rstrip('/')}/o/{quote(code, safe='')}"


def ms(moment: datetime | None) -> int | None:
    """Unix milliseconds of an aware datetime (the page's time unit)."""
    return None if moment is None else int(moment.timestamp() * 1000)


class _Links:
    """Turns products into card data: formatted price, order link, QR path, sold-out flag,
    and the photo (its card size) or the tile shown in its place."""

    def __init__(self, base_url: str, sold_out: Collection[str], event: Event) -> None:
        self.base = base_url
        self.sold_out = sold_out
        self.categories = {v.id: v.category for v in event.vendors}

    def product(self, product: Product) -> dict[str, Any]:
        code = product.code
        link = order_link(self.base, code)
        return {
            "code": code,
            "name": product.name,
            "price": rupiah(product.price_idr),
            "hint": f"Ketik: {code} 2",
            "link": link,
            "short_link": link.split("://", 1)[-1],
            "qr": f"/qr/{quote(code, safe='')}.svg",
            "sold_out": code in self.sold_out or product.stock == 0,
            **self.photo(product),
        }

    def photo(self, product: Product) -> dict[str, Any]:
        view = photo_view(product, self.categories.get(product.vendor_id, ""), "card")
        return {"photo": view.url, "photo_alt": view.alt, "initials": view.initials,
                "tone": view.tone}  # fmt: skip


def _featured(event: Event, on_air: OnAir, vendor: Vendor | None) -> list[Product]:
    """The slot's featured products; a slot that names none features its vendor's goods."""
    products = [p for p in map(event.product, on_air.product_codes) if p is not None]
    if not products and vendor is not None:
        products = [p for p in event.products if p.vendor_id == vendor.id]
    return products


def _slot(on_air: OnAir) -> dict[str, Any]:
    return {
        "id": on_air.slot_id,
        "title": on_air.title,
        "start_ms": ms(on_air.start),
        "end_ms": ms(on_air.end),
    }


def _vendor(vendor: Vendor | None) -> dict[str, Any] | None:
    if vendor is None:
        return None
    return {
        "id": vendor.id,
        "name": vendor.name,
        "category": vendor.category,
        "kecamatan": vendor.kecamatan,
    }


def _lower_third(
    on_air: OnAir, host: HostOverlay, settings: OverlaySettings, live: bool
) -> dict[str, Any]:
    """``mode`` is auto/on/off; in auto the page shows it until ``until_ms``."""
    if not live:
        return {"mode": "off", "until_ms": None}
    if host.lower_third is not None:
        return {"mode": "on" if host.lower_third else "off", "until_ms": None}
    until = _after(on_air.start, settings.lower_third_seconds)
    return {"mode": "auto", "until_ms": ms(until)}


def _card(
    event: Event,
    on_air: OnAir,
    host: HostOverlay,
    settings: OverlaySettings,
    links: _Links,
    live: bool,
) -> dict[str, Any]:
    """``cycle``: product ``floor((now - from_ms) / period_ms) % len(products)`` shows."""
    if host.card_code is not None:
        pinned = event.product(host.card_code) or event.product(host.card_code.upper())
        if pinned is not None:
            return {"mode": "pinned", "product": links.product(pinned)}
    if host.card_hidden or not live or host.card_code is not None:
        return {"mode": "hidden"}
    start = _after(on_air.start, settings.lower_third_seconds)
    return {
        "mode": "cycle",
        "from_ms": ms(start),
        "period_ms": int(settings.product_cycle_seconds * 1000),
    }


def _countdown(event: Event, on_air: OnAir) -> dict[str, Any] | None:
    """Who is next and when; ``target_ms`` is ``None`` while the host holds the slot."""
    held = on_air.held or on_air.status == "held"
    target = on_air.next_start or (on_air.end if on_air.status in AIRING else None)
    if target is None and not on_air.next_vendor_id:
        return None
    vendor = event.vendor(on_air.next_vendor_id) if on_air.next_vendor_id else None
    return {
        "target_ms": None if held else ms(target),
        "held": held,
        "next_name": vendor.name if vendor else "",
    }


def _ticker(
    event: Event, entries: Sequence[Mapping[str, Any]], names: bool, size: int
) -> list[dict[str, Any]]:
    """The newest ``size`` orders, newest first; first names only when the host allows."""
    shown = []
    for entry in list(entries)[-size:][::-1] if size > 0 else []:
        code = str(entry.get("code", ""))
        product = event.product(code)
        shown.append(
            {
                "code": code,
                "qty": int(entry.get("qty") or 1),
                "product": product.name if product else "",
                "first_name": _first_name(entry.get("first_name")) if names else None,
            }
        )
    return shown


def _first_name(name: Any) -> str | None:
    """Keep only a first name, short: the stream must not show a viewer's full name."""
    words = str(name or "").split()
    return words[0][:20] if words else None


def _after(moment: datetime | None, seconds: float) -> datetime | None:
    return None if moment is None else moment + timedelta(seconds=seconds)
