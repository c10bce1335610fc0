"""``pasar-live rehearse``: run the event at N× speed, show progress, write the report."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from kernel.formatting import local_date, local_time
from orchestrator.rehearsal import report
from orchestrator.rehearsal.logfile import logging_to
from orchestrator.rehearsal.runner import (
    AppFactory,
    Options,
    RehearsalError,
    load_event,
    rehearse,
)

BAR = 24


def add_parser(sub) -> None:
    """Register the subcommand on the CLI's subparsers."""
    parser = sub.add_parser("rehearse", help="gladi seluruh acara dengan sandbox (rehearse)")
    parser.add_argument("event", nargs="?", type=Path, help="file acara (default: contoh)")
    parser.add_argument("--speed", type=float, default=600.0, help="kali lebih cepat (600)")
    parser.add_argument("--faults", type=float, default=0.0, help="laju gangguan API, 0..1")
    parser.add_argument("--audience", type=float, default=0.5, help="pesan chat per detik")
    parser.add_argument(
        "--buyers", type=float, default=0.3,
        help="bagian penonton yang memesan lalu ke pembayaran, 0..1 (0.3)",
    )  # fmt: skip
    parser.add_argument(
        "--vendors", action=argparse.BooleanOptionalAction, default=True,
        help="penjual simulasi mengonfirmasi, mengemas dan mengirim paket; --no-vendors"
        " tanpa mereka (simulated vendors, on by default)",
    )  # fmt: skip
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, help="folder laporan (default reports/...)")
    parser.add_argument(
        "--browser", choices=["auto", "chromium", "websockets"], default="auto",
        help="halaman overlay: Chromium headless bila ada, atau klien websockets",
    )  # fmt: skip


def run(args: argparse.Namespace, app_factory: AppFactory, out: TextIO = sys.stderr) -> int:
    """Rehearse, print progress to ``out``, write the report; 0 only if nothing was lost.

    Logging goes to ``rehearsal.log`` in the report's folder, so ``out`` keeps one clean
    progress line; the summary counts the warnings there.
    """
    options = Options(
        args.event, args.speed, args.faults, args.audience, args.seed, args.buyers,
        browser=args.browser, vendors=args.vendors,
    )  # fmt: skip
    try:
        load_event(options)  # refuse a broken event before making its report's folder
    except RehearsalError as err:
        print(f"pasar-live rehearse: {err}", file=sys.stderr)
        return 2
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    out_dir = args.out or Path("reports") / f"rehearsal-{stamp}"
    out_dir.mkdir(parents=True, exist_ok=True)
    log_path = out_dir / "rehearsal.log"
    with logging_to(log_path) as warnings:
        try:
            result = asyncio.run(
                rehearse(options, app_factory, progress=lambda p: _progress(p, out))
            )
        except RehearsalError as err:
            print(f"pasar-live rehearse: {err}", file=sys.stderr)
            return 2
        data = report.build(result)
    json_path, html_path = report.write(data, out_dir)
    h = data["headline"]
    print("", file=out)
    print(
        f"{'LULUS' if data['ok'] else 'ADA MASALAH'}: {h['slots_aired']}/{h['slots']} slot tayang,"
        f" paling telat {h['max_late_s']} s (timer mesin {h['max_timer_lag_ms']} ms nyata),"
        f" pesanan {h['units_logged']}/{h['units_sent']} unit,"
        f" overlay {h['overlay_pages_at_final_rev']}/{h['overlay_pages']}, {h['problems']}"
        f" masalah, {data['real_seconds']} s nyata",
        file=out,
    )
    a = h["audience"]
    print(
        f"Per slot penjual ({a['vendor_slots']}): pesanan min/median/maks {a['orders_min']}/"
        f"{a['orders_median']}/{a['orders_max']}, chat {a['rate_min']}-{a['rate_max']} pesan/menit"
        f" (target {a['rate_expected']} ±50%), kuota YouTube maks {h['max_quota_units']}"
        " unit/hari",
        file=out,
    )
    c = data["checkout"]
    print(
        f"Pembayaran: {c['orders']} pesanan, {c['checked_out']} ke pembayaran, {c['paid']}"
        f" dibayar, {c['shipped']} dikirim ({c['unshipped']} terlambat), {c['expired']}"
        f" kedaluwarsa, {c['cancelled']} batal; {c['lost']} hilang"
        f" ({c['buyers']['simulated']} pembeli simulasi, {c['payments']['count']} pembayaran)",
        file=out,
    )
    print(f"{warnings.count} peringatan, lihat {log_path}", file=out)
    print(f"Laporan: {html_path}\nJSON   : {json_path}")
    return 0 if data["ok"] else 1


def _progress(p: dict, out: TextIO) -> None:
    """One line, rewritten in place: simulated time, what is on air, orders, progress."""
    done = p["aired"] / max(1, p["slots"])
    bar = "#" * int(BAR * done) + "-" * (BAR - int(BAR * done))
    on_air = ", ".join(f"{c}: {s or '-'}" for c, s in p["on_air"].items())
    line = (
        f"\r[{bar}] {local_date(p['now'])} {local_time(p['now'], seconds=True)} | {on_air}"
        f" | pesanan {p['orders']} | slot {p['aired']}/{p['slots']}"
    )
    out.write(line[:160].ljust(160))
    out.flush()
