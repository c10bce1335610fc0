"""Orders as CSV for vendors and organisers: opens right in Excel and in Google Sheets.

UTF-8 with a byte-order mark (Excel then reads the accents and emoji of names right),
commas, CRLF line ends; times both in WIB as ``2027-02-15 15:41`` (for people) and in
UTC ISO 8601 (for tools); money as plain integers (for sums) and as ``Rp 45.000``.
Every text cell that starts like a formula (``=``, ``+``, ``-``, ``@``: viewers' names
and messages, but also product and vendor names and message ids a Zoom payload sets)
gets a leading apostrophe so a spreadsheet shows it instead of running it.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from sqlite_utils import Database

from kernel.csv_cells import safe_row
from kernel.db import open_db
from kernel.errors import BadInput
from kernel.formatting import rupiah
from kernel.times import utc_iso
from orchestrator.orders import store as order_store
from orchestrator.orders.catalog import OrderCatalog
from orchestrator.orders.model import STATUS_LABELS, Order
from orchestrator.settings import load_settings
from schedules import store as schedule_store

BOM = "\ufeff"
HEADER = ("pesanan_id", "waktu_wib", "waktu_utc", "kanal", "slot", "penjual_id", "penjual",
          "kode", "produk", "jumlah", "harga_satuan", "harga_satuan_rp", "total", "total_rp",
          "status", "status_teks", "platform", "penonton", "penonton_id", "pesan_id", "pesan",
          "superchat_micros", "superchat_mata_uang")  # fmt: skip


def csv_row(order: Order, catalog: OrderCatalog) -> tuple:
    """One order as a CSV row, in ``HEADER`` order."""
    local = order.created_at.astimezone(catalog.tz)
    return (
        order.id, local.strftime("%Y-%m-%d %H:%M"), utc_iso(order.created_at)[:19] + "Z",
        order.channel, order.slot_id or "", order.vendor_id, catalog.vendor_name(order.vendor_id),
        order.code, catalog.product_names.get(order.code, ""), order.qty, order.price_idr,
        rupiah(order.price_idr), order.total_idr, rupiah(order.total_idr), order.status,
        STATUS_LABELS.get(order.status, order.status), order.platform,
        order.author_name, order.author_id, order.message_id,
        order.text, "" if order.amount_micros is None else order.amount_micros,
        order.currency or "",
    )  # fmt: skip


def write_csv(out: TextIO, orders: Iterable[Order], catalog: OrderCatalog) -> int:
    """Write the BOM, the header and the orders to ``out``; return how many rows."""
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    count = 0
    for order in orders:
        writer.writerow(safe_row(csv_row(order, catalog)))
        count += 1
    return count


def export_csv(
    db: Database, vendor: str | None = None, channel: str | None = None, status: str | None = None
) -> tuple[bytes, int]:
    """The CSV of the orders matching the filters, oldest first, and how many rows it has."""
    catalog = OrderCatalog.build(schedule_store.load_event(db))
    orders = order_store.list_orders(db, channel=channel, vendor=vendor, status=status)
    buffer = io.StringIO(newline="")
    count = write_csv(buffer, reversed(orders), catalog)
    return buffer.getvalue().encode("utf-8"), count


def filename(vendor: str | None, stem: str = "pesanan") -> str:
    """A download name that says what it holds: ``<stem>-<vendor>.csv`` or ``<stem>.csv``."""
    safe = "".join(ch for ch in (vendor or "") if ch.isalnum() or ch in "-_")
    return f"{stem}-{safe}.csv" if safe else f"{stem}.csv"


def orders_command(db_path: Path, vendor: str | None, out: Path | None) -> int:
    """``pasar-live orders export``: write the CSV to ``out`` (or stdout)."""
    if not db_path.exists():
        raise BadInput(f"database {db_path} tidak ada; pakai --db FILE (database not found)")
    db = open_db(db_path)
    try:
        schedule_store.migrate(db)
        order_store.migrate(db)
        data, rows = export_csv(db, vendor=vendor)
    finally:
        db.close()
    return deliver_csv(data, out, f"{rows} pesanan ditulis ke {out} (orders written)")


def deliver_csv(data: bytes, out: Path | None, written: str) -> int:
    """Write a CSV's bytes to ``out`` (saying ``written`` on stderr) or, without one, stdout."""
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return 0
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    print(written, file=sys.stderr)
    return 0


def add_cli(sub) -> None:
    """Register ``pasar-live orders export [--parcels] [--vendor ID] [--out FILE] [--db PATH]``."""
    orders = sub.add_parser("orders", help="pesanan dari chat (orders)")
    commands = orders.add_subparsers(dest="orders_command", required=True)
    exp = commands.add_parser("export", help="ekspor pesanan ke CSV (export orders as CSV)")
    exp.add_argument(
        "--parcels",
        action="store_true",
        help="paket (satu baris per paket) dan bukan pesanan (parcels, not orders)",
    )
    exp.add_argument("--vendor", help="hanya pesanan penjual ini (only this vendor id)")
    exp.add_argument("--out", type=Path, help="file CSV tujuan (default: layar / stdout)")
    exp.add_argument("--db", type=Path, help="file SQLite (default ./data/pasar.db, PASAR_DB)")


def run_cli(args) -> int:
    """Run ``pasar-live orders ...`` with the parsed ``args``."""
    return orders_command(load_settings({"db": args.db}).db, args.vendor, args.out)
