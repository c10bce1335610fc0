"""What a page shows of a product's photo: the stored size's address, or in its place a
tile with the product's initials in its category's colour.

The tile is drawn by one stylesheet, ``overlays/static/photo_tile.css`` (``photo-tone-N``
classes: the strict CSP allows no inline style), so a product without a photo looks meant
rather than broken. Pure: the overlay state and the landing page both build from it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from schedules.model import Product
from schedules.photos import SIZES, photo_url, share_url

TONES = 8  # photo-tone-0 ... photo-tone-7 in overlays/static/photo_tile.css


@dataclass(frozen=True, slots=True)
class PhotoView:
    """What a page needs to show a product's photo in one size, or its placeholder tile."""

    url: str | None  # None: show the placeholder
    side: int
    alt: str
    initials: str
    tone: int
    share: str | None = None  # the link preview's JPEG (og:image): the phone size's square


def photo_view(product: Product, category: str, size: str) -> PhotoView:
    """The photo of ``product`` at ``size`` (``card``, ``phone``, ``thumb``), or its tile."""
    pid = product.photo_id
    return PhotoView(
        url=photo_url(pid, size) if pid else None,
        side=SIZES[size],
        alt=f"Foto {product.name}",
        initials=initials(product.name),
        tone=tone(category or product.vendor_id),
        share=share_url(pid) if pid else None,
    )


_WORD = re.compile(r"[^\W_]+")


def initials(name: str) -> str:
    """Up to two letters for a tile: ``Keripik Tempe Sagu`` -> ``KT``; ``Batik`` -> ``BA``."""
    words = _WORD.findall(name)
    if not words:
        return "?"
    if len(words) == 1:
        return words[0][:2].upper()
    return (words[0][0] + words[1][0]).upper()


def tone(category: str) -> int:
    """A colour per category, the same in every process (not Python's salted ``hash``)."""
    digest = hashlib.blake2s(category.strip().lower().encode(), digest_size=2).digest()
    return int.from_bytes(digest, "big") % TONES
