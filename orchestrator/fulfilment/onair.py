"""A vendor's turn on air: their next (or current) slot and its Zoom join link. The slot
choice is pure; ``join_url`` reads what the platform side stored for that channel and day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from schedules.model import Event, Slot

RESOURCES = "platform_resources"  # written by orchestrator.platforms.resources


@dataclass(frozen=True)
class Turn:
    """The vendor's slot the desk shows, and whether it is on air at ``now``."""

    slot: Slot
    channel_title: str
    on_air: bool
    day: str  # the slot's local date, the platform side's key for the day's meeting


def next_turn(event: Event | None, vendor_id: str, now: datetime) -> Turn | None:
    """The vendor's slot on air now, else their next one; None when none is left."""
    if event is None:
        return None
    mine = sorted((s for s in event.slots if s.vendor_id == vendor_id and s.end > now),
                  key=lambda s: s.start)  # fmt: skip
    if not mine:
        return None
    slot = mine[0]
    titles = {c.id: c.title for c in event.channels}
    day = slot.start.astimezone(event.tz).date().isoformat()
    return Turn(slot, titles.get(slot.channel, slot.channel), slot.start <= now, day)


def join_url(db: Database, channel: str, day: str) -> str | None:
    """The Zoom join link the platform side stored for ``channel`` on ``day``, if any."""
    if not db[RESOURCES].exists():
        return None
    row = db.execute(
        f"SELECT join_url FROM {RESOURCES} WHERE channel = ? AND day = ? AND join_url IS NOT NULL"
        " ORDER BY updated_at DESC LIMIT 1",
        [channel, day],
    ).fetchone()
    if row is None or not str(row[0]).startswith(("https://", "http://")):
        return None  # only a web link becomes the button's href
    return row[0]
