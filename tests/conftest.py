"""Fixtures every test folder shares: settings on a temp database, a logged-in client, Chromium."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from orchestrator.rehearsal.observers import CHROMIUM_ARGS  # noqa: F401 - tests import it here
from orchestrator.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures"
IN_CI = os.environ.get("CI", "").lower() == "true"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


def screenshots(*folders: str) -> Path:
    """The folder a browser test saves its screenshots in (made if missing).

    Some screenshots in test-artifacts/ are committed (the README shows them): only
    ``PASAR_SCREENSHOTS=1`` rewrites them. Otherwise they go to test-artifacts/latest/,
    which git ignores, so a test run leaves the working tree clean.
    """
    base = ARTIFACTS if os.environ.get("PASAR_SCREENSHOTS") == "1" else ARTIFACTS / "latest"
    folder = base.joinpath(*folders)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings on a fresh SQLite file, with fixed tokens and no platform work."""
    return Settings(
        db=tmp_path / "pasar.db",
        port=0,
        overlay_port=0,
        organiser_token="org-token",
        host_token="host-token",
        platforms=False,
        audience_rate=0,
        demo_photos=False,  # 212 photos at every app start would slow every test
    )


async def login(client, role: str = "organiser") -> str:
    """Log ``client`` in as ``role`` and return the page's CSRF token."""
    token = "org-token" if role == "organiser" else "host-token"
    resp = await client.get(f"/login?token={token}&next=/login-done", allow_redirects=False)
    assert resp.status == 302, await resp.text()
    page = await client.get("/login")
    match = re.search(r'name="csrf-token" content="([^"]+)"', await page.text())
    return match.group(1) if match else ""


@pytest.fixture
def chromium() -> str:
    """Path of Debian's Chromium; skip without it, except in CI where it must be there."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if IN_CI:
            pytest.fail("Chromium is required under CI=true (make test installs it as root)")
        pytest.skip("no Chromium here: sudo apt-get install chromium")
    return path
