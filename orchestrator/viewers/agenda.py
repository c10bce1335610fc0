"""The public running order: the schedule as it really runs, by day and channel. Pure.

The rotation engine's timelines carry each slot's effective times after the host's
actions (an extend moves the rest of the day, a skip leaves a gap), so the agenda a
viewer sees is the one the host runs, not the one printed a week before.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from orchestrator.rotation.engine import PlannedSlot
from schedules.model import Event

GONE = ("skipped", "dropped")


@dataclass(frozen=True)
class AgendaSlot:
    """One turn on air as a viewer reads it."""

    slot_id: str
    channel: str
    channel_title: str
    vendor_id: str | None
    vendor_name: str
    title: str
    products: tuple[str, ...]  # product names, in the slot's order
    scheduled_start: datetime
    scheduled_end: datetime
    start: datetime | None
    end: datetime | None
    status: str

    @property
    def moved_s(self) -> float:
        """How much later (negative: earlier) than printed it starts; 0 when it does not air."""
        if self.start is None:
            return 0.0
        return (self.start - self.scheduled_start).total_seconds()

    @property
    def gone(self) -> bool:
        return self.status in GONE


def agenda(
    event: Event, timelines: Mapping[str, Sequence[PlannedSlot]]
) -> dict[date, dict[str, list[AgendaSlot]]]:
    """Per local day, per channel, the slots in the order they run (their first turns)."""
    titles = {c.id: c.title for c in event.channels}
    vendors = {v.id: v.name for v in event.vendors}
    products = {p.code: p.name for p in event.products}
    out: dict[date, dict[str, list[AgendaSlot]]] = defaultdict(lambda: defaultdict(list))
    for channel, timeline in timelines.items():
        for planned in timeline:
            if planned.part != "slot":
                continue  # an encore or a resumed rest is the same vendor again
            slot = planned.slot
            line = AgendaSlot(
                slot.id, channel, titles.get(channel, channel), slot.vendor_id,
                vendors.get(slot.vendor_id or "", ""), slot.title or "",
                tuple(products.get(c, c) for c in slot.products), slot.start, slot.end,
                planned.start, planned.end, planned.status,
            )  # fmt: skip
            out[slot.start.astimezone(event.tz).date()][channel].append(line)
    return {
        day: {ch: sorted(lines, key=_order) for ch, lines in sorted(chs.items())}
        for day, chs in sorted(out.items())
    }


def _order(line: AgendaSlot) -> tuple:
    return (line.start or line.scheduled_start, line.scheduled_start, line.slot_id)


def vendor_slots(days: Mapping[date, Mapping[str, Sequence[AgendaSlot]]], vendor_id: str):
    """Every turn of one vendor, in time order, that still airs."""
    return [
        line
        for channels in days.values()
        for lines in channels.values()
        for line in lines
        if line.vendor_id == vendor_id and not line.gone
    ]
