"""Which platform step is due on a channel: a pure function of the rotation and the rows.

Per show day (the local dates of the channel's slots) the steps run in order:

- ``ensure`` from ``lead`` before the day's first slot: the Zoom meeting, the YouTube
  broadcast and stream exist and are bound, and Zoom's live stream points at YouTube;
- ``go_live`` at the first slot's (effective) start;
- ``announce`` once per vendor slot that comes on air while live;
- ``finish`` once the day's last slot has ended, for any day where something was made.

A failed step waits until its ``retry_at`` (set for failures that time can cure) or
until the host presses retry; ``finish`` still runs at the end of a day whose set-up
failed, to clean up whatever exists. No I/O, no clock: the manager passes ``now``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from orchestrator.rotation.engine import STATUS_ON_AIR, ChannelState, PlannedSlot
from overlays.state import order_link
from schedules.model import Event, Slot

from .resources import ENSURED, FINISHED, LIVE, Resources

ENSURE, GO_LIVE, ANNOUNCE, FINISH = "ensure", "go_live", "announce", "finish"
_AIRING = frozenset({"aired", "on_air", "held", "upcoming"})
MAX_CHAT = 200


@dataclass(frozen=True)
class DayWindow:
    """One show day of a channel: when its first slot starts and its last one ends."""

    day: date
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Due:
    """A step to run now, for one day (and, for ``announce``, one slot)."""

    step: str
    day: date
    slot_id: str | None = None


@dataclass(frozen=True)
class Plan:
    """Either a step due now, or when to look again (None: only when the rotation changes)."""

    due: Due | None
    wake_at: datetime | None


def day_windows(timeline: Sequence[PlannedSlot], tz: ZoneInfo) -> list[DayWindow]:
    """Group the slots that air by local day; effective times, so host actions count."""
    spans: dict[date, tuple[datetime, datetime]] = {}
    for row in timeline:
        if row.status not in _AIRING or row.start is None or row.end is None:
            continue
        day = row.slot.start.astimezone(tz).date()
        start, end = spans.get(day, (row.start, row.end))
        spans[day] = (min(start, row.start), max(end, row.end))
    return [DayWindow(day, *spans[day]) for day in sorted(spans)]


def plan(
    channel: str,
    state: ChannelState,
    rows: Mapping[str, Resources],
    now: datetime,
    tz: ZoneInfo,
    lead: timedelta,
) -> Plan:
    """Return the first step due at ``now`` on the channel, or when one next falls due."""
    wakes: list[datetime] = []
    for window in day_windows(state.timeline, tz):
        key = window.day.isoformat()
        row = rows.get(key) or Resources(scope="", channel=channel, day=key)
        due, wake = _window_step(window, row, state, now, lead)
        if due is not None:
            return Plan(due, None)
        if wake is not None:
            wakes.append(wake)
    return Plan(None, min(wakes, default=None))


def _blocked(row: Resources, now: datetime) -> bool:
    """Tell whether a failed step is still waiting (for its retry time or for the host)."""
    return row.failed_step is not None and (row.retry_at is None or now < row.retry_at)


def _window_step(
    window: DayWindow, row: Resources, state: ChannelState, now: datetime, lead: timedelta
) -> tuple[Due | None, datetime | None]:
    """Return the step due for one day, or when to look at it again."""
    if row.step == FINISHED:
        return None, None
    blocked = _blocked(row, now)
    if now >= window.end:
        if row.started and not (blocked and row.failed_step == FINISH):
            return Due(FINISH, window.day), None
        return None, row.retry_at if blocked else None
    if now < window.start - lead:
        return None, window.start - lead
    if blocked:
        return None, min(row.retry_at or window.end, window.end)
    if not row.done(ENSURED):
        return Due(ENSURE, window.day), None
    if not row.done(LIVE):
        if now >= window.start:
            return Due(GO_LIVE, window.day), None
        return None, window.start
    slot = state.slot
    on_air = state.status == STATUS_ON_AIR and state.day == window.day and slot is not None
    if on_air and slot.id != row.announced_slot:
        return Due(ANNOUNCE, window.day, slot.id), None
    return None, window.end


def announcement(event: Event, slot: Slot, base_url: str) -> str:
    """Write the one chat line for a slot: vendor, codes on air, order link (<= 200 chars)."""
    vendor = event.vendor(slot.vendor_id) if slot.vendor_id else None
    name = vendor.name if vendor else (slot.title or "Penjual berikutnya")
    codes = list(slot.products)
    if not codes:
        return f"Sekarang tayang: {name}."[:MAX_CHAT]
    base = base_url or event.base_url
    head = f"Sekarang tayang: {name}. Kode: {', '.join(codes)}."
    how = f" Ketik kode + jumlah (mis. {codes[0]} 2) atau pesan di"
    links = ""
    for code in codes:
        more = f" {order_link(base, code)}"
        if len(head + how + links + more) > MAX_CHAT:
            break
        links += more
    if not links:
        return head[:MAX_CHAT]
    return head + how + links
