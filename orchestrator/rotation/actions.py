"""Host actions, and their replay over one channel's running order.

The replay keeps a list of entries in air order: one per slot, plus the encore and the
resumed rest that ``back`` inserts. Times are whole microseconds since the epoch, so the
arithmetic is exact (a countdown never ends a rounding error early) and cheap. Entries
before ``cursor`` are history; from ``cursor`` on they are what is on air and what is to
come. The rules themselves are written down in ``engine``'s docstring.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from schedules.model import Slot

NEXT, EXTEND, HOLD, RESUME = "next", "extend", "hold", "resume"
SKIP, JUMP, BACK, UNDO = "skip", "jump", "back", "undo"
KINDS = frozenset({NEXT, EXTEND, HOLD, RESUME, SKIP, JUMP, BACK, UNDO})

# Parts of the running order: a slot in its own turn, a slot brought back by ``back``,
# and the rest of the slot that ``back`` interrupted.
SLOT, ENCORE, RESUMED = "slot", "encore", "resumed"

# Statuses of the entries of the running order.
AIRED, ON_AIR, HELD, UPCOMING = "aired", "on_air", "held", "upcoming"
SKIPPED, DROPPED = "skipped", "dropped"

NOTHING_ON_AIR = "Tidak ada slot yang sedang tayang (nothing on air)"
NOTHING_NEXT = "Tidak ada slot berikutnya hari ini (nothing comes next today)"
ALREADY_HELD = "Slot sudah ditahan (already on hold)"
NOT_HELD = "Tidak ada yang ditahan (nothing on hold)"
SLOT_NEEDED = "Sebutkan slotnya (a slot id is needed)"
MINUTES_NEEDED = "Isi jumlah menit, bukan nol (minutes must be given and not zero)"
MINUTES_POSITIVE = "Jumlah menit harus lebih dari nol (minutes must be more than zero)"
NO_PREVIOUS = "Belum ada slot sebelumnya hari ini (no earlier slot today)"
NOTHING_TO_UNDO = "Tidak ada yang bisa dibatalkan (nothing to undo)"
SLOT_MISSING = "Slot {} tidak ada di jadwal (slot not in the schedule)"
SLOT_AIRED = "Slot {} sudah tayang (slot already aired)"
SLOT_SKIPPED = "Slot {} sudah dilewati (slot already skipped)"
SLOT_ON_AIR = "Slot {} sedang tayang (slot already on air)"
SLOT_OTHER_DAY = "Slot {} ada di hari lain (slot is on another day)"
UNKNOWN_KIND = "Perintah tidak dikenal: {} (unknown action)"

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)


def to_us(moment: datetime) -> int:
    """Turn an aware datetime into whole microseconds since the epoch."""
    return (moment - _EPOCH) // _US


def from_us(us: int) -> datetime:
    """Turn microseconds since the epoch back into an aware UTC datetime."""
    return _EPOCH + timedelta(microseconds=us)


def minutes_us(minutes: float) -> int:
    """Turn a host's minutes (maybe fractional) into microseconds."""
    return round(minutes * 60_000_000)


@dataclass(frozen=True)
class Action:
    """One host command as persisted: what, when (aware), who, and its argument."""

    kind: str
    at: datetime
    by: str = ""
    slot_id: str | None = None
    minutes: float | None = None

    def __post_init__(self) -> None:
        if self.at.utcoffset() is None:
            raise ValueError(f"Action.at must be an aware datetime, got {self.at!r}")


def live_actions(actions: Sequence[Action], until: datetime) -> tuple[list[Action], list[Action]]:
    """Return the actions that count by ``until`` in time order, and the idle undos.

    An idle undo is one that found nothing left to undo. Each ``undo`` removes the latest
    action not yet undone, whatever its kind, so a string of undos walks back through
    the log. Sorting is stable: equal times keep the order of the log.
    """
    done: list[Action] = []
    idle: list[Action] = []
    for action in sorted((a for a in actions if a.at <= until), key=lambda a: a.at):
        if action.kind != UNDO:
            done.append(action)
        elif done:
            done.pop()
        else:
            idle.append(action)
    return done, idle


