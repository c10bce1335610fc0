"""YouTube's streaming chat (``liveChatMessages.streamList``) through grpcio.

The method is gRPC only (google-api-python-client does not have it). Each response is
turned into the REST page's item shape, so the chat's one reader (``chat/items.py``)
and the order desk take a streamed message exactly as they take a polled one. Auth is an
OAuth bearer token in the call's metadata, refreshed once when the server answers
``UNAUTHENTICATED``; production talks TLS to ``youtube.googleapis.com:443``, the sandbox
plaintext on loopback. Each open is counted against the shared quota tally at
``open_cost`` units (undocumented by Google: a setting, 5 by default), and
``RESOURCE_EXHAUSTED`` is taken as YouTube's ``quotaExceeded``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import grpc
from google.auth.transport.requests import Request
from google.oauth2.credentials import Credentials

from kernel.proto import stream_list_pb2 as pb
from kernel.proto import stream_list_pb2_grpc as pb_grpc

from .errors import PlatformError, QuotaExhausted, YouTubeApiError
from .quota import QuotaTracker

log = logging.getLogger(__name__)

PRODUCTION_TARGET = "youtube.googleapis.com:443"
PARTS = ("id", "snippet", "authorDetails")
OPEN_COST = 5
# Reasons a server may put first in a status's details (the sandbox does; Google's
# details are unconfirmed, so an unknown word falls back on the status code's name).
_REASONS = frozenset(
    {"liveChatEnded", "liveChatNotFound", "liveChatDisabled", "invalidPageToken", "forbidden"}
)
_TYPE_NAMES = {
    number: _name.split("_")[0].lower() + "".join(w.title() for w in _name.split("_")[1:])
    for _name, number in pb.LiveChatMessageSnippet.TypeWrapper.Type.items()
}


class TokenSource(Protocol):
    """Where the bearer token comes from: a stored OAuth token, or the sandbox's."""

    def token(self) -> str:
        """A token to send now (may block to refresh)."""
        ...

    def refresh(self) -> None:
        """Get a new token: the server said the old one is no good (blocks)."""
        ...


@dataclass
class StaticToken:
    """One fixed token (the sandbox takes any)."""

    value: str = "sandbox"

    def token(self) -> str:
        return self.value

    def refresh(self) -> None:
        return None


class GoogleTokens:
    """The OAuth user credentials `pasar-live auth youtube` stored, refreshed as needed."""

    def __init__(self, credentials: Credentials) -> None:
        self.credentials = credentials

    def token(self) -> str:
        if not self.credentials.valid:
            self.refresh()
        return str(self.credentials.token)

    def refresh(self) -> None:
        self.credentials.refresh(Request())


@dataclass(frozen=True)
class StreamPage:
    """One streamed response: raw items (REST shape), where to resume, and the end."""

    items: list[dict[str, Any]]
    next_page_token: str | None
    offline_at: datetime | None
    polling_ms: int | None = None  # streams have no pollingIntervalMillis


def type_name(number: int) -> str:
    """The REST ``snippet.type`` of a streamed type number (``1`` -> ``textMessageEvent``)."""
    return _TYPE_NAMES.get(number, "invalidType")


def to_item(message: pb.LiveChatMessage) -> dict[str, Any]:
    """Lay one streamed message out as the REST ``liveChatMessage`` resource."""
    s, a = message.snippet, message.author_details
    snippet: dict[str, Any] = {
        "type": type_name(s.type),
        "liveChatId": s.live_chat_id,
        "authorChannelId": s.author_channel_id,
        "publishedAt": s.published_at,
        "hasDisplayContent": s.has_display_content,
    }
    if s.HasField("display_message"):
        snippet["displayMessage"] = s.display_message
    if s.HasField("text_message_details"):
        snippet["textMessageDetails"] = {"messageText": s.text_message_details.message_text}
    if s.HasField("super_chat_details"):
        d = s.super_chat_details
        snippet["superChatDetails"] = {
            "amountMicros": str(d.amount_micros), "currency": d.currency,
            "amountDisplayString": d.amount_display_string, "userComment": d.user_comment,
            "tier": d.tier,
        }  # fmt: skip
    author = {
        "channelId": a.channel_id, "displayName": a.display_name, "channelUrl": a.channel_url,
        "isChatOwner": a.is_chat_owner, "isChatModerator": a.is_chat_moderator,
    }  # fmt: skip
    return {"kind": "youtube#liveChatMessage", "id": message.id, "snippet": snippet,
            "authorDetails": author}  # fmt: skip


