"""The generated streamList messages against bytes encoded by hand, field by field.

Nothing here reads ``stream_list.proto``: each expected byte string is built from the
protobuf encoding rules (a field's key is the varint of ``number << 3 | wire_type``) and
the field numbers of Google's published interface, so a wrong number in our .proto
(silently skipped on the wire) fails these tests.
"""

from __future__ import annotations

from kernel.proto import stream_list_pb2 as pb

VARINT, LEN = 0, 2


def varint(value: int) -> bytes:
    """Encode a non-negative int as a base-128 varint, low group first."""
    out = bytearray()
    while True:
        low, value = value & 0x7F, value >> 7
        out.append(low | (0x80 if value else 0))
        if not value:
            return bytes(out)


def key(number: int, wire_type: int) -> bytes:
    """A field's key: its number and wire type."""
    return varint(number << 3 | wire_type)


def text(number: int, value: str | bytes) -> bytes:
    """A length-delimited field (string or embedded message)."""
    data = value.encode() if isinstance(value, str) else value
    return key(number, LEN) + varint(len(data)) + data


def number_field(number: int, value: int) -> bytes:
    """A varint field (enum, bool, uint)."""
    return key(number, VARINT) + varint(value)


def read_varint(data: bytes, at: int) -> tuple[int, int]:
    """Decode the varint at ``at``; return it and where the next byte is."""
    value = shift = 0
    while True:
        byte = data[at]
        value |= (byte & 0x7F) << shift
        at, shift = at + 1, shift + 7
        if not byte & 0x80:
            return value, at


def top_fields(data: bytes) -> list[bytes]:
    """Cut a message into its top-level fields (key and value), sorted: protobuf does not
    promise an order between fields, only each field's bytes."""
    fields, at = [], 0
    while at < len(data):
        start = at
        tag, at = read_varint(data, at)
        length, at = read_varint(data, at)
        if tag & 7 == LEN:
            at += length
        fields.append(data[start:at])
    return sorted(fields)


def test_hand_encoder_matches_keys_worked_out_on_paper():
    """The helper agrees with keys computed by hand (so the other tests rest on it)."""
    assert key(1, LEN) == b"\x0a"
    assert key(99, LEN) == b"\x9a\x06"  # 99 << 3 | 2 = 794 = 0b110_0011010
    assert key(100, LEN) == b"\xa2\x06"  # 802
    assert key(100602, LEN) == b"\xd2\x8f\x31"  # 804818
    assert key(1007, LEN) == b"\xfa\x3e"  # 8058
    assert key(10101, LEN) == b"\xaa\xf7\x04"  # 80810 = 4 * 128**2 + 119 * 128 + 42


def test_request_serializes_with_the_published_field_numbers():
    """live_chat_id = 1, page_token = 99, part = 100 (repeated), max_results = 98."""
    request = pb.LiveChatMessageListRequest(
        live_chat_id="sbxC1", page_token="tok", part=["snippet", "authorDetails"],
        max_results=20, profile_image_size=64, hl="id",
    )  # fmt: skip
    expected = (
        text(1, "sbxC1") + text(2, "id") + number_field(3, 64) + number_field(98, 20)
        + text(99, "tok") + text(100, "snippet") + text(100, "authorDetails")
    )  # fmt: skip
    assert top_fields(request.SerializeToString()) == top_fields(expected)


def message_bytes() -> bytes:
    """One text message as YouTube would send it: id 101, snippet 2, author 3."""
    snippet = (
        number_field(1, 1)  # type TEXT_MESSAGE_EVENT
        + text(4, "2027-02-15T08:00:00.5Z")
        + text(16, "K01 2")
        + text(19, text(1, "K01 2"))  # text_message_details.message_text
    )
    author = number_field(5, 0) + text(103, "Budi") + text(10101, "UCbudi")
    return text(2, snippet) + text(3, author) + text(101, "msg-1")


def test_response_parses_from_hand_made_bytes():
    """A response built by hand reads back: token 100602, items 1007, offline_at 2."""
    wire = text(2, "2027-02-15T09:00:00Z") + text(100602, "next-1") + text(1007, message_bytes())
    response = pb.LiveChatMessageListResponse.FromString(wire)
    assert response.next_page_token == "next-1"
    assert response.offline_at == "2027-02-15T09:00:00Z"
    [item] = response.items
    assert item.id == "msg-1"
    assert item.snippet.type == pb.LiveChatMessageSnippet.TypeWrapper.TEXT_MESSAGE_EVENT
    assert item.snippet.published_at == "2027-02-15T08:00:00.5Z"
    assert item.snippet.text_message_details.message_text == "K01 2"
    assert item.author_details.channel_id == "UCbudi"
    assert item.author_details.display_name == "Budi"
    assert item.author_details.HasField("is_chat_owner") and not item.author_details.is_chat_owner


def test_response_serializes_to_the_same_hand_made_bytes():
    """What the sandbox sends is byte for byte what YouTube's numbering gives."""
    response = pb.LiveChatMessageListResponse(next_page_token="next-1")
    item = response.items.add(id="msg-1")
    item.snippet.type = pb.LiveChatMessageSnippet.TypeWrapper.TEXT_MESSAGE_EVENT
    item.snippet.published_at = "2027-02-15T08:00:00.5Z"
    item.snippet.display_message = "K01 2"
    item.snippet.text_message_details.message_text = "K01 2"
    item.author_details.is_chat_owner = False
    item.author_details.display_name = "Budi"
    item.author_details.channel_id = "UCbudi"
    expected = text(100602, "next-1") + text(1007, message_bytes())
    assert top_fields(response.SerializeToString()) == top_fields(expected)


def test_super_chat_and_enum_numbers():
    """Super Chat is type 15 with details at 27 (amount_micros 1, currency 2, comment 4);
    a chat's end is type 4."""
    details = number_field(1, 50_000_000_000) + text(2, "IDR") + text(4, "K02 1")
    snippet = number_field(1, 15) + text(27, details)
    ended = text(1007, text(2, number_field(1, 4)) + text(101, "end"))
    wire = text(1007, text(2, snippet) + text(101, "sc-1")) + ended
    first, last = pb.LiveChatMessageListResponse.FromString(wire).items
    types = pb.LiveChatMessageSnippet.TypeWrapper
    assert first.snippet.type == types.SUPER_CHAT_EVENT
    assert first.snippet.super_chat_details.amount_micros == 50_000_000_000
    assert first.snippet.super_chat_details.currency == "IDR"
    assert first.snippet.super_chat_details.user_comment == "K02 1"
    assert last.snippet.type == types.CHAT_ENDED_EVENT


def test_service_path_is_the_published_one():
    """The stub calls /youtube.api.v3.V3DataLiveChatMessageService/StreamList."""
    service = pb.DESCRIPTOR.services_by_name["V3DataLiveChatMessageService"]
    assert service.full_name == "youtube.api.v3.V3DataLiveChatMessageService"
    method = service.methods_by_name["StreamList"]
    assert method.input_type.full_name == "youtube.api.v3.LiveChatMessageListRequest"
    assert method.output_type.full_name == "youtube.api.v3.LiveChatMessageListResponse"
