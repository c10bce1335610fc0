"""How often to read YouTube chat so that a whole day's shows fit the daily quota.

Pure: the chat pollers hand in the quota left, the on-air seconds still to cover and the
platform's ``pollingIntervalMillis``; the plan says how long to wait. Every chat read
costs 5 units of the 10,000 a day (reset at midnight Pacific), so the interval is the
quota's pace: the on-air seconds of every channel until the reset, divided by the polls
the quota can pay for once a reserve is kept for the messages the service sends. It is
never shorter than the platform's interval or our floor; longer than the ceiling means
the quota will not last at a useful pace, and the host is told.

Replies (order confirmations, 20 units each) come from a daily allowance kept out of the
poll budget, and beyond it only from what is left after polls at the fastest allowed
interval for the rest of the day: a confirmation never slows the reading of orders.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from orchestrator.rotation.engine import PlannedSlot

# YouTube's quota day ends at midnight Pacific time (API-NOTES).
PACIFIC = ZoneInfo("America/Los_Angeles")
DAILY_QUOTA = 10_000
LIST_COST, INSERT_COST = 5, 20

QUOTA_SHORT, QUOTA_EXCEEDED = "quotaShort", "quotaExceeded"
# Timeline statuses that still take air time (skipped and dropped slots have no times).
_AIRING = frozenset({"aired", "on_air", "held", "upcoming"})

Span = tuple[datetime, datetime]


@dataclass(frozen=True)
class QuotaPolicy:
    """The knobs of the plan; the defaults fit one 10,000-unit YouTube project."""

    daily_quota: int = DAILY_QUOTA
    poll_cost: int = LIST_COST
    reply_cost: int = INSERT_COST
    # Units the pollers leave to the platform side: a fixed part (closing a broadcast
    # costs 50) and a part per hour of air still to come on each channel (a 20-unit
    # announcement per slot). Scaling with the air time left lets the reserve shrink as
    # the day is used up, and a channel announcing more than planned slows only polls.
    announce_reserve: int = 200
    announce_per_hour: int = 80
    # Units a quota day may spend on confirmations even when polls are stretched.
    reply_allowance: int = 600
    # Never read faster than this, whatever the quota allows (reads of an idle chat
    # are wasted units); the platform's interval may ask for longer.
    floor_s: float = 5.0
    # Reading less often than this makes confirmations and the orders page lag: a plan
    # that needs longer is reported to the host as a quota problem.
    ceiling_s: float = 60.0


@dataclass(frozen=True)
class Plan:
    """When to read next, and whether the quota lasts the shows at a useful pace."""

    interval_s: float  # math.inf when no read can be paid for before the reset
    needed_s: float  # the interval the quota alone asks for
    fits: bool
    reason: str | None  # None, QUOTA_SHORT or QUOTA_EXCEEDED
    budget: int  # the units the polls may spend until the reset


def next_reset(now: datetime) -> datetime:
    """Return when YouTube's quota next resets: the coming midnight, Pacific time."""
    local = now.astimezone(PACIFIC)
    midnight = datetime.combine(local.date() + timedelta(days=1), time(), tzinfo=PACIFIC)
    return midnight.astimezone(now.tzinfo)


def quota_day(now: datetime) -> date:
    """Return the Pacific day a moment's quota spending is charged to."""
    return now.astimezone(PACIFIC).date()


def show_spans(timeline: Iterable[PlannedSlot], tz: ZoneInfo) -> list[Span]:
    """Turn a channel's timeline into one span per local day, first start to last end.

    A day's breaks count as on air: the broadcast (and its chat) stays live through a
    host segment or a short pause, and the poller keeps reading.
    """
    days: dict[date, Span] = {}
    for row in timeline:
        if row.status not in _AIRING or row.start is None or row.end is None:
            continue
        day = row.slot.start.astimezone(tz).date()
        first, last = days.get(day, (row.start, row.end))
        days[day] = (min(first, row.start), max(last, row.end))
    return [days[d] for d in sorted(days)]


def channel_seconds(
    spans: Sequence[Span], now: datetime, horizon: datetime, polling: bool
) -> float:
    """Return the seconds of chat one channel needs reading between now and ``horizon``.

    A channel being read counts from now (a broadcast may go live before its first
    slot); one read beyond its schedule counts until the horizon, since nobody knows
    when its chat will end.
    """
    clipped = [(max(s, now), min(e, horizon)) for s, e in spans if e > now and s < horizon]
    if polling:
        if not clipped:
            return max(0.0, (horizon - now).total_seconds())
        clipped[0] = (now, clipped[0][1])
    return sum((e - s).total_seconds() for s, e in clipped)


