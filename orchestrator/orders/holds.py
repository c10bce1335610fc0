"""How long an unpaid claim holds its stock. Pure: no I/O, no clock.

The organiser sets the hold in hours: the event's, unless the vendor has their own. A
claim made during a slot holds until that slot's scheduled end plus the hours, so every
buyer of a slot gets the same deadline however early they claimed; a claim made off
air holds from the moment it was published. A waiting order that moves up holds from
the moment it moved up: a buyer who moves up a day later must still have time to pay;
and never less than its claim would have held, so moving up during the slot does not
cut the hold short.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from schedules.model import DEFAULT_HOLD_HOURS, Event


def hold_hours(vendor_hours: int | None, event_hours: int | None) -> int:
    """The hours a vendor's claims hold: the vendor's own, else the event's, else 24."""
    if vendor_hours is not None:
        return vendor_hours
    return event_hours if event_hours is not None else DEFAULT_HOLD_HOURS


def hold_until(slot_end: datetime | None, published: datetime, hours: int) -> datetime:
    """A claim's deadline: its slot's scheduled end (else its publish time) plus ``hours``."""
    return (slot_end if slot_end is not None else published) + timedelta(hours=hours)


def moved_up_until(moved_up: datetime, hours: int, claimed: datetime | None = None) -> datetime:
    """A promoted order's fresh deadline: the moment it moved up plus ``hours``, or its
    claim's deadline ``claimed`` if that is later."""
    fresh = moved_up + timedelta(hours=hours)
    return max(fresh, claimed) if claimed is not None else fresh


@dataclass(frozen=True)
class HoldRules:
    """The event's hold settings as the desk applies them: slots' ends and vendors' hours."""

    event_hours: int = DEFAULT_HOLD_HOURS
    vendor_hours: Mapping[str, int] = field(default_factory=dict)  # only vendors with their own
    slot_ends: Mapping[str, datetime] = field(default_factory=dict)

    @classmethod
    def from_event(cls, event: Event | None) -> HoldRules:
        """The rules ``event`` sets (the defaults without one)."""
        if event is None:
            return cls()
        return cls(
            event.hold_hours,
            {v.id: v.hold_hours for v in event.vendors if v.hold_hours is not None},
            {s.id: s.end for s in event.slots},
        )

    def hours(self, vendor_id: str) -> int:
        return hold_hours(self.vendor_hours.get(vendor_id), self.event_hours)

    def until(self, vendor_id: str, slot_id: str | None, published: datetime) -> datetime:
        """The deadline of a claim on ``vendor_id``'s product made in ``slot_id``."""
        end = self.slot_ends.get(slot_id) if slot_id is not None else None
        return hold_until(end, published, self.hours(vendor_id))

    def moved_up(self, vendor_id: str, now: datetime, claimed: datetime | None = None) -> datetime:
        """The deadline of a waiting order of ``vendor_id`` (claimed until ``claimed``)
        moving up at ``now``."""
        return moved_up_until(now, self.hours(vendor_id), claimed)
