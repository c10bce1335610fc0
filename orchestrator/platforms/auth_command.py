"""``pasar-live auth youtube``: let Pasar Live use a YouTube channel, once.

Runs Google's installed-app OAuth flow (a browser opens, the channel owner agrees) with
the ``youtube.force-ssl`` scope and stores the token JSON, refresh token included, where
``youtube_token_file`` (env ``PASAR_YOUTUBE_TOKEN_FILE``) will find it. The service then
refreshes access tokens by itself.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, TextIO

from .youtube import SCOPES

DEFAULT_TOKEN_FILE = Path("data/youtube-token.json")
PREFIX = "pasar-live auth youtube"
HOW_TO_GET = (
    "Buat OAuth client (jenis Desktop app) di Google Cloud Console > APIs & Services >"
    " Credentials, aktifkan YouTube Data API v3, lalu unduh JSON-nya."
    " (Create a Desktop-app OAuth client and download its JSON.)"
)


def add_parser(sub: Any) -> None:
    """Register ``auth youtube`` on the ``pasar-live`` command line."""
    auth = sub.add_parser("auth", help="hubungkan akun platform (connect a platform account)")
    services = auth.add_subparsers(dest="service", required=True)
    youtube = services.add_parser("youtube", help="izinkan akses ke kanal YouTube (OAuth)")
    youtube.add_argument(
        "--client-secrets", type=Path, required=True, help="client_secret_....json (Desktop app)"
    )
    youtube.add_argument(
        "--token-file",
        type=Path,
        default=None,
        help=f"tempat menyimpan token (default PASAR_YOUTUBE_TOKEN_FILE atau {DEFAULT_TOKEN_FILE})",
    )
    youtube.add_argument("--port", type=int, default=0, help="port lokal untuk balasan OAuth")
    youtube.add_argument("--no-browser", action="store_true", help="cetak tautan saja")


def token_path(args: argparse.Namespace, environ: dict[str, str] | None = None) -> Path:
    """Where the token goes: the flag, else the setting's environment variable, else data/."""
    environ = dict(os.environ) if environ is None else environ
    return args.token_file or Path(environ.get("PASAR_YOUTUBE_TOKEN_FILE") or DEFAULT_TOKEN_FILE)


def run_auth(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run the OAuth flow and store the token; 2 when the client secrets file is unusable."""
    out, err = out or sys.stdout, err or sys.stderr
    path: Path = args.client_secrets
    if not path.is_file():
        print(f"{PREFIX}: file {path} tidak ditemukan (not found). {HOW_TO_GET}", file=err)
        return 2
    # Start-up cost: the OAuth flow (and its web server) loads only when a login runs.
    from google_auth_oauthlib.flow import InstalledAppFlow

    try:
        flow = InstalledAppFlow.from_client_secrets_file(str(path), scopes=SCOPES)
    except ValueError as problem:
        print(f"{PREFIX}: {path} bukan JSON klien OAuth ({problem}). {HOW_TO_GET}", file=err)
        return 2
    credentials = flow.run_local_server(port=args.port, open_browser=not args.no_browser)
    target = token_path(args)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(credentials.to_json(), encoding="utf-8")
    target.chmod(0o600)
    print(f"Token YouTube disimpan di {target}.", file=out)
    print(f"Jalankan dengan PASAR_YOUTUBE_TOKEN_FILE={target} (plus the Zoom settings).", file=out)
    return 0
