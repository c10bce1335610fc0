"""Choosing each channel's chat transport (pure) and the streamed item's REST shape."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kernel.proto import stream_list_pb2 as pb
from orchestrator.chat.items import read_items
from orchestrator.chat.streamer import merge
from orchestrator.chat.transport import POLL, STREAM, Transports
from orchestrator.platforms.youtube_stream import StreamPage, to_item, to_page, type_name

NOW = datetime(2027, 2, 15, 3, 0, tzinfo=UTC)


def test_streaming_is_the_default_and_poll_is_a_setting():
    """Without a fallback a chat streams; mode poll always polls, saying why."""
    assert Transports().choose("utama", NOW).transport == STREAM
    choice = Transports("poll").choose("utama", NOW)
    assert choice.transport == POLL and "PASAR_YOUTUBE_CHAT=poll" in choice.text()


def test_fallback_lasts_its_time_on_its_channel_only():
    """A fallback polls that channel until retry_stream_s has passed, then streams again."""
    transports = Transports(retry_stream_s=600)
    transports.fell_back("utama", NOW, "UNAVAILABLE")
    during = transports.choose("utama", NOW + timedelta(seconds=599))
    assert during.transport == POLL and "UNAVAILABLE" in during.text()
    assert "10:10 WIB" in during.text()  # 03:00 UTC + 10 min, in Jakarta time
    assert transports.choose("kuliner", NOW).transport == STREAM
    assert transports.choose("utama", NOW + timedelta(seconds=600)).transport == STREAM


def test_unknown_mode_is_refused():
    """A mistyped setting is an error, not a silent default."""
    with pytest.raises(ValueError, match="stream or poll"):
        Transports("grpc")


def test_streamed_message_reads_as_the_polled_one():
    """A streamed text and Super Chat read into the same ChatMessages as REST items."""
    response = pb.LiveChatMessageListResponse(next_page_token="t2")
    text = response.items.add(id="m1")
    text.snippet.type = pb.LiveChatMessageSnippet.TypeWrapper.TEXT_MESSAGE_EVENT
    text.snippet.published_at = "2027-02-15T03:00:01Z"
    text.snippet.text_message_details.message_text = "K01 2"
    text.author_details.channel_id, text.author_details.display_name = "UCb", "Budi"
    paid = response.items.add(id="m2")
    paid.snippet.type = pb.LiveChatMessageSnippet.TypeWrapper.SUPER_CHAT_EVENT
    paid.snippet.published_at = "2027-02-15T03:00:02Z"
    paid.snippet.super_chat_details.amount_micros = 20_000_000_000
    paid.snippet.super_chat_details.currency = "IDR"
    paid.snippet.super_chat_details.user_comment = "K02 1"
    page = to_page(response)
    assert page.next_page_token == "t2" and page.offline_at is None
    first, second = read_items(page.items, "utama").messages
    assert (first.message_id, first.text, first.author_name) == ("m1", "K01 2", "Budi")
    assert first.published_at == NOW + timedelta(seconds=1)
    assert (second.kind, second.amount_micros, second.text) == (
        "superchat",
        20_000_000_000,
        "K02 1",
    )


def test_owner_and_end_event_are_read_like_rest():
    """The owner's own message is skipped and chatEndedEvent ends the chat."""
    own = pb.LiveChatMessage(id="o1")
    own.snippet.type = pb.LiveChatMessageSnippet.TypeWrapper.TEXT_MESSAGE_EVENT
    own.snippet.published_at = "2027-02-15T03:00:01Z"
    own.snippet.text_message_details.message_text = "Tercatat: @Budi K01x2"
    own.author_details.is_chat_owner = True
    end = pb.LiveChatMessage(id="e1")
    end.snippet.type = pb.LiveChatMessageSnippet.TypeWrapper.CHAT_ENDED_EVENT
    read = read_items([to_item(own), to_item(end)], "utama")
    assert read.messages == [] and read.ended
    assert type_name(15) == "superChatEvent" and type_name(99) == "invalidType"


def test_responses_waiting_together_are_stored_as_one_batch():
    """Merged responses keep every item in order, the last token and the end."""
    ended = NOW + timedelta(minutes=1)
    pages = [StreamPage([{"id": "a"}], "t1", None), StreamPage([], None, None),
             StreamPage([{"id": "b"}, {"id": "c"}], "t3", ended)]  # fmt: skip
    batch = merge(pages)
    assert [i["id"] for i in batch.items] == ["a", "b", "c"]
    assert (batch.next_page_token, batch.offline_at) == ("t3", ended)
    assert merge(pages[:1]) is pages[0]
