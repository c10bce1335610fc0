"""Serving: start the app, print where to go, wait for Ctrl-C, stop cleanly."""

from __future__ import annotations

import asyncio
import gc
import sys

from aiohttp import web

from kernel.keys import EXTRA_BANNER, TOKENS
from orchestrator import auth
from orchestrator.app import create_app
from orchestrator.settings import Settings


async def serve(settings: Settings) -> int:
    """Run until Ctrl-C or SIGTERM; return the exit code."""
    from orchestrator.cli import install_signal_handlers

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


def settle_memory() -> None:
    """Tune the interpreter for a latency-sensitive loop, once start-up is done.

    It moves what start-up built (event, templates, API discovery) out of the collector's way.

    Full garbage collections over that long-lived heap were the longest pauses of the
    event loop (tens of ms); frozen objects are never scanned again.
    """
    gc.collect()
    gc.freeze()
    # Platform calls run in worker threads; a short GIL switch interval lets the event
    # loop (rotation, overlays) take the GIL back within 1 ms instead of 5.
    sys.setswitchinterval(0.001)


def banner(app: web.Application, settings: Settings, port: int) -> str:
    """Tell a new user what is running and which links to open."""
    base = settings.public_url or f"http://{settings.host}:{port}"
    links = auth.login_links(app[TOKENS], base)
    lines = [
        "",
        "Pasar Live berjalan (is running)",
        f"  Database           : {settings.db}",
        f"  Panel host         : {links[auth.HOST]}",
        f"  Editor penyelenggara: {links[auth.ORGANISER]}",
        f"  Kesehatan (health) : {base}/healthz",
    ]
    lines += [f"  Overlay OBS ({c:<8}): {base}/overlay/{c}" for c in _channels(app)]
    lines += [f"  {line}" for line in app.get(EXTRA_BANNER, [])]
    lines.append("Tekan Ctrl-C untuk berhenti (press Ctrl-C to stop).")
    return "\n".join(lines)


def _channels(app: web.Application) -> list[str]:
    from kernel.keys import ROTATION

    return list(app[ROTATION].channels) if ROTATION in app else []
