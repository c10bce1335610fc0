"""The platform_resources table: rows round-trip, scopes stay apart."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlite_utils import Database

from orchestrator.platforms import resources
from orchestrator.platforms.resources import ENSURED, LIVE, Resources


def test_row_round_trips_with_times_and_error() -> None:
    """Every field, the times and the JSON error come back as written."""
    db = Database(memory=True)
    resources.migrate(db)
    row = Resources(
        "live",
        "utama",
        "2027-02-15",
        marker="pl-x",
        meeting_id="85000000001",
        join_url="https://zoom.us/j/85000000001",
        broadcast_id="b1",
        stream_id="s1",
        live_chat_id="c1",
        ingestion_address="rtmp://a.rtmp.youtube.com/live2",
        stream_name="abcd-efgh",
        step=ENSURED,
        failed_step="go_live",
        retry_at=datetime(2027, 2, 15, 8, 31, tzinfo=UTC),
        last_error={"step": "go_live", "reason": "streamInactive", "message": "…"},
        updated_at=datetime(2027, 2, 15, 8, 30, tzinfo=UTC),
    )
    resources.save(db, row)
    assert resources.load(db, "live") == [row]
    resources.save(db, row.but(step=LIVE, failed_step=None, retry_at=None))
    (again,) = resources.load(db, "live")
    assert again.step == LIVE and again.retry_at is None and again.meeting_id == "85000000001"


def test_scopes_are_kept_apart_and_forgotten_alone() -> None:
    """A sandbox's rows never show up for the real accounts, and can be dropped alone."""
    db = Database(memory=True)
    resources.migrate(db)
    resources.migrate(db)  # twice is harmless
    resources.save(db, Resources("live", "utama", "2027-02-15", broadcast_id="real"))
    resources.save(db, Resources("sandbox-local", "utama", "2027-02-15", broadcast_id="fake"))
    assert [r.broadcast_id for r in resources.load(db, "live")] == ["real"]
    resources.forget(db, "sandbox-local")
    assert resources.load(db, "sandbox-local") == []
    assert len(resources.load(db, "live")) == 1


def test_started_and_done() -> None:
    """`started` once a marker or an id exists; `done` compares lifecycle steps."""
    row = Resources("live", "utama", "2027-02-15")
    assert not row.started and row.done("new") and not row.done(ENSURED)
    assert row.but(marker="m").started and row.but(step=LIVE).done(ENSURED)
