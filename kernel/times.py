"""Time as stored and sent: UTC with a ``Z``; the event's zone only on screen."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

JAKARTA = ZoneInfo("Asia/Jakarta")


def utc_iso(moment: datetime) -> str:
    """Write an aware datetime as UTC ISO 8601 with a ``Z``: the storage format."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def iso_z(moment: datetime, timespec: str = "auto") -> str:
    """Write an aware datetime for JSON and APIs: ISO 8601 in UTC with a ``Z``."""
    return moment.astimezone(UTC).isoformat(timespec=timespec).replace("+00:00", "Z")


def parse_utc(text: str) -> datetime:
    """Read a stored UTC timestamp back into an aware datetime."""
    moment = datetime.fromisoformat(text)  # reads the Z since Python 3.11
    return moment if moment.tzinfo is UTC else moment.astimezone(UTC)
