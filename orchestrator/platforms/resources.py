"""What exists on the platforms for each channel and day, saved the moment it is known.

One row per scope, channel and (local) show day (the scope keeps real ids apart from
sandbox ids, which die with their sandbox): the Zoom meeting, the YouTube broadcast, stream
and chat, where Zoom must push video, the lifecycle step done, the last error. The
manager writes a row before it moves on from each create, and writes the lookup marker
before it sends a create, so a process killed at any point finds (rather than repeats)
what it had started. Synchronous store functions, run on the database thread.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from kernel.db import apply_migrations
from kernel.times import parse_utc, utc_iso

# Lifecycle steps in order; a row's ``step`` is the last one completed.
NEW, ENSURED, LIVE, FINISHED = "new", "ensured", "live", "finished"
STEPS = (NEW, ENSURED, LIVE, FINISHED)
TABLE = "platform_resources"
KEY = ("scope", "channel", "day")


@dataclass(frozen=True)
class Resources:
    """One channel's platform objects for one show day, and how far its lifecycle got."""

    scope: str
    channel: str
    day: str
    marker: str = ""
    meeting_id: str | None = None
    join_url: str | None = None
    broadcast_id: str | None = None
    stream_id: str | None = None
    live_chat_id: str | None = None
    ingestion_address: str | None = None
    stream_name: str | None = None
    step: str = NEW
    announced_slot: str | None = None
    announcing_slot: str | None = None
    failed_step: str | None = None
    retry_at: datetime | None = None
    last_error: dict[str, Any] | None = None
    updated_at: datetime | None = None

    def done(self, step: str) -> bool:
        """Tell whether ``step`` (or a later one) is complete."""
        return STEPS.index(self.step) >= STEPS.index(step)

    @property
    def started(self) -> bool:
        """Tell whether anything was (or may have been) created for this day."""
        return bool(self.marker or self.meeting_id or self.broadcast_id or self.stream_id)

    def but(self, **changes: Any) -> Resources:
        """Return a copy with ``changes`` (a shorter ``dataclasses.replace``)."""
        return replace(self, **changes)


def _create_table(db: Database) -> None:
    columns: dict[str, Any] = {f.name: str for f in fields(Resources)}
    db[TABLE].create(columns, pk=KEY, not_null={*KEY, "step"})


def migrate(db: Database) -> None:
    """Create the table if this database has not got it yet."""
    apply_migrations(db, TABLE, [_create_table])


def _to_row(res: Resources) -> dict[str, Any]:
    row = asdict(res)
    for name in ("retry_at", "updated_at"):
        row[name] = utc_iso(row[name]) if row[name] else None
    row["last_error"] = json.dumps(row["last_error"]) if row["last_error"] else None
    return row


def _from_row(row: dict[str, Any]) -> Resources:
    values = dict(row)
    for name in ("retry_at", "updated_at"):
        values[name] = parse_utc(values[name]) if values[name] else None
    values["last_error"] = json.loads(values["last_error"]) if values["last_error"] else None
    return Resources(**values)


def save(db: Database, res: Resources) -> None:
    """Write the row now (one transaction), replacing what was there."""
    with db.atomic():
        db[TABLE].upsert(_to_row(res), pk=KEY)


def load(db: Database, scope: str) -> list[Resources]:
    """Read the rows of one scope, by channel, oldest day first."""
    migrate(db)
    rows = db[TABLE].rows_where("scope = ?", [scope], order_by="channel, day")
    return [_from_row(row) for row in rows]


def forget(db: Database, scope: str) -> None:
    """Drop a scope's rows (an in-process sandbox starts empty, so its old ids mean nothing)."""
    migrate(db)
    with db.atomic():
        db[TABLE].delete_where("scope = ?", [scope])
