"""The rotation engine, action by action, against explicit datetimes (no real clock)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from orchestrator.rotation import Action, ChannelState, channel_state, validate_action
from schedules.model import Slot

TZ = ZoneInfo("Asia/Jakarta")
MIN = timedelta(minutes=1)


def at(hhmm: str, day: int = 15) -> datetime:
    """Return a Jakarta wall-clock time on February ``day`` 2027, as UTC."""
    hour, minute = map(int, hhmm.split(":"))
    return datetime(2027, 2, day, hour, minute, tzinfo=TZ).astimezone(UTC)


def slot(sid: str, start: str, end: str, day: int = 15, vendor: str | None = "v") -> Slot:
    end_day = day + 1 if end < start else day
    return Slot(sid, "utama", at(start, day), at(end, end_day), vendor)


def act(kind: str, hhmm: str, day: int = 15, **kw) -> Action:
    return Action(kind, at(hhmm, day), by="ani", **kw)


# Day 1: host opening, two vendors, a half-hour break, two vendors. Day 2: two vendors.
SLOTS = [
    slot("a", "10:00", "10:10", vendor=None),
    slot("b", "10:10", "10:20"),
    slot("c", "10:20", "10:30"),
    slot("d", "11:00", "11:10"),
    slot("e", "11:10", "11:20"),
    slot("f", "10:00", "10:10", day=16),
    slot("g", "10:10", "10:20", day=16),
]


def state(actions: list[Action], hhmm: str, day: int = 15, slots=SLOTS) -> ChannelState:
    return channel_state(slots, actions, at(hhmm, day), TZ)


def times(st: ChannelState, sid: str, part: str = "slot") -> tuple[str, str] | str:
    """Return a slot's effective local times as ("HH:MM", "HH:MM"), or its status."""
    row = next(p for p in st.timeline if p.slot.id == sid and p.part == part)
    if row.start is None or row.end is None:
        return row.status
    return f"{row.start.astimezone(TZ):%H:%M}", f"{row.end.astimezone(TZ):%H:%M}"


def status_of(st: ChannelState, sid: str, part: str = "slot") -> str:
    return next(p.status for p in st.timeline if p.slot.id == sid and p.part == part)


# --- without actions ---------------------------------------------------------------


def test_before_first_slot_is_off_air_until_it_starts():
    """Before the day's first slot the channel is off air and changes at that slot's start."""
    st = state([], "09:00")
    assert (st.status, st.slot, st.changes_at) == ("off_air", None, at("10:00"))
    assert st.next_slot == SLOTS[0] and st.remaining == 60 * MIN


def test_host_segment_and_vendor_slot():
    """A slot without a vendor is a host segment; a vendor's slot is on air."""
    host, vendor = state([], "10:05"), state([], "10:15")
    assert (host.status, host.slot.id, host.end, host.remaining) == (
        "host",
        "a",
        at("10:10"),
        5 * MIN,
    )
    assert (vendor.status, vendor.slot.id, vendor.changes_at) == ("on_air", "b", at("10:20"))


def test_boundary_belongs_to_the_next_slot():
    """At the exact end of a slot the next slot is already on air."""
    assert state([], "10:10").slot.id == "b"


def test_gap_between_slots_is_a_break():
    """A gap between two slots of a day is a break from one end to the next start."""
    st = state([], "10:40")
    assert (st.status, st.start, st.end, st.next_slot.id) == (
        "break",
        at("10:30"),
        at("11:00"),
        "d",
    )
    assert st.changes_at == at("11:00")


def test_after_last_slot_of_the_day_is_off_air():
    """After a day's last slot the channel is off air until the next day's first slot."""
    st = state([], "12:00")
    assert (st.status, st.next_slot.id, st.changes_at) == ("off_air", "f", at("10:00", 16))
    assert (st.day_ends_at, st.day_delay) == (at("11:20"), timedelta(0))


def test_after_last_slot_ever_never_changes():
    """After the last slot of the event nothing comes and changes_at is None."""
    st = state([], "12:00", day=16)
    assert (st.status, st.next_slot, st.changes_at, st.end) == ("off_air", None, None, None)


def test_no_slots_at_all():
    """An empty channel is off air for good."""
    st = state([], "10:00", slots=[])
    assert (st.status, st.changes_at, st.timeline, st.day_ends_at) == ("off_air", None, (), None)


