"""``pasar-live purge --personal-data``: who is forgotten, who is kept, what stays for figures."""

from __future__ import annotations

import argparse
import io
from datetime import timedelta

import pytest

from kernel.clock import ManualClock
from kernel.db import open_db
from kernel.errors import BadInput
from kernel.times import utc_iso
from orchestrator.checkout import purge_command, schema
from orchestrator.checkout import store as checkout_store
from orchestrator.checkout.model import Details
from orchestrator.checkout.purge import purge_personal_data
from tests.orchestrator.helpers import T0, save, small_event

SHOW_END = T0 + timedelta(minutes=40)  # small_event: four slots of ten minutes
LATER = T0 + timedelta(days=30)
HOME = Details("Budi Santoso", "+6281234567890", "kurir", "Jawa Timur", "Kabupaten Jember",
               "Sumbersari", "68121", "Jl. Kalimantan 37")  # fmt: skip


def _buyer(db, status: str | None, at, proof: str | None = None) -> int:
    """A buyer with details and, when ``status`` is given, one parcel in that status."""
    buyer_id, _ = checkout_store.new_buyer(db, at)
    checkout_store.save_details(db, buyer_id, HOME, at)
    db.execute(
        "INSERT INTO buyer_authors (platform, author_id, buyer_id, author_name, bound_utc)"
        " VALUES ('youtube', ?, ?, 'Budi S', ?)",
        [f"UC{buyer_id}", buyer_id, utc_iso(at)],
    )
    if status is not None:
        parcel = db.execute(
            "INSERT INTO parcels (buyer_id, vendor_id, status, total_idr, created_utc,"
            " updated_utc) VALUES (?, 'v0', ?, 45000, ?, ?)",
            [buyer_id, status, utc_iso(at), utc_iso(at)],
        ).lastrowid
        db.execute(
            "INSERT INTO payments (parcel_id, method, amount_idr, at_utc, proof_file)"
            " VALUES (?, 'qris', 45000, ?, ?)",
            [parcel, utc_iso(at), proof],
        )
    db.conn.commit()
    return buyer_id


@pytest.fixture
def db(tmp_path):
    save(tmp_path / "pasar.db", small_event())
    database = open_db(tmp_path / "pasar.db")
    schema.migrate(database)
    yield database
    database.close()


def _row(db, buyer_id: int) -> dict:
    return next(db.query("SELECT * FROM buyers WHERE id = ?", [buyer_id]))


def test_finished_buyers_lose_name_phone_street_and_keep_their_province(db) -> None:
    """A buyer whose parcel was shipped is blanked; province, country and money stay."""
    buyer = _buyer(db, "shipped", SHOW_END + timedelta(days=1))
    result = purge_personal_data(db, LATER, LATER + timedelta(days=1))
    row = _row(db, buyer)
    assert (result.buyers, result.authors) == (1, 1)
    assert [row[k] for k in ("name", "whatsapp", "street", "postal_code", "district")] == [None] * 5
    assert (row["province"], row["country"]) == ("Jawa Timur", "Indonesia")
    assert db.execute("SELECT author_name FROM buyer_authors").fetchone() == (None,)
    assert db.execute("SELECT total_idr, status FROM parcels").fetchone() == (45000, "shipped")


def test_buyers_with_work_pending_or_active_after_the_date_are_kept(db) -> None:
    """A parcel still to confirm, pack or ship keeps its buyer; so does later activity."""
    waiting = [_buyer(db, s, SHOW_END + timedelta(days=1)) for s in ("claimed", "paid", "packed")]
    recent = _buyer(db, "received", LATER + timedelta(days=2))
    result = purge_personal_data(db, LATER, LATER + timedelta(days=3))
    assert (result.buyers, result.kept_pending) == (0, 3)
    assert all(_row(db, b)["whatsapp"] == HOME.whatsapp for b in [*waiting, recent])


def test_a_running_event_or_a_future_date_is_refused(db) -> None:
    """The event must be over at --before, and --before cannot be in the future."""
    with pytest.raises(BadInput, match="belum selesai"):
        purge_personal_data(db, T0 + timedelta(minutes=20), LATER)
    with pytest.raises(BadInput, match="masa depan"):
        purge_personal_data(db, LATER, T0)


def test_the_command_counts_rows_and_deletes_receipts_only_for_real(tmp_path, db) -> None:
    """--dry-run changes nothing; the real run blanks the buyer and deletes its receipt."""
    proofs = tmp_path / "bukti-bayar"
    proofs.mkdir()
    (proofs / "abc.jpg").write_bytes(b"\xff\xd8\xff receipt")
    buyer = _buyer(db, "received", SHOW_END + timedelta(days=1), proof="abc.jpg")
    clock = ManualClock(LATER + timedelta(days=1))
    args = argparse.Namespace(before=LATER.date().isoformat(), dry_run=True)
    out = io.StringIO()
    assert purge_command.run(args, tmp_path / "pasar.db", clock, out) == 0
    assert "3 baris akan diubah" in out.getvalue()
    assert _row(db, buyer)["name"] == HOME.name and (proofs / "abc.jpg").exists()
    out = io.StringIO()
    args.dry_run = False
    assert purge_command.run(args, tmp_path / "pasar.db", clock, out) == 0
    assert "3 baris diubah" in out.getvalue()
    assert _row(db, buyer)["name"] is None and not (proofs / "abc.jpg").exists()
    assert db.execute("SELECT proof_file FROM payments").fetchone() == (None,)


def test_a_date_that_is_not_a_date_says_so() -> None:
    """--before takes YYYY-MM-DD and says what it got."""
    with pytest.raises(BadInput, match="YYYY-MM-DD"):
        purge_command.before_moment("15/03/2027")
