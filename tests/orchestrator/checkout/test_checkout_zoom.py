"""The BAYAR code typed in the Zoom meeting's chat binds as it does on YouTube.

The sandbox's Zoom signs ``meeting.chat_message_sent`` webhooks as Zoom does and sends
them to the real app on a loopback port; the buyer is an HTTP client with its cookie.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest
from aiohttp import web

from kernel.keys import SANDBOX, ZOOM_MEETINGS
from orchestrator.app import create_app
from tests.orchestrator.checkout.conftest import page_code, paying_event
from tests.orchestrator.helpers import save

SECRET = "zoom-secret-checkout"


async def until(probe, timeout: float = 30.0, every: float = 0.05):
    """Poll ``probe`` (sync) until it returns something truthy, with a deadline."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := probe():
            return result
        await asyncio.sleep(every)
    raise AssertionError("nothing happened in time")


@pytest.fixture
async def zoom_app(settings):
    """The real app with its own sandbox and Zoom webhooks on; the meeting exists."""
    save(settings.db, paying_event(datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)))
    app = create_app(replace(settings, platforms=True, audience_rate=0, zoom_webhook_secret=SECRET,
                             chat_announcements=False))  # fmt: skip
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    sandbox = app[SANDBOX]
    sandbox.configure_zoom_webhook(f"{url}/webhooks/zoom", SECRET)
    meeting = await until(lambda: next(iter(sandbox.state.zoom.meetings), None), timeout=60)
    # The sandbox knows the meeting as soon as it made it; the service once it stored its
    # id. A chat line before that is answered 200 "ignored: unknown meeting".
    await until(lambda: str(meeting) in app[ZOOM_MEETINGS], timeout=60)
    yield sandbox, int(meeting), url
    await runner.cleanup()


async def test_bayar_in_the_zoom_chat_binds_the_zoom_author(zoom_app):
    """A Zoom participant's claim and their BAYAR code: the page shows their parcel and
    "Zoom · Sari"; the same code typed again by another participant binds nothing more."""
    sandbox, meeting, url = zoom_app
    claim = await sandbox.send_zoom_chat(meeting, "K01 2", "Sari")
    assert claim.status == 200 and "ignored" not in claim.response_text, claim.response_text
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as session:
        async with session.get(f"{url}/bayar") as resp:
            code = page_code(await resp.text())
        sent = await sandbox.send_zoom_chat(meeting, f"BAYAR {code}", "Sari")
        assert sent.status == 200, sent.response_text
        await sandbox.send_zoom_chat(meeting, "K02 1", "Eve")
        await sandbox.send_zoom_chat(meeting, f"BAYAR {code}", "Eve")
        async with session.get(f"{url}/bayar") as resp:
            page = await resp.text()
    assert "Zoom · Sari" in page and "Eve" not in page
    assert page.count('class="card parcel') == 1 and "Penjual 0" in page
