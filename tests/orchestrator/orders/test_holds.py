"""Hold deadlines, as pure functions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from orchestrator.orders.holds import HoldRules, hold_hours, hold_until, moved_up_until
from schedules.model import Event, Slot, Vendor

END = datetime(2027, 12, 4, 12, 0, tzinfo=UTC)  # 19:00 WIB
PUBLISHED = END - timedelta(minutes=20)


def test_vendor_hours_override_the_events():
    """A vendor's own hours win; else the event's; else 24."""
    assert hold_hours(6, 48) == 6
    assert hold_hours(None, 48) == 48
    assert hold_hours(None, None) == 24
    assert hold_hours(0, 48) == 0  # zero is a setting, not a missing one


def test_claim_holds_until_its_slot_ends_plus_the_hours():
    """In a slot: its scheduled end + hours; without a slot: publish time + hours."""
    assert hold_until(END, PUBLISHED, 24) == END + timedelta(hours=24)
    assert hold_until(None, PUBLISHED, 24) == PUBLISHED + timedelta(hours=24)


def test_moving_up_starts_the_hold_again_but_never_shortens_it():
    """A promoted order holds from when it moved up, unless its claim held longer."""
    later = END + timedelta(days=1)
    assert moved_up_until(later, 24) == later + timedelta(hours=24)
    claimed = END + timedelta(hours=24)
    assert moved_up_until(PUBLISHED, 24, claimed) == claimed  # moved up during the slot
    assert moved_up_until(later, 24, claimed) == later + timedelta(hours=24)


def test_rules_from_an_event_use_slot_ends_and_vendor_hours():
    """The event's slots and vendors give each claim its deadline."""
    event = Event(
        vendors=[Vendor("v1", "Satu", hold_hours=2), Vendor("v2", "Dua")],
        slots=[Slot("s1", "utama", END - timedelta(hours=1), END, "v1")],
        hold_hours=12,
    )
    rules = HoldRules.from_event(event)
    assert rules.until("v1", "s1", PUBLISHED) == END + timedelta(hours=2)
    assert rules.until("v2", "s1", PUBLISHED) == END + timedelta(hours=12)
    assert rules.until("v2", "gone", PUBLISHED) == PUBLISHED + timedelta(hours=12)
    assert rules.until("v2", None, PUBLISHED) == PUBLISHED + timedelta(hours=12)
    assert HoldRules.from_event(None).hours("v1") == 24