def to_page(response: pb.LiveChatMessageListResponse) -> StreamPage:
    """Turn one streamed response into a page."""
    offline = None
    if response.offline_at:
        offline = datetime.fromisoformat(response.offline_at.replace("Z", "+00:00"))
    items = [to_item(message) for message in response.items]
    return StreamPage(items, response.next_page_token or None, offline)


def stream_error(err: grpc.aio.AioRpcError) -> PlatformError:
    """Translate a gRPC status into ours: YouTube's reason when named, else the code."""
    code, details = err.code(), err.details() or ""
    if code == grpc.StatusCode.RESOURCE_EXHAUSTED:
        return QuotaExhausted(details or "YouTube quota for today is used up (streamList)")
    word = details.split(":", 1)[0].strip()
    return YouTubeApiError(word if word in _REASONS else code.name, details)


class StreamClient:
    """Open chat streams; one grpc channel, made on first use in the running loop."""

    def __init__(
        self,
        target: str,
        tokens: TokenSource,
        quota: QuotaTracker,
        *,
        secure: bool = True,
        open_cost: int = OPEN_COST,
    ) -> None:
        self.target, self.tokens, self.quota = target, tokens, quota
        self.secure, self.open_cost = secure, open_cost
        self.opens = 0  # streams opened, for the panel, reports and the bench
        self._channel: grpc.aio.Channel | None = None

    def _stub(self) -> pb_grpc.V3DataLiveChatMessageServiceStub:
        if self._channel is None:
            if self.secure:
                credentials = grpc.ssl_channel_credentials()
                self._channel = grpc.aio.secure_channel(self.target, credentials)
            else:
                self._channel = grpc.aio.insecure_channel(self.target)
        return pb_grpc.V3DataLiveChatMessageServiceStub(self._channel)

    async def pages(self, live_chat_id: str, page_token: str | None) -> AsyncIterator[StreamPage]:
        """Stream the chat from ``page_token``: each response as a page, until the server
        ends the stream. Raises PlatformError when it cannot be opened or breaks."""
        if self.quota.exhausted:
            raise QuotaExhausted("YouTube said today's quota is used up; it resets at midnight PT")
        request = pb.LiveChatMessageListRequest(
            live_chat_id=live_chat_id, page_token=page_token or "", part=list(PARTS)
        )
        for attempt in (1, 2):
            token = await asyncio.to_thread(self.tokens.token)
            call = self._stub().StreamList(
                request, metadata=(("authorization", f"Bearer {token}"),)
            )
            opened = False
            try:
                async for response in call:
                    if not opened:
                        opened = self._opened()
                    yield to_page(response)
                if not opened:
                    self._opened()
                return
            except grpc.aio.AioRpcError as err:
                if err.code() == grpc.StatusCode.UNAUTHENTICATED and attempt == 1 and not opened:
                    await asyncio.to_thread(self.tokens.refresh)
                    continue
                error = stream_error(err)
                if error.reason == "quotaExceeded":
                    # YouTube's own word on the quota: compare with our tally to learn
                    # what an open really costs (the figure is undocumented).
                    used, opens, cost = self.quota.used, self.opens, self.open_cost
                    log.warning("YouTube quota spent at our tally of %d units (%d stream "
                                "opens at %d each)", used, opens, cost)  # fmt: skip
                    self.quota.exhaust()
                raise error from err
            finally:
                call.cancel()

    def _opened(self) -> bool:
        """Count one stream opened against today's quota."""
        self.opens += 1
        self.quota.charge(self.open_cost)
        return True

    async def close(self) -> None:
        """Close the channel (open streams end)."""
        channel, self._channel = self._channel, None
        if channel is not None:
            await channel.close()
