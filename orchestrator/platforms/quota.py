"""YouTube's daily quota as we count it: each call's cost, on the Pacific day.

Our tally follows API-NOTES' costs; YouTube's own word (403 ``quotaExceeded``) is final.
The count is advisory (a project may have more than 10,000 units); only YouTube saying
the quota is gone stops calls before they are sent, until the day rolls over or the
host asks again. The tally is kept in SQLite per quota day (``quota_store``), so a
restart goes on from what was spent instead of planning with quota it does not have.
"""

from __future__ import annotations

from collections.abc import Callable
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
        # Told (day, used, exhausted) after every change; may run on a worker thread.
        self.on_change: Callable[[date, int, bool], None] | None = None

    def today(self) -> date:
        """The quota day now: YouTube's day runs on Pacific time."""
        return self.clock.now().astimezone(PACIFIC).date()

    def restore(self, day: date, used: int, exhausted: bool) -> None:
        """Go on from a tally stored before a restart (ignored if it is not today's)."""
        self._roll()
        if day == self._day:
            self._used = max(self._used, used)
            self._exhausted = self._exhausted or exhausted

    def _changed(self) -> None:
        if self.on_change is not None and self._day is not None:
            self.on_change(self._day, self._used, self._exhausted)

    def _roll(self) -> None:
        """Start a fresh budget when the Pacific day has changed, as YouTube's does."""
        today = self.today()
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
        self._changed()

    def exhaust(self) -> None:
        """YouTube said quotaExceeded: nothing more today, whatever our count says."""
        self._roll()
        self._exhausted = True
        self._used = max(self._used, self.limit)
        self._changed()

    def recheck(self) -> None:
        """Let the next call ask YouTube again (the owner may have raised the quota)."""
        self._exhausted = False
