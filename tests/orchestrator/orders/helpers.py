"""Building chat messages and signed Zoom webhooks for the orders tests."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from orchestrator.chat.webhook import signature
from orchestrator.orders.model import ChatMessage
from tests.orchestrator.helpers import T0

SECRET = "test-webhook-secret"
MEETING_ID = "85746065432"


def chat(i: int, text: str, author: str = "a1", at: datetime | None = None, **extra) -> ChatMessage:
    """A YouTube message on channel utama, ``i`` seconds after T0 unless ``at`` is given."""
    at = at or T0 + timedelta(seconds=i)
    name = extra.pop("name", f"Budi {author}")
    return ChatMessage("youtube", f"m{i}", "utama", author, name, text, at, **extra)


def zoom_event(message_id: str, text: str, sender: str = "Sari", **chat_fields) -> dict:
    """A ``meeting.chat_message_sent`` event for the test meeting."""
    message = {
        "date_time": "2027-02-15T08:31:00Z",
        "message_content": text,
        "message_id": message_id,
        "sender_name": sender,
        "sender_session_id": f"s-{sender}",
        "sender_type": "participant",
        "recipient_type": "everyone",
        **chat_fields,
    }
    return {
        "event": "meeting.chat_message_sent",
        "payload": {
            "account_id": "acc",
            "object": {"id": int(MEETING_ID), "chat_message": message},
        },
        "event_ts": 1802247060000,
    }


def signed(event: dict | bytes, secret: str = SECRET, timestamp: int | None = None) -> tuple:
    """Return the body and the headers Zoom would send for ``event``."""
    body = event if isinstance(event, bytes) else json.dumps(event).encode()
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    headers = {
        "Content-Type": "application/json",
        "x-zm-request-timestamp": stamp,
        "x-zm-signature": signature(secret, stamp, body),
    }
    return body, headers


async def until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Wait for ``condition`` with a deadline, yielding to the loop in between."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.005)
