"""Serving: start the app, print where to go, wait for Ctrl-C, stop cleanly."""

from __future__ import annotations

import asyncio
import signal

from aiohttp import web

from kernel.keys import EXTRA_BANNER, ROTATION, TOKENS
from kernel.runtime import settle_memory
from orchestrator import auth
from orchestrator.app import create_app
from orchestrator.settings import Settings


async def serve(settings: Settings) -> int:
    """Run until Ctrl-C or SIGTERM; return the exit code."""
    app = create_app(settings)
    runner = web.AppRunner(app, handle_signals=False, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, settings.host, settings.port)
    await site.start()
    port = runner.addresses[0][1] if runner.addresses else settings.port
    settle_memory()
    print(banner(app, settings, port), flush=True)
    stop = asyncio.Event()
    install_signal_handlers(stop)
    await stop.wait()
    print("Berhenti... (stopping)", flush=True)
    await runner.cleanup()
    return 0


def install_signal_handlers(stop: asyncio.Event) -> None:
    """Turn Ctrl-C and SIGTERM into a clean shutdown."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)


def banner(app: web.Application, settings: Settings, port: int) -> str:
    """Tell a new user what is running and which links to open."""
    base = settings.public_url or f"http://{settings.host}:{port}"
    links = auth.login_links(app[TOKENS], base)
    channels = list(app[ROTATION].channels) if ROTATION in app else []
    lines = [
        "",
        "Pasar Live berjalan (is running)",
        f"  Database           : {settings.db}",
        f"  Panel host         : {links[auth.HOST]}",
        f"  Editor penyelenggara: {links[auth.ORGANISER]}",
        f"  Kesehatan (health) : {base}/healthz",
    ]
    lines += [f"  Overlay OBS ({c:<8}): {base}/overlay/{c}" for c in channels]
    lines.append(f"  Pembeli (buyers)   : {base}/bayar  ·  contoh tautan: {base}/o/K01")
    lines.append(f"  Penonton (viewers) : {base}/live  ·  {base}/pasar  ·  {base}/jadwal")
    lines.append(f"  Laporan (report)   : {base}/laporan (penyelenggara / organisers)")
    lines += [f"  {line}" for line in app.get(EXTRA_BANNER, [])]
    lines.append("Tekan Ctrl-C untuk berhenti (press Ctrl-C to stop).")
    return "\n".join(lines)
