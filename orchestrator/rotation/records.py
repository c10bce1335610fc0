"""The host's actions and each channel's last published state, in SQLite.

The actions log is append-only: the rotation is rebuilt after a restart by replaying it
through the engine, so it is the truth; ``run_state`` is a readable copy of the last
published answer for tools and for checking a restart.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlite_utils import Database

from kernel.db import apply_migrations
from kernel.times import parse_utc, utc_iso


def _tables(db: Database) -> None:
    db["actions"].create(
        {
            "id": int,
            "channel": str,
            "kind": str,
            "slot_id": str,
            "minutes": float,
            "at_utc": str,
            "by": str,
            "recorded_utc": str,
        },
        pk="id",
    )
    db["actions"].create_index(["channel", "id"])
    db["run_state"].create(
        {
            "channel": str,
            "status": str,
            "slot_id": str,
            "start_utc": str,
            "end_utc": str,
            "remaining_s": float,
            "revision": int,
            "updated_utc": str,
        },
        pk="channel",
    )


def migrate(db: Database) -> None:
    apply_migrations(db, "rotation", [_tables])


def append_action(db: Database, channel: str, fields: dict) -> int:
    """Store one host action durably before it takes effect; return its id."""
    with db.atomic():
        row = {
            "channel": channel,
            "kind": fields["kind"],
            "slot_id": fields.get("slot_id"),
            "minutes": fields.get("minutes"),
            "at_utc": utc_iso(fields["at"]),
            "by": fields.get("by", ""),
            "recorded_utc": utc_iso(datetime.now(UTC)),
        }
        return db["actions"].insert(row).last_pk


def load_actions(db: Database, channel: str | None = None) -> list[dict]:
    """Read actions in the order they were taken, with ``at`` as an aware datetime."""
    sql = "SELECT * FROM actions"
    params: list = []
    if channel is not None:
        sql += " WHERE channel = ?"
        params.append(channel)
    rows = db.query(sql + " ORDER BY id", params)
    return [
        {
            "id": r["id"],
            "channel": r["channel"],
            "kind": r["kind"],
            "slot_id": r["slot_id"],
            "minutes": r["minutes"],
            "at": parse_utc(r["at_utc"]),
            "by": r["by"] or "",
        }
        for r in rows
    ]


def save_run_state(db: Database, channel: str, row: dict) -> None:
    """Keep the last published state of a channel (a copy; the actions are the truth)."""
    with db.atomic():
        db["run_state"].upsert(
            {"channel": channel, **row, "updated_utc": utc_iso(datetime.now(UTC))}, pk="channel"
        )
