"""YouTube's daily quota as we count it: each call's cost, on the Pacific day.

Our tally follows API-NOTES' costs; YouTube's own word (403 ``quotaExceeded``) is final.
The count is advisory (a project may have more than 10,000 units); only YouTube saying
the quota is gone stops calls before they are sent, until the day rolls over or the
host asks again.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from .retry import NowSource

PACIFIC = ZoneInfo("America/Los_Angeles")
DAILY_QUOTA = 10_000
# Units per call, from API-NOTES (the 50s are published but unconfirmed).
COSTS: dict[str, int] = {
    "liveBroadcasts.insert": 50,
    "liveBroadcasts.bind": 50,
    "liveBroadcasts.transition": 50,
    "liveBroadcasts.list": 1,
    "liveStreams.insert": 50,
    "liveStreams.list": 1,
    "liveChatMessages.list": 5,
    "liveChatMessages.insert": 20,
    "videos.update": 50,
}


class QuotaTracker:
    """Units spent on the current Pacific day, by our own count of each call's cost."""

    def __init__(self, clock: NowSource, limit: int = DAILY_QUOTA) -> None:
        self.clock = clock
        self.limit = limit
        self._day: date | None = None
        self._used = 0
        self._exhausted = False

    def _roll(self) -> None:
        """Start a fresh budget when the Pacific day has changed, as YouTube's does."""
        today = self.clock.now().astimezone(PACIFIC).date()
        if today != self._day:
            self._day, self._used, self._exhausted = today, 0, False

    @property
    def exhausted(self) -> bool:
        """Tell whether YouTube itself said quotaExceeded today (then no call can work)."""
        self._roll()
        return self._exhausted

    @property
    def used(self) -> int:
        """Units spent today."""
        self._roll()
        return self._used

    def left(self) -> int:
        """Units left today."""
        return max(0, self.limit - self.used)

    def can_spend(self, units: int) -> bool:
        """Tell whether ``units`` more still fit in today's budget."""
        return self.left() >= units

    def charge(self, units: int) -> None:
        """Count units spent."""
        self._roll()
        self._used += units

    def exhaust(self) -> None:
        """YouTube said quotaExceeded: nothing more today, whatever our count says."""
        self._roll()
        self._exhausted = True
        self._used = max(self._used, self.limit)

    def recheck(self) -> None:
        """Let the next call ask YouTube again (the owner may have raised the quota)."""
        self._exhausted = False
