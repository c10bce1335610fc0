"""Properties of the rotation engine over random schedules and random host actions."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orchestrator.rotation import KINDS, Action, ChannelState, channel_state, validate_action
from schedules.model import Slot

TZ = ZoneInfo("Asia/Jakarta")
# Late evening, so random schedules often cross midnight into the next day.
BASE = datetime(2027, 2, 15, 22, 0, tzinfo=TZ).astimezone(UTC)
MIN = timedelta(minutes=1)
AIRING = {"aired", "on_air", "held", "upcoming"}
SETTINGS = settings(
    max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


@st.composite
def schedules(draw: st.DrawFn) -> list[Slot]:
    """A channel's slots: back to back, with breaks, a few overlapping, some a day apart."""
    slots, t = [], BASE + draw(st.integers(0, 60)) * MIN
    for i in range(draw(st.integers(0, 9))):
        t += draw(st.sampled_from([0, 0, 0, 5, 30, -5, 600])) * MIN
        length = draw(st.integers(1, 40)) * MIN
        vendor = draw(st.sampled_from([None, "v"]))
        slots.append(Slot(f"s{i}", "utama", t, t + length, vendor))
        t += length
    return slots


def moments(slots: list[Slot]) -> st.SearchStrategy[datetime]:
    """Moments mostly in or near the slots, where actions have something to act on."""
    anywhere = st.integers(0, 1600 * 60).map(lambda s: BASE + timedelta(seconds=s))
    if not slots:
        return anywhere
    near = st.tuples(st.sampled_from(slots), st.integers(-300, 3000)).map(
        lambda pair: pair[0].start + timedelta(seconds=pair[1])
    )
    return st.one_of(near, near, near, anywhere)


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[list[Slot], list[Action], datetime]:
    """Slots, a log of host actions in time order, and a moment to ask about."""
    slots = draw(schedules())
    ids = [s.id for s in slots] + ["gone"]
    times = sorted(draw(st.lists(moments(slots), max_size=14)))
    log = [
        Action(
            draw(st.sampled_from(sorted(KINDS))),
            at,
            by="host",
            slot_id=draw(st.sampled_from(ids)),
            minutes=draw(st.sampled_from([None, -10, -1, 0, 0.5, 1, 5, 30])),
        )
        for at in times
    ]
    later = st.integers(0, 120 * 60).map(lambda s: times[-1] + timedelta(seconds=s))
    now = draw(st.one_of(moments(slots), later) if times else moments(slots))
    return slots, log, now


def airing(state: ChannelState):
    return [p for p in state.timeline if p.status in AIRING]


@SETTINGS
@given(scenarios())
def test_effective_segments_never_overlap(case):
    """No two stretches of a channel are on air at once, and none ends before it starts."""
    slots, log, now = case
    rows = airing(channel_state(slots, log, now, TZ))
    for row in rows:
        assert row.start is not None and row.end is not None and row.start <= row.end
    for before, after in pairwise(rows):
        assert before.end <= after.start


@SETTINGS
@given(scenarios())
def test_every_slot_airs_at_most_once_unless_brought_back(case):
    """Without back, each slot has at most one stretch that airs; every slot is listed."""
    slots, log, now = case
    state = channel_state(slots, log, now, TZ)
    assert {p.slot.id for p in state.timeline} == {s.id for s in slots}
    if not any(a.kind == "back" for a in log):
        counts = Counter(p.slot.id for p in airing(state))
        assert all(n == 1 for n in counts.values())


@SETTINGS
@given(scenarios())
def test_changes_at_is_in_the_future_and_on_air_covers_now(case):
    """changes_at is after now; what is on air started by now and ends after now."""
    slots, log, now = case
    state = channel_state(slots, log, now, TZ)
    assert state.changes_at is None or state.changes_at > now
    on = [p for p in state.timeline if p.status in ("on_air", "held")]
    assert len(on) == (state.slot is not None)
    if on:
        assert on[0].slot == state.slot and on[0].start <= now
        assert state.status == "held" or on[0].end > now


@SETTINGS
@given(scenarios())
def test_same_inputs_same_answer(case):
    """The function is deterministic, so replaying the log after a restart agrees."""
    slots, log, now = case
    assert channel_state(slots, log, now, TZ) == channel_state(list(slots), list(log), now, TZ)
    assert channel_state(slots, log, now, TZ) == channel_state(slots[::-1], log, now, TZ)


@SETTINGS
@given(scenarios(), st.floats(0.0, 1.0))
def test_nothing_changes_before_changes_at(case, fraction):
    """Between now and changes_at (with no new action) the answer stays the same."""
    slots, log, now = case
    log = [a for a in log if a.at <= now]
    state = channel_state(slots, log, now, TZ)
    if state.changes_at is None:
        return
    later = now + (state.changes_at - now) * fraction * 0.999
    again = channel_state(slots, log, later, TZ)
    keys = ("status", "slot", "start", "end", "next_slot", "next_start", "changes_at")
    assert [getattr(state, k) for k in keys] == [getattr(again, k) for k in keys]
    assert channel_state(slots, log, state.changes_at, TZ) != state


@SETTINGS
@given(scenarios(), st.integers(1, 600))
def test_history_does_not_change_later(case, minutes):
    """What has aired stays as it aired when asked again later, with no new action."""
    slots, log, now = case
    log = [a for a in log if a.at <= now]
    aired = [p for p in channel_state(slots, log, now, TZ).timeline if p.status == "aired"]
    later = channel_state(slots, log, now + minutes * MIN, TZ).timeline
    assert all(p in later for p in aired)


def _count(state: ChannelState, word: str) -> int:
    return sum(word in note for note in state.notes)


@SETTINGS
@given(scenarios())
def test_validate_agrees_with_replay(case):
    """An action validate_action accepts is applied on replay; one it refuses is ignored."""
    slots, log, _ = case
    for i, action in enumerate(log):
        before = channel_state(slots, log[:i], action.at, TZ)
        after = channel_state(slots, log[: i + 1], action.at, TZ)
        refused = validate_action(slots, log[:i], action, action.at, TZ) is not None
        word = "nothing to undo" if action.kind == "undo" else "ignored"
        assert _count(after, word) - _count(before, word) == refused
