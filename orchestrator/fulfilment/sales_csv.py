"""Parcels as CSV for the organisers: one row per parcel, opens right in Excel.

The same shape as the orders export (``orders/export.py``): UTF-8 with a byte-order
mark, commas, CRLF; times in WIB and in UTC; money as plain integers and as
``Rp 45.000``; every text cell through ``kernel.csv_cells`` so a buyer named
``=HYPERLINK(...)`` shows as text. It holds buyers' WhatsApp numbers and addresses:
only organisers get it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

from sqlite_utils import Database

from kernel.csv_cells import safe_row
from kernel.db import open_db
from kernel.errors import BadInput
from kernel.formatting import rupiah
from kernel.times import JAKARTA, utc_iso
from orchestrator.checkout import schema as checkout_schema
from orchestrator.checkout.model import METHOD_LABELS, PARCEL_LABELS, Details
from orchestrator.fulfilment import sales, sales_store
from orchestrator.fulfilment.store import DeskLine
from orchestrator.orders import export
from orchestrator.orders import store as order_store
from orchestrator.orders.export import deliver_csv
from orchestrator.settings import load_settings
from schedules import store as schedule_store

BOM = "\ufeff"
HEADER = ("paket_id", "dibuat_wib", "dibuat_utc", "penjual_id", "penjual", "status",
          "status_teks", "isi", "jumlah_barang", "total", "total_rp", "metode", "kurir", "resi",
          "terlambat_kirim", "pembeli", "whatsapp", "pengiriman", "alamat", "kecamatan",
          "kabupaten_kota", "provinsi", "kode_pos", "negara")  # fmt: skip


def _items(lines: Sequence[DeskLine], products: Mapping[str, str]) -> str:
    return "; ".join(
        f"{line.code} {products.get(line.code, '')} x{line.qty}".replace("  ", " ")
        for line in lines
    )


def csv_row(
    fact: sales.ParcelFact, lines: Sequence[DeskLine], names: Mapping[str, str],
    products: Mapping[str, str], confirmed_before: datetime,
) -> tuple:  # fmt: skip
    """One parcel as a CSV row, in ``HEADER`` order."""
    buyer: Details = fact.buyer
    return (
        fact.id, fact.created_at.astimezone(JAKARTA).strftime("%Y-%m-%d %H:%M"),
        utc_iso(fact.created_at)[:19] + "Z", fact.vendor_id, names.get(fact.vendor_id, ""),
        fact.status, PARCEL_LABELS.get(fact.status, fact.status), _items(lines, products),
        sum(line.qty for line in lines), fact.total_idr, rupiah(fact.total_idr),
        METHOD_LABELS.get(fact.method or "", fact.method or ""), fact.courier or "",
        fact.resi or "", "ya" if fact.late(confirmed_before) else "tidak", buyer.name,
        buyer.whatsapp, buyer.delivery, buyer.street, buyer.district, buyer.regency,
        buyer.province, buyer.postal_code, buyer.country,
    )  # fmt: skip


def export_csv(db: Database, chosen: sales.SalesFilter, now: datetime) -> tuple[bytes, int]:
    """The CSV of the parcels ``chosen`` picks, oldest first, and how many rows it has."""
    event = schedule_store.load_event(db)
    names = {v.id: v.name for v in event.vendors} if event else {}
    products = {p.code: p.name for p in event.products} if event else {}
    before = now - sales.LATE_AFTER
    facts = sales.filtered(sales_store.parcel_facts(db), chosen, before)
    items = sales_store.items_of(db, facts)
    buffer = io.StringIO(newline="")
    buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for fact in facts:
        row = csv_row(fact, items.get(fact.id, ()), names, products, before)
        writer.writerow(safe_row(row))
    return buffer.getvalue().encode("utf-8"), len(facts)


def filename(vendor: str) -> str:
    """``paket-<vendor>.csv`` or ``paket.csv``."""
    return export.filename(vendor, "paket")


def parcels_command(db_path: Path, vendor: str | None, out: Path | None, now: datetime) -> int:
    """``pasar-live orders export --parcels``: write the parcels' CSV to ``out`` (or stdout)."""
    if not db_path.exists():
        raise BadInput(f"database {db_path} tidak ada; pakai --db FILE (database not found)")
    db = open_db(db_path)
    try:
        schedule_store.migrate(db)
        order_store.migrate(db)
        checkout_schema.migrate(db)
        data, rows = export_csv(db, sales.SalesFilter(vendor=vendor or ""), now)
    finally:
        db.close()
    return deliver_csv(data, out, f"{rows} paket ditulis ke {out} (parcels written)")


def run_cli(args, now: datetime) -> int:
    """Run ``pasar-live orders export --parcels`` with the parsed ``args``."""
    return parcels_command(load_settings({"db": args.db}).db, args.vendor, args.out, now)
