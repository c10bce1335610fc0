"""Which slot was on air on a channel at a past moment, by replaying the host's actions.

An order is stamped with the slot on air when its message was *published*, not when it
was read: a page read a minute late must not credit the next vendor. The engine gives
the answer for any moment when fed only the actions taken by then; since a page holds
many messages from the same few seconds, each answer is kept with the span of time it
holds for, and most look-ups are a scan of a short list.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from orchestrator.rotation.engine import JAKARTA, channel_state
from schedules.model import Slot

# Actions as the engine takes them (orchestrator.rotation.actions.Action).
_MAX_SPANS = 256


@dataclass(frozen=True)
class ChannelAir:
    """One channel's inputs to the replay: its slots and its host actions, as of now.

    ``key`` changes whenever either does (the schedule revision and the action count),
    which is what invalidates the answers kept for the channel.
    """

    key: tuple
    slots: tuple[Slot, ...]
    actions: tuple  # of rotation Action, in log order
    tz: ZoneInfo = JAKARTA


@dataclass(frozen=True, slots=True)
class _Span:
    start: datetime | None  # None: from the beginning of time
    end: datetime | None  # None: for ever
    slot_id: str | None


class SlotLookup:
    """Answer "which slot was on air on channel C at time T" with the answers cached.

    Not thread-safe on purpose: it is only used from the store's single thread.
    """

    def __init__(self) -> None:
        self._cache: dict[str, tuple[tuple, list[_Span]]] = {}
        self.replays = 0  # how many times the engine ran (tests and the bench read it)

    def slot_at(self, air: Mapping[str, ChannelAir], channel: str, moment: datetime) -> str | None:
        """Return the id of the slot on air on ``channel`` at ``moment``, or None."""
        inputs = air.get(channel)
        if inputs is None:
            return None
        key, spans = self._cache.get(channel, (None, []))
        if key != inputs.key:
            spans = []
            self._cache[channel] = (inputs.key, spans)
        for span in spans:
            if (span.start is None or span.start <= moment) and (
                span.end is None or moment < span.end
            ):
                return span.slot_id
        span = _replay(inputs, moment)
        self.replays += 1
        if len(spans) >= _MAX_SPANS:
            spans.clear()
        spans.insert(0, span)
        return span.slot_id


def _replay(inputs: ChannelAir, moment: datetime) -> _Span:
    """Run the engine at ``moment`` with the actions taken by then; say how long it holds."""
    times = sorted(a.at for a in inputs.actions)
    done = bisect.bisect_right(times, moment)
    taken = [a for a in inputs.actions if a.at <= moment]
    state = channel_state(inputs.slots, taken, moment, inputs.tz)
    # The answer holds from the later of the state's start and the last action taken,
    # until the earlier of the state's next change and the next action.
    start = _latest(state.start, times[done - 1] if done else None)
    end = _earliest(state.changes_at, times[done] if done < len(times) else None)
    slot_id = state.slot.id if state.slot is not None else None
    return _Span(start, end, slot_id)


def _latest(*moments: datetime | None) -> datetime | None:
    known = [m for m in moments if m is not None]
    return max(known) if known else None


def _earliest(*moments: datetime | None) -> datetime | None:
    known = [m for m in moments if m is not None]
    return min(known) if known else None


def channel_air(
    key: tuple, slots: Sequence[Slot], actions: Sequence, tz: ZoneInfo = JAKARTA
) -> ChannelAir:
    """Snapshot a channel's slots and actions (copies, so later appends do not leak in)."""
    return ChannelAir(key, tuple(slots), tuple(actions), tz)
