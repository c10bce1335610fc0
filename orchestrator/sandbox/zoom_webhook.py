"""Zoom webhooks the sandbox sends, signed exactly as Zoom signs them."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiohttp

from .times import zoom_time


def sign_zoom_webhook(secret: str, timestamp: str | int, body: bytes) -> str:
    """Return `x-zm-signature`: "v0=" + hex HMAC-SHA256(secret, "v0:{ts}:{raw body}")."""
    message = b"v0:" + str(timestamp).encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def url_validation_token(secret: str, plain_token: str) -> str:
    """Return the `encryptedToken` Zoom expects back for `endpoint.url_validation`."""
    return hmac.new(secret.encode(), plain_token.encode(), hashlib.sha256).hexdigest()


def encode_event(event: dict[str, Any]) -> bytes:
    """Serialise an event compactly; the signature covers these exact bytes."""
    return json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode()


def chat_message_event(
    meeting: dict[str, Any],
    message_id: str,
    text: str,
    sender_name: str,
    now: datetime,
    *,
    sender_session_id: str = "",
    recipient_type: str = "everyone",
    account_id: str = "sbxAccount",
) -> dict[str, Any]:
    """Build a `meeting.chat_message_sent` event for a sandbox meeting."""
    chat_message = {
        "date_time": zoom_time(now),
        "message_content": text,
        "message_id": message_id,
        "sender_name": sender_name,
        "sender_session_id": sender_session_id or _session_id(sender_name),
        "sender_type": "participant",
        "recipient_type": recipient_type,
    }
    return {
        "event": "meeting.chat_message_sent",
        "payload": {
            "account_id": account_id,
            "object": {"id": meeting["id"], "uuid": meeting["uuid"], "chat_message": chat_message},
        },
        "event_ts": int(now.timestamp() * 1000),
    }


def url_validation_event(plain_token: str, now: datetime) -> dict[str, Any]:
    """Build the `endpoint.url_validation` challenge Zoom sends when a URL is saved."""
    return {
        "event": "endpoint.url_validation",
        "payload": {"plainToken": plain_token},
        "event_ts": int(now.timestamp() * 1000),
    }


def _session_id(sender_name: str) -> str:
    """Give a sender a stable session id, as one person keeps theirs in a meeting."""
    return "s-" + hashlib.sha1(sender_name.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class WebhookDelivery:
    """One webhook the sandbox sent and how the receiver answered."""

    event: dict[str, Any]
    body: bytes
    timestamp: str
    signature: str
    status: int
    response_text: str


async def deliver(
    session: aiohttp.ClientSession,
    url: str,
    secret: str,
    event: dict[str, Any],
    now: datetime,
) -> WebhookDelivery:
    """POST a signed event to the receiver, giving it Zoom's three seconds to answer."""
    body = encode_event(event)
    timestamp = str(int(now.timestamp()))
    signature = sign_zoom_webhook(secret, timestamp, body)
    headers = {
        "Content-Type": "application/json",
        "x-zm-request-timestamp": timestamp,
        "x-zm-signature": signature,
        "User-Agent": "Zoom Marketplace/1.0a",
    }
    timeout = aiohttp.ClientTimeout(total=3)
    async with session.post(url, data=body, headers=headers, timeout=timeout) as response:
        text = await response.text()
        return WebhookDelivery(event, body, timestamp, signature, response.status, text)
