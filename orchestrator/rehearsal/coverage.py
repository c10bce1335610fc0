"""Did the audience reach every vendor on air? Orders and chat rate per slot. Pure: no I/O.

A rehearsal can log every unit the audience meant and still be wrong: an audience that
types in bursts orders only the codes on air at each burst, and the vendors in between
get nothing. So each vendor slot that went on air must receive chat orders for its own
products, and the chat must arrive at the configured rate while it is on air.

The rate is measured over the slot's time on air only, less any span the clock skipped
(the rehearsal skips quiet hours only when no channel is on air, so this is a safeguard).
A slot too short to expect ``MIN_EXPECTED_MESSAGES`` messages is listed, not judged: a
count of a handful cannot tell a missing audience from chance. A vendor slot featuring no
products has nothing the audience could order, so only its rate is judged.
"""

from __future__ import annotations

import bisect
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from kernel.formatting import local_time
from schedules.check import ERROR, Origins, Problem, Where
from schedules.model import Event, Slot

MIN_EXPECTED_MESSAGES = 20
RATE_TOLERANCE = 0.5  # a slot's chat rate may be 50 % off the configured one, no more

Span = tuple[datetime, datetime]


@dataclass(frozen=True)
class OnAir:
    """One slot's time on air by the simulated clock, from the rotation's records."""

    slot: Slot
    start: datetime
    end: datetime


@dataclass(frozen=True)
class SlotCoverage:
    """What one aired slot received: orders for its vendor and chat messages."""

    slot: Slot
    start: datetime
    end: datetime
    seconds: float  # on air, less skipped spans
    orders: int  # orders of the slot's own vendor stamped with the slot
    messages: int  # chat messages published on its channel while it was on air
    judged: bool  # a vendor slot long enough to expect MIN_EXPECTED_MESSAGES

    @property
    def per_minute(self) -> float | None:
        """Chat messages per simulated minute on air (None for a slot with no time)."""
        return self.messages * 60 / self.seconds if self.seconds > 0 else None


def clocked_seconds(start: datetime, end: datetime, skips: Sequence[Span]) -> float:
    """Seconds of ``[start, end)`` the clock ran through, with the skipped spans taken out."""
    total = (end - start).total_seconds()
    for skip_from, skip_to in skips:
        overlap = (min(end, skip_to) - max(start, skip_from)).total_seconds()
        total -= max(0.0, overlap)
    return max(0.0, total)


def slot_coverage(
    aired: Sequence[OnAir],
    orders: Mapping[tuple[str, str], int],
    messages: Mapping[str, Sequence[datetime]],
    rate: float,
    skips: Sequence[Span] = (),
) -> list[SlotCoverage]:
    """Count each aired slot's orders and messages.

    ``orders`` maps (slot id, vendor id) to a count; ``messages`` maps a channel to its
    messages' published times, sorted; ``rate`` is the audience's messages per second.
    """
    rows = []
    for air in sorted(aired, key=lambda a: (a.start, a.slot.channel)):
        slot = air.slot
        times = messages.get(slot.channel, ())
        typed = bisect.bisect_left(times, air.end) - bisect.bisect_left(times, air.start)
        seconds = clocked_seconds(air.start, air.end, skips)
        judged = slot.vendor_id is not None and rate * seconds >= MIN_EXPECTED_MESSAGES
        received = orders.get((slot.id, slot.vendor_id or ""), 0)
        rows.append(SlotCoverage(slot, air.start, air.end, seconds, received, typed, judged))
    return rows


def coverage_problems(
    event: Event, rows: Sequence[SlotCoverage], rate: float, origins: Origins | None = None
) -> list[Problem]:
    """Vendor slots that got no chat orders, or chat far off the configured rate."""
    rows_of = (origins or Origins.unknown(event)).slots
    where = {slot.id: at for slot, at in zip(event.slots, rows_of, strict=False)}
    expected = rate * 60
    low, high = expected * (1 - RATE_TOLERANCE), expected * (1 + RATE_TOLERANCE)
    problems = []
    for row in rows:
        if not row.judged:
            continue
        at, label = where.get(row.slot.id), _label(event, row)
        if row.orders == 0 and row.slot.products:
            message = (
                f"{label} tidak menerima satu pun pesanan chat selama tayang: penonton tidak"
                " sampai ke penjual ini (no chat orders while on air)"
            )
            problems.append(_problem(at, message))
        per_minute = row.per_minute or 0.0
        if not low <= per_minute <= high:
            message = (
                f"{label}: {per_minute:.1f} pesan chat per menit, seharusnya {expected:.0f}"
                f" ±{RATE_TOLERANCE:.0%} (audience chat rate off while on air)"
            )
            problems.append(_problem(at, message))
    return problems


def _label(event: Event, row: SlotCoverage) -> str:
    """Name a slot for a person: id, vendor and its time on air in the event's zone."""
    vendor = event.vendor(row.slot.vendor_id) if row.slot.vendor_id else None
    name = vendor.name if vendor else row.slot.vendor_id
    start = row.start.astimezone(event.tz)
    return f"slot {row.slot.id} ({name}, {start:%Y-%m-%d %H:%M}–{local_time(row.end, event.tz)})"


def _problem(at: Where | None, message: str) -> Problem:
    if at is None:
        return Problem("schedule", 0, "vendor_id", message, ERROR)
    return at.problem("vendor_id", message, ERROR)


def spread(rows: Sequence[SlotCoverage], rate: float) -> dict:
    """Orders and chat rate across the judged vendor slots: the report's headline figures."""
    judged = [r for r in rows if r.judged]
    orders = [r.orders for r in judged]
    rates = [r.per_minute or 0.0 for r in judged]
    return {
        "vendor_slots": len(judged),
        "orders_min": min(orders, default=0),
        "orders_median": statistics.median(orders) if orders else 0,
        "orders_max": max(orders, default=0),
        "rate_min": round(min(rates, default=0.0), 1),
        "rate_max": round(max(rates, default=0.0), 1),
        "rate_expected": round(rate * 60, 1),
    }
