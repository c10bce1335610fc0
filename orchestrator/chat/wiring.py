"""Chat in the app: the YouTube chat pollers' start-up, their panel box, the Zoom webhook.

Only the app factory imports this module; it runs after the order desk's and the
platforms' wiring, whose objects the pollers use.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import web

from kernel.keys import (
    CLOCK,
    ORDER_DESK,
    PANEL_EXTRAS,
    PLATFORMS,
    POLLERS,
    PUBLISHER,
    ROTATION,
    SETTINGS,
    YOUTUBE_STREAM,
)
from orchestrator.chat.poller import PollerSettings
from orchestrator.chat.pollers import ChatPollers
from orchestrator.chat.transport import Transports
from orchestrator.chat.webhook import zoom_webhook


async def pollers_ctx(app: web.Application) -> AsyncIterator[None]:
    """Run the pollers while the app runs; they follow the platform side's broadcasts."""
    platforms, rotation = app.get(PLATFORMS), app.get(ROTATION)
    youtube = platforms.youtube if platforms is not None else None
    settings = PollerSettings.from_settings(app[SETTINGS])
    stream = app.get(YOUTUBE_STREAM) if youtube is not None else None
    pollers = ChatPollers(
        youtube, app.get(ORDER_DESK), app[CLOCK], app[PUBLISHER], rotation=rotation,
        settings=settings, stream=stream, transports=Transports(app[SETTINGS].youtube_chat),
        stream_cost=app[SETTINGS].youtube_stream_cost,
    )  # fmt: skip
    app[POLLERS] = pollers
    follower = asyncio.create_task(pollers.follow(app[PUBLISHER]), name="chat-pollers")
    for channel in rotation.channels if platforms is not None and rotation else ():
        # Chats already live when the app (re)starts: their pollers resume from the cursor.
        status = {"live_chat_id": platforms.live_chat_id(channel),
                  "broadcast_status": platforms.broadcast_status(channel)}  # fmt: skip
        pollers.on_platform(channel, status)
    yield
    follower.cancel()
    await asyncio.gather(follower, return_exceptions=True)
    await pollers.close()


def panel_extra(app: web.Application, channel: str) -> dict[str, Any]:
    """Add the channel's chat reading to its panel view."""
    pollers = app.get(POLLERS)
    return {"chat": pollers.status(channel)} if pollers is not None else {}


def setup(app: web.Application) -> None:
    """Add the chat pollers, their panel box and ``POST /webhooks/zoom``."""
    app[PANEL_EXTRAS].append(panel_extra)
    app.cleanup_ctx.append(pollers_ctx)
    app.router.add_post("/webhooks/zoom", zoom_webhook)
