"""The fake YouTube API, driven through the real google-api-python-client over loopback."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from googleapiclient.errors import HttpError
from zoomus import ZoomClient

from orchestrator.sandbox import Sandbox
from tests.orchestrator.sandbox.helpers import BROADCAST, STREAM, Show, reason, run, set_zoom_stream


async def transition(youtube: Any, show: Show, status: str) -> dict[str, Any]:
    """Ask for a broadcast transition."""
    request = youtube.liveBroadcasts().transition(
        broadcastStatus=status, id=show.broadcast_id, part="id,status"
    )
    return await run(request)


async def refused(youtube: Any, show: Show, status: str) -> tuple[int, str]:
    """Ask for a transition that must fail; return its status and reason."""
    with pytest.raises(HttpError) as caught:
        await transition(youtube, show, status)
    return caught.value.resp.status, reason(caught.value)


async def test_insert_returns_documented_shapes(youtube: Any, prepare_show: Any) -> None:
    """Broadcast and stream inserts answer with kind, etag, id, parts and ingestion info."""
    show = await prepare_show(start=False)
    assert show.broadcast["kind"] == "youtube#liveBroadcast"
    assert show.broadcast["etag"] and show.broadcast["id"]
    assert show.broadcast["status"]["lifeCycleStatus"] == "created"
    details = show.broadcast["contentDetails"]
    assert details["enableAutoStart"] is False and details["enableAutoStop"] is False
    assert show.broadcast["snippet"]["liveChatId"]
    info = show.stream["cdn"]["ingestionInfo"]
    assert info["ingestionAddress"].startswith("rtmp://127.0.0.1:")
    assert info["ingestionAddress"].endswith("/live2") and info["streamName"]
    assert show.stream["status"]["streamStatus"] == "ready"
    listed = await run(youtube.liveBroadcasts().list(id=show.broadcast_id, part="status"))
    assert listed["kind"] == "youtube#liveBroadcastListResponse"
    assert listed["items"][0]["status"]["lifeCycleStatus"] == "ready"
    assert "snippet" not in listed["items"][0]


async def test_zoom_stream_to_ingestion_activates_youtube_stream(
    youtube: Any, zoom: ZoomClient, prepare_show: Any
) -> None:
    """Starting the Zoom live stream makes the YouTube stream active; stopping, inactive."""
    show = await prepare_show()
    streams = youtube.liveStreams()
    found = await run(streams.list(id=show.stream["id"], part="status"))
    status = found["items"][0]["status"]
    assert status["streamStatus"] == "active"
    assert status["healthStatus"]["status"] == "good"
    assert await set_zoom_stream(zoom, show.meeting_id, "stop") == 204
    found = await run(streams.list(id=show.stream["id"], part="status"))
    assert found["items"][0]["status"]["streamStatus"] == "inactive"


async def test_lifecycle_testing_live_complete(youtube: Any, prepare_show: Any) -> None:
    """An active stream lets the broadcast go testing, live, complete; repeats are redundant."""
    show = await prepare_show()
    assert (await transition(youtube, show, "testing"))["status"]["lifeCycleStatus"] == "testing"
    assert await refused(youtube, show, "testing") == (403, "redundantTransition")
    assert (await transition(youtube, show, "live"))["status"]["lifeCycleStatus"] == "live"
    assert await refused(youtube, show, "testing") == (403, "invalidTransition")
    assert (await transition(youtube, show, "complete"))["status"]["lifeCycleStatus"] == "complete"
    assert await refused(youtube, show, "complete") == (403, "redundantTransition")
    assert await refused(youtube, show, "live") == (403, "invalidTransition")


async def test_inactive_stream_blocks_testing_and_live(
    youtube: Any, zoom: ZoomClient, prepare_show: Any
) -> None:
    """Without video arriving, testing and live give 403 errorStreamInactive."""
    show = await prepare_show(start=False)
    assert await refused(youtube, show, "testing") == (403, "errorStreamInactive")
    assert await refused(youtube, show, "live") == (403, "errorStreamInactive")
    await set_zoom_stream(zoom, show.meeting_id, "start")
    await set_zoom_stream(zoom, show.meeting_id, "stop")
    assert await refused(youtube, show, "live") == (403, "errorStreamInactive")


async def test_complete_only_after_live(youtube: Any, prepare_show: Any) -> None:
    """Completing a broadcast that never went live is an invalid transition."""
    show = await prepare_show()
    assert await refused(youtube, show, "complete") == (403, "invalidTransition")


async def test_testing_needs_monitor_stream(youtube: Any, prepare_show: Any) -> None:
    """A broadcast without a monitor stream cannot go to testing, but can go live."""
    body = {**BROADCAST, "contentDetails": {"monitorStream": {"enableMonitorStream": False}}}
    show = await prepare_show(body)
    assert await refused(youtube, show, "testing") == (403, "invalidTransition")
    assert (await transition(youtube, show, "live"))["status"]["lifeCycleStatus"] == "live"


async def test_unbound_broadcast_cannot_start(youtube: Any) -> None:
    """A broadcast with no stream bound is still `created` and cannot transition."""
    broadcast = await run(youtube.liveBroadcasts().insert(part="snippet,status", body=BROADCAST))
    show = Show(broadcast, {}, 0)
    assert await refused(youtube, show, "live") == (403, "invalidTransition")


async def test_bind_refused_once_live(youtube: Any, prepare_show: Any) -> None:
    """Binding a live broadcast gives 403 liveBroadcastBindingNotAllowed."""
    show = await prepare_show()
    await transition(youtube, show, "live")
    request = youtube.liveBroadcasts().bind(
        id=show.broadcast_id, streamId=show.stream["id"], part="id"
    )
    with pytest.raises(HttpError) as caught:
        await run(request)
    assert reason(caught.value) == "liveBroadcastBindingNotAllowed"


async def test_unknown_ids_give_not_found(youtube: Any) -> None:
    """Unknown broadcast, stream and video ids give YouTube's 404 reasons."""
    calls = (
        (youtube.liveBroadcasts().transition(broadcastStatus="live", id="nope", part="id")),
        (youtube.liveBroadcasts().bind(id="nope", part="id")),
        (youtube.videos().update(part="snippet", body={"id": "nope", "snippet": {}})),
    )
    reasons = []
    for request in calls:
        with pytest.raises(HttpError) as caught:
            await run(request)
        assert caught.value.resp.status == 404
        reasons.append(reason(caught.value))
    assert reasons == ["liveBroadcastNotFound", "liveBroadcastNotFound", "videoNotFound"]


