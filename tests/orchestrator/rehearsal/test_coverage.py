"""The rehearsal's audience checks: every vendor on air gets orders, at the chat rate."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from orchestrator.rehearsal.coverage import (
    OnAir,
    clocked_seconds,
    coverage_problems,
    slot_coverage,
    spread,
)
from schedules.check import ERROR, Origins, Where
from schedules.model import Event, Slot, Vendor

T0 = datetime(2027, 2, 15, 8, 40, tzinfo=UTC)  # 15:40 WIB
TEN = timedelta(minutes=10)
RATE = 0.5  # messages per simulated second: 30 a minute


def _event() -> Event:
    """One channel: a host segment, then kopi and kerupuk for ten minutes each."""
    slots = [
        Slot("host-1530", "utama", T0 - TEN, T0),
        Slot("kopi-1540", "utama", T0, T0 + TEN, "kopi", ("K01", "K02")),
        Slot("kerupuk-1550", "utama", T0 + TEN, T0 + 2 * TEN, "kerupuk", ("M41",)),
    ]
    vendors = [Vendor("kopi", "Kopi Rakyat"), Vendor("kerupuk", "Kerupuk Puger")]
    return Event(vendors=vendors, slots=slots)


def _aired(event: Event) -> list[OnAir]:
    return [OnAir(s, s.start, s.end) for s in event.slots]


def _typed(start: datetime, end: datetime, per_second: float) -> list[datetime]:
    """Messages published evenly at `per_second` over [start, end)."""
    step = timedelta(seconds=1 / per_second)
    count = int((end - start) / step)
    return [start + k * step for k in range(count)]


def _chat(event: Event, per_second: float = RATE) -> dict[str, list[datetime]]:
    first, last = event.slots[0].start, event.slots[-1].end
    return {"utama": _typed(first, last, per_second)}


ORDERS = {("kopi-1540", "kopi"): 140, ("kerupuk-1550", "kerupuk"): 150}


def test_every_vendor_slot_with_orders_at_the_rate_is_fine():
    """Orders for both vendors and 30 messages a minute: nothing to report."""
    event = _event()
    rows = slot_coverage(_aired(event), ORDERS, _chat(event), RATE)
    assert [(r.slot.id, r.orders, r.judged) for r in rows] == [
        ("host-1530", 0, False),
        ("kopi-1540", 140, True),
        ("kerupuk-1550", 150, True),
    ]
    assert rows[1].messages == 300 and rows[1].per_minute == 30
    assert coverage_problems(event, rows, RATE) == []


def test_a_vendor_slot_without_orders_fails_naming_slot_vendor_and_times():
    """No chat order for kerupuk: an error on its row, with slot id, vendor and WIB times."""
    event = _event()
    origins = Origins.unknown(event, "acara.yaml")
    origins.slots[2] = Where("acara.yaml", 42, {"vendor_id": 44})
    orders = {("kopi-1540", "kopi"): 140}
    rows = slot_coverage(_aired(event), orders, _chat(event), RATE)
    [problem] = coverage_problems(event, rows, RATE, origins)
    assert (problem.file, problem.row, problem.severity) == ("acara.yaml", 44, ERROR)
    assert "kerupuk-1550" in problem.message and "Kerupuk Puger" in problem.message
    assert "2027-02-15 15:50" in problem.message and "16:00 WIB" in problem.message


def test_orders_for_another_vendor_do_not_count():
    """Orders stamped with kerupuk's slot but for kopi's codes (a burst typed late) fail it."""
    event = _event()
    orders = {("kopi-1540", "kopi"): 140, ("kerupuk-1550", "kopi"): 150}
    rows = slot_coverage(_aired(event), orders, _chat(event), RATE)
    assert [p.message.split(" (")[0] for p in coverage_problems(event, rows, RATE)] == [
        "slot kerupuk-1550"
    ]


def test_a_rate_more_than_half_off_is_a_problem():
    """40 % under the rate passes; 60 % under or over fails, naming the measured rate."""
    event = _event()
    found = {}
    for per_second in (0.3, 0.2, 0.8):
        rows = slot_coverage(_aired(event), ORDERS, _chat(event, per_second), RATE)
        found[per_second] = [p.message for p in coverage_problems(event, rows, RATE)]
    assert (len(found[0.3]), len(found[0.2]), len(found[0.8])) == (0, 2, 2)
    assert "12.0 pesan chat per menit, seharusnya 30 ±50%" in found[0.2][0]
    assert "48.0 pesan chat per menit" in found[0.8][1]


def test_a_silent_half_of_a_slot_shows_in_its_rate():
    """Chat that stops halfway through a slot (the audience left) puts it outside the rate."""
    event = _event()
    chat = {"utama": _typed(T0 - TEN, T0 + TEN + TEN / 4, RATE)}
    rows = slot_coverage(_aired(event), ORDERS, chat, RATE)
    [problem] = coverage_problems(event, rows, RATE)
    assert "kerupuk-1550" in problem.message and "7.5 pesan chat per menit" in problem.message


def test_short_slots_and_host_segments_are_listed_not_judged():
    """A 30-second vendor slot expects 15 messages, too few to judge; hosts are never judged."""
    short = Slot("kopi-kilat", "utama", T0, T0 + timedelta(seconds=30), "kopi", ("K01",))
    event = Event(vendors=[Vendor("kopi", "Kopi Rakyat")], slots=[short])
    rows = slot_coverage(_aired(event), {}, {}, RATE)
    assert [(r.messages, r.judged) for r in rows] == [(0, False)]
    assert coverage_problems(event, rows, RATE) == []


def test_without_an_audience_nothing_is_judged():
    """Rate 0 (no audience) judges no slot, so no orders is not a problem."""
    event = _event()
    rows = slot_coverage(_aired(event), {}, {}, 0.0)
    assert not any(r.judged for r in rows)
    assert coverage_problems(event, rows, 0.0) == []


def test_skipped_spans_are_left_out_of_the_rate():
    """A slot the clock skipped half of is measured over the half it ran through."""
    event = _event()
    kopi = event.slots[1]
    skip = (T0 + TEN / 2, T0 + TEN)
    assert clocked_seconds(kopi.start, kopi.end, [skip]) == 300
    assert clocked_seconds(kopi.start, kopi.end, [(T0 + TEN, T0 + 2 * TEN)]) == 600
    chat = {"utama": _typed(T0, T0 + TEN / 2, RATE)}
    [row] = slot_coverage([OnAir(kopi, kopi.start, kopi.end)], ORDERS, chat, RATE, [skip])
    assert (row.messages, row.per_minute) == (150, 30)
    assert coverage_problems(event, [row], RATE) == []


def test_spread_gives_the_headline_figures():
    """Min, median and max orders and the rate range cover the judged vendor slots only."""
    event = _event()
    rows = slot_coverage(_aired(event), ORDERS, _chat(event), RATE)
    assert spread(rows, RATE) == {
        "vendor_slots": 2,
        "orders_min": 140,
        "orders_median": 145,
        "orders_max": 150,
        "rate_min": 30.0,
        "rate_max": 30.0,
        "rate_expected": 30.0,
    }
