"""Live chat pages, tokens, ending and inserts, read through the real YouTube client."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from googleapiclient.errors import HttpError

from kernel.clock import ScaledClock
from orchestrator.sandbox import Sandbox, resources, start_sandbox
from orchestrator.sandbox import youtube as sandbox_youtube
from tests.orchestrator.sandbox.helpers import Show, reason, run


async def page(youtube: Any, show: Show, token: str | None = None, **extra: Any) -> Any:
    """Read one chat page."""
    request = youtube.liveChatMessages().list(
        liveChatId=show.chat_id, part="id,snippet,authorDetails", pageToken=token, **extra
    )
    return await run(request)


async def refused(youtube: Any, show: Show, token: str | None = None) -> tuple[int, str]:
    """Read a chat page that must fail; return status and reason."""
    with pytest.raises(HttpError) as caught:
        await page(youtube, show, token)
    return caught.value.resp.status, reason(caught.value)


async def test_page_shape_and_message_fields(
    sandbox: Sandbox, youtube: Any, prepare_show: Any
) -> None:
    """A page carries nextPageToken, pollingIntervalMillis and fully described messages."""
    show = await prepare_show()
    sandbox.add_chat_message(show.chat_id, "K01 2", display_name="Budi", author_channel_id="UCb")
    sandbox.add_chat_message(show.chat_id, "M12 1", display_name="Siti", super_chat_idr=20_000)
    first = await page(youtube, show)
    assert first["kind"] == "youtube#liveChatMessageListResponse"
    assert first["pollingIntervalMillis"] == 2000 and first["nextPageToken"]
    assert "offlineAt" not in first
    text, paid = first["items"]
    assert text["snippet"]["type"] == "textMessageEvent"
    assert text["snippet"]["displayMessage"] == "K01 2"
    assert text["snippet"]["textMessageDetails"]["messageText"] == "K01 2"
    assert text["snippet"]["publishedAt"].endswith("Z")
    author = text["authorDetails"]
    assert (author["channelId"], author["displayName"]) == ("UCb", "Budi")
    assert author["isChatOwner"] is False and author["isChatModerator"] is False
    details = paid["snippet"]["superChatDetails"]
    assert paid["snippet"]["type"] == "superChatEvent"
    assert details["amountMicros"] == "20000000000" and details["currency"] == "IDR"
    assert details["userComment"] == "M12 1"


async def test_message_etags_are_hashed_once(
    sandbox: Sandbox, youtube: Any, prepare_show: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading a page again gives the same etags without hashing its messages again."""
    show = await prepare_show()
    for n in range(5):
        sandbox.add_chat_message(show.chat_id, f"K01 {n + 1}")
    hashed: list[str] = []

    def counting(resource: dict[str, Any]) -> str:
        hashed.append(resource["id"])
        return resources.etag(resource)

    monkeypatch.setattr(sandbox_youtube, "etag", counting)
    first, again = await page(youtube, show), await page(youtube, show)
    assert [m["etag"] for m in first["items"]] == [m["etag"] for m in again["items"]]
    assert sorted(hashed) == sorted(m["id"] for m in first["items"])
    assert first["items"][0]["etag"] == resources.etag(
        sandbox.state.youtube.chats[show.chat_id].messages[0]
    )


async def test_tokens_are_stable(sandbox: Sandbox, youtube: Any, prepare_show: Any) -> None:
    """Reading from the same token twice returns the same messages, new ones come after."""
    show = await prepare_show()
    sandbox.add_chat_message(show.chat_id, "halo kak")
    first = await page(youtube, show)
    sandbox.add_chat_message(show.chat_id, "K01 2")
    sandbox.add_chat_message(show.chat_id, "batal K01")
    again = await page(youtube, show, first["nextPageToken"])
    replay = await page(youtube, show, first["nextPageToken"])
    texts = [m["snippet"]["displayMessage"] for m in again["items"]]
    assert texts == ["K01 2", "batal K01"]
    assert [m["id"] for m in replay["items"]] == [m["id"] for m in again["items"]]
    assert replay["nextPageToken"] == again["nextPageToken"]
    empty = await page(youtube, show, again["nextPageToken"])
    assert empty["items"] == [] and empty["nextPageToken"] == again["nextPageToken"]


