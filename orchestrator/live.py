"""Live pages over Server-Sent Events: send a page's data now and again after each change.

The control panel and the orders pages both work this way. A browser's EventSource
reconnects by itself after a restart. At shutdown every open feed ends at once, so
stopping the service never waits for browsers to leave.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable

from aiohttp import web

from kernel.publisher import Message, Publisher

CLOSING = "live.closing"  # published at shutdown
HEARTBEAT_SECONDS = 15.0


async def event_stream(
    request: web.Request,
    publisher: Publisher,
    make: Callable[[], Awaitable[dict]],
    wanted: Callable[[Message], bool],
    event: str,
    min_gap: float = 0.0,
) -> web.StreamResponse:
    """Send ``make()`` as ``event`` now and after every wanted message, until the end.

    ``min_gap`` spaces refreshes during a rush: one list every so often is plenty for a
    person, and keeps every open page from querying the database after each message.
    """
    response = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store"}
    )
    await response.prepare(request)
    loop = asyncio.get_running_loop()
    with contextlib.suppress(ConnectionResetError):  # the browser left
        # Only the feed's own news is queued: the others would wait in line before it.
        async with publisher.subscribe(lambda m: m.topic == CLOSING or wanted(m)) as queue:
            await _send(response, event, await make())
            sent = loop.time()
            while True:
                try:
                    message = await asyncio.wait_for(queue.get(), HEARTBEAT_SECONDS)
                except TimeoutError:
                    await response.write(b": keep-alive\n\n")
                    continue
                if message.topic == CLOSING:
                    break
                await asyncio.sleep(max(0.0, sent + min_gap - loop.time()))
                if _drain(queue):
                    break
                await _send(response, event, await make())
                sent = loop.time()
    return response


def _drain(queue: asyncio.Queue) -> bool:
    """Drop what queued meanwhile (one refresh covers it); say whether the service stops."""
    closing = False
    while not queue.empty():
        closing = queue.get_nowait().topic == CLOSING or closing
    return closing


async def _send(response: web.StreamResponse, event: str, data: dict) -> None:
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    await response.write(f"event: {event}\ndata: {text}\n\n".encode())


def setup(app: web.Application, publisher: Publisher) -> None:
    """End every open feed when the app shuts down."""

    async def end_streams(_: web.Application) -> None:
        publisher.publish(CLOSING, "", None)

    app.on_shutdown.append(end_streams)
