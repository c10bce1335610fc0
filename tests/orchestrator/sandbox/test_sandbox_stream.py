"""The sandbox's streamList through the real grpc client on loopback."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import grpc
import pytest

from kernel.clock import ManualClock
from kernel.proto import stream_list_pb2 as pb
from kernel.proto import stream_list_pb2_grpc as pb_grpc
from orchestrator.sandbox import Sandbox
from orchestrator.sandbox.chat import LiveChat
from orchestrator.sandbox.faults import Faults
from orchestrator.sandbox.youtube_state import OWNER

CHAT = "sbxCstreamtest"
BEARER = (("authorization", "Bearer sandbox"),)


@pytest.fixture
async def stub(sandbox: Sandbox) -> AsyncIterator[pb_grpc.V3DataLiveChatMessageServiceStub]:
    """A real grpc channel to the sandbox and a chat to stream."""
    sandbox.state.youtube.chats[CHAT] = LiveChat(CHAT, "b1")
    async with grpc.aio.insecure_channel(sandbox.grpc_target) as channel:
        yield pb_grpc.V3DataLiveChatMessageServiceStub(channel)


def open_stream(stub, token: str = "", metadata=BEARER):
    request = pb.LiveChatMessageListRequest(
        live_chat_id=CHAT, page_token=token, part=["snippet", "authorDetails"]
    )
    return stub.StreamList(request, metadata=metadata)


async def next_response(call, timeout: float = 5.0) -> pb.LiveChatMessageListResponse:
    return await asyncio.wait_for(call.read(), timeout)


async def test_history_first_then_each_new_message(sandbox: Sandbox, stub):
    """An open stream sends what was typed before, then each message as it is typed."""
    sandbox.add_chat_message(CHAT, "K01 2", display_name="Budi")
    call = open_stream(stub)
    first = await next_response(call)
    assert [i.snippet.text_message_details.message_text for i in first.items] == ["K01 2"]
    assert first.items[0].author_details.display_name == "Budi"
    sandbox.add_chat_message(CHAT, "K02 1", display_name="Sari", super_chat_idr=20_000)
    second = await next_response(call)
    [item] = second.items
    assert item.snippet.type == pb.LiveChatMessageSnippet.TypeWrapper.SUPER_CHAT_EVENT
    assert item.snippet.super_chat_details.amount_micros == 20_000 * 1_000_000
    assert second.next_page_token != first.next_page_token
    call.cancel()
    resumed = open_stream(stub, first.next_page_token)
    again = await next_response(resumed)
    assert [i.id for i in again.items] == [item.id]
    resumed.cancel()


async def test_quiet_stream_sends_one_empty_response_and_ends(
    sandbox: Sandbox, stub, clock: ManualClock
):
    """After the idle time with nothing typed, one empty response with a token, then EOF."""
    call = open_stream(stub)
    while clock.sleepers == 0:
        await asyncio.sleep(0.001)  # the server waits on the clock: then move it
    clock.advance(timedelta(seconds=sandbox.state.config.stream_idle_seconds))
    last = await next_response(call)
    assert list(last.items) == [] and last.next_page_token
    assert await next_response(call) is grpc.aio.EOF
    assert await call.code() == grpc.StatusCode.OK


async def test_each_open_costs_quota_and_a_spent_quota_refuses(sandbox: Sandbox, stub):
    """Five units per open; with the quota spent the open fails RESOURCE_EXHAUSTED."""
    sandbox.add_chat_message(CHAT, "K01 1")
    for _ in range(2):
        call = open_stream(stub)
        await next_response(call)
        call.cancel()
    assert sandbox.state.quota.spent_by_method["liveChatMessages.streamList"] == 10
    sandbox.state.quota.exhaust(sandbox.state.clock.now())
    call = open_stream(stub)
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await next_response(call)
    assert err.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert err.value.details().startswith("quotaExceeded")


async def test_injected_fault_is_unavailable(sandbox: Sandbox, stub):
    """An injected server error refuses the open with UNAVAILABLE."""
    sandbox.faults = Faults(error_rate=1.0)
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await next_response(open_stream(stub))
    assert err.value.code() == grpc.StatusCode.UNAVAILABLE


async def test_slow_stream_still_delivers(sandbox: Sandbox, stub):
    """A slow-stream fault delays responses but loses nothing."""
    sandbox.faults = Faults(delay_rate=1.0, delay_seconds=0.05)
    sandbox.add_chat_message(CHAT, "K03 1")
    response = await next_response(open_stream(stub))
    assert [i.snippet.display_message for i in response.items] == ["K03 1"]


async def test_missing_or_expired_token_is_unauthenticated(sandbox: Sandbox, stub):
    """No bearer token, or one the sandbox marked expired, fails UNAUTHENTICATED."""
    sandbox.state.expired_tokens.add("old")
    for metadata in ((), (("authorization", "Bearer old"),)):
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await next_response(open_stream(stub, metadata=metadata))
        assert err.value.code() == grpc.StatusCode.UNAUTHENTICATED


async def test_chat_end_arrives_with_offline_at_and_closes(sandbox: Sandbox, stub):
    """The end event comes with offline_at, the stream ends; reopening is refused."""
    sandbox.add_chat_message(CHAT, "K01 1")
    call = open_stream(stub)
    first = await next_response(call)
    sandbox.state.youtube.chats[CHAT].end(sandbox.state.clock.now(), OWNER, "end-1")
    last = await next_response(call)
    assert last.items[0].snippet.type == pb.LiveChatMessageSnippet.TypeWrapper.CHAT_ENDED_EVENT
    assert last.offline_at.endswith("Z")
    assert await next_response(call) is grpc.aio.EOF
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await next_response(open_stream(stub, last.next_page_token))
    assert err.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert err.value.details().startswith("liveChatEnded")
    assert first.next_page_token != last.next_page_token


async def test_switched_failure_refuses_every_open(sandbox: Sandbox, stub):
    """``stream_failure`` makes every open fail with that status (an endpoint without it)."""
    sandbox.state.stream_failure = "UNIMPLEMENTED"
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await next_response(open_stream(stub))
    assert err.value.code() == grpc.StatusCode.UNIMPLEMENTED
