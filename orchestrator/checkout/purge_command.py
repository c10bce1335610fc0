"""``pasar-live purge --personal-data --before DATE``: forget buyers once an event is over."""

from __future__ import annotations

import argparse
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, TextIO

from kernel.clock import Clock
from kernel.db import open_db
from kernel.errors import BadInput
from kernel.times import JAKARTA
from orchestrator.checkout import schema
from orchestrator.checkout.purge import delete_proofs, purge_personal_data


def add_parser(sub: Any) -> None:
    purge = sub.add_parser(
        "purge", help="hapus data pribadi pembeli (remove buyers' personal data)"
    )
    purge.add_argument("--personal-data", action="store_true", required=True,
                       help="nama, WhatsApp, alamat dan foto bukti bayar pembeli")  # fmt: skip
    purge.add_argument("--before", required=True, metavar="YYYY-MM-DD",
                       help="pembeli yang terakhir aktif sebelum tanggal ini (WIB)")  # fmt: skip
    purge.add_argument("--dry-run", action="store_true", help="hitung saja, jangan ubah")
    purge.add_argument("--db", type=Path, help="file SQLite (default ./data/pasar.db)")


def before_moment(text: str) -> datetime:
    """The start of ``YYYY-MM-DD`` in WIB, the moment the purge counts back from."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError as error:
        raise BadInput(f"--before harus tanggal YYYY-MM-DD, bukan {text!r}.") from error
    return datetime.combine(day, time(0), JAKARTA)


def run(args: argparse.Namespace, db_path: Path, clock: Clock, out: TextIO) -> int:
    """Purge and say how many rows changed; the receipt photos go after the commit."""
    db = open_db(db_path)
    schema.migrate(db)
    result = purge_personal_data(db, before_moment(args.before), clock.now(), args.dry_run)
    db.close()
    proofs = db_path.resolve().parent / "bukti-bayar"
    files = 0 if args.dry_run else delete_proofs(proofs, result.proofs)
    verb = "akan diubah (would change)" if args.dry_run else "diubah (changed)"
    print(f"Pembeli dihapus data pribadinya : {result.buyers}", file=out)
    print(f"Nama akun chat dihapus          : {result.authors}", file=out)
    print(f"Foto bukti bayar dihapus        : {files if not args.dry_run else len(result.proofs)}",
          file=out)  # fmt: skip
    print(f"Pembeli disimpan (paket belum dikirim): {result.kept_pending}", file=out)
    print(f"{result.rows} baris {verb}", file=out)
    return 0
