"""``POST /webhooks/zoom``: Zoom's in-meeting chat (and its URL check) into the order desk.

Zoom signs every request: ``x-zm-signature`` is ``"v0=" + hex(HMAC-SHA256(secret,
"v0:" + x-zm-request-timestamp + ":" + raw body))``, over the raw bytes as sent. A bad
signature, or a timestamp more than five minutes away from our clock, is refused with
401 so a captured request cannot be replayed later. Zoom wants an answer within three
seconds and sends again on failure; a message sent again is a duplicate and makes no
second order.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from kernel.keys import ORDER_DESK, SETTINGS, WEBHOOK_NOW
from kernel.secret import same_secret
from orchestrator.orders.model import ChatMessage

log = logging.getLogger(__name__)

MAX_SKEW_SECONDS = 300
ANSWER_WITHIN_SECONDS = 2.5  # Zoom gives up after 3
MAX_BODY = 256 * 1024


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """Compute the ``x-zm-signature`` Zoom sends for ``body`` at ``timestamp``."""
    message = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def encrypted_token(secret: str, plain_token: str) -> str:
    """Answer Zoom's URL check: hex HMAC-SHA256 of the plain token under the secret."""
    return hmac.new(secret.encode(), plain_token.encode(), hashlib.sha256).hexdigest()


def verify(secret: str, headers: Any, body: bytes, now: float) -> str | None:
    """Return why a request is not from Zoom (or too old), or None when it is."""
    timestamp = headers.get("x-zm-request-timestamp", "")
    sent = headers.get("x-zm-signature", "")
    if not timestamp or not sent:
        return "missing x-zm-request-timestamp or x-zm-signature"
    try:
        moment = int(timestamp)
    except ValueError:
        return "x-zm-request-timestamp is not a number"
    if abs(now - moment) > MAX_SKEW_SECONDS:
        return "timestamp more than 5 minutes away (stale or replayed)"
    if not same_secret(sent, signature(secret, timestamp, body)):
        return "bad signature"
    return None


def dig(data: Any, *names: str) -> Any:
    """``data[a][b]...``, or None where a level is missing or not an object (JSON from outside)."""
    for name in names:
        if not isinstance(data, dict):
            return None
        data = data.get(name)
    return data


def chat_message(event: dict[str, Any], channel: str) -> ChatMessage | None:
    """Read a ``meeting.chat_message_sent`` event sent to everyone as our chat message."""
    chat = dig(event, "payload", "object", "chat_message")
    if not isinstance(chat, dict):
        return None
    if chat.get("recipient_type") != "everyone" or not chat.get("message_id"):
        return None
    name = str(chat.get("sender_name") or "")
    return ChatMessage(
        platform="zoom",
        message_id=str(chat["message_id"]),
        channel=channel,
        author_id=str(chat.get("sender_session_id") or name),
        author_name=name,
        text=str(chat.get("message_content") or ""),
        published_at=_published(chat.get("date_time"), event.get("event_ts")),
    )


def _published(date_time: Any, event_ts: Any) -> datetime:
    """When the message was sent: its ``date_time``, else the event's time, else now."""
    if isinstance(date_time, str) and date_time:
        try:
            moment = datetime.fromisoformat(date_time.replace("Z", "+00:00"))
            if moment.utcoffset() is not None:
                return moment.astimezone(UTC)
        except ValueError:
            pass
    if isinstance(event_ts, int | float):
        return datetime.fromtimestamp(event_ts / 1000, UTC)
    return datetime.now(UTC)


def _answer(http_status: int, **body: Any) -> web.Response:
    return web.json_response(body, status=http_status)


async def zoom_webhook(request: web.Request) -> web.Response:
    """Check the signature, answer the URL check, feed public chat to the order desk."""
    secret = request.config_dict[SETTINGS].zoom_webhook_secret
    if not secret:
        message = "Zoom webhook dimatikan: isi PASAR_ZOOM_WEBHOOK_SECRET (webhook disabled)"
        return _answer(503, error=message)
    if (request.content_length or 0) > MAX_BODY:
        return _answer(413, error="body too large")
    body = await _read_at_most(request, MAX_BODY)  # the raw bytes the signature covers
    if body is None:
        return _answer(413, error="body too large")
    now = request.config_dict.get(WEBHOOK_NOW, time.time)()
    reason = verify(secret, request.headers, body, now)
    if reason:
        log.warning("Zoom webhook refused: %s", reason)
        return _answer(401, error=reason)
    try:
        event = json.loads(body)
    except ValueError:
        return _answer(400, error="body is not JSON")
    if not isinstance(event, dict):
        return _answer(400, error="body is not a JSON object")
    return await _dispatch(request, secret, event)


async def _read_at_most(request: web.Request, limit: int) -> bytes | None:
    """The body, or None once it passes ``limit``: a chunked body has no length up front."""
    chunks, size = [], 0
    while chunk := await request.content.read(64 * 1024):
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


async def _dispatch(request: web.Request, secret: str, event: dict[str, Any]) -> web.Response:
    """Answer the URL check, take public chat, acknowledge everything else."""
    kind = event.get("event")
    if kind == "endpoint.url_validation":
        plain = str(dig(event, "payload", "plainToken") or "")
        return _answer(200, plainToken=plain, encryptedToken=encrypted_token(secret, plain))
    if kind == "meeting.chat_message_sent":
        return await _chat(request, event)
    return _answer(200, status="ignored", event=kind)


async def _chat(request: web.Request, event: dict[str, Any]) -> web.Response:
    desk = request.config_dict[ORDER_DESK]
    meeting = str(dig(event, "payload", "object", "id") or "")
    channel = desk.meeting_channel(meeting)
    if channel is None:
        log.warning("Zoom chat from meeting %s, which no channel has; ignored", meeting)
        return _answer(200, status="ignored", reason="unknown meeting")
    message = chat_message(event, channel)
    if message is None:
        return _answer(200, status="ignored", reason="not public chat")
    # Shielded: if storing is slow, Zoom still gets its answer in time and the page is
    # stored anyway (a resend is then a duplicate).
    task = asyncio.ensure_future(desk.ingest([message]))
    task.add_done_callback(_log_failure)
    try:
        result = await asyncio.wait_for(asyncio.shield(task), ANSWER_WITHIN_SECONDS)
    except TimeoutError:
        return _answer(200, status="accepted")
    return _answer(
        200, status="ok", duplicate=bool(result.duplicates), orders=[o.id for o in result.orders]
    )


def _log_failure(task: asyncio.Future) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("Zoom chat message not stored: %r", task.exception())
