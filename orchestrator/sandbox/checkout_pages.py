"""Reading the checkout's pages the way a simulated buyer's browser sees them. Pure.

The buyers read the service's HTML with the standard library's parser, not with the
service's own code: a page that stops showing the code, a form or an amount is then a
buyer who cannot pay, and the rehearsal sees it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

_PAY_ACTION = re.compile(r"/bayar/paket/(\d+)/sudah-bayar")
_CODE = re.compile(r"BAYAR\s+(\d{4})")
_UNIQUE = re.compile(r"\((\d{3}) = kode unik")


def rupiah(text: str) -> int | None:
    """``Rp 45.000`` as 45000 (None when there are no digits)."""
    digits = "".join(ch for ch in text if ch.isdigit())
    return int(digits) if digits else None


@dataclass
class PayForm:
    """One "Saya sudah bayar" form: where it posts and what it carries."""

    action: str
    parcel_id: int
    fields: dict[str, str]
    shown_idr: int | None  # the amount printed just before the form

    @property
    def method(self) -> str:
        return self.fields.get("method", "")

    @property
    def amount_idr(self) -> int | None:
        return rupiah(self.fields.get("amount", ""))


@dataclass
class ParcelOnPage:
    """One parcel section of ``/bayar``."""

    key: str
    status: str
    vendor: str = ""
    lines: int = 0
    forms: list[PayForm] = field(default_factory=list)
    text: str = ""

    @property
    def transfer_code(self) -> int | None:
        found = _UNIQUE.search(self.text)
        return int(found[1]) if found else None


@dataclass
class CheckoutPage:
    """What ``/bayar`` shows a buyer: bound or not, the code, the token, parcels, regions."""

    bound: bool = False
    code: str | None = None
    csrf: str = ""
    provinces: list[str] = field(default_factory=list)
    parcels: list[ParcelOnPage] = field(default_factory=list)
    qty_max: int | None = None  # on an order-link form
    request_id: str = ""


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = CheckoutPage()
        self._capture: tuple[str, str] | None = None  # (what, end tag)
        self._buffer = ""
        self._parcel: ParcelOnPage | None = None
        self._form: dict | None = None
        self._select = ""
        self._in_lines = False
        self._last_amount: int | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        classes = a.get("class", "").split()
        if tag == "article" and "checkout" in classes:
            self.page.bound = a.get("data-bound") == "yes"
        elif tag == "section" and "parcel" in classes:
            status = next((c[7:] for c in classes if c.startswith("status-")), "")
            self._parcel = ParcelOnPage(a.get("id", ""), status)
            self.page.parcels.append(self._parcel)
        elif tag == "table" and "lines" in classes:
            self._in_lines = True
        elif tag == "select":
            self._select = a.get("name", "")
        elif tag == "form":
            self._form = {"action": a.get("action", ""), "fields": {}}
        elif tag == "input":
            self._input(a)
        if tag == "p" and "bind-code" in classes:
            self._start("code", tag)
        elif "amount" in classes:
            self._start("amount", tag)
        elif tag == "h2" and self._parcel is not None and not self._parcel.vendor:
            self._start("vendor", tag)
        elif tag == "option" and self._select == "province":
            self._start("province", tag)
        elif tag == "span" and "code" in classes and self._in_lines and self._parcel:
            self._parcel.lines += 1

    def _input(self, a: dict[str, str]) -> None:
        name = a.get("name", "")
        if name == "csrf_token" and not self.page.csrf:
            self.page.csrf = a.get("value", "")
        if name == "request_id" and self._form is not None:
            self.page.request_id = self.page.request_id or a.get("value", "")
        if name == "qty" and a.get("max", "").isdigit():
            self.page.qty_max = int(a["max"])
        if self._form is not None and a.get("type") == "hidden":
            self._form["fields"][name] = a.get("value", "")

    def _start(self, what: str, end_tag: str) -> None:
        self._capture, self._buffer = (what, end_tag), ""

    def handle_endtag(self, tag: str) -> None:
        if self._capture is not None and tag == self._capture[1]:
            self._finish(self._capture[0], " ".join(self._buffer.split()))
            self._capture = None
        if tag == "form" and self._form is not None:
            self._end_form(self._form)
            self._form = None
        elif tag == "section":
            self._parcel = None
        elif tag == "table":
            self._in_lines = False
        elif tag == "select":
            self._select = ""

    def _finish(self, what: str, text: str) -> None:
        if what == "code":
            found = _CODE.search(text)
            self.page.code = found[1] if found else None
        elif what == "amount":
            self._last_amount = rupiah(text)
        elif what == "vendor" and self._parcel is not None:
            self._parcel.vendor = text
        elif what == "province" and text and not text.startswith("—"):
            self.page.provinces.append(text)

    def _end_form(self, form: dict) -> None:
        found = _PAY_ACTION.fullmatch(form["action"])
        if found and self._parcel is not None:
            self._parcel.forms.append(
                PayForm(form["action"], int(found[1]), form["fields"], self._last_amount)
            )

    def handle_data(self, data: str) -> None:
        if self._capture is not None:
            self._buffer += data
        if self._parcel is not None:
            self._parcel.text += data


def read_page(html: str) -> CheckoutPage:
    """Read ``/bayar`` or an order-link form into what a buyer acts on."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.page
