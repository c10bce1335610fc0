"""The pollers inside the running app: the platform side goes live, the chat is read."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

from kernel.clock import ManualClock
from kernel.keys import ORDER_DESK, POLLERS, PUBLISHER, SANDBOX
from kernel.publisher import Message
from orchestrator.app import create_app
from tests.conftest import login
from tests.orchestrator.helpers import T0, save, small_event


async def next_message(
    queue: asyncio.Queue[Message], check: Callable[[Message], bool], timeout: float = 10.0
) -> Message:
    """Return the next published message for which ``check`` holds (with a deadline)."""
    while True:
        message = await asyncio.wait_for(queue.get(), timeout)
        if check(message):
            return message


def chat_status(check: Callable[[dict[str, Any]], bool]) -> Callable[[Message], bool]:
    return lambda m: m.topic == "panel.chat" and check(m.data)


def platform_status(status: str) -> Callable[[Message], bool]:
    return lambda m: m.topic == "platform" and m.data.get("broadcast_status") == status


async def planned_wait(poller, count: int, timeout: float = 5.0) -> float:
    """The poller's latest planned wait, once it has planned at least ``count`` of them.

    It reports a read before it plans the wait after it, so the wait may lag the report.
    """
    deadline = asyncio.get_running_loop().time() + timeout
    while len(poller.waits) < count:
        assert asyncio.get_running_loop().time() < deadline, "the poller planned no wait"
        await asyncio.sleep(0.001)
    return poller.waits[-1]


async def test_live_broadcast_chat_becomes_orders_until_the_day_ends(
    aiohttp_client, settings
) -> None:
    """Going live starts the poller, typed orders reach the desk, the day's end stops it."""
    save(settings.db, small_event())
    clock = ManualClock(T0 - timedelta(minutes=20))
    polling = replace(settings, platforms=True, audience_rate=0, youtube_chat="poll")
    app = create_app(polling, clock=clock)
    client = await aiohttp_client(app)
    pollers, desk = app[POLLERS], app[ORDER_DESK]
    async with app[PUBLISHER].subscribe() as queue:
        clock.set(T0 - timedelta(minutes=15))
        await next_message(queue, platform_status("ready"))
        clock.set(T0)
        first = await next_message(queue, chat_status(lambda s: s["polls"] == 1))
        chat_id = first.data["live_chat_id"]
        app[SANDBOX].add_chat_message(chat_id, "K01 2", display_name="Budi")
        clock.advance(timedelta(seconds=await planned_wait(pollers.pollers["utama"], 1)))
        await next_message(queue, chat_status(lambda s: s["orders"] == 1))
        await login(client, "host")
        panel = await (await client.get("/api/panel/state")).json()
        assert panel["channels"][0]["chat"]["state"] == "polling"
        clock.set(T0 + timedelta(minutes=40))
        await next_message(queue, platform_status("complete"))
        for _ in range(5):
            if not pollers.running("utama"):
                break
            poller = pollers.pollers["utama"]
            clock.advance(timedelta(seconds=await planned_wait(poller, len(poller.waits))))
            await next_message(queue, chat_status(lambda s: True))
    assert pollers.status("utama")["reason"] == "chatEnded"
    orders = await desk.store.run(lambda db: list(db.query("SELECT code, qty FROM orders")))
    assert orders == [{"code": "K01", "qty": 2}]