async def test_max_results_bounds_and_paging(
    sandbox: Sandbox, youtube: Any, prepare_show: Any
) -> None:
    """maxResults must be 200-2000; a long backlog comes in pages of that size."""
    show = await prepare_show()
    for n in range(450):
        sandbox.add_chat_message(show.chat_id, f"pesan {n}")
    first = await page(youtube, show, maxResults=200)
    second = await page(youtube, show, first["nextPageToken"], maxResults=200)
    third = await page(youtube, show, second["nextPageToken"], maxResults=200)
    assert [len(p["items"]) for p in (first, second, third)] == [200, 200, 50]
    with pytest.raises(HttpError) as caught:
        await page(youtube, show, maxResults=100)
    assert caught.value.resp.status == 400


async def test_bad_token_and_unknown_chat(youtube: Any, prepare_show: Any) -> None:
    """A garbage page token is a 400; an unknown chat is 404 liveChatNotFound."""
    show = await prepare_show()
    assert await refused(youtube, show, "bm9wZQ") == (400, "invalidPageToken")
    ghost = Show({"id": "x", "snippet": {"liveChatId": "nochat"}}, {}, 0)
    assert await refused(youtube, ghost) == (404, "liveChatNotFound")


async def test_chat_ends_after_complete(
    sandbox: Sandbox, youtube: Any, clock: Any, prepare_show: Any
) -> None:
    """Complete ends the chat: a chatEndedEvent, offlineAt, then 403 liveChatEnded."""
    show = await prepare_show()
    broadcasts = youtube.liveBroadcasts()
    await run(broadcasts.transition(broadcastStatus="live", id=show.broadcast_id, part="id"))
    sandbox.add_chat_message(show.chat_id, "K01 1")
    before = await page(youtube, show)
    sandbox.add_chat_message(show.chat_id, "M12 2")
    await run(broadcasts.transition(broadcastStatus="complete", id=show.broadcast_id, part="id"))
    last = await page(youtube, show, before["nextPageToken"])
    assert [m["snippet"]["type"] for m in last["items"]] == ["textMessageEvent", "chatEndedEvent"]
    assert "displayMessage" not in last["items"][1]["snippet"]
    assert last["offlineAt"].endswith("Z")
    replay = await page(youtube, show, before["nextPageToken"])
    assert [m["id"] for m in replay["items"]] == [m["id"] for m in last["items"]]
    assert await refused(youtube, show, last["nextPageToken"]) == (403, "liveChatEnded")
    with pytest.raises(Exception, match="liveChatEnded"):
        sandbox.add_chat_message(show.chat_id, "telat")
    clock.advance(timedelta(minutes=11))
    assert await refused(youtube, show, before["nextPageToken"]) == (403, "liveChatEnded")


async def test_disabled_chat(sandbox: Sandbox, youtube: Any, prepare_show: Any) -> None:
    """A chat switched off answers 403 liveChatDisabled."""
    show = await prepare_show()
    sandbox.state.youtube.chats[show.chat_id].disabled = True
    assert await refused(youtube, show) == (403, "liveChatDisabled")


async def test_insert_posts_as_owner(youtube: Any, prepare_show: Any) -> None:
    """liveChatMessages.insert posts as the chat owner and checks the text."""
    show = await prepare_show()
    messages = youtube.liveChatMessages()

    def body(text: str) -> dict[str, Any]:
        details = {"messageText": text}
        snippet = {"liveChatId": show.chat_id, "type": "textMessageEvent"}
        return {"snippet": {**snippet, "textMessageDetails": details}}

    posted = await run(messages.insert(part="snippet,authorDetails", body=body("Terima kasih!")))
    assert posted["snippet"]["displayMessage"] == "Terima kasih!"
    assert posted["authorDetails"]["isChatOwner"] is True
    for text in ("", "x" * 201):
        with pytest.raises(HttpError) as caught:
            await run(messages.insert(part="snippet", body=body(text)))
        assert (caught.value.resp.status, reason(caught.value)) == (400, "messageTextInvalid")
    listed = await page(youtube, show)
    assert [m["id"] for m in listed["items"]] == [posted["id"]]


async def test_polling_interval_is_configurable_and_scaled() -> None:
    """pollingIntervalMillis follows the config and shrinks with a faster clock."""
    async with await start_sandbox(polling_interval_ms=3000) as plain:
        assert plain.state.polling_interval_ms() == 3000
    now = datetime.now(UTC)
    fast_clock = ScaledClock(now, now, 10.0)
    async with await start_sandbox(clock=fast_clock, polling_interval_ms=3000) as fast:
        assert fast.state.polling_interval_ms() == 300
