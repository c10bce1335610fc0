"""Fixtures that run the sandbox on a loopback port and point the real clients at it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import google_auth_httplib2
import httplib2
import pytest
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build
from zoomus import ZoomClient

from kernel.clock import ManualClock
from orchestrator.sandbox import Sandbox, start_sandbox
from tests.orchestrator.sandbox.helpers import BROADCAST, STREAM, Show, run, set_zoom_stream


@pytest.fixture
def clock() -> ManualClock:
    """A clock that only moves when the test says so."""
    return ManualClock(datetime(2027, 2, 15, 8, 0, tzinfo=UTC))


@pytest.fixture
async def sandbox(clock: ManualClock) -> AsyncIterator[Sandbox]:
    """A running sandbox on a free loopback port."""
    running = await start_sandbox(clock=clock)
    yield running
    await running.close()


@pytest.fixture
def make_youtube(sandbox: Sandbox) -> Iterator[Callable[..., Any]]:
    """Build real googleapiclient YouTube clients against the sandbox, closed afterwards."""
    clients: list[Any] = []

    def factory(timeout: float | None = 10) -> Any:
        http = google_auth_httplib2.AuthorizedHttp(
            Credentials(token="sandbox"), http=httplib2.Http(timeout=timeout)
        )
        client = build(
            "youtube",
            "v3",
            static_discovery=True,
            cache_discovery=False,
            client_options={"api_endpoint": sandbox.youtube_endpoint},
            http=http,
        )
        clients.append(client)
        return client

    yield factory
    for client in clients:
        client.close()


@pytest.fixture
def youtube(make_youtube: Callable[..., Any]) -> Any:
    """One real YouTube client."""
    return make_youtube()


@pytest.fixture
async def zoom(sandbox: Sandbox) -> ZoomClient:
    """A real zoomus client that has fetched its token from the sandbox."""
    return await asyncio.to_thread(
        ZoomClient,
        "client-id",
        "client-secret",
        "account-id",
        base_uri=sandbox.zoom_base_uri,
        oauth_uri=sandbox.zoom_oauth_uri,
    )


@pytest.fixture
def prepare_show(youtube: Any, zoom: ZoomClient) -> Callable[..., Awaitable[Show]]:
    """Create broadcast and stream, bind them, and point a Zoom meeting's stream at it."""

    async def prepare(body: dict[str, Any] | None = None, start: bool = True) -> Show:
        broadcasts, streams = youtube.liveBroadcasts(), youtube.liveStreams()
        broadcast = await run(
            broadcasts.insert(part="snippet,status,contentDetails", body=body or BROADCAST)
        )
        stream = await run(streams.insert(part="snippet,cdn,status", body=STREAM))
        await run(broadcasts.bind(id=broadcast["id"], streamId=stream["id"], part="id,status"))
        meeting = await asyncio.to_thread(
            zoom.meeting.create,
            user_id="me",
            topic="Pasar Live",
            type=2,
            start_time=datetime(2027, 2, 15, 8, 30, tzinfo=UTC),
            duration=120,
            timezone="Asia/Jakarta",
        )
        show = Show(broadcast, stream, meeting.json()["id"])
        info = stream["cdn"]["ingestionInfo"]
        await asyncio.to_thread(
            zoom.live_stream.update,
            meeting_id=show.meeting_id,
            stream_url=info["ingestionAddress"],
            stream_key=info["streamName"],
            page_url="https://pasar.example/live",
        )
        if start:
            await set_zoom_stream(zoom, show.meeting_id, "start")
        return show

    return prepare
