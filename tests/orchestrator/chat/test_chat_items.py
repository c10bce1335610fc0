"""Raw YouTube chat items to ChatMessages: every item type the poller meets."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from orchestrator.chat.items import parse_time, read_items, to_message

AUTHOR = {"channelId": "UCbudi", "displayName": "Budi Santoso", "isChatOwner": False}


def item(kind: str, item_id: str = "m1", **snippet: Any) -> dict[str, Any]:
    """Build a liveChatMessage resource the way the API lays one out."""
    return {
        "kind": "youtube#liveChatMessage",
        "id": item_id,
        "snippet": {"type": kind, "publishedAt": "2027-02-15T08:31:02.123Z", **snippet},
        "authorDetails": AUTHOR,
    }


def text_item(text: str, item_id: str = "m1") -> dict[str, Any]:
    """A textMessageEvent saying ``text``."""
    return item(
        "textMessageEvent", item_id, displayMessage=text, textMessageDetails={"messageText": text}
    )


def test_text_message_becomes_chat_message() -> None:
    """A textMessageEvent keeps its id, author, text and time (aware UTC)."""
    message = to_message(text_item("K01 2"), "utama")
    assert message is not None
    assert (message.platform, message.message_id, message.channel) == ("youtube", "m1", "utama")
    assert (message.author_id, message.author_name) == ("UCbudi", "Budi Santoso")
    assert message.text == "K01 2" and message.kind == "text"
    assert message.published_at == datetime(2027, 2, 15, 8, 31, 2, 123000, tzinfo=UTC)
    assert message.amount_micros is None and message.currency is None


def test_super_chat_carries_amount_and_comment() -> None:
    """A superChatEvent's comment is the text; amountMicros and currency are kept."""
    details = {
        "amountMicros": "50000000000",
        "currency": "IDR",
        "amountDisplayString": "Rp50.000",
        "userComment": "mau K02 3",
        "tier": 2,
    }
    raw = item("superChatEvent", displayMessage="Rp50.000 from Budi", superChatDetails=details)
    message = to_message(raw, "utama")
    assert message is not None
    assert (message.kind, message.text) == ("superchat", "mau K02 3")
    assert (message.amount_micros, message.currency) == (50_000_000_000, "IDR")


def test_super_chat_without_comment_is_still_a_message() -> None:
    """A Super Chat with no comment is stored (the money matters) with empty text."""
    raw = item("superChatEvent", superChatDetails={"amountMicros": "1000000", "currency": "USD"})
    message = to_message(raw, "utama")
    assert message is not None and message.text == "" and message.amount_micros == 1_000_000


def test_chat_ended_event_ends_the_page() -> None:
    """A chatEndedEvent is no message but says the chat is over."""
    page = read_items([text_item("K01", "a"), item("chatEndedEvent", "b")], "utama")
    assert [m.message_id for m in page.messages] == ["a"]
    assert page.ended and page.ignored == 0


def test_deleted_banned_tombstone_and_unknown_are_ignored() -> None:
    """Deletions, tombstones, bans and unknown types are skipped and counted."""
    raw = [
        item("messageDeletedEvent", "d", messageDeletedDetails={"deletedMessageId": "a"}),
        item("tombstone", "t"),
        item("userBannedEvent", "u", userBannedDetails={"banType": "permanent"}),
        item("pollEvent", "p"),
        item("superStickerEvent", "s"),
        text_item("K01 1", "a"),
    ]
    page = read_items(raw, "utama")
    assert [m.message_id for m in page.messages] == ["a"]
    assert page.ignored == 5 and not page.ended


def test_html_in_text_is_kept_as_data() -> None:
    """Markup in a message is neither unescaped nor stripped: it is just text."""
    text = '<b>K01</b> 2 &amp; <script>alert("x")</script>'
    message = to_message(text_item(text), "utama")
    assert message is not None and message.text == text


def test_message_without_id_or_time_is_skipped() -> None:
    """An item missing its id (the dedupe key) or a readable time is not guessed at."""
    no_id = text_item("K01")
    del no_id["id"]
    bad_time = text_item("K01", "x")
    bad_time["snippet"]["publishedAt"] = "yesterday"
    page = read_items([no_id, bad_time], "utama")
    assert page.messages == [] and page.ignored == 2


def test_author_falls_back_on_snippet_channel_id() -> None:
    """Without authorDetails the snippet's authorChannelId names the viewer."""
    raw = text_item("K01")
    del raw["authorDetails"]
    raw["snippet"]["authorChannelId"] = "UCsiti"
    message = to_message(raw, "utama")
    assert message is not None and (message.author_id, message.author_name) == ("UCsiti", "")


def test_parse_time_takes_offsets_and_nanoseconds() -> None:
    """Times with offsets, no fraction or nine fraction digits all come out as UTC."""
    assert parse_time("2027-02-15T15:31:02+07:00") == datetime(2027, 2, 15, 8, 31, 2, tzinfo=UTC)
    assert parse_time("2027-02-15T08:31:02.123456789Z") == datetime(
        2027, 2, 15, 8, 31, 2, 123456, tzinfo=UTC
    )


def test_channel_owner_messages_are_ours_and_skipped() -> None:
    """Our own confirmations come back as the owner's messages and must not order again."""
    raw = text_item("Tercatat: @Budi K01x2")
    raw["authorDetails"] = {**AUTHOR, "isChatOwner": True}
    assert to_message(raw, "utama") is None
    assert read_items([raw], "utama").ignored == 1


def test_moderator_messages_are_read() -> None:
    """A moderator is a viewer too: their orders count."""
    raw = text_item("K01 2")
    raw["authorDetails"] = {**AUTHOR, "isChatModerator": True}
    assert to_message(raw, "utama") is not None
