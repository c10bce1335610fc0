"""Removing buyers' personal data once an event is over (Indonesia's personal-data law).

Personal data lives only in ``buyers`` (name, WhatsApp, address), in the names bound chat
accounts carry in ``buyer_authors``, and in receipt photos (``payments.proof_file``).
A purge blanks those for the buyers last active before a date, in an event whose shows
all ended before it, and keeps what the sales figures need: parcels, amounts, statuses,
the buyer's province and country. A buyer with a parcel still to be confirmed, packed or
shipped is kept whole: the vendor still needs the address.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlite_utils import Database

from kernel.errors import BadInput
from kernel.times import parse_utc, utc_iso
from orchestrator.checkout.model import CLAIMED, PACKED, PAID

# Work a vendor still has to do with the buyer's address in hand.
PENDING = (CLAIMED, PAID, PACKED)
_BLANKED = ("name", "whatsapp", "regency", "district", "postal_code", "street")
PURGED_BY = "purge"


@dataclass
class PurgeResult:
    """What a purge changed (or, dry, would change)."""

    buyers: int = 0  # buyers whose details were blanked
    authors: int = 0  # chat accounts whose display name was blanked
    proofs: list[str] = field(default_factory=list)  # receipt photo files to delete
    kept_pending: int = 0  # buyers kept: a parcel still needs their address

    @property
    def rows(self) -> int:
        return self.buyers + self.authors + len(self.proofs)


def last_show_end(db: Database) -> datetime | None:
    """When the event's last slot ends (None without slots)."""
    if not db["slots"].exists():
        return None
    row = db.execute("SELECT max(end_utc) FROM slots").fetchone()
    return parse_utc(row[0]) if row and row[0] else None


def purge_personal_data(
    db: Database, before: datetime, now: datetime, dry_run: bool = False
) -> PurgeResult:
    """Blank the personal data of buyers last active before ``before``, in one transaction.

    Refuses a date in the future and an event still running at that date. Returns the
    counts and the receipt files the caller deletes once the transaction committed.
    """
    if before > now:
        raise BadInput("Tanggal --before tidak boleh di masa depan (date is in the future).")
    last = last_show_end(db)
    if last is not None and last >= before:
        raise BadInput(
            f"Acara belum selesai sebelum tanggal itu: siaran terakhir berakhir {utc_iso(last)}"
            " (the event's last show ends after --before)."
        )
    if not db["buyers"].exists():
        return PurgeResult()
    stamp = utc_iso(before)
    marks = ",".join("?" * len(PENDING))
    candidates = [
        r[0]
        for r in db.execute(
            "SELECT b.id FROM buyers b WHERE b.updated_utc < ? AND b.name IS NOT NULL"
            " AND NOT EXISTS (SELECT 1 FROM parcels p WHERE p.buyer_id = b.id"
            " AND p.updated_utc >= ?)",
            [stamp, stamp],
        )
    ]
    pending = {
        r[0]
        for r in db.execute(
            f"SELECT DISTINCT buyer_id FROM parcels WHERE status IN ({marks})", list(PENDING)
        )
    }
    chosen = [b for b in candidates if b not in pending]
    result = PurgeResult(kept_pending=len(candidates) - len(chosen))
    if not chosen:
        return result
    with db.conn:
        db.execute("CREATE TEMP TABLE IF NOT EXISTS purge_ids (id INTEGER PRIMARY KEY)")
        db.execute("DELETE FROM purge_ids")
        db.conn.executemany("INSERT INTO purge_ids (id) VALUES (?)", [(b,) for b in chosen])
        result.proofs = [
            r[0]
            for r in db.execute(
                "SELECT pay.proof_file FROM payments pay JOIN parcels p ON p.id = pay.parcel_id"
                " WHERE p.buyer_id IN (SELECT id FROM purge_ids) AND pay.proof_file IS NOT NULL"
            )
        ]
        result.authors = db.execute(
            "SELECT count(*) FROM buyer_authors WHERE author_name IS NOT NULL"
            " AND buyer_id IN (SELECT id FROM purge_ids)"
        ).fetchone()[0]
        result.buyers = len(chosen)
        if not dry_run:
            _blank(db, utc_iso(now))
        db.execute("DELETE FROM purge_ids")
    return result


def _blank(db: Database, stamp: str) -> None:
    sets = ", ".join(f"{column} = NULL" for column in _BLANKED)
    db.execute(f"UPDATE buyers SET {sets}, updated_utc = ? WHERE id IN (SELECT id FROM purge_ids)",
               [stamp])  # fmt: skip
    db.execute(
        "UPDATE buyer_authors SET author_name = NULL WHERE buyer_id IN (SELECT id FROM purge_ids)"
    )
    db.execute(
        "UPDATE payments SET proof_file = NULL WHERE proof_file IS NOT NULL AND parcel_id IN"
        " (SELECT id FROM parcels WHERE buyer_id IN (SELECT id FROM purge_ids))"
    )


def delete_proofs(folder: Path, names: list[str]) -> int:
    """Delete the purged receipt photos; returns how many files were there."""
    gone = 0
    for name in names:
        path = folder / Path(name).name  # stored names are bare; never leave the folder
        if path.is_file():
            path.unlink()
            gone += 1
    return gone
