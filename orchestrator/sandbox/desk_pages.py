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
        self.events = ""
        self.counts: dict[str, int] = {}
        self._count_group = ""  # inside a group's count link, reading its number
        self._form: DeskForm | None = None
        self._select = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if not self.events and a.get("data-events"):
            self.events = a["data-events"]
        if tag == "a" and "count" in a.get("class", "").split() and a.get("data-group"):
            self._count_group = a["data-group"]
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

    def handle_data(self, data: str) -> None:
        if self._count_group and data.strip().isdigit():
            self.counts[self._count_group] = int(data.strip())
            self._count_group = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._count_group = ""
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "select":
            self._select = ""


@dataclass
class DeskPage:
    """What a vendor reads on a desk page: its action forms, counts per group, live feed."""

    forms: list[DeskForm]
    counts: dict[str, int]  # a group the counts bar leaves out has none
    events: str  # the live feed the page's script follows (empty when it names none)


def read_page(html: str) -> DeskPage:
    """Read one desk page (or the parcels part its live feed sends)."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return DeskPage(reader.forms, reader.counts, reader.events)


def read_desk(html: str) -> list[DeskForm]:
    """Every parcel action form on a desk page, in the page's order."""
    return read_page(html).forms


def desk_feed(html: str) -> str:
    """The live feed a desk page follows (its ``data-events``; empty when it names none)."""
    return read_page(html).events