def _announcements(policy: QuotaPolicy, on_air_s: float) -> float:
    """Units the platform side needs for the rest of the day."""
    return policy.announce_reserve + policy.announce_per_hour * max(0.0, on_air_s) / 3600


def _reserve(policy: QuotaPolicy, on_air_s: float, replies_spent: int) -> float:
    """Units kept back from polling: announcements plus what is left of the allowance."""
    allowance = max(0, policy.reply_allowance - replies_spent)
    return _announcements(policy, on_air_s) + allowance


def fastest_s(policy: QuotaPolicy, platform_ms: int | None) -> float:
    """Return the shortest wait allowed: our floor or the platform's interval."""
    return max(policy.floor_s, (platform_ms or 0) / 1000)


def plan_interval(
    policy: QuotaPolicy,
    quota_left: int,
    on_air_s: float,
    platform_ms: int | None,
    replies_spent: int = 0,
) -> Plan:
    """Plan the wait before the next read from the quota left and the air time to cover.

    ``on_air_s`` is the sum over every channel (``channel_seconds``): all pollers share
    one quota, and each waits the same interval.
    """
    fastest = fastest_s(policy, platform_ms)
    if quota_left < policy.poll_cost:
        return Plan(math.inf, math.inf, False, QUOTA_EXCEEDED, max(0, quota_left))
    budget = int(quota_left - _reserve(policy, on_air_s, replies_spent))
    if budget < policy.poll_cost:
        # Only the reserve is left: read slowly from it, as orders come before replies.
        slowest = max(policy.ceiling_s, fastest)
        return Plan(slowest, math.inf, False, QUOTA_SHORT, quota_left)
    # One poll of margin: the read at the very end of the span is paid for too.
    reads = max(budget - policy.poll_cost, policy.poll_cost) / policy.poll_cost
    needed = max(0.0, on_air_s) / reads
    interval = max(needed, fastest)
    fits = needed <= max(policy.ceiling_s, fastest)
    return Plan(interval, needed, fits, None if fits else QUOTA_SHORT, budget)


def may_reply(
    policy: QuotaPolicy,
    quota_left: int,
    on_air_s: float,
    platform_ms: int | None,
    replies_spent: int = 0,
) -> bool:
    """Tell whether one more chat message can be paid for without slowing the polls."""
    if quota_left - policy.reply_cost < _announcements(policy, on_air_s):
        return False
    if replies_spent + policy.reply_cost <= policy.reply_allowance:
        return True  # the allowance is already kept out of the poll budget
    polls = policy.poll_cost * (max(0.0, on_air_s) / fastest_s(policy, platform_ms) + 1)
    spare = quota_left - _reserve(policy, on_air_s, replies_spent) - polls
    return spare >= policy.reply_cost


def may_announce(
    policy: QuotaPolicy,
    quota_left: int,
    on_air_s: float,
    platform_ms: int | None,
    replies_spent: int = 0,
) -> bool:
    """Tell the platform side whether one announcement fits beside the planned polls."""
    plan = plan_interval(policy, quota_left, on_air_s, platform_ms, replies_spent)
    if not math.isfinite(plan.needed_s):
        return False
    polls = policy.poll_cost * (max(0.0, on_air_s) / plan.interval_s + 1)
    allowance = max(0, policy.reply_allowance - replies_spent)
    return quota_left - policy.reply_cost - allowance - polls >= 0


def show_length_covered(
    policy: QuotaPolicy | None = None, interval_s: float | None = None, channels: int = 1
) -> float:
    """Return how many seconds of show a full day's quota covers at ``interval_s``.

    Without an interval, the fastest allowed (the floor): the README's figure. Solves
    ``reads * poll_cost + reserve(air) <= daily_quota`` for the air time.
    """
    policy = policy or QuotaPolicy()
    interval = policy.floor_s if interval_s is None else interval_s
    fixed = policy.daily_quota - policy.announce_reserve - policy.reply_allowance
    fixed -= policy.poll_cost  # the margin read at the very end
    per_second = policy.poll_cost / interval + policy.announce_per_hour / 3600
    return max(0.0, fixed / (per_second * channels))
