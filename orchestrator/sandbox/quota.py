"""YouTube's daily quota: what each call costs and when the day's budget runs out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from .errors import YouTubeError

# YouTube's quota day ends at midnight Pacific time.
PACIFIC = ZoneInfo("America/Los_Angeles")
DEFAULT_DAILY_LIMIT = 10_000

# Units per method, from API-NOTES (the 50s are YouTube's published but unconfirmed figures).
COSTS: dict[str, int] = {
    "liveBroadcasts.insert": 50,
    "liveBroadcasts.bind": 50,
    "liveBroadcasts.transition": 50,
    "liveBroadcasts.list": 1,
    "liveStreams.insert": 50,
    "liveStreams.list": 1,
    "liveChatMessages.list": 5,
    "liveChatMessages.insert": 20,
    # Opening one stream: undocumented; others estimate one list page (API-NOTES).
    "liveChatMessages.streamList": 5,
    "videos.update": 50,
}
# What a request that fails validation still costs.
INVALID_REQUEST_COST = 1


def quota_day(moment: datetime) -> date:
    """Return the Pacific calendar day a moment is charged to."""
    return moment.astimezone(PACIFIC).date()


@dataclass
class Quota:
    """Units spent on the current Pacific day against a daily limit."""

    limit: int = DEFAULT_DAILY_LIMIT
    exhaust_after: int | None = None
    day: date | None = None
    used: int = 0
    spent_by_method: dict[str, int] = field(default_factory=dict)

    def effective_limit(self) -> int:
        """Return the limit, lowered when a fault asks for early exhaustion."""
        if self.exhaust_after is None:
            return self.limit
        return min(self.limit, self.exhaust_after)

    def roll(self, now: datetime) -> None:
        """Start a fresh budget when the Pacific day has changed."""
        today = quota_day(now)
        if self.day != today:
            self.day = today
            self.used = 0

    def remaining(self, now: datetime) -> int:
        """Return the units left today."""
        self.roll(now)
        return max(0, self.effective_limit() - self.used)

    def check(self, method: str, now: datetime) -> None:
        """Refuse a call that today's remaining budget cannot pay for."""
        if self.remaining(now) < COSTS.get(method, 1):
            raise YouTubeError(
                403,
                "quotaExceeded",
                "The request cannot be completed because you have exceeded your "
                '<a href="/youtube/v3/getting-started#quota">quota</a>.',
                domain="youtube.quota",
            )

    def charge(self, method: str, now: datetime, *, ok: bool) -> int:
        """Record the cost of a call: its price when it worked, a token unit when not."""
        self.roll(now)
        cost = COSTS.get(method, 1) if ok else INVALID_REQUEST_COST
        self.used += cost
        self.spent_by_method[method] = self.spent_by_method.get(method, 0) + cost
        return cost

    def exhaust(self, now: datetime) -> None:
        """Spend the rest of today's budget at once."""
        self.roll(now)
        self.used = max(self.used, self.effective_limit())
