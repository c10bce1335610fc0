"""Everything the two fake services share: clock, ids, counters, quota, objects."""

from __future__ import annotations

import random
import string
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from kernel.clock import Clock, RealClock

from .chat import Author, super_chat_details
from .faults import Faults
from .quota import DEFAULT_DAILY_LIMIT, Quota
from .youtube_state import YouTubeState
from .zoom_state import ZoomState

# Prefixes that make sandbox ids easy to recognise in logs.
_ID_SHAPES = {
    "liveBroadcast": ("sbxB", 7),
    "liveStream": ("sbxS", 20),
    "liveChat": ("sbxC", 20),
    "liveChatMessage": ("sbxM", 24),
}


@dataclass
class SandboxConfig:
    """Knobs of the fake services; defaults follow the real ones."""

    seed: int = 0
    polling_interval_ms: int = 2000
    chat_ended_grace: timedelta = timedelta(minutes=10)
    settle_seconds: float = 0.0
    daily_quota: int = DEFAULT_DAILY_LIMIT
    zoom_daily_meeting_limit: int = 100
    zoom_credentials: tuple[str, str] | None = None
    # streamList (grpc_chat): a stream with nothing new for this long (clock seconds)
    # sends one empty response and ends, as others report of quiet real chats.
    stream_idle_seconds: float = 10.0
    # ... and sends at most one response per this many real seconds (a busy chat's
    # messages come in batches).
    stream_gap_s: float = 0.02


class SandboxState:
    """The shared, inspectable state behind both fake services."""

    def __init__(
        self,
        clock: Clock | None = None,
        config: SandboxConfig | None = None,
        faults: Faults | None = None,
    ) -> None:
        self.clock: Clock = clock or RealClock()
        self.config = config or SandboxConfig()
        self.creates: Counter[str] = Counter()
        self.calls: Counter[str] = Counter()
        self.quota = Quota(limit=self.config.daily_quota)
        self._rng = random.Random(self.config.seed)
        self._meeting_serial = 85_000_000_000
        self.youtube = YouTubeState(
            self.clock, self.creates, self.new_id, self.config.settle_seconds
        )
        self.zoom = ZoomState(
            self.clock,
            self.creates,
            self.youtube,
            self.new_meeting_id,
            credentials=self.config.zoom_credentials,
            daily_meeting_limit=self.config.zoom_daily_meeting_limit,
        )
        self.faults = faults or Faults()
        # The streaming chat's address once its gRPC server runs, and switches for tests:
        # a gRPC status every stream open fails with (e.g. "UNIMPLEMENTED"), and access
        # tokens that are refused as expired (UNAUTHENTICATED).
        self.grpc_target: str | None = None
        self.stream_failure: str | None = None
        self.expired_tokens: set[str] = set()
        self.stream_tokens: list[str] = []  # the page token of every stream opened

    @property
    def faults(self) -> Faults:
        """The fault plan requests are checked against."""
        return self._faults

    @faults.setter
    def faults(self, faults: Faults) -> None:
        """Swap the fault plan (per test); its quota point applies to the quota at once."""
        self._faults = faults
        self.quota.exhaust_after = faults.quota_after

    def new_id(self, kind: str) -> str:
        """Make a deterministic, YouTube-looking id for a new object."""
        if kind == "streamName":
            groups = ("".join(self._rng.choices(string.ascii_lowercase, k=4)) for _ in range(5))
            return "-".join(groups)
        prefix, length = _ID_SHAPES[kind]
        alphabet = string.ascii_letters + string.digits + "-_"
        return prefix + "".join(self._rng.choices(alphabet, k=length))

    def new_meeting_id(self) -> int:
        """Make the next 11-digit Zoom meeting id."""
        self._meeting_serial += self._rng.randint(1, 999_999)
        return self._meeting_serial

    def polling_interval_ms(self) -> int:
        """Return the chat polling interval, shortened when the clock runs fast."""
        return max(1, round(self.config.polling_interval_ms / self.clock.speed))

    def add_chat_message(
        self,
        live_chat_id: str,
        text: str,
        *,
        author_channel_id: str = "UCsandboxViewer00000001",
        display_name: str = "Penonton",
        is_moderator: bool = False,
        super_chat_idr: int | None = None,
        published_at: datetime | None = None,
    ) -> dict[str, Any]:
        """Type a viewer's message straight into a chat (no HTTP, no quota)."""
        author = Author(author_channel_id, display_name, is_moderator=is_moderator)
        if super_chat_idr is None:
            return self.youtube.post(live_chat_id, text, author, published_at=published_at)
        return self.youtube.post(
            live_chat_id,
            text,
            author,
            kind="superChatEvent",
            super_chat=super_chat_details(super_chat_idr, text),
            published_at=published_at,
        )

    def snapshot(self) -> dict[str, Any]:
        """Return a JSON-ready summary, for tests and the standalone state page."""
        now = self.clock.now()
        return {
            "now": now.isoformat(),
            "creates": dict(self.creates),
            "calls": dict(self.calls),
            "quota": {
                "used": self.quota.used,
                "remaining": self.quota.remaining(now),
                "by_method": dict(self.quota.spent_by_method),
            },
            "broadcasts": {
                k: v["status"]["lifeCycleStatus"] for k, v in self.youtube.broadcasts.items()
            },
            "streams": {k: v["status"]["streamStatus"] for k, v in self.youtube.streams.items()},
            "chats": {k: len(v.messages) for k, v in self.youtube.chats.items()},
            "meetings": {k: v["status"] for k, v in self.zoom.meetings.items()},
            "faults": [list(entry) for entry in self.faults.log],
            "grpc_target": self.grpc_target,
            "stream_tokens": list(self.stream_tokens),
        }