async def test_insert_body_checks(youtube: Any) -> None:
    """Missing title, start time, privacy or cdn give YouTube's 400 reasons."""
    broadcasts, streams = youtube.liveBroadcasts(), youtube.liveStreams()
    cases = (
        (
            broadcasts.insert(part="snippet,status", body={"status": {"privacyStatus": "public"}}),
            "titleRequired",
        ),
        (broadcasts.insert(part="snippet", body=BROADCAST), "privacyStatusRequired"),
        (
            broadcasts.insert(part="snippet,status", body={"snippet": {"title": "x"}}),
            "scheduledStartTimeRequired",
        ),
        (streams.insert(part="snippet", body=STREAM), "cdnRequired"),
    )
    for request, expected in cases:
        with pytest.raises(HttpError) as caught:
            await run(request)
        assert (caught.value.resp.status, reason(caught.value)) == (400, expected)


async def test_videos_update_replaces_snippet(youtube: Any, prepare_show: Any) -> None:
    """videos.update needs a category, replaces the snippet and retitles the broadcast."""
    show = await prepare_show(start=False)
    body = {"id": show.broadcast_id, "snippet": {"title": "Sekarang: Sambal"}}
    with pytest.raises(HttpError) as caught:
        await run(youtube.videos().update(part="snippet", body=body))
    assert reason(caught.value) == "invalidCategoryId"
    body["snippet"]["categoryId"] = "26"
    video = await run(youtube.videos().update(part="snippet", body=body))
    assert video["kind"] == "youtube#video"
    assert video["snippet"]["title"] == "Sekarang: Sambal"
    assert video["snippet"]["description"] == ""
    listed = await run(youtube.liveBroadcasts().list(id=show.broadcast_id, part="snippet"))
    assert listed["items"][0]["snippet"]["title"] == "Sekarang: Sambal"


