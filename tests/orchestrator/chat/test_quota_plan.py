"""The quota plan: polling pace from the quota left, the air time left and the platform."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from hypothesis import assume, given
from hypothesis import strategies as st

from orchestrator.platforms.quota_plan import (
    QUOTA_EXCEEDED,
    QUOTA_SHORT,
    QuotaPolicy,
    Span,
    channel_seconds,
    may_announce,
    may_reply,
    next_reset,
    plan_interval,
    show_length_covered,
    show_spans,
)
from orchestrator.rotation.engine import JAKARTA, channel_state
from tests.orchestrator.helpers import T0, small_event

POLICY = QuotaPolicy()
HOUR = timedelta(hours=1)


@given(
    left=st.integers(0, 10_000),
    on_air=st.floats(0, 86_400),
    platform_ms=st.integers(0, 120_000),
    replies=st.integers(0, 2_000),
)
def test_never_below_the_platform_interval_or_floor(left, on_air, platform_ms, replies) -> None:
    """Whatever the inputs, the wait is at least pollingIntervalMillis and the floor."""
    plan = plan_interval(POLICY, left, on_air, platform_ms, replies)
    assert plan.interval_s >= platform_ms / 1000
    assert plan.interval_s >= POLICY.floor_s


@given(left=st.integers(1_000, 10_000), on_air=st.floats(1, 86_400))
def test_planned_polls_fit_the_budget(left, on_air) -> None:
    """Polling the whole air time at the planned pace costs no more than the budget."""
    plan = plan_interval(POLICY, left, on_air, 1000)
    assume(plan.reason != QUOTA_SHORT)  # reading from the reserve is over budget by design
    polls = math.floor(on_air / plan.interval_s) + 1
    assert polls * POLICY.poll_cost <= plan.budget


def test_plenty_of_quota_polls_at_the_floor() -> None:
    """A short show with a fresh quota reads as often as allowed, and it fits."""
    plan = plan_interval(POLICY, 10_000, 1800, 2000)
    assert plan.interval_s == POLICY.floor_s and plan.fits and plan.reason is None


def test_platform_interval_wins_over_a_faster_plan() -> None:
    """When YouTube asks for 8 s the plan waits 8 s even with quota to spare."""
    assert plan_interval(POLICY, 10_000, 600, 8000).interval_s == 8.0


def test_long_day_stretches_the_interval() -> None:
    """A 6-hour show on a fresh quota is read about every 12 s, not every 5 s."""
    plan = plan_interval(POLICY, 10_000, 6 * 3600, 2000)
    assert 11.5 < plan.interval_s < 12.5 and plan.fits


def test_exhausted_quota_says_so() -> None:
    """With less than one read left the plan waits forever and names quotaExceeded."""
    plan = plan_interval(POLICY, 4, 3600, 2000)
    assert plan.interval_s == math.inf and plan.reason == QUOTA_EXCEEDED and not plan.fits


def test_only_the_reserve_left_reads_slowly_and_warns() -> None:
    """Once only the reserve is left, reads slow to the ceiling and the host is warned."""
    plan = plan_interval(POLICY, 700, 3600, 2000)
    assert plan.interval_s == POLICY.ceiling_s and plan.reason == QUOTA_SHORT


def test_quota_that_cannot_last_is_reported() -> None:
    """Four channels for 12 hours need more than a minute between reads: not fitting."""
    plan = plan_interval(POLICY, 10_000, 4 * 12 * 3600, 2000)
    assert plan.interval_s > POLICY.ceiling_s and not plan.fits and plan.reason == QUOTA_SHORT


def test_replies_use_the_allowance_then_only_spare_quota() -> None:
    """Confirmations spend their daily allowance, then only quota the polls cannot use."""
    assert may_reply(POLICY, 10_000, 6 * 3600, 2000, replies_spent=0)
    assert not may_reply(POLICY, 10_000, 6 * 3600, 2000, replies_spent=POLICY.reply_allowance)
    assert may_reply(POLICY, 10_000, 600, 2000, replies_spent=POLICY.reply_allowance)
    assert not may_reply(POLICY, POLICY.announce_reserve + 10, 0, 2000)


def test_announcements_fit_beside_the_polls_until_the_reserve_is_used() -> None:
    """An announcement fits while the reserve lasts; not once only the polls' share is left."""
    assert may_announce(POLICY, 10_000, 6 * 3600, 2000)
    assert may_announce(POLICY, 10_000, 600, 2000)
    assert not may_announce(POLICY, 700, 3600, 2000)  # reading from the reserve already
    assert not may_announce(POLICY, 3, 3600, 2000)


def test_next_reset_is_pacific_midnight() -> None:
    """The quota day ends at 08:00 UTC in winter and 07:00 UTC in summer."""
    assert next_reset(datetime(2027, 2, 15, 8, 30, tzinfo=UTC)) == datetime(
        2027, 2, 16, 8, 0, tzinfo=UTC
    )
    assert next_reset(datetime(2027, 7, 1, 6, 59, tzinfo=UTC)) == datetime(
        2027, 7, 1, 7, 0, tzinfo=UTC
    )


