"""Helpers shared by the sandbox tests."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

from googleapiclient.errors import HttpError
from zoomus import ZoomClient

BROADCAST = {
    "snippet": {"title": "Pasar Live: Kopi", "scheduledStartTime": "2027-02-15T08:30:00Z"},
    "status": {"privacyStatus": "unlisted", "selfDeclaredMadeForKids": False},
    "contentDetails": {"monitorStream": {"enableMonitorStream": True}},
}
STREAM = {
    "snippet": {"title": "Pasar Live utama"},
    "cdn": {"ingestionType": "rtmp", "resolution": "1080p", "frameRate": "30fps"},
}


def reason(err: HttpError) -> str:
    """Read Google's error reason the way API-NOTES says the service must."""
    return json.loads(err.content)["error"]["errors"][0]["reason"]


async def run(request: Any) -> Any:
    """Execute a googleapiclient request in a worker thread, as the service must."""
    return await asyncio.to_thread(request.execute)


@dataclass
class Show:
    """A broadcast, its stream and the Zoom meeting that feeds it."""

    broadcast: dict[str, Any]
    stream: dict[str, Any]
    meeting_id: int

    @property
    def broadcast_id(self) -> str:
        """The broadcast (and video) id."""
        return self.broadcast["id"]

    @property
    def chat_id(self) -> str:
        """The broadcast's live chat id."""
        return self.broadcast["snippet"]["liveChatId"]


async def set_zoom_stream(zoom: ZoomClient, meeting_id: int, action: str) -> int:
    """Start or stop a meeting's live stream through zoomus; return the HTTP status."""
    response = await asyncio.to_thread(
        zoom.live_stream.update_status,
        meeting_id=meeting_id,
        action=action,
        settings={"active_speaker_name": False, "display_name": "Pasar Live"},
    )
    return response.status_code