# --- next ----------------------------------------------------------------------------


def test_next_gives_the_time_gained_to_the_next_slot():
    """next ends the slot now; the next slot starts now and keeps its end."""
    st = state([act("next", "10:05")], "10:06")
    assert (st.slot.id, st.start, st.end) == ("b", at("10:05"), at("10:20"))
    assert times(st, "a") == ("10:00", "10:05") and times(st, "c") == ("10:20", "10:30")
    assert st.day_delay == timedelta(0)


def test_next_twice():
    """Two nexts in a row walk two slots forward."""
    st = state([act("next", "10:05"), act("next", "10:07")], "10:08")
    assert (st.slot.id, st.start, st.end) == ("c", at("10:07"), at("10:30"))


def test_next_in_a_break_brings_the_next_slot_forward():
    """next during a break starts the day's next slot now."""
    st = state([act("next", "10:40")], "10:41")
    assert (st.slot.id, st.start, st.end) == ("d", at("10:40"), at("11:10"))


def test_next_on_the_last_slot_of_the_day_leaves_tomorrow_alone():
    """next on a day's last slot ends it; the next day's slots do not move."""
    st = state([act("next", "11:15")], "11:16")
    assert (st.status, st.next_slot.id, st.next_start) == ("off_air", "f", at("10:00", 16))
    assert st.day_delay == -5 * MIN


def test_next_with_nothing_left_today_is_refused():
    """next after the day's last slot is refused, and ignored with a note if replayed."""
    reason = validate_action(SLOTS, [], act("next", "12:00"), at("12:00"), TZ)
    assert reason and "nothing comes next today" in reason
    assert "nothing comes next today" in state([act("next", "12:00")], "12:01").notes[0]


# --- extend --------------------------------------------------------------------------


def test_extend_ripples_the_rest_of_the_day():
    """extend moves the end and every later slot of the day by the same amount."""
    st = state([act("extend", "10:05", minutes=5)], "10:12")
    assert (st.slot.id, st.end, st.next_start) == ("a", at("10:15"), at("10:15"))
    assert [times(st, s) for s in "bcde"] == [
        ("10:15", "10:25"),
        ("10:25", "10:35"),
        ("11:05", "11:15"),
        ("11:15", "11:25"),
    ]
    assert (st.day_ends_at, st.day_delay) == (at("11:25"), 5 * MIN)


def test_extend_on_day_one_does_not_move_day_two():
    """Overruns stay inside their day."""
    st = state([act("extend", "11:15", minutes=30)], "11:30")
    assert times(st, "f") == ("10:00", "10:10") and st.day_delay == 30 * MIN


def test_negative_extend_shortens_and_pulls_the_day_forward():
    """extend -N ends the slot earlier and the rest of the day comes earlier."""
    st = state([act("extend", "10:05", minutes=-3)], "10:06")
    assert st.end == at("10:07") and times(st, "e") == ("11:07", "11:17")
    assert st.day_delay == -3 * MIN


def test_negative_extend_never_ends_before_now():
    """Shortening by more than is left ends the slot now, and ripples only that much."""
    st = state([act("extend", "10:05", minutes=-20)], "10:05")
    assert (st.slot.id, st.start) == ("b", at("10:05")) and times(st, "a") == ("10:00", "10:05")
    assert st.day_delay == -5 * MIN


def test_fractional_minutes():
    """Minutes may be fractional."""
    assert state([act("extend", "10:05", minutes=0.5)], "10:06").end == at(
        "10:10"
    ) + 30 * timedelta(seconds=1)


def test_extend_needs_something_on_air_and_minutes():
    """extend in a break or by zero minutes is refused."""
    assert "nothing on air" in validate_action(
        SLOTS, [], act("extend", "10:40", minutes=5), at("10:40"), TZ
    )
    assert "minutes" in validate_action(
        SLOTS, [], act("extend", "10:05", minutes=0), at("10:05"), TZ
    )
    assert "minutes" in validate_action(SLOTS, [], act("extend", "10:05"), at("10:05"), TZ)


# --- hold / resume -------------------------------------------------------------------