@dataclass(slots=True)
class Entry:
    """One stretch of the running order, with its effective times in microseconds.

    While ``lazy`` (not yet reached by the replay), the day's pending ripple is still to
    be added to ``start`` and ``end``; see ``Run``.
    """

    slot: Slot
    start: int
    end: int
    day: int  # ordinal of the local date of the slot's scheduled start
    planned: tuple[int, int]  # scheduled start and end
    part: str = SLOT
    skipped: bool = False
    jumped: bool = False
    dropped: bool = False
    lazy: bool = True

    @property
    def length(self) -> int:
        """The scheduled length, which a jumped slot keeps."""
        return max(self.planned[1] - self.planned[0], 0)


def _entry(slot: Slot, tz: ZoneInfo) -> Entry:
    start, end = to_us(slot.start), to_us(slot.end)
    return Entry(slot, start, end, slot.start.astimezone(tz).date().toordinal(), (start, end))


class Run:
    """One channel's running order while the actions are replayed in time order.

    ``advance(t)`` must be called with times that never go back; ``step`` does it.
    Entries up to ``cursor`` hold their times; those after it are lazy: a ripple of a
    day only adds to ``offset[day]``, and an entry takes it on when the cursor reaches
    it. That keeps an action's cost independent of the length of the day.
    """

    def __init__(self, slots: Sequence[Slot], tz: ZoneInfo) -> None:
        self.tz = tz
        self.entries = [_entry(s, tz) for s in sorted(slots, key=lambda s: (s.start, s.id))]
        self.slot_ids = {e.slot.id for e in self.entries}
        if len(self.slot_ids) != len(self.entries):
            raise ValueError("slot ids must be unique within a channel")
        if len({e.slot.channel for e in self.entries}) > 1:
            raise ValueError("channel_state takes the slots of one channel")
        self.offset: dict[int, int] = {}  # per day: the ripple lazy entries still owe
        self.cursor = 0
        self.last: Entry | None = None  # the latest entry that aired; its end is the floor
        self.held_since: int | None = None
        self._reach()

    # -- lazy times ----------------------------------------------------------------

    def _reach(self) -> None:
        """Give the entry at the cursor its pending ripple: from now on it holds its times."""
        if self.cursor < len(self.entries):
            entry = self.entries[self.cursor]
            if entry.lazy:
                delta = self.offset.get(entry.day, 0)
                entry.start, entry.end, entry.lazy = entry.start + delta, entry.end + delta, False

    def _owed(self, entry: Entry) -> int:
        return self.offset.get(entry.day, 0) if entry.lazy else 0

    def _place(self, entry: Entry, start: int, end: int) -> None:
        """Set an entry's effective times, whether or not it is lazy."""
        owed = self._owed(entry)
        entry.start, entry.end = start - owed, end - owed

    def _insert(self, i: int, entry: Entry, start: int, end: int) -> None:
        """Insert ``entry`` at ``i`` (not before the cursor) with effective times."""
        if i == self.cursor and i < len(self.entries):
            moved = self.entries[i]  # it goes after the cursor, so it becomes lazy again
            owed = self.offset.get(moved.day, 0)
            moved.start, moved.end, moved.lazy = moved.start - owed, moved.end - owed, True
        self.entries.insert(i, entry)
        entry.lazy = i > self.cursor
        self._place(entry, start, end)

    def _remove(self, i: int) -> Entry:
        entry = self.entries.pop(i)
        if i < self.cursor:
            self.cursor -= 1
        elif i == self.cursor:
            self._reach()
        return entry

    # -- where are we --------------------------------------------------------------

    def advance(self, t: int) -> None:
        """Settle every entry over by ``t``, so ``cursor`` points at what is on or next."""
        if self.held_since is not None:
            return  # a held slot stays on, whatever its planned end says
        entries = self.entries
        while self.cursor < len(entries):
            entry = entries[self.cursor]
            if not entry.skipped:
                self._clamp(entry)
                if entry.end > t:
                    return
                if entry.end > entry.start:
                    self.last = entry
                else:
                    entry.dropped = True
            self.cursor += 1
            self._reach()

    def _clamp(self, entry: Entry) -> None:
        # Nothing starts before the previous entry ended; it keeps its end, so an
        # overrun from the day before (or an overlapping schedule) shortens it.
        if self.last is not None and entry.start < self.last.end:
            entry.start = self.last.end
        entry.end = max(entry.end, entry.start)

    def current(self, t: int) -> int | None:
        """Return the index of the entry on air at ``t`` (after ``advance(t)``), if any."""
        if self.held_since is not None:
            return self.cursor
        if self.cursor < len(self.entries) and self.entries[self.cursor].start <= t:
            return self.cursor
        return None

    def context_day(self, t: int) -> int:
        """Return the day actions at ``t`` belong to: on air, still running, or today."""
        cur = self.current(t)
        if cur is not None:
            return self.entries[cur].day
        if self.last is not None and self._following(self.cursor, self.last.day, t) is not None:
            return self.last.day
        return from_us(t).astimezone(self.tz).date().toordinal()

    def _following(self, after: int, day: int, t: int) -> int | None:
        """Return the first entry from ``after`` of ``day`` that will still air after ``t``."""
        for i in range(after, len(self.entries)):
            entry = self.entries[i]
            if entry.day > day:
                return None
            if entry.day == day and not entry.skipped and entry.end + self._owed(entry) > t:
                return i
        return None

    def _target(self, slot_id: str, t: int) -> int | None:
        """Return the entry of ``slot_id`` that has not aired and is not on air, if any."""
        cur = self.current(t)
        entries = self.entries
        for i in range(self.cursor, len(entries)):
            if entries[i].slot.id == slot_id and i != cur:
                return i
        for i in range(self.cursor):
            entry = entries[i]
            if entry.slot.id == slot_id and (entry.skipped or entry.dropped):
                return i
        return None

    # -- checking and applying -----------------------------------------------------

    def check(self, action: Action) -> str | None:
        """Return why ``action`` cannot be applied at its time, or None if it can."""
        t = to_us(action.at)
        self.advance(t)
        return self._reason(action, t)

    def step(self, action: Action) -> str | None:
        """Apply ``action`` at its time, or return why it was ignored."""
        t = to_us(action.at)
        self.advance(t)
        reason = self._reason(action, t)
        if reason is None:
            getattr(self, f"_apply_{action.kind}")(action, t)
        return reason

    def _reason(self, action: Action, t: int) -> str | None:
        kind, cur = action.kind, self.current(t)
        if kind not in KINDS or kind == UNDO:
            return UNKNOWN_KIND.format(kind)
        if kind == NEXT and cur is None:
            nothing = self._following(self.cursor, self.context_day(t), t) is None
            return NOTHING_NEXT if nothing else None
        if kind in (EXTEND, HOLD) and cur is None:
            return NOTHING_ON_AIR
        if kind == EXTEND and not _nonzero(action.minutes):
            return MINUTES_NEEDED
        if kind == HOLD and self.held_since is not None:
            return ALREADY_HELD
        if kind == RESUME and self.held_since is None:
            return NOT_HELD
        if kind in (SKIP, JUMP):
            return self._slot_reason(action, t)
        if kind == BACK:
            return self._back_reason(action, t)
        return None

    def _slot_reason(self, action: Action, t: int) -> str | None:
        slot_id = action.slot_id
        if slot_id is None:
            return SLOT_NEEDED
        if slot_id not in self.slot_ids:
            return SLOT_MISSING.format(slot_id)
        cur = self.current(t)
        if cur is not None and self.entries[cur].slot.id == slot_id:
            return SLOT_ON_AIR.format(slot_id) if action.kind == JUMP else None
        i = self._target(slot_id, t)
        if i is None:
            return SLOT_AIRED.format(slot_id)
        entry = self.entries[i]
        if action.kind == SKIP:
            return SLOT_SKIPPED.format(slot_id) if entry.skipped or entry.dropped else None
        return None if entry.day == self.context_day(t) else SLOT_OTHER_DAY.format(slot_id)

    def _back_reason(self, action: Action, t: int) -> str | None:
        if action.minutes is None or not math.isfinite(action.minutes) or action.minutes <= 0:
            return MINUTES_POSITIVE
        if self.last is None or self.last.day != self.context_day(t):
            return NO_PREVIOUS
        return None

    def _apply_next(self, action: Action, t: int) -> None:
        cur = self.current(t)
        if cur is None:
            after, day = self.cursor, self.context_day(t)
        else:
            self._cut(cur, t)
            after, day = cur + 1, self.entries[cur].day
        following = self._following(after, day, t)
        if following is not None:  # it keeps its end: it gets the time gained
            entry = self.entries[following]
            self._place(entry, t, entry.end + self._owed(entry))

    def _apply_extend(self, action: Action, t: int) -> None:
        assert action.minutes is not None
        entry = self.entries[self.cursor]
        floor = t if self.held_since is None else self.held_since
        self._ripple(max(floor, entry.end + minutes_us(action.minutes)) - entry.end)

    def _apply_hold(self, action: Action, t: int) -> None:
        self.held_since = t

    def _apply_resume(self, action: Action, t: int) -> None:
        self.resume(t)

    def _apply_skip(self, action: Action, t: int) -> None:
        assert action.slot_id is not None
        cur = self.current(t)
        if cur is not None and self.entries[cur].slot.id == action.slot_id:
            self._apply_next(action, t)
            return
        i = self._target(action.slot_id, t)
        assert i is not None
        self.entries[i].skipped = True

    def _apply_jump(self, action: Action, t: int) -> None:
        assert action.slot_id is not None
        cur, i = self.current(t), self._target(action.slot_id, t)
        assert i is not None
        if cur is not None:
            self._cut(cur, t)
        ahead = i > self.cursor or (i == self.cursor and cur is None)
        entry = self._remove(i)  # else a skipped or dropped slot from the past
        at = self.cursor + (cur is not None)
        entry.skipped = entry.dropped = False
        entry.jumped = True
        self._insert(at, entry, t, t + entry.length)
        # The slots between now and its old place follow it; its old place absorbs them.
        self._push(at + 1, i + 1 if ahead else len(self.entries), entry.day, t + entry.length)

    def _apply_back(self, action: Action, t: int) -> None:
        assert action.minutes is not None and self.last is not None
        n, prev, cur = minutes_us(action.minutes), self.last, self.current(t)
        encore = Entry(prev.slot, 0, 0, prev.day, prev.planned, part=ENCORE)
        if cur is None:
            self._insert(self.cursor, encore, t, t + n)
            self._push(self.cursor + 1, len(self.entries), encore.day, t + n)
            return
        if self.held_since is not None:
            self.resume(t)
        entry = self.entries[cur]
        if entry.start >= t:  # it has only just started: all of it follows the encore
            self._insert(cur, encore, t, t + n)
            self.offset[entry.day] = self.offset.get(entry.day, 0) + n
            return
        rest = Entry(entry.slot, 0, 0, entry.day, entry.planned, part=RESUMED)
        rest_end, entry.end = entry.end + n, t
        self.offset[entry.day] = self.offset.get(entry.day, 0) + n
        self._insert(cur + 1, encore, t, t + n)
        self._insert(cur + 2, rest, t + n, rest_end)

    def resume(self, t: int) -> None:
        """End the hold at ``t``: the held time ripples the rest of the day."""
        assert self.held_since is not None
        delta, self.held_since = t - self.held_since, None
        self._ripple(delta)

    def _cut(self, cur: int, t: int) -> None:
        if self.held_since is not None:
            self.resume(t)
        self.entries[cur].end = t

    def _ripple(self, delta: int) -> None:
        """Move the end of the entry on air, and every later entry of its day, by ``delta``."""
        entry = self.entries[self.cursor]
        entry.end += delta
        self.offset[entry.day] = self.offset.get(entry.day, 0) + delta

    def _push(self, lo: int, hi: int, day: int, until: int) -> None:
        """Move ``day``'s entries in ``lo:hi`` later just enough to start at ``until``."""
        block = [e for e in self.entries[lo:hi] if e.day == day]
        first = next((e for e in block if not e.skipped), None)
        if first is None or first.start + self._owed(first) >= until:
            return
        delta = until - first.start - self._owed(first)
        for entry in block:
            entry.start += delta
            entry.end += delta

    def finish(self, cur: int | None) -> list[str]:
        """Clamp what is still to come and return each entry's status, in air order."""
        statuses: list[str] = []
        floor = self.last.end if self.last is not None else None
        for i, entry in enumerate(self.entries):
            if entry.lazy:
                owed = self.offset.get(entry.day, 0)
                entry.start, entry.end, entry.lazy = entry.start + owed, entry.end + owed, False
            if entry.skipped:
                statuses.append(SKIPPED)
            elif i < self.cursor:
                statuses.append(DROPPED if entry.dropped else AIRED)
            else:
                if floor is not None and entry.start < floor:
                    entry.start = floor
                entry.end = max(entry.end, entry.start)
                entry.dropped = i != cur and entry.end == entry.start
                statuses.append(ON_AIR if i == cur else DROPPED if entry.dropped else UPCOMING)
                floor = entry.end
        return statuses


def _nonzero(minutes: float | None) -> bool:
    return minutes is not None and math.isfinite(minutes) and minutes_us(minutes) != 0