def test_show_spans_from_the_rotation_timeline() -> None:
    """A channel's timeline becomes one span per day, from its first start to its last end."""
    event = small_event(slots=4, minutes=30)
    state = channel_state(event.channel_slots("utama"), [], T0 + timedelta(minutes=45), JAKARTA)
    assert show_spans(state.timeline, JAKARTA) == [(T0, T0 + 2 * HOUR)]


def test_channel_seconds_counts_from_now_while_polling() -> None:
    """A polled channel counts from now; an idle one from its show; overtime to the reset."""
    spans = [(T0 + HOUR, T0 + 3 * HOUR)]
    horizon = next_reset(T0)
    assert channel_seconds(spans, T0, horizon, polling=False) == 2 * 3600
    assert channel_seconds(spans, T0, horizon, polling=True) == 3 * 3600
    late = T0 + 4 * HOUR
    assert channel_seconds(spans, late, horizon, polling=False) == 0
    assert channel_seconds(spans, late, horizon, polling=True) == (horizon - late).total_seconds()


def test_show_length_covered_at_the_floor() -> None:
    """The default quota covers about two and a half hours of one channel at 5 s."""
    covered = show_length_covered()
    assert 2 * 3600 + 25 * 60 < covered <= 2.5 * 3600
    assert show_length_covered(channels=2) == covered / 2


@dataclass
class Day:
    """A simulated quota day: every unit spent, every wait the plan asked for."""

    spent: int = 0
    replies_spent: int = 0
    polls: dict[str, int] = field(default_factory=dict)
    last_poll: dict[str, datetime] = field(default_factory=dict)
    waits: list[float] = field(default_factory=list)
    all_fit: bool = True


def simulate(spans: dict[str, list[Span]], platform_ms: int, reply_every_s: float = 30) -> Day:
    """Run the pollers the plan drives over the day, charging every call to one quota."""
    day, horizon = Day(), next_reset(T0)
    due = {c: s[0][0] for c, s in spans.items()}
    reply_due = dict(due)
    announce_at = T0
    while due:
        channel = min(due, key=due.__getitem__)
        now = due[channel]
        if now >= spans[channel][-1][1]:
            del due[channel]
            continue
        while announce_at <= now:  # the platform side announces a slot every half hour
            day.spent, announce_at = day.spent + 20, announce_at + timedelta(minutes=30)
        live = {c for c in due if spans[c][0][0] <= now}
        on_air = sum(channel_seconds(spans[c], now, horizon, c in live) for c in spans)
        left = POLICY.daily_quota - day.spent
        plan = plan_interval(POLICY, left, on_air, platform_ms, day.replies_spent)
        day.all_fit &= plan.fits
        day.waits.append(plan.interval_s)
        day.spent += POLICY.poll_cost
        day.polls[channel] = day.polls.get(channel, 0) + 1
        day.last_poll[channel] = now
        if now >= reply_due[channel] and may_reply(
            POLICY, left - POLICY.poll_cost, on_air, platform_ms, day.replies_spent
        ):
            day.spent += POLICY.reply_cost
            day.replies_spent += POLICY.reply_cost
            reply_due[channel] = now + timedelta(seconds=reply_every_s)
        due[channel] = now + timedelta(seconds=plan.interval_s)
    return day


def test_six_hour_day_on_one_channel_fits_the_daily_quota() -> None:
    """Six hours of polls, replies and announcements stay within 10,000 units."""
    day = simulate({"utama": [(T0, T0 + 6 * HOUR)]}, platform_ms=2000)
    assert day.spent <= POLICY.daily_quota
    assert min(day.waits) >= 2.0 and day.all_fit
    assert day.last_poll["utama"] >= T0 + 6 * HOUR - timedelta(seconds=POLICY.ceiling_s)
    assert day.polls["utama"] > 1500  # the quota is used, not hoarded


def test_two_channels_share_the_quota() -> None:
    """Two channels polled through overlapping shows stay within one quota together."""
    spans = {"utama": [(T0, T0 + 6 * HOUR)], "kuliner": [(T0 + HOUR, T0 + 5 * HOUR)]}
    day = simulate(spans, platform_ms=3000)
    assert day.spent <= POLICY.daily_quota
    assert min(day.waits) >= 3.0 and day.all_fit
    for channel, channel_spans in spans.items():
        end = channel_spans[-1][1]
        assert day.last_poll[channel] >= end - timedelta(seconds=POLICY.ceiling_s)
    assert day.polls["utama"] > day.polls["kuliner"] > 500


def test_platform_interval_slower_than_plan_is_obeyed_all_day() -> None:
    """When YouTube says 15 s the simulated day never reads faster, and spends less."""
    day = simulate({"utama": [(T0, T0 + 6 * HOUR)]}, platform_ms=15_000)
    assert min(day.waits) >= 15.0 and day.spent <= POLICY.daily_quota