def test_hold_freezes_the_countdown():
    """While held, end and changes_at are None and remaining stays what it was."""
    st = state([act("hold", "10:05")], "10:12")
    assert (st.status, st.slot.id, st.end, st.changes_at) == ("held", "a", None, None)
    assert st.remaining == 5 * MIN
    # The rest of the day is shown as if resumed now.
    assert (st.next_slot.id, st.next_start, st.day_delay) == ("b", at("10:17"), 7 * MIN)
    assert status_of(st, "a") == "held"


def test_resume_ripples_the_held_time():
    """On resume the held time moves the end and the rest of the day."""
    st = state([act("hold", "10:05"), act("resume", "10:12")], "10:13")
    assert (st.status, st.end, st.changes_at) == ("host", at("10:17"), at("10:17"))
    assert times(st, "b") == ("10:17", "10:27") and st.day_delay == 7 * MIN


def test_extend_while_held_changes_the_frozen_time():
    """extend during a hold adds to the frozen remaining time and stays held."""
    held = state([act("hold", "10:05"), act("extend", "10:06", minutes=2)], "10:08")
    assert (held.status, held.remaining) == ("held", 7 * MIN)
    resumed = state(
        [act("hold", "10:05"), act("extend", "10:06", minutes=2), act("resume", "10:08")], "10:09"
    )
    assert resumed.end == at("10:15")


def test_next_while_held_resumes_first():
    """next during a hold counts the held time, then moves on."""
    st = state([act("hold", "10:05"), act("next", "10:08")], "10:09")
    assert (st.slot.id, st.start, st.end) == ("b", at("10:08"), at("10:23"))
    assert st.day_delay == 3 * MIN


def test_hold_and_resume_are_refused_when_they_make_no_sense():
    """hold twice, hold in a break, and resume without hold are refused."""
    held = [act("hold", "10:05")]
    assert "already on hold" in validate_action(SLOTS, held, act("hold", "10:06"), at("10:06"), TZ)
    assert "nothing on air" in validate_action(SLOTS, [], act("hold", "10:40"), at("10:40"), TZ)
    assert "nothing on hold" in validate_action(SLOTS, [], act("resume", "10:05"), at("10:05"), TZ)


# --- skip ----------------------------------------------------------------------------


def test_skip_a_future_slot_leaves_a_break():
    """A skipped future slot does not air; its time becomes a break."""
    st = state([act("skip", "10:05", slot_id="c")], "10:25")
    assert (st.status, st.start, st.end, st.next_slot.id) == (
        "break",
        at("10:20"),
        at("11:00"),
        "d",
    )
    assert status_of(st, "c") == "skipped" and times(st, "c") == "skipped"


def test_skip_the_slot_on_air_acts_like_next():
    """Skipping the slot on air ends it now and starts the next one."""
    st = state([act("skip", "10:15", slot_id="b")], "10:16")
    assert (st.slot.id, st.start, st.end) == ("c", at("10:15"), at("10:30"))
    assert status_of(st, "b") == "aired"


def test_skip_refusals():
    """Skipping an aired, an already skipped or an unknown slot is refused."""
    skipped = [act("skip", "10:01", slot_id="c")]
    assert "already aired" in validate_action(
        SLOTS, [], act("skip", "10:15", slot_id="a"), at("10:15"), TZ
    )
    assert "already skipped" in validate_action(
        SLOTS, skipped, act("skip", "10:02", slot_id="c"), at("10:02"), TZ
    )
    assert "not in the schedule" in validate_action(
        SLOTS, [], act("skip", "10:02", slot_id="zz"), at("10:02"), TZ
    )
    assert "slot id is needed" in validate_action(SLOTS, [], act("skip", "10:02"), at("10:02"), TZ)


# --- jump ----------------------------------------------------------------------------


def test_jump_puts_a_slot_on_air_now_and_the_slots_between_follow():
    """jump airs the slot now for its length; the slots between follow; later ones stay."""
    st = state([act("jump", "10:05", slot_id="d")], "10:06")
    assert (st.slot.id, st.start, st.end, st.next_slot.id) == ("d", at("10:05"), at("10:15"), "b")
    assert [times(st, s) for s in "abce"] == [
        ("10:00", "10:05"),
        ("10:15", "10:25"),
        ("10:25", "10:35"),
        ("11:10", "11:20"),
    ]
    assert [p.slot.id for p in st.timeline if p.slot.id == "d"] == ["d"]
    assert next(p for p in st.timeline if p.slot.id == "d").jumped


