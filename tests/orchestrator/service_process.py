"""Run the real service as an OS process, for crash (kill -9) and restart tests."""

from __future__ import annotations

import asyncio
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServiceProcess:
    """``python run.py`` on free ports with a given database; killable with SIGKILL."""

    def __init__(self, db: Path, *args: str, env: dict[str, str] | None = None) -> None:
        self.db, self.args = db, list(args)
        self.port, self.overlay_port = free_port(), free_port()
        self.env = {**os.environ, "PASAR_ORGANISER_TOKEN": "org-token",
                    "PASAR_HOST_TOKEN": "host-token", "PASAR_DEMO_PHOTOS": "false",
                    **(env or {})}  # fmt: skip
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self, timeout: float = 30.0) -> None:
        ports = ["--port", str(self.port), "--overlay-port", str(self.overlay_port)]
        cmd = [sys.executable, str(ROOT / "run.py"), *ports, "--db", str(self.db), *self.args]
        self.log = self.db.with_suffix(".log")
        with self.log.open("ab") as log:  # a file, not a pipe: a full pipe would block it
            self.proc = subprocess.Popen(
                cmd, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + timeout
        async with aiohttp.ClientSession() as session:
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"service exited: {self.log.read_text()[-2000:]}")
                try:
                    async with session.get(f"{self.url}/healthz") as resp:
                        if resp.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.05)
        raise TimeoutError("service did not answer /healthz in time")

    def kill(self) -> None:
        """SIGKILL: no clean-up runs, as in a crash or power cut of the process."""
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


async def logged_in(session: aiohttp.ClientSession, url: str, token: str = "host-token") -> str:
    """Log the session in and return its CSRF token."""
    async with session.get(f"{url}/login?token={token}&next=/") as resp:
        page = await resp.text()
    match = re.search(r'name="csrf-token" content="([^"]+)"', page)
    assert match, "no CSRF token on the panel page"
    return match.group(1)
