"""The pure step planner: which platform step is due, from the rotation and the rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from orchestrator.platforms.lifecycle import (
    ANNOUNCE,
    ENSURE,
    FINISH,
    GO_LIVE,
    Plan,
    announcement,
    day_windows,
    plan,
)
from orchestrator.platforms.resources import ENSURED, FINISHED, LIVE, Resources
from orchestrator.rotation.engine import Action, channel_state
from schedules.model import Event, Slot
from tests.orchestrator.helpers import T0, small_event

TZ = ZoneInfo("Asia/Jakarta")
LEAD = timedelta(minutes=15)
MIN = timedelta(minutes=1)
DAY = T0.astimezone(TZ).date().isoformat()


def plan_at(now: datetime, row: Resources | None = None, actions=(), event=None) -> Plan:
    event = event or small_event()
    state = channel_state(event.channel_slots("utama"), list(actions), now, TZ)
    rows = {row.day: row} if row else {}
    return plan("utama", state, rows, now, TZ, LEAD)


def row(**fields) -> Resources:
    return Resources("live", "utama", DAY, marker="m", **fields)


def test_nothing_before_lead_time_then_ensure() -> None:
    """Before the lead time nothing is due (wake at the lead time); then ensure is."""
    early = plan_at(T0 - 20 * MIN)
    assert early.due is None and early.wake_at == T0 - LEAD
    assert plan_at(T0 - LEAD).due.step == ENSURE


def test_go_live_at_the_first_slot() -> None:
    """Once ensured, the next moment is the first slot; then go_live is due."""
    waiting = plan_at(T0 - 5 * MIN, row(step=ENSURED))
    assert waiting.due is None and waiting.wake_at == T0
    assert plan_at(T0, row(step=ENSURED)).due.step == GO_LIVE


def test_started_late_sets_up_and_goes_live_at_once() -> None:
    """A service started mid-show ensures, then goes live, without waiting."""
    assert plan_at(T0 + 12 * MIN).due.step == ENSURE
    assert plan_at(T0 + 12 * MIN, row(step=ENSURED)).due.step == GO_LIVE


def test_one_announcement_per_slot() -> None:
    """The slot on air is announced once; after that only the day's end is awaited."""
    due = plan_at(T0 + 11 * MIN, row(step=LIVE, announced_slot="utama-0")).due
    assert (due.step, due.slot_id) == (ANNOUNCE, "utama-1")
    done = plan_at(T0 + 11 * MIN, row(step=LIVE, announced_slot="utama-1"))
    assert done.due is None and done.wake_at == T0 + 40 * MIN


def test_host_actions_move_the_steps() -> None:
    """`next` early brings the first slot, and so go_live, forward."""
    actions = [Action(kind="next", at=T0 - 5 * MIN, by="host")]
    assert plan_at(T0 - 5 * MIN, row(step=ENSURED), actions).due.step == GO_LIVE


def test_finish_after_the_last_slot() -> None:
    """After the day's last slot the finish is due, once; a finished day needs nothing."""
    assert plan_at(T0 + 40 * MIN, row(step=LIVE)).due.step == FINISH
    assert plan_at(T0 + 40 * MIN, row(step=ENSURED)).due.step == FINISH
    assert plan_at(T0 + 40 * MIN, row(step=FINISHED)) == Plan(None, None)


def test_a_day_never_set_up_needs_no_finish() -> None:
    """A day that passed while the service was off has nothing to wind up."""
    assert plan_at(T0 + 2 * 60 * MIN) == Plan(None, None)


def test_failed_step_waits_for_its_retry_time_or_the_host() -> None:
    """A curable failure is due again at retry_at; a lasting one only after the host acts."""
    later = row(failed_step=ENSURE, retry_at=T0 - 10 * MIN)
    waiting = plan_at(T0 - 14 * MIN, later)
    assert waiting.due is None and waiting.wake_at == T0 - 10 * MIN
    assert plan_at(T0 - 10 * MIN, later).due.step == ENSURE
    stuck = row(failed_step=GO_LIVE, step=ENSURED)
    assert plan_at(T0 + 5 * MIN, stuck).due is None
    assert plan_at(T0 + 40 * MIN, stuck).due.step == FINISH, "clean up anyway"


def test_failed_finish_is_not_repeated_by_itself() -> None:
    """A finish that failed for good waits for the host."""
    assert plan_at(T0 + 50 * MIN, row(step=LIVE, failed_step=FINISH)).due is None


def test_previous_day_is_finished_before_the_next_begins() -> None:
    """Two show days: yesterday's open row is wound up first."""
    first = small_event()
    second = small_event(T0 + timedelta(days=1))
    event = Event(
        name="Uji",
        channels=first.channels,
        vendors=first.vendors,
        products=first.products,
        slots=first.slots + [Slot(f"d2-{s.id}", s.channel, s.start, s.end, s.vendor_id, s.products)
                             for s in second.slots],
    )  # fmt: skip
    now = T0 + timedelta(days=1) - LEAD
    due = plan_at(now, row(step=LIVE), event=event).due
    assert (due.step, due.day.isoformat()) == (FINISH, DAY)
    windows = day_windows(channel_state(event.channel_slots("utama"), [], now, TZ).timeline, TZ)
    assert [w.start for w in windows] == [T0, T0 + timedelta(days=1)]


def test_announcement_names_vendor_codes_and_links() -> None:
    """The chat line names the vendor, every code, and as many links as fit in 200 chars."""
    event = small_event()
    slot = Slot("s", "utama", T0, T0 + MIN, "v1", ("K02", "K01", "K03", "K04"))
    text = announcement(event, slot, "https://pasar.example")
    assert text.startswith("Sekarang tayang: Penjual 1. Kode: K02, K01, K03, K04.")
    assert "https://pasar.example/o/K02" in text and len(text) <= 200
    host = Slot("h", "utama", T0, T0 + MIN, None, (), "Pembukaan")
    assert announcement(event, host, "") == "Sekarang tayang: Pembukaan."


def test_announcement_uses_the_events_base_url_by_default() -> None:
    """Without a public URL the order link uses the event's base URL."""
    event = small_event()
    event.base_url = "https://jember.example"
    text = announcement(event, event.slots[0], "")
    assert "https://jember.example/o/K01" in text
    assert T0.tzinfo is UTC
