"""The slot on air at a past moment: the engine's replay, cached by the span it holds for."""

from __future__ import annotations

from datetime import timedelta

from orchestrator.orders.onair import SlotLookup, channel_air
from orchestrator.rotation.actions import Action
from tests.orchestrator.helpers import T0, small_event

SLOTS = small_event().channel_slots("utama")  # utama-0..3, 10 minutes each from T0


def at(minutes: float):
    return T0 + timedelta(minutes=minutes)


def lookup_all(actions, moments) -> tuple[list, SlotLookup]:
    lookup = SlotLookup()
    air = {"utama": channel_air((1, len(actions)), SLOTS, actions)}
    return [lookup.slot_at(air, "utama", m) for m in moments], lookup


def test_scheduled_slots_without_actions():
    """Without host actions the answer is the schedule, off air before and after."""
    found, _ = lookup_all([], [at(-1), at(0), at(9.9), at(10), at(39), at(41)])
    assert found == [None, "utama-0", "utama-0", "utama-1", "utama-3", None]


def test_an_action_counts_only_after_it_was_taken():
    """Before the host's "next" at +3 it is utama-0; from +3 on, utama-1."""
    actions = [Action("next", at(3), "host")]
    found, _ = lookup_all(actions, [at(2.9), at(3), at(3.1), at(19)])
    assert found == ["utama-0", "utama-1", "utama-1", "utama-1"]


def test_a_held_slot_stays_on_past_its_planned_end():
    """While held from +5, utama-0 is on air at +25 too; after resume at +30 it ends later."""
    actions = [Action("hold", at(5), "host"), Action("resume", at(30), "host")]
    found, _ = lookup_all(actions, [at(25), at(31), at(35.5)])
    assert found == ["utama-0", "utama-0", "utama-1"]


def test_one_replay_serves_the_whole_span():
    """Many moments inside one slot's span cost one engine run; another slot one more."""
    moments = [at(1 + i / 100) for i in range(300)] + [at(12)]
    _, lookup = lookup_all([Action("extend", at(0.5), "host", minutes=2)], moments)
    assert lookup.replays == 2


def test_new_action_invalidates_the_cache():
    """When the channel's key changes (a new action), answers are worked out again."""
    lookup = SlotLookup()
    before = {"utama": channel_air((1, 0), SLOTS, [])}
    assert lookup.slot_at(before, "utama", at(5)) == "utama-0"
    after = {"utama": channel_air((1, 1), SLOTS, [Action("next", at(4), "host")])}
    assert lookup.slot_at(after, "utama", at(5)) == "utama-1"
    assert lookup.slot_at(after, "kuliner", at(5)) is None
