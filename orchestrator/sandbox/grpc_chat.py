"""The fake ``liveChatMessages.streamList``: a gRPC server stream on the sandbox's chats.

It reads the same ``LiveChat`` the REST ``liveChatMessages.list`` pages through, with the
same page tokens: history from the token first, then each message as it is appended
(the audience's, the owner's, a test's), every response carrying ``next_page_token``.
What it assumes of the real endpoint (none of it documented; see API-NOTES):

- one open costs ``COSTS["liveChatMessages.streamList"]`` units (5), counted per open;
  a spent quota refuses the open with ``RESOURCE_EXHAUSTED`` ("quotaExceeded: ...");
- a stream with nothing new for ``stream_idle_seconds`` sends one empty response with
  the token and ends (status OK), so clients reconnect;
- the chat's end arrives as a ``CHAT_ENDED_EVENT`` item in a response carrying
  ``offline_at``, after which the stream ends; opening it again is refused like the REST
  call (``FAILED_PRECONDITION``, "liveChatEnded: ...");
- errors carry YouTube's REST reason as the first word of the status details.

Faults: an injected error or throttle refuses the open with ``UNAVAILABLE``; a slow answer
delays every response of that stream by the fault's delay (in the clock's time).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import grpc

from kernel.proto import stream_list_pb2 as pb
from kernel.proto import stream_list_pb2_grpc as pb_grpc

from .chat import MAX_PAGE, LiveChat, decode_token, encode_token
from .errors import YouTubeError
from .state import SandboxState

METHOD = "liveChatMessages.streamList"
PATH = "/youtube.api.v3.V3DataLiveChatMessageService/StreamList"
TYPES = pb.LiveChatMessageSnippet.TypeWrapper
_TYPE_NUMBERS = {
    "textMessageEvent": TYPES.TEXT_MESSAGE_EVENT,
    "superChatEvent": TYPES.SUPER_CHAT_EVENT,
    "chatEndedEvent": TYPES.CHAT_ENDED_EVENT,
    "messageDeletedEvent": TYPES.MESSAGE_DELETED_EVENT,
    "tombstone": TYPES.TOMBSTONE,
    "userBannedEvent": TYPES.USER_BANNED_EVENT,
}
# YouTube's REST reasons as gRPC status codes (our assumption; unconfirmed).
_CODES = {
    "liveChatNotFound": grpc.StatusCode.NOT_FOUND,
    "liveChatEnded": grpc.StatusCode.FAILED_PRECONDITION,
    "liveChatDisabled": grpc.StatusCode.FAILED_PRECONDITION,
    "invalidPageToken": grpc.StatusCode.INVALID_ARGUMENT,
    "required": grpc.StatusCode.INVALID_ARGUMENT,
    "forbidden": grpc.StatusCode.PERMISSION_DENIED,
    "quotaExceeded": grpc.StatusCode.RESOURCE_EXHAUSTED,
}


def to_proto(item: dict[str, Any]) -> pb.LiveChatMessage:
    """Lay a REST liveChatMessage resource out as the streaming message."""
    snippet, author = item.get("snippet") or {}, item.get("authorDetails") or {}
    message = pb.LiveChatMessage(id=item["id"], kind=item.get("kind", "youtube#liveChatMessage"))
    out = message.snippet
    out.type = _TYPE_NUMBERS.get(snippet.get("type", ""), TYPES.INVALID_TYPE)
    out.published_at = snippet.get("publishedAt", "")
    out.live_chat_id = snippet.get("liveChatId", "")
    out.author_channel_id = snippet.get("authorChannelId", "")
    out.has_display_content = bool(snippet.get("hasDisplayContent"))
    if snippet.get("displayMessage") is not None:
        out.display_message = snippet["displayMessage"]
    if "textMessageDetails" in snippet:
        out.text_message_details.message_text = snippet["textMessageDetails"]["messageText"]
    if "superChatDetails" in snippet:
        details = snippet["superChatDetails"]
        sc = out.super_chat_details
        sc.amount_micros = int(details["amountMicros"])
        sc.currency = details.get("currency", "")
        sc.amount_display_string = details.get("amountDisplayString", "")
        sc.user_comment = details.get("userComment", "")
        sc.tier = int(details.get("tier", 1))
    who = message.author_details
    who.channel_id = author.get("channelId", "")
    who.display_name = author.get("displayName", "")
    who.channel_url = author.get("channelUrl", "")
    who.is_chat_owner = bool(author.get("isChatOwner"))
    who.is_chat_moderator = bool(author.get("isChatModerator"))
    return message


class StreamListService(pb_grpc.V3DataLiveChatMessageServiceServicer):
    """Serve StreamList from the sandbox state, on its clock."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state
        self.opens = 0  # streams opened (each charged), for tests and the bench

    async def _refuse(self, context: grpc.aio.ServicerContext, code: grpc.StatusCode,
                      reason: str, message: str) -> None:  # fmt: skip
        await context.abort(code, f"{reason}: {message}")

    async def _open(self, request: pb.LiveChatMessageListRequest,
                    context: grpc.aio.ServicerContext) -> tuple[LiveChat, int, float]:  # fmt: skip
        """Check auth, faults and quota; charge the open; return the chat, start, delay."""
        state, now = self.state, self.state.clock.now()
        state.calls[METHOD] += 1
        metadata = dict(context.invocation_metadata() or ())
        scheme, _, token = str(metadata.get("authorization", "")).partition(" ")
        if scheme.lower() != "bearer" or not token.strip() or token in state.expired_tokens:
            await self._refuse(context, grpc.StatusCode.UNAUTHENTICATED, "authError",
                               "Request had invalid authentication credentials.")  # fmt: skip
        fault = state.faults.decide("youtube", "GRPC", PATH)
        if fault is not None and fault.kind in ("error", "throttle"):
            await self._refuse(context, grpc.StatusCode.UNAVAILABLE, "backendError",
                               "The service is currently unavailable.")  # fmt: skip
        if state.stream_failure:
            code = grpc.StatusCode[state.stream_failure]
            await self._refuse(context, code, "streamFailure", "Injected by the sandbox.")
        try:
            state.quota.check(METHOD, now)
            chat = state.youtube.chat(request.live_chat_id)
            start = decode_token(chat.id, request.page_token) if request.page_token else 0
            if chat.disabled:
                raise YouTubeError(403, "liveChatDisabled", "The live chat is not enabled.")
            if chat.ended_at is not None and start >= len(chat.messages):
                raise YouTubeError(403, "liveChatEnded", "The live chat has ended.")
        except YouTubeError as err:
            if err.reason != "quotaExceeded":
                state.quota.charge(METHOD, now, ok=False)
            code = _CODES.get(err.reason, grpc.StatusCode.INVALID_ARGUMENT)
            await self._refuse(context, code, err.reason, err.message)
        state.quota.charge(METHOD, now, ok=True)
        self.opens += 1
        state.stream_tokens.append(request.page_token)
        slow = fault.delay if fault is not None and fault.kind in ("delay", "timeout") else 0.0
        return chat, start, slow

    async def StreamList(  # the generated servicer's name
        self, request: pb.LiveChatMessageListRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[pb.LiveChatMessageListResponse]:
        """History from the token, then each new message; end when idle or the chat ends."""
        chat, position, slow = await self._open(request, context)
        clock, idle = self.state.clock, timedelta(seconds=self.state.config.stream_idle_seconds)
        quiet_until = clock.now() + idle
        while True:
            batch = chat.messages[position : position + MAX_PAGE]
            if batch:
                position += len(batch)
                if slow:  # late in the clock's time, like the REST fault
                    await asyncio.sleep(slow / clock.speed)
                yield self._response(chat, batch, position)
                quiet_until = clock.now() + idle
                # Real time, not the clock's: a response each 20 ms at most keeps a 600x
                # rehearsal's audience (hundreds of messages a second) from costing a
                # gRPC message each, and at 1x is far below the latency anyone sees.
                await asyncio.sleep(self.state.config.stream_gap_s)
                continue
            if chat.ended_at is not None:
                return
            if clock.now() >= quiet_until:
                yield self._response(chat, [], position)
                return
            wake = asyncio.Event()
            chat.watchers.add(wake)
            try:
                await clock.sleep_until(quiet_until, wake)
            finally:
                chat.watchers.discard(wake)

    def _response(self, chat: LiveChat, batch: list[dict[str, Any]],
                  position: int) -> pb.LiveChatMessageListResponse:  # fmt: skip
        token = encode_token(chat.id, position)
        response = pb.LiveChatMessageListResponse(
            kind="youtube#liveChatMessageListResponse", etag=token, next_page_token=token,
            items=[to_proto(item) for item in batch],
        )  # fmt: skip
        response.page_info.total_results = response.page_info.results_per_page = len(batch)
        if chat.ended_at is not None and position >= len(chat.messages):
            response.offline_at = chat.ended_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        return response


async def start_grpc(
    state: SandboxState, host: str, port: int = 0
) -> tuple[grpc.aio.Server, StreamListService]:
    """Serve StreamList on ``host:port`` (0 picks a free port); sets ``state.grpc_target``."""
    server = grpc.aio.server()
    service = StreamListService(state)
    pb_grpc.add_V3DataLiveChatMessageServiceServicer_to_server(service, server)
    bound = server.add_insecure_port(f"{host}:{port}")
    await server.start()
    state.grpc_target = f"{host}:{bound}"
    return server, service
