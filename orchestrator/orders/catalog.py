"""The event as the order desk needs it, built once per schedule revision.

Parsing a page must not rebuild the grammar's look-up tables or search the event's
lists per message; this holds them ready until the organiser changes the schedule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from orchestrator.chat.grammar import Catalog as GrammarCatalog
from orchestrator.orders.book import Stock
from orchestrator.orders.holds import HoldRules
from schedules.model import Event


@dataclass(frozen=True)
class OrderCatalog:
    """Products (for the book), the grammar's catalog, names for pages, channels' meetings."""

    revision: int = 0
    stock: dict[str, Stock] = field(default_factory=dict)
    grammar: GrammarCatalog = field(default_factory=lambda: GrammarCatalog.from_codes(()))
    product_names: dict[str, str] = field(default_factory=dict)
    vendor_names: dict[str, str] = field(default_factory=dict)
    channel_titles: dict[str, str] = field(default_factory=dict)
    zoom_meetings: dict[str, str] = field(default_factory=dict)  # meeting id -> channel
    slot_codes: dict[str, tuple[str, ...]] = field(default_factory=dict)  # slot id -> codes
    timezone: str = "Asia/Jakarta"
    holds: HoldRules = field(default_factory=HoldRules)

    @classmethod
    def build(cls, event: Event | None, revision: int = 0) -> OrderCatalog:
        """Read what the desk needs out of ``event`` (an empty catalog for ``None``)."""
        if event is None:
            return cls(revision)
        by_vendor: dict[str, list[str]] = {}
        for p in event.products:
            by_vendor.setdefault(p.vendor_id, []).append(p.code)
        return cls(
            revision=revision,
            stock={
                p.code: Stock(p.code, p.vendor_id, p.price_idr, p.stock, p.max_per_buyer)
                for p in event.products
            },
            grammar=GrammarCatalog.from_codes(p.code for p in event.products),
            product_names={p.code: p.name for p in event.products},
            vendor_names={v.id: v.name for v in event.vendors},
            channel_titles={c.id: c.title or c.id for c in event.channels},
            zoom_meetings={
                str(c.zoom_meeting_id).strip(): c.id for c in event.channels if c.zoom_meeting_id
            },
            slot_codes={
                s.id: tuple(s.products) or tuple(by_vendor.get(s.vendor_id or "", ()))
                for s in event.slots
            },
            timezone=event.timezone,
            holds=HoldRules.from_event(event),
        )

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def vendor_name(self, vendor_id: str) -> str:
        return self.vendor_names.get(vendor_id, vendor_id)