async def test_list_filters_and_pages(youtube: Any, prepare_show: Any) -> None:
    """list by broadcastStatus filters by lifecycle and pages with nextPageToken."""
    for _ in range(3):
        await prepare_show(start=False)
    broadcasts = youtube.liveBroadcasts()
    first = await run(broadcasts.list(broadcastStatus="upcoming", part="id", maxResults=2))
    assert len(first["items"]) == 2 and first["pageInfo"]["totalResults"] == 3
    second = await run(
        broadcasts.list(
            broadcastStatus="upcoming", part="id", maxResults=2, pageToken=first["nextPageToken"]
        )
    )
    assert len(second["items"]) == 1 and "nextPageToken" not in second
    active = await run(broadcasts.list(broadcastStatus="active", part="id"))
    assert active["items"] == []


async def test_creates_are_counted_per_kind(sandbox: Sandbox, prepare_show: Any) -> None:
    """The state counts creates per kind, so tests can prove nothing was created twice."""
    await prepare_show()
    assert sandbox.state.creates["liveBroadcast"] == 1
    assert sandbox.state.creates["liveStream"] == 1
    assert sandbox.state.creates["zoomMeeting"] == 1


async def test_requests_without_bearer_are_refused(sandbox: Sandbox) -> None:
    """A call without an Authorization header gets Google's 401."""
    url = f"{sandbox.youtube_endpoint}youtube/v3/liveBroadcasts?part=id&mine=true"
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        body = await response.json()
    assert response.status == 401
    assert body["error"]["errors"][0]["location"] == "Authorization"


async def test_missing_part_is_refused_by_the_server(sandbox: Sandbox) -> None:
    """The server itself checks `part` (the client library checks it too)."""
    url = f"{sandbox.youtube_endpoint}youtube/v3/liveStreams?mine=true"
    headers = {"Authorization": "Bearer sandbox"}
    async with aiohttp.ClientSession() as session, session.get(url, headers=headers) as response:
        body = await response.json()
    assert response.status == 400
    assert body["error"]["errors"][0]["reason"] == "required"
    assert body["error"]["errors"][0]["location"] == "part"


async def test_settle_time_shows_starting_states(
    sandbox: Sandbox, youtube: Any, clock: Any, prepare_show: Any
) -> None:
    """With settle_seconds, a transition passes through liveStarting until the clock moves."""
    sandbox.state.youtube.settle_seconds = 5
    show = await prepare_show()
    assert (await transition(youtube, show, "live"))["status"]["lifeCycleStatus"] == "liveStarting"
    assert await refused(youtube, show, "live") == (403, "redundantTransition")
    clock.advance(timedelta(seconds=5))
    listed = await run(youtube.liveBroadcasts().list(id=show.broadcast_id, part="status"))
    assert listed["items"][0]["status"]["lifeCycleStatus"] == "live"


async def test_auto_start_and_stop_follow_the_stream(
    youtube: Any, zoom: ZoomClient, prepare_show: Any
) -> None:
    """enableAutoStart/Stop make the broadcast follow the Zoom stream without transitions."""
    body = {**BROADCAST, "contentDetails": {"enableAutoStart": True, "enableAutoStop": True}}
    show = await prepare_show(body)
    broadcasts = youtube.liveBroadcasts()
    listed = await run(broadcasts.list(id=show.broadcast_id, part="status"))
    assert listed["items"][0]["status"]["lifeCycleStatus"] == "live"
    await set_zoom_stream(zoom, show.meeting_id, "stop")
    listed = await run(broadcasts.list(id=show.broadcast_id, part="status"))
    assert listed["items"][0]["status"]["lifeCycleStatus"] == "complete"
