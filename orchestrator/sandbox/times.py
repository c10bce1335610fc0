"""Times written the way the fake services write them (the clocks are in kernel.clock)."""

from __future__ import annotations

from datetime import UTC, datetime


def rfc3339(moment: datetime) -> str:
    """Format a time the way Google and Zoom do (UTC, `Z`)."""
    text = moment.astimezone(UTC).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")


def zoom_time(moment: datetime) -> str:
    """Format a time the way Zoom does (UTC, whole seconds, `Z`)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
