"""How each show day's chat was read in a rehearsal: transport, reconnects, quota.

A publisher listener on ``panel.chat`` (the chat readers' statuses): per show day and
channel it keeps the transports used (stream, poll), the stream reconnects and the
fallbacks to polling; per show day, the units the sandbox charged for reading chat
(``streamList`` opens and ``list`` pages).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from kernel.publisher import Message

CHAT_METHODS = ("liveChatMessages.streamList", "liveChatMessages.list")


@dataclass
class DayChannel:
    """One channel's chat reading on one show day."""

    transports: set[str] = field(default_factory=set)
    reconnects: int = 0
    fallbacks: int = 0


@dataclass
class ChatTransports:
    """Record the chat readers' statuses by show day (a ``publisher.listen`` callback)."""

    now: Callable[[], datetime]
    tz: ZoneInfo
    spent: Callable[[], Mapping[str, int]] = dict  # the sandbox's units by method, cumulative
    days: dict[tuple[str, str], DayChannel] = field(default_factory=dict)
    units_seen: dict[str, int] = field(default_factory=dict)  # cumulative chat units by day
    _last: dict[str, tuple[int, int]] = field(default_factory=dict)  # reconnects, fallbacks

    def __call__(self, message: Message) -> None:
        data = message.data if isinstance(message.data, Mapping) else {}
        day = self.now().astimezone(self.tz).date().isoformat()
        row = self.days.setdefault((day, message.channel), DayChannel())
        if data.get("transport"):
            row.transports.add(str(data["transport"]))
        reconnects, fallbacks = int(data.get("reconnects") or 0), int(data.get("fallbacks") or 0)
        seen_reconnects, seen_fallbacks = self._last.get(message.channel, (0, 0))
        # A new streamer counts from 0 again: then all it reports is new.
        row.reconnects += (
            reconnects - seen_reconnects if reconnects >= seen_reconnects else reconnects
        )
        row.fallbacks += max(0, fallbacks - seen_fallbacks)
        self._last[message.channel] = (reconnects, fallbacks)
        spent = self.spent()
        self.units_seen[day] = sum(int(spent.get(m, 0)) for m in CHAT_METHODS)

    def rows(self) -> list[dict[str, Any]]:
        """Per show day and channel, for the report; chat units per day (not per channel:
        the channels share one quota)."""
        before, units = 0, {}
        for day in sorted(self.units_seen):
            units[day], before = self.units_seen[day] - before, self.units_seen[day]
        return [
            {"date": day, "channel": channel, "transports": sorted(row.transports),
             "reconnects": row.reconnects, "fallbacks": row.fallbacks,
             "chat_units": units.get(day, 0)}
            for (day, channel), row in sorted(self.days.items())
        ]  # fmt: skip
