"""Streaming chat inside the running app: the default transport, shown on the panel."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from kernel.clock import ManualClock
from kernel.keys import ORDER_DESK, POLLERS, PUBLISHER, SANDBOX, YOUTUBE_STREAM
from orchestrator.app import create_app
from orchestrator.chat.streamer import ChatStreamer
from tests.conftest import login
from tests.orchestrator.chat.test_poller_app import chat_status, next_message, platform_status
from tests.orchestrator.helpers import T0, save, small_event


async def test_app_streams_chat_by_default_and_the_panel_says_so(aiohttp_client, settings):
    """Going live opens a stream to the sandbox's gRPC server; an order typed arrives with
    the clock standing still (no poll interval), and the panel names the transport."""
    save(settings.db, small_event())
    clock = ManualClock(T0 - timedelta(minutes=20))
    app = create_app(replace(settings, platforms=True, audience_rate=0), clock=clock)
    client = await aiohttp_client(app)
    assert app[YOUTUBE_STREAM].target == app[SANDBOX].grpc_target
    async with app[PUBLISHER].subscribe() as queue:
        clock.set(T0 - timedelta(minutes=15))
        await next_message(queue, platform_status("ready"))
        clock.set(T0)
        first = await next_message(queue, chat_status(lambda s: s["state"] == "streaming"))
        assert isinstance(app[POLLERS].pollers["utama"], ChatStreamer)
        app[SANDBOX].add_chat_message(first.data["live_chat_id"], "K01 2", display_name="Budi")
        await next_message(queue, chat_status(lambda s: s["orders"] == 1))
    await login(client, "host")
    panel = await (await client.get("/api/panel/state")).json()
    chat = panel["channels"][0]["chat"]
    assert chat["transport"] == "stream" and "streaming" in chat["transport_text"]
    orders = await app[ORDER_DESK].store.run(
        lambda db: [dict(r) for r in db.query("SELECT code, qty FROM orders")]
    )
    assert orders == [{"code": "K01", "qty": 2}]
