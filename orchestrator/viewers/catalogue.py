"""The catalogue ``/pasar``: every vendor and product, searchable, built once per revision. Pure.

A viewer types what they heard on the stream ("kopi ajung", "k1", "rendang"): search folds
case and accents (``Kopi Énak`` = ``kopi enak``) and reads a code the way the chat does
(``k1`` finds ``K01``). Every word must match somewhere in the product or its vendor; a
vendor whose own name or code matches shows all its products.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import quote

from kernel.formatting import rupiah
from overlays.links import code_key, https_url, wa_number
from overlays.photo_view import PhotoView, photo_view
from schedules.model import Event, Product, Vendor

_NOT_WORD = re.compile(r"[\W_]+")
MAX_QUERY_CHARS = 80
MAX_RENDERED = 256  # /pasar pages kept rendered per revision (search words are unbounded)


def fold(text: str) -> str:
    """Lower-case words without accents or punctuation: ``Kopi Énak!`` -> ``kopi enak``."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_WORD.sub(" ", plain.casefold()).strip()


def query_words(text: str) -> tuple[str, ...]:
    """The folded words of a search box, at most ``MAX_QUERY_CHARS`` of it."""
    return tuple(fold(text[:MAX_QUERY_CHARS]).split())


@dataclass(frozen=True, slots=True)
class Item:
    """One product as the catalogue shows it."""

    code: str
    name: str
    price: str  # "Rp 45.000"
    order_url: str | None  # set by the organisers, https only
    thumb: PhotoView
    phone: PhotoView
    words: str  # folded product name and code, and its vendor's name and code
    key: str  # the code as the chat reads it (k1 = K01)


@dataclass(frozen=True, slots=True)
class Stall:
    """One vendor and its products."""

    id: str
    name: str
    category: str
    kecamatan: str
    description: str
    wa_url: str | None
    items: tuple[Item, ...]
    words: str  # folded vendor name and code
    category_key: str  # folded category, what ``?kategori=`` is compared with


@dataclass(frozen=True)
class Catalogue:
    """The event's stalls in the organisers' order, and the categories to filter by."""

    revision: int = 0
    stalls: tuple[Stall, ...] = ()
    by_id: dict[str, Stall] = field(default_factory=dict)
    categories: tuple[str, ...] = ()  # as written, each once (first spelling wins)
    # Rendered /pasar pages by (query words, category): pure per revision, so kept here.
    rendered: dict[tuple, bytes] = field(default_factory=dict, compare=False)

    @classmethod
    def build(cls, event: Event | None, revision: int = 0) -> Catalogue:
        """Work out every stall and item once; the pages only look them up."""
        if event is None:
            return cls(revision)
        products: dict[str, list[Product]] = {}
        for product in event.products:
            products.setdefault(product.vendor_id, []).append(product)
        stalls = tuple(_stall(v, products.get(v.id, [])) for v in event.vendors)
        categories: dict[str, str] = {}
        for stall in stalls:
            if stall.category_key:
                categories.setdefault(stall.category_key, stall.category)
        ordered = tuple(sorted(categories.values(), key=fold))
        return cls(revision, stalls, {s.id: s for s in stalls}, ordered)

    def search(self, query: str = "", category: str = "") -> list[tuple[Stall, tuple[Item, ...]]]:
        """The stalls (and which of their products) that match every word, in one category."""
        words = query_words(query)
        wanted = fold(category)
        found = []
        for stall in self.stalls:
            if wanted and stall.category_key != wanted:
                continue
            if _matches(words, stall.words, code_key(stall.id) or ""):
                found.append((stall, stall.items))
                continue
            items = tuple(i for i in stall.items if _matches(words, i.words, i.key))
            if items:
                found.append((stall, items))
        return found


def _matches(words: tuple[str, ...], haystack: str, key: str) -> bool:
    padded = f" {haystack} "
    return all(f" {w}" in padded or (key and code_key(w) == key) for w in words)


def _stall(vendor: Vendor, products: list[Product]) -> Stall:
    vendor_words = fold(f"{vendor.name} {vendor.id}")
    items = tuple(_item(p, vendor, vendor_words) for p in products)
    number = wa_number(vendor.whatsapp)
    hello = quote(f"Halo {vendor.name}, saya lihat katalog Pasar Live", safe="")
    wa_url = f"https://wa.me/{number}?text={hello}" if number else None
    return Stall(vendor.id, vendor.name, vendor.category, vendor.kecamatan, vendor.description,
                 wa_url, items, vendor_words, fold(vendor.category))  # fmt: skip


def _item(product: Product, vendor: Vendor, vendor_words: str) -> Item:
    return Item(
        code=product.code,
        name=product.name,
        price=rupiah(product.price_idr),
        order_url=https_url(product.order_url),
        thumb=photo_view(product, vendor.category, "thumb"),
        phone=photo_view(product, vendor.category, "phone"),
        words=f"{fold(product.name)} {fold(product.code)} {vendor_words}",
        key=code_key(product.code) or "",
    )
