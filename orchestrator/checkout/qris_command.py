"""``pasar-live qris PAYLOAD [--amount N]``: check a vendor's QRIS, or make the dynamic one."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from kernel.formatting import rupiah
from kernel.qris import QrisError, dynamic, read_static


def add_parser(sub: Any) -> None:
    qris = sub.add_parser("qris", help="periksa QRIS penjual (check a vendor's QRIS)")
    qris.add_argument("payload", help="isi QR statis penjual (the static QRIS string)")
    qris.add_argument("--amount", type=int, help="buat QRIS dinamis untuk N rupiah")


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Print the merchant; with ``--amount``, the dynamic payload on the last line."""
    try:
        merchant = read_static(args.payload)
        print(f"Merchant : {merchant.name}", file=out)
        print(f"Kota     : {merchant.city or '-'}", file=out)
        print(f"Penerbit : {merchant.issuer or '-'}", file=out)
        if args.amount is not None:
            print(f"Nominal  : {rupiah(args.amount)}", file=out)
            print(dynamic(args.payload, args.amount), file=out)
    except QrisError as error:
        print(f"pasar-live qris: {error}", file=err)
        return 2
    return 0
