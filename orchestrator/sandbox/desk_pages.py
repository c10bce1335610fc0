"""Reading the vendor's desk the way a simulated vendor's browser sees it. Pure.

Like the buyers, the vendors read the service's HTML with the standard library's parser,
not with the service's own code: a desk that stops showing a form is then a vendor who
cannot ship, and the rehearsal sees the parcel unshipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

_ACTION = re.compile(r"/v/[^/]+/paket/(\d+)/([a-z]+)")


@dataclass
class DeskForm:
    """One action form on the desk: where it posts, its hidden fields, the choices offered."""

    action_url: str
    parcel_id: int
    action: str
    fields: dict[str, str]
    options: dict[str, list[str]] = field(default_factory=dict)  # select name -> values


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[DeskForm] = []
        self.events = ""  # the live feed the page's script follows (its data-events)
        self._form: DeskForm | None = None
        self._select = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if not self.events and a.get("data-events"):
            self.events = a["data-events"]
        if tag == "form":
            found = _ACTION.fullmatch(a.get("action", ""))
            if found and a.get("method", "").lower() == "post":
                self._form = DeskForm(a["action"], int(found[1]), found[2], {})
        elif self._form is None:
            return
        elif tag == "input" and a.get("type") == "hidden":
            self._form.fields[a.get("name", "")] = a.get("value", "")
        elif tag == "select":
            self._select = a.get("name", "")
            self._form.options[self._select] = []
        elif tag == "option" and self._select:
            self._form.options[self._select].append(a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "select":
            self._select = ""


def read_desk(html: str) -> list[DeskForm]:
    """Every parcel action form on a desk page, in the page's order."""
    return _read(html).forms


def desk_feed(html: str) -> str:
    """The live feed a desk page follows (its ``data-events``; empty when it names none)."""
    return _read(html).events


def _read(html: str) -> _Reader:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader
