"""The fake Zoom API, driven through the real zoomus 1.2.1 client over loopback."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
from zoomus import ZoomClient

from kernel.clock import ManualClock
from orchestrator.sandbox import Sandbox
from tests.orchestrator.sandbox.helpers import set_zoom_stream


async def create(zoom: ZoomClient) -> requests.Response:
    """Create a meeting the way the service does."""
    return await asyncio.to_thread(
        zoom.meeting.create,
        user_id="me",
        topic="Pasar Live",
        type=2,
        start_time=datetime(2027, 2, 15, 8, 30, tzinfo=UTC),
        duration=120,
        timezone="Asia/Jakarta",
        settings={"join_before_host": True},
    )


async def test_token_endpoint_speaks_account_credentials(sandbox: Sandbox) -> None:
    """The token endpoint takes Basic client credentials and query or form parameters."""
    query = {"grant_type": "account_credentials", "account_id": "acc"}
    post = requests.post
    answer = await asyncio.to_thread(
        post, sandbox.zoom_oauth_uri, params=query, auth=("id", "secret")
    )
    grant = answer.json()
    assert answer.status_code == 200
    assert grant["token_type"] == "bearer" and grant["expires_in"] == 3600
    assert grant["access_token"] and grant["scope"]
    no_auth = await asyncio.to_thread(post, sandbox.zoom_oauth_uri, data=query)
    assert (no_auth.status_code, no_auth.json()["error"]) == (401, "invalid_client")


async def test_meeting_create_and_get(sandbox: Sandbox, zoom: ZoomClient) -> None:
    """zoomus creates a meeting (201, counted) and reads it back with the id in the query."""
    created = await create(zoom)
    meeting = created.json()
    assert created.status_code == 201
    assert meeting["start_time"] == "2027-02-15T08:30:00Z"
    assert meeting["timezone"] == "Asia/Jakarta" and meeting["settings"]["join_before_host"]
    assert len(str(meeting["id"])) == 11
    fetched = await asyncio.to_thread(zoom.meeting.get, id=meeting["id"])
    assert fetched.status_code == 200 and fetched.json()["topic"] == "Pasar Live"
    missing = await asyncio.to_thread(zoom.meeting.get, id=12345678901)
    assert (missing.status_code, missing.json()["code"]) == (404, 3001)
    assert sandbox.state.creates["zoomMeeting"] == 1


async def test_tokens_expire_after_an_hour(zoom: ZoomClient, clock: ManualClock) -> None:
    """An hour-old token gets 401 code 124 until the client refreshes it."""
    meeting_id = (await create(zoom)).json()["id"]
    clock.advance(timedelta(seconds=3599))
    assert (await asyncio.to_thread(zoom.meeting.get, id=meeting_id)).status_code == 200
    clock.advance(timedelta(seconds=1))
    expired = await asyncio.to_thread(zoom.meeting.get, id=meeting_id)
    assert expired.status_code == 401
    assert expired.json() == {"code": 124, "message": "Invalid access token."}
    await asyncio.to_thread(zoom.refresh_token)
    assert (await asyncio.to_thread(zoom.meeting.get, id=meeting_id)).status_code == 200


async def test_wrong_credentials_leave_bearer_none(sandbox: Sandbox) -> None:
    """With wrong credentials zoomus keeps token None and every call gets 401 code 124."""
    sandbox.state.zoom.credentials = ("right-id", "right-secret")
    client = await asyncio.to_thread(
        ZoomClient,
        "wrong-id",
        "wrong-secret",
        "acc",
        base_uri=sandbox.zoom_base_uri,
        oauth_uri=sandbox.zoom_oauth_uri,
    )
    assert client.config["token"] is None
    answer = await create(client)
    assert (answer.status_code, answer.json()["code"]) == (401, 124)


async def test_livestream_update_refused_while_streaming(
    zoom: ZoomClient, prepare_show: Any
) -> None:
    """The stream URL cannot change while streaming; it can once stopped."""
    show = await prepare_show()

    def update() -> requests.Response:
        return zoom.live_stream.update(
            meeting_id=show.meeting_id,
            stream_url="rtmp://elsewhere/live2",
            stream_key="k",
            page_url="https://pasar.example",
        )

    assert (await asyncio.to_thread(update)).status_code == 400
    assert await set_zoom_stream(zoom, show.meeting_id, "stop") == 204
    assert (await asyncio.to_thread(update)).status_code == 204


async def test_end_meeting_stops_the_stream(
    sandbox: Sandbox, zoom: ZoomClient, prepare_show: Any
) -> None:
    """Ending the meeting stops its live stream, so the YouTube stream goes inactive."""
    show = await prepare_show()
    ended = await asyncio.to_thread(zoom.meeting.update_status, id=show.meeting_id, action="end")
    assert ended.status_code == 204
    assert sandbox.state.youtube.streams[show.stream["id"]]["status"]["streamStatus"] == "inactive"
    assert sandbox.state.zoom.meetings[show.meeting_id]["status"] == "finished"
    again = await asyncio.to_thread(zoom.meeting.update_status, id=show.meeting_id, action="end")
    assert again.status_code == 400
    assert await set_zoom_stream(zoom, show.meeting_id, "start") == 400


async def test_start_needs_stream_settings(zoom: ZoomClient) -> None:
    """Starting a live stream with no URL and key set is refused."""
    meeting_id = (await create(zoom)).json()["id"]
    assert await set_zoom_stream(zoom, meeting_id, "start") == 400


async def test_daily_meeting_limit(sandbox: Sandbox, zoom: ZoomClient, clock: ManualClock) -> None:
    """Creates beyond the per-user daily limit get 429 until the next UTC day."""
    sandbox.state.zoom.daily_meeting_limit = 2
    assert [(await create(zoom)).status_code for _ in range(3)] == [201, 201, 429]
    refused = await create(zoom)
    assert refused.json()["code"] == 429 and "Retry-After" in refused.headers
    clock.advance(timedelta(days=1))
    await asyncio.to_thread(zoom.refresh_token)
    assert (await create(zoom)).status_code == 201
    assert sandbox.state.creates["zoomMeeting"] == 3
