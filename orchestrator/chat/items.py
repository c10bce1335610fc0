"""Raw YouTube liveChatMessage items to our chat messages, and whether the chat ended.

Pure, so every item type is tested without a server. Text and Super Chat messages are
the ones viewers order with; ``chatEndedEvent`` means the chat is over; deletions,
tombstones, bans and types YouTube adds later carry no order and are skipped (a
deletion does not cancel: the host sees the order and decides), and so are the channel
owner's own messages, which are our confirmations coming back ("Tercatat: @Budi K01x2"
would otherwise order K01 again). Text is kept exactly as sent, HTML and all: it is data
for the grammar, never markup.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from orchestrator.orders.model import ChatMessage

PLATFORM = "youtube"
ZERO = timedelta(0)
TEXT, SUPER_CHAT, CHAT_ENDED = "textMessageEvent", "superChatEvent", "chatEndedEvent"


@dataclass(frozen=True)
class ChatItems:
    """What one page of items held: the messages, whether the chat ended, what was skipped."""

    messages: list[ChatMessage] = field(default_factory=list)
    ended: bool = False
    ignored: int = 0


def parse_time(text: str) -> datetime:
    """Read an RFC 3339 time (``Z`` or an offset, any fraction) as aware UTC."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = datetime.fromisoformat(text.strip().upper().replace("Z", "+00:00"))
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment if moment.utcoffset() == ZERO else moment.astimezone(UTC)


def _text(snippet: Mapping[str, Any]) -> str:
    """The words a viewer typed, falling back on the display message."""
    details = snippet.get("textMessageDetails") or {}
    text = details.get("messageText")
    return str(text if text is not None else snippet.get("displayMessage") or "")


def _micros(value: Any) -> int | None:
    """Read ``amountMicros`` (a string of digits in the API) as an int, if it is one."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def to_message(item: Mapping[str, Any], channel: str) -> ChatMessage | None:
    """Turn one text or Super Chat item into a ChatMessage; None for anything else."""
    snippet = item.get("snippet") or {}
    kind = snippet.get("type")
    if kind not in (TEXT, SUPER_CHAT) or not item.get("id"):
        return None
    author = item.get("authorDetails") or {}
    if author.get("isChatOwner"):
        return None
    try:
        published = parse_time(str(snippet["publishedAt"]))
    except (KeyError, ValueError):
        return None
    author_id = str(author.get("channelId") or snippet.get("authorChannelId") or "")
    name = str(author.get("displayName") or "")
    if kind == TEXT:
        text = _text(snippet)
        return ChatMessage(PLATFORM, str(item["id"]), channel, author_id, name, text, published)
    details = snippet.get("superChatDetails") or {}
    return ChatMessage(
        PLATFORM, str(item["id"]), channel, author_id, name,
        str(details.get("userComment") or ""), published, "superchat",
        _micros(details.get("amountMicros")), details.get("currency"),
    )  # fmt: skip


def read_items(items: Iterable[Mapping[str, Any]], channel: str) -> ChatItems:
    """Read one page of items for ``channel``: its messages in order, and the end if seen."""
    messages: list[ChatMessage] = []
    ended, ignored = False, 0
    for item in items:
        message = to_message(item, channel)
        if message is not None:
            messages.append(message)
        elif (item.get("snippet") or {}).get("type") == CHAT_ENDED:
            ended = True
        else:
            ignored += 1
    return ChatItems(messages, ended, ignored)