def test_jumped_slot_does_not_air_again_later():
    """Once a jumped slot has aired, its old place is a break."""
    st = state([act("jump", "10:05", slot_id="d")], "11:05")
    assert (st.status, st.next_slot.id) == ("break", "e") and status_of(st, "d") == "aired"


def test_jump_to_a_skipped_slot_brings_it_back():
    """A skipped slot can still be jumped to."""
    st = state([act("skip", "10:01", slot_id="c"), act("jump", "10:05", slot_id="c")], "10:06")
    assert (st.slot.id, st.end) == ("c", at("10:15")) and times(st, "b") == ("10:15", "10:25")
    assert times(st, "d") == ("11:00", "11:10")


def test_jump_in_a_break():
    """A jump during a break airs the slot now; later slots move only if they must."""
    st = state([act("jump", "10:40", slot_id="e")], "10:41")
    assert (st.slot.id, st.end) == ("e", at("10:50")) and times(st, "d") == ("11:00", "11:10")


def test_jump_refusals():
    """Jumping to the slot on air, an aired slot or another day's slot is refused."""
    assert "already on air" in validate_action(
        SLOTS, [], act("jump", "10:05", slot_id="a"), at("10:05"), TZ
    )
    assert "already aired" in validate_action(
        SLOTS, [], act("jump", "10:15", slot_id="a"), at("10:15"), TZ
    )
    assert "another day" in validate_action(
        SLOTS, [], act("jump", "10:15", slot_id="f"), at("10:15"), TZ
    )


# --- back ----------------------------------------------------------------------------


def test_back_brings_the_previous_slot_back_and_the_current_one_resumes():
    """back N airs the previous slot N minutes; the interrupted slot then continues."""
    st = state([act("back", "10:15", minutes=3)], "10:16")
    assert (st.status, st.slot.id, st.start, st.end) == ("host", "a", at("10:15"), at("10:18"))
    assert times(st, "a", "encore") == ("10:15", "10:18")
    assert times(st, "b") == ("10:10", "10:15") and times(st, "b", "resumed") == ("10:18", "10:23")
    assert times(st, "c") == ("10:23", "10:33") and st.day_delay == 3 * MIN


def test_back_in_a_break_uses_the_break():
    """back during a break airs the last slot again; later slots move only if they must."""
    st = state([act("back", "10:40", minutes=5)], "10:41")
    assert (st.slot.id, st.end) == ("c", at("10:45")) and times(st, "d") == ("11:00", "11:10")
    pushed = state([act("back", "10:58", minutes=5)], "10:59")
    assert times(pushed, "d") == ("11:03", "11:13") and times(pushed, "e") == ("11:13", "11:23")


def test_back_needs_an_earlier_slot_today_and_positive_minutes():
    """back on the first slot of a day, or with no minutes, is refused."""
    assert "no earlier slot today" in validate_action(
        SLOTS, [], act("back", "10:05", minutes=3), at("10:05"), TZ
    )
    assert "no earlier slot today" in validate_action(
        SLOTS, [], act("back", "10:05", 16, minutes=3), at("10:05", 16), TZ
    )
    assert "more than zero" in validate_action(
        SLOTS, [], act("back", "10:15", minutes=0), at("10:15"), TZ
    )


# --- undo ----------------------------------------------------------------------------


def test_undo_removes_the_last_action():
    """undo puts things back as if the last action had never been taken."""
    st = state([act("extend", "10:05", minutes=5), act("undo", "10:06")], "10:07")
    assert st.end == at("10:10") and st.day_delay == timedelta(0)


def test_repeated_undo_walks_further_back():
    """Each undo removes the latest action not yet undone."""
    log = [act("next", "10:03"), act("extend", "10:04", minutes=5), act("undo", "10:05")]
    assert state(log, "10:06").slot.id == "b"
    assert state([*log, act("undo", "10:06")], "10:07").slot.id == "a"


def test_undo_a_skip():
    """An undone skip lets the slot air again."""
    st = state([act("skip", "10:05", slot_id="c"), act("undo", "10:06")], "10:25")
    assert st.slot.id == "c"


