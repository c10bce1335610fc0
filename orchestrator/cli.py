"""The ``pasar-live`` command: serve, and the organisers' and hosts' tools around it."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from kernel.clock import RealClock
from kernel.db import open_db
from kernel.errors import PasarError
from orchestrator.chat.parse_command import run_parse_chat
from orchestrator.checkout import purge_command, qris_command
from orchestrator.fulfilment import sales_csv as parcels_export
from orchestrator.orders import export as orders_export
from orchestrator.platforms import auth_command
from orchestrator.rehearsal import command as rehearse_command
from orchestrator.report import command as report_command
from orchestrator.settings import SettingsError, load_settings
from schedules import commands, store
from schedules.photo_import import PhotoImport
from schedules.photo_store import PhotoStore


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pasar-live", description="Pasar Live: pasar virtual di siaran langsung."
    )
    sub = parser.add_subparsers(dest="command")
    serve = sub.add_parser("serve", help="jalankan layanan (run the service)")
    _serve_flags(serve)
    check = sub.add_parser("check", help="periksa file jadwal (check schedule files)")
    check.add_argument("paths", nargs="+", type=Path)
    imp = sub.add_parser("import", help="muat jadwal ke database (import an event)")
    imp.add_argument("paths", nargs="+", type=Path)
    _db_flag(imp)
    exp = sub.add_parser("export", help="ekspor jadwal (export the event)")
    exp.add_argument("--format", choices=["yaml", "csv"], default="yaml")
    exp.add_argument("--out", type=Path, default=Path("export"))
    _db_flag(exp)
    parse = sub.add_parser("parse-chat", help="baca pesan chat dari stdin (parse chat lines)")
    parse.add_argument("--catalog", type=Path, required=True, help="products.csv")
    orders_export.add_cli(sub)
    auth_command.add_parser(sub)
    rehearse_command.add_parser(sub)
    qris_command.add_parser(sub)
    purge_command.add_parser(sub)
    report_command.add_parser(sub)
    return parser


def _db_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", type=Path, help="file SQLite (default ./data/pasar.db, PASAR_DB)")


def _serve_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", help="alamat (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default 8080)")
    parser.add_argument("--overlay-port", type=int, help="port websocket overlay (default 8081)")
    _db_flag(parser)
    parser.add_argument("--event", type=Path, help="file acara YAML, dimuat apa adanya")
    parser.add_argument("--config", type=Path, help="file pengaturan TOML")
    parser.add_argument(
        "--no-demo", dest="demo", action="store_false", default=None,
        help="jangan geser contoh acara ke waktu sekarang",
    )  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code; ``serve`` is the default."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help")):
        argv.insert(0, "serve")
    args = build_parser().parse_args(argv)
    try:
        return _dispatch(args)
    except (SettingsError, PasarError) as err:
        print(f"pasar-live: {err}", file=sys.stderr)
        return 2


def _settings(args: argparse.Namespace):
    flags = {k: v for k, v in vars(args).items() if k not in ("command", "config")}
    return load_settings(flags, config_file=getattr(args, "config", None))


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "serve":
        settings = _settings(args)
        logging.basicConfig(
            level=settings.log_level.upper(),
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        )
        # Start-up cost: the app pulls in the Google and Zoom clients (~0.7 s) that the
        # organisers' tools (check, import, parse-chat) never need.
        from orchestrator.serve import serve

        return asyncio.run(serve(settings))
    if args.command == "parse-chat":
        return run_parse_chat(args.catalog, sys.stdin, sys.stdout)
    if args.command == "check":
        return commands.check_command(args.paths, sys.stdout)
    if args.command == "auth":
        return auth_command.run_auth(args)
    if args.command == "rehearse":
        # Start-up cost, as for serve: only the rehearsal and serve build the app.
        from orchestrator.app import create_app

        logging.basicConfig(level="WARNING", format="%(levelname)s %(name)s: %(message)s")
        return rehearse_command.run(args, create_app)
    if args.command == "qris":
        return qris_command.run(args, sys.stdout, sys.stderr)
    if args.command == "purge":
        return purge_command.run(args, load_settings({"db": args.db}).db, RealClock(), sys.stdout)
    if args.command == "report":
        db_path = load_settings({"db": args.db}).db
        return report_command.run(args, db_path, RealClock(), sys.stdout, sys.stderr)
    if args.command == "orders":
        if args.parcels:
            return parcels_export.run_cli(args, RealClock().now())
        return orders_export.run_cli(args)
    return _dispatch_db(args)


def _dispatch_db(args: argparse.Namespace) -> int:
    settings = load_settings({"db": args.db})
    db = open_db(settings.db)
    store.migrate(db)
    if args.command == "import":
        photos = PhotoImport(PhotoStore.beside(settings.db))
        return commands.import_command(db, args.paths, sys.stdout, photos)
    if args.command == "export":
        return commands.export_command(db, args.format, args.out, sys.stdout)
    raise SystemExit(f"unknown command {args.command}")
