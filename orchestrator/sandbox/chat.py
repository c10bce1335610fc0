"""Live chats: append-only message lists read through stable page tokens."""

from __future__ import annotations

import asyncio
import base64
import binascii
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from .errors import YouTubeError
from .times import rfc3339

MIN_PAGE, MAX_PAGE, DEFAULT_PAGE = 200, 2000, 500
MAX_INSERT_CHARS = 200


@dataclass
class Author:
    """Who wrote a chat message, as YouTube's authorDetails describes them."""

    channel_id: str
    display_name: str
    is_owner: bool = False
    is_moderator: bool = False

    def details(self) -> dict[str, Any]:
        """Return the `authorDetails` part."""
        return {
            "channelId": self.channel_id,
            "channelUrl": f"http://www.youtube.com/channel/{self.channel_id}",
            "displayName": self.display_name,
            "profileImageUrl": "https://yt3.ggpht.com/sandbox.jpg",
            "isVerified": False,
            "isChatOwner": self.is_owner,
            "isChatSponsor": False,
            "isChatModerator": self.is_moderator,
        }


@dataclass
class LiveChat:
    """One broadcast's chat; messages are only ever appended, so offsets never move."""

    id: str
    broadcast_id: str
    messages: list[dict[str, Any]] = field(default_factory=list)
    ended_at: datetime | None = None
    disabled: bool = False
    # Each message's etag by id, made on its first read: messages never change, and hashing
    # a 2,000-message page again on every read held the event loop for ~16 ms.
    etags: dict[str, str] = field(default_factory=dict)
    # Open streams (grpc_chat) waiting for the next message: set on every append.
    watchers: set[asyncio.Event] = field(default_factory=set)

    def append(self, message: dict[str, Any]) -> dict[str, Any]:
        """Add a message, refusing once the chat has ended or is disabled."""
        self.check_open()
        self.messages.append(message)
        self._wake()
        return message

    def _wake(self) -> None:
        """Tell every open stream that the chat changed."""
        for event in self.watchers:
            event.set()

    def check_open(self) -> None:
        """Raise the error YouTube gives for posting to a closed chat."""
        if self.disabled:
            raise chat_disabled()
        if self.ended_at is not None:
            raise chat_ended()

    def end(self, now: datetime, owner: Author, message_id: str) -> None:
        """Close the chat, leaving a `chatEndedEvent` as its last message."""
        if self.ended_at is not None:
            return
        event = message_resource(self.id, message_id, now, owner, kind="chatEndedEvent")
        self.messages.append(event)
        self.ended_at = now
        self._wake()

    def read(
        self, token: str | None, max_results: int, now: datetime, grace: timedelta
    ) -> tuple[list[dict[str, Any]], str]:
        """Return the page at `token` and the token after it; same token, same page."""
        if self.disabled:
            raise chat_disabled()
        start = decode_token(self.id, token) if token else 0
        if self.ended_at is not None and (
            start >= len(self.messages) or now > self.ended_at + grace
        ):
            raise chat_ended()
        page = self.messages[start : start + max_results]
        return page, encode_token(self.id, start + len(page))


def encode_token(chat_id: str, offset: int) -> str:
    """Make an opaque page token that names a position in one chat."""
    return base64.urlsafe_b64encode(f"{chat_id}|{offset}".encode()).decode().rstrip("=")


def decode_token(chat_id: str, token: str) -> int:
    """Read a page token back, refusing tokens from another chat or garbage."""
    try:
        padded = token + "=" * (-len(token) % 4)
        owner, _, offset = base64.urlsafe_b64decode(padded).decode().rpartition("|")
        if owner == chat_id and offset.isdigit():
            return int(offset)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise YouTubeError(400, "invalidPageToken", "The request specifies an invalid page token.")


def message_resource(
    chat_id: str,
    message_id: str,
    published: datetime,
    author: Author,
    *,
    kind: str = "textMessageEvent",
    text: str | None = None,
    super_chat: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Build a liveChatMessage resource the way YouTube lays one out."""
    snippet: dict[str, Any] = {
        "type": kind,
        "liveChatId": chat_id,
        "authorChannelId": author.channel_id,
        "publishedAt": rfc3339(published),
        "hasDisplayContent": text is not None,
    }
    if kind == "textMessageEvent":
        snippet["displayMessage"] = text
        snippet["textMessageDetails"] = {"messageText": text}
    elif kind == "superChatEvent":
        details = dict(super_chat or {})
        details.setdefault("userComment", text or "")
        snippet["superChatDetails"] = details
        snippet["displayMessage"] = f"{details['amountDisplayString']} from {author.display_name}"
        if text:
            snippet["displayMessage"] += f': "{text}"'
    return {
        "kind": "youtube#liveChatMessage",
        "id": message_id,
        "snippet": snippet,
        "authorDetails": author.details(),
    }


def super_chat_details(amount_idr: int, comment: str) -> dict[str, Any]:
    """Describe a Super Chat paid in Rupiah."""
    tier = 1 + min(4, amount_idr // 50_000)
    return {
        "amountMicros": str(amount_idr * 1_000_000),
        "currency": "IDR",
        "amountDisplayString": "Rp" + f"{amount_idr:,}".replace(",", "."),
        "userComment": comment,
        "tier": tier,
    }


def check_insert_text(text: object) -> str:
    """Refuse chat text YouTube would refuse (empty or over 200 characters)."""
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_INSERT_CHARS:
        raise YouTubeError(
            400,
            "messageTextInvalid",
            f"The message text must be 1 to {MAX_INSERT_CHARS} characters long.",
            domain="youtube.liveChat",
        )
    return text


def chat_ended() -> YouTubeError:
    """Build the 403 YouTube gives once a chat is over."""
    return YouTubeError(403, "liveChatEnded", "The live chat has ended.", "youtube.liveChat")


def chat_disabled() -> YouTubeError:
    """Build the 403 YouTube gives when the chat is switched off."""
    return YouTubeError(
        403, "liveChatDisabled", "The live chat is not enabled.", "youtube.liveChat"
    )


def chat_not_found(chat_id: str) -> YouTubeError:
    """Build the 404 YouTube gives for an unknown liveChatId."""
    return YouTubeError(
        404, "liveChatNotFound", f"The live chat {chat_id!r} was not found.", "youtube.liveChat"
    )