def test_undo_with_nothing_to_undo():
    """undo with an empty log is refused, and noted if replayed."""
    assert "nothing to undo" in validate_action(SLOTS, [], act("undo", "10:05"), at("10:05"), TZ)
    assert "nothing to undo" in state([act("undo", "10:05")], "10:06").notes[0]


# --- combinations --------------------------------------------------------------------


def test_extend_then_next_keeps_the_delay():
    """next after an extend keeps the day's delay: the next slot keeps its moved end."""
    st = state([act("extend", "10:05", minutes=5), act("next", "10:08")], "10:09")
    assert (st.slot.id, st.start, st.end, st.day_delay) == ("b", at("10:08"), at("10:25"), 5 * MIN)


def test_jump_then_extend_ripples_from_the_jumped_slot():
    """Extending a jumped slot ripples the rest of the day after it."""
    st = state([act("jump", "10:05", slot_id="d"), act("extend", "10:10", minutes=5)], "10:11")
    assert st.end == at("10:20") and times(st, "b") == ("10:20", "10:30")
    assert times(st, "e") == ("11:15", "11:25") and st.day_delay == 5 * MIN


def test_skip_then_next_in_the_gap():
    """After a skip, next in the gap brings the following slot forward."""
    st = state([act("skip", "10:05", slot_id="c"), act("next", "10:21")], "10:22")
    assert (st.slot.id, st.start, st.end) == ("d", at("10:21"), at("11:10"))


def test_hold_back_resume_combo():
    """back during a hold counts the held time before the encore."""
    log = [act("hold", "10:12"), act("back", "10:15", minutes=2)]
    st = state(log, "10:16")
    assert (st.slot.id, st.end) == ("a", at("10:17"))
    assert times(st, "b", "resumed") == ("10:17", "10:25") and st.day_delay == 5 * MIN


# --- days and midnight ---------------------------------------------------------------

NIGHT = [
    slot("x", "23:30", "23:50"),
    slot("m", "23:50", "00:10"),
    slot("y", "00:10", "00:30", day=16),
    slot("z", "00:30", "00:40", day=16),
]


def test_slot_across_midnight_belongs_to_the_day_it_starts():
    """A 23:50-00:10 slot is on air after midnight and counts for the day it started."""
    st = state([], "00:05", day=16, slots=NIGHT)
    assert (st.slot.id, st.end, str(st.day)) == ("m", at("00:10", 16), "2027-02-15")


def test_overrun_past_midnight_shortens_the_next_days_first_slot():
    """Days do not ripple into each other: the next day's slot starts late and keeps its end."""
    st = state([act("extend", "00:05", 16, minutes=5)], "00:12", day=16, slots=NIGHT)
    assert (
        st.slot.id == "m"
        and times(st, "y") == ("00:15", "00:30")
        and times(st, "z") == ("00:30", "00:40")
    )
    assert (st.day_ends_at, st.day_delay) == (at("00:15", 16), 5 * MIN)


def test_big_overrun_drops_a_slot_of_the_next_day():
    """A slot of the next day left with no time at all is dropped and noted."""
    st = state([act("extend", "00:05", 16, minutes=25)], "00:36", day=16, slots=NIGHT)
    assert status_of(st, "y") == "dropped" and any("y" in n for n in st.notes)
    assert (st.slot.id, st.start, st.end) == ("z", at("00:35", 16), at("00:40", 16))


def test_next_before_midnight_does_not_pull_tomorrow():
    """next on a day's last slot does not start the next day's first slot early."""
    st = state([act("next", "23:55")], "23:56", slots=NIGHT)
    assert (st.status, st.next_start) == ("off_air", at("00:10", 16))


def test_local_day_decides_not_utc_day():
    """Days follow the event's timezone: 06:30 and 07:30 Jakarta are different UTC days."""
    slots = [slot("p", "06:30", "06:40"), slot("q", "07:30", "07:40")]
    st = state([act("extend", "06:35", minutes=10)], "06:36", slots=slots)
    assert times(st, "q") == ("07:40", "07:50")


# --- edits after actions -------------------------------------------------------------


def test_skipped_slot_stays_skipped_when_moved():
    """A skip is keyed by slot id: moving the slot keeps it skipped."""
    moved = [s if s.id != "c" else slot("c", "10:40", "10:50") for s in SLOTS]
    st = state([act("skip", "10:05", slot_id="c")], "10:45", slots=moved)
    assert st.status == "break" and status_of(st, "c") == "skipped"


