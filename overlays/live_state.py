"""The viewers' live state of one channel, taken from its overlay state: pure, no I/O.

The live page is public, so its state is built by *keeping* named fields rather than by
dropping the private ones: a field someone adds to the overlay later (an author id, a
phone) does not reach 10,000 phones by accident. It adds what only viewers need: units
left per featured product, the one-tap order path into the checkout, and the YouTube
video to embed.

Every text in it comes from organisers or viewers: the page sets it as text, never HTML.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

# A YouTube video id (a live broadcast's id is its video's id): 11 of these characters
# today; a little slack, and nothing that could leave the embed's path.
_VIDEO_ID = re.compile(r"^[A-Za-z0-9_-]{6,32}$")
EMBED_ORIGIN = "https://www.youtube-nocookie.com"

_PRODUCT_KEYS = ("code", "name", "price", "photo", "photo_alt", "initials", "tone")
_VENDOR_KEYS = ("name", "category", "kecamatan")


def embed_url(video_id: str | None) -> str | None:
    """The privacy-enhanced embed address of a video, or ``None`` for no or odd ids."""
    if not video_id or not _VIDEO_ID.match(video_id):
        return None
    return f"{EMBED_ORIGIN}/embed/{video_id}"


def order_path(code: str) -> str:
    """Where "Pesan" takes a viewer: the checkout's order form for one product."""
    return f"/bayar/pesan/{quote(code, safe='')}"


def stock_label(left: int | None, sold_out: bool) -> str:
    """``habis``, ``sisa 3`` or empty (no stock limit), as the page shows it."""
    if sold_out or (left is not None and left <= 0):
        return "habis"
    return "" if left is None else f"sisa {left}"


def viewer_state(
    overlay: Mapping[str, Any],
    *,
    title: str = "",
    stock_left: Mapping[str, int | None] | None = None,
    video_id: str | None = None,
) -> dict[str, Any]:
    """Build what the live page shows of a channel from its overlay state."""
    stock_left = stock_left or {}
    vendor = overlay.get("vendor")
    countdown = overlay.get("countdown")
    return {
        "channel": str(overlay.get("channel", "")),
        "title": title or str(overlay.get("channel", "")),
        "event": str(overlay.get("event", "")),
        "on_air": bool(overlay.get("on_air")),
        "slot_title": str((overlay.get("slot") or {}).get("title") or ""),
        "vendor": {k: str(vendor.get(k) or "") for k in _VENDOR_KEYS} if vendor else None,
        "products": [_product(p, stock_left) for p in overlay.get("products") or ()],
        "countdown": _countdown(countdown) if countdown else None,
        "ticker": [_order(t) for t in overlay.get("ticker") or ()],
        "notice": str(overlay.get("notice") or ""),
        "video": embed_url(video_id),
    }


def _product(product: Mapping[str, Any], stock_left: Mapping[str, int | None]) -> dict:
    code = str(product.get("code", ""))
    left = stock_left.get(code)
    sold_out = bool(product.get("sold_out")) or (left is not None and left <= 0)
    return {
        **{k: product.get(k) for k in _PRODUCT_KEYS},
        "left": None if left is None else max(0, int(left)),
        "sold_out": sold_out,
        "stock": stock_label(left, sold_out),
        "order": order_path(code),
    }


def _countdown(countdown: Mapping[str, Any]) -> dict[str, Any]:
    target = countdown.get("target_ms")
    return {
        "target_ms": int(target) if target is not None else None,
        "held": bool(countdown.get("held")),
        "next_name": str(countdown.get("next_name") or ""),
    }


def _order(entry: Mapping[str, Any]) -> dict[str, Any]:
    """One ticker line: code, units, product and a first name only when the host allows."""
    first = entry.get("first_name")
    return {
        "code": str(entry.get("code", "")),
        "qty": int(entry.get("qty") or 1),
        "product": str(entry.get("product") or ""),
        "first_name": str(first).split()[0][:20] if first and str(first).split() else None,
    }