def test_action_on_a_removed_slot_is_ignored_and_noted():
    """An action naming a slot that is gone is ignored and reported in notes."""
    without_d = [s for s in SLOTS if s.id != "d"]
    st = state([act("jump", "10:05", slot_id="d")], "10:07", slots=without_d)
    assert st.slot.id == "a" and "not in the schedule" in st.notes[0] and "ani" in st.notes[0]


def test_added_slot_ripples_with_its_day():
    """A slot added to a day running late airs late by the same amount."""
    added = [*SLOTS, slot("n", "10:40", "10:50")]
    st = state([act("extend", "10:05", minutes=5)], "10:46", slots=added)
    assert (st.slot.id, st.start, st.end) == ("n", at("10:45"), at("10:55"))


def test_jumped_slot_keeps_its_aired_times_when_moved():
    """A jumped slot airs from the jump, wherever the organiser moves its plan."""
    moved = [s if s.id != "d" else slot("d", "11:30", "11:40") for s in SLOTS]
    st = state([act("jump", "10:05", slot_id="d")], "10:06", slots=moved)
    assert (st.slot.id, st.start, st.end) == ("d", at("10:05"), at("10:15"))


def test_overlapping_schedule_is_made_sequential():
    """Overlapping slots in a schedule air one after the other, never at once."""
    slots = [slot("o1", "10:00", "10:20"), slot("o2", "10:10", "10:30")]
    assert times(state([], "10:25", slots=slots), "o2") == ("10:20", "10:30")


# --- replay and inputs ---------------------------------------------------------------


def test_actions_after_now_do_not_count_yet():
    """Replaying to an earlier moment ignores the actions taken after it."""
    log = [act("next", "10:05")]
    assert state(log, "10:04").slot.id == "a" and state(log, "10:06").slot.id == "b"


def test_same_inputs_same_answer():
    """The answer depends only on the inputs, so a restart rebuilds the same state."""
    log = [
        act("extend", "10:05", minutes=5),
        act("jump", "10:20", slot_id="e"),
        act("hold", "10:22"),
    ]
    assert state(log, "10:30") == state(list(log), "10:30")


def test_unknown_action_is_ignored():
    """An unknown kind is refused and ignored with a note."""
    assert "unknown action" in validate_action(SLOTS, [], act("dance", "10:05"), at("10:05"), TZ)
    assert "unknown action" in state([act("dance", "10:05")], "10:06").notes[0]


def test_naive_times_are_rejected():
    """Naive datetimes are refused at the door."""
    with pytest.raises(ValueError):
        Action("next", datetime(2027, 2, 15, 10, 0))
    with pytest.raises(ValueError):
        channel_state(SLOTS, [], datetime(2027, 2, 15, 10, 0), TZ)


def test_duplicate_slot_ids_are_rejected():
    """Two slots with one id cannot be told apart by skip or jump."""
    with pytest.raises(ValueError):
        state([], "10:00", slots=[slot("a", "10:00", "10:10"), slot("a", "10:10", "10:20")])


def test_cost_for_200_slots_and_200_actions():
    """A channel of 200 slots and 200 actions is answered well within a few milliseconds."""
    start = at("07:00")
    slots = [
        Slot(f"s{i:03}", "utama", start + i * 4 * MIN, start + (i + 1) * 4 * MIN, "v")
        for i in range(200)
    ]
    kinds = [("extend", {"minutes": 1}), ("next", {}), ("hold", {}), ("resume", {})]
    actions = [
        Action(kinds[i % 4][0], start + i * 3 * MIN + MIN / 2, **kinds[i % 4][1])
        for i in range(200)
    ]
    now = start + 600 * MIN
    # CPU time of this thread, best of five rounds (as timeit does): other processes on a
    # busy box take the CPU away between calls, which wall time would count as our cost.
    rounds = []
    for _ in range(5):
        started = time.thread_time()
        for _ in range(20):
            st = channel_state(slots, actions, now, TZ)
        rounds.append((time.thread_time() - started) / 20)
    assert st.status == "on_air" and len(st.timeline) == 200
    assert min(rounds) < 0.025  # about 1-2 ms on a laptop: 10x is a real regression
