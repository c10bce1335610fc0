"""YouTube's live objects and their lifecycle rules, with no HTTP in sight."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from kernel.clock import Clock

from .chat import Author, LiveChat, chat_not_found, check_insert_text, message_resource
from .errors import YouTubeError, bad_value, required
from .resources import (
    broadcast_resource,
    check_broadcast_body,
    check_cdn,
    section,
    text_field,
    video_for,
)
from .times import rfc3339

LIVE_STATES = ("liveStarting", "live")
TEST_STATES = ("testStarting", "testing")
OWNER = Author("UCsandboxOwnerChannel0001", "Pasar Live (sandbox)", is_owner=True)


def _status_error(reason: str, message: str) -> YouTubeError:
    """Build a 403 about a broadcast or stream state."""
    return YouTubeError(403, reason, message, domain="youtube.liveBroadcast")


class YouTubeState:
    """Broadcasts, streams, videos and chats of one sandbox channel."""

    def __init__(
        self,
        clock: Clock,
        creates: Counter[str],
        new_id: Callable[[str], str],
        settle_seconds: float = 0.0,
    ) -> None:
        self.clock = clock
        self.creates = creates
        self.new_id = new_id
        self.settle_seconds = settle_seconds
        self.ingestion_address = "rtmp://127.0.0.1/live2"
        self.broadcasts: dict[str, dict[str, Any]] = {}
        self.streams: dict[str, dict[str, Any]] = {}
        self.videos: dict[str, dict[str, Any]] = {}
        self.chats: dict[str, LiveChat] = {}
        self._settling: dict[str, tuple[datetime, str]] = {}

    # -- broadcasts -------------------------------------------------------------------------

    def insert_broadcast(self, body: dict[str, Any], parts: list[str]) -> dict[str, Any]:
        """Create a broadcast (and its video and chat) after YouTube's body checks."""
        snippet, status = section(body, parts, "snippet"), section(body, parts, "status")
        checked = check_broadcast_body(snippet, status)
        broadcast_id = self.new_id("liveBroadcast")
        chat = LiveChat(self.new_id("liveChat"), broadcast_id)
        broadcast = broadcast_resource(
            broadcast_id,
            chat.id,
            OWNER.channel_id,
            self.clock.now(),
            {**snippet, **checked},
            {**status, **checked},
            section(body, parts, "contentDetails"),
        )
        self.chats[chat.id] = chat
        self.broadcasts[broadcast_id] = broadcast
        self.videos[broadcast_id] = video_for(broadcast)
        self.creates["liveBroadcast"] += 1
        return broadcast

    def broadcast(self, broadcast_id: str | None) -> dict[str, Any]:
        """Return a broadcast, settling any transition whose time has come."""
        if not broadcast_id:
            raise YouTubeError(400, "idRequired", "The id parameter is required.", location="id")
        found = self.broadcasts.get(broadcast_id)
        if found is None:
            raise YouTubeError(
                404, "liveBroadcastNotFound", f"Broadcast {broadcast_id!r} does not exist."
            )
        self._settle(found)
        return found

    def list_broadcasts(self, ids: list[str] | None, status: str | None) -> list[dict[str, Any]]:
        """Return broadcasts by id, or all of the channel's filtered by broadcastStatus."""
        if ids is not None:
            chosen = [self.broadcasts[i] for i in ids if i in self.broadcasts]
        else:
            chosen = list(self.broadcasts.values())
        for broadcast in chosen:
            self._settle(broadcast)
        wanted = {
            None: None,
            "all": None,
            "active": (*TEST_STATES, *LIVE_STATES),
            "upcoming": ("created", "ready"),
            "completed": ("complete",),
        }
        if status not in wanted:
            raise bad_value("broadcastStatus", f"Invalid broadcastStatus {status!r}.")
        states = wanted[status]
        return [b for b in chosen if states is None or b["status"]["lifeCycleStatus"] in states]

    def bind(self, broadcast_id: str | None, stream_id: str | None) -> dict[str, Any]:
        """Bind a stream to a broadcast (or unbind without one); only before testing."""
        broadcast = self.broadcast(broadcast_id)
        if broadcast["status"]["lifeCycleStatus"] not in ("created", "ready"):
            raise _status_error(
                "liveBroadcastBindingNotAllowed",
                "The current status of the live broadcast does not allow it to be bound.",
            )
        if stream_id:
            self.stream(stream_id)
        details = broadcast["contentDetails"]
        details.pop("boundStreamId", None)
        if stream_id:
            details["boundStreamId"] = stream_id
        details["boundStreamLastUpdateTimeMs"] = rfc3339(self.clock.now())
        broadcast["status"]["lifeCycleStatus"] = "ready" if stream_id else "created"
        return broadcast

    def transition(self, broadcast_id: str | None, target: str | None) -> dict[str, Any]:
        """Move a broadcast to testing, live or complete under YouTube's rules."""
        if not target:
            raise required("broadcastStatus")
        if target not in ("testing", "live", "complete"):
            raise bad_value("broadcastStatus", f"Invalid broadcastStatus {target!r}.")
        broadcast = self.broadcast(broadcast_id)
        current = broadcast["status"]["lifeCycleStatus"]
        pending = self._settling.get(broadcast["id"], (None, current))[1]
        if target in (current, pending):
            raise _status_error("redundantTransition", f"The broadcast is already {target}.")
        self._check_transition(broadcast, current, target)
        self._apply_transition(broadcast, target)
        return broadcast

    def _check_transition(self, broadcast: dict[str, Any], current: str, target: str) -> None:
        """Refuse impossible moves, an inactive stream, and testing without a monitor."""
        allowed = {
            "testing": ("ready",),
            "live": ("ready", *TEST_STATES),
            "complete": LIVE_STATES,
        }[target]
        if current not in allowed:
            raise _status_error(
                "invalidTransition", f"Cannot transition from {current} to {target}."
            )
        if target == "complete":
            return
        stream = self.streams.get(broadcast["contentDetails"].get("boundStreamId", ""))
        if stream is None or stream["status"]["streamStatus"] != "active":
            raise _status_error(
                "errorStreamInactive", "The stream bound to the broadcast is not active."
            )
        monitor = broadcast["contentDetails"]["monitorStream"]["enableMonitorStream"]
        if target == "testing" and not monitor:
            raise _status_error(
                "invalidTransition", "Testing needs monitorStream.enableMonitorStream=true."
            )

    def _apply_transition(self, broadcast: dict[str, Any], target: str) -> None:
        """Record the move; with settle_seconds the broadcast passes a *Starting state."""
        now = self.clock.now()
        starting = {"testing": "testStarting", "live": "liveStarting"}.get(target)
        if starting and self.settle_seconds > 0:
            broadcast["status"]["lifeCycleStatus"] = starting
            self._settling[broadcast["id"]] = (
                now + timedelta(seconds=self.settle_seconds),
                target,
            )
        else:
            broadcast["status"]["lifeCycleStatus"] = target
        if target == "live":
            broadcast["snippet"]["actualStartTime"] = rfc3339(now)
            broadcast["status"]["recordingStatus"] = "recording"
            self.videos[broadcast["id"]]["snippet"]["liveBroadcastContent"] = "live"
        if target == "complete":
            self._settling.pop(broadcast["id"], None)
            broadcast["snippet"]["actualEndTime"] = rfc3339(now)
            broadcast["status"]["recordingStatus"] = "recorded"
            self.videos[broadcast["id"]]["snippet"]["liveBroadcastContent"] = "none"
            chat = self.chats[broadcast["snippet"]["liveChatId"]]
            chat.end(now, OWNER, self.new_id("liveChatMessage"))

    def _settle(self, broadcast: dict[str, Any]) -> None:
        """Finish a *Starting state once its settle time has passed."""
        due = self._settling.get(broadcast["id"])
        if due and self.clock.now() >= due[0]:
            broadcast["status"]["lifeCycleStatus"] = due[1]
            del self._settling[broadcast["id"]]

    # -- streams ----------------------------------------------------------------------------

    def insert_stream(self, body: dict[str, Any], parts: list[str]) -> dict[str, Any]:
        """Create a stream with an ingestion address and a stream name."""
        snippet, cdn = section(body, parts, "snippet"), section(body, parts, "cdn")
        title = text_field(snippet, "title", "titleRequired", "invalidTitle")
        check_cdn(cdn)
        stream_id = self.new_id("liveStream")
        name = self.new_id("streamName")
        self.streams[stream_id] = {
            "kind": "youtube#liveStream",
            "id": stream_id,
            "snippet": {
                "publishedAt": rfc3339(self.clock.now()),
                "channelId": OWNER.channel_id,
                "title": title,
                "description": str(snippet.get("description", "")),
                "isDefaultStream": False,
            },
            "cdn": {
                "ingestionType": cdn["ingestionType"],
                "ingestionInfo": self._ingestion_info(name),
                "resolution": cdn["resolution"],
                "frameRate": cdn["frameRate"],
            },
            "status": {"streamStatus": "ready", "healthStatus": self._health("noData")},
            "contentDetails": {"isReusable": True},
        }
        self.creates["liveStream"] += 1
        return self.streams[stream_id]

    def _ingestion_info(self, name: str) -> dict[str, str]:
        """Describe where to push video: the address plus the stream name."""
        address = self.ingestion_address
        return {
            "streamName": name,
            "ingestionAddress": address,
            "backupIngestionAddress": f"{address}?backup=1",
            "rtmpsIngestionAddress": address.replace("rtmp://", "rtmps://", 1),
            "rtmpsBackupIngestionAddress": address.replace("rtmp://", "rtmps://", 1) + "?backup=1",
        }

    def _health(self, status: str) -> dict[str, Any]:
        """Build a stream's `healthStatus`."""
        seconds = int(self.clock.now().timestamp())
        return {"status": status, "lastUpdateTimeSeconds": str(seconds), "configurationIssues": []}

    def stream(self, stream_id: str) -> dict[str, Any]:
        """Return a stream or YouTube's 404."""
        found = self.streams.get(stream_id)
        if found is None:
            raise YouTubeError(404, "liveStreamNotFound", f"Stream {stream_id!r} does not exist.")
        return found

    def list_streams(self, ids: list[str] | None) -> list[dict[str, Any]]:
        """Return streams by id, or all of the channel's."""
        if ids is None:
            return list(self.streams.values())
        return [self.streams[i] for i in ids if i in self.streams]

    def feed(self, address: str, key: str, active: bool) -> dict[str, Any] | None:
        """Start or stop video arriving at `address`/`key`; return the stream it reaches."""
        if address.rstrip("/") != self.ingestion_address:
            return None
        stream = next(
            (s for s in self.streams.values() if s["cdn"]["ingestionInfo"]["streamName"] == key),
            None,
        )
        if stream is None:
            return None
        stream["status"] = {
            "streamStatus": "active" if active else "inactive",
            "healthStatus": self._health("good" if active else "noData"),
        }
        self._auto_start_stop(stream["id"], active)
        return stream

    def _auto_start_stop(self, stream_id: str, active: bool) -> None:
        """Honour enableAutoStart/enableAutoStop on broadcasts bound to the stream."""
        for broadcast in self.broadcasts.values():
            details = broadcast["contentDetails"]
            if details.get("boundStreamId") != stream_id:
                continue
            state = broadcast["status"]["lifeCycleStatus"]
            if active and details["enableAutoStart"] and state in ("ready", *TEST_STATES):
                self._apply_transition(broadcast, "live")
            if not active and details["enableAutoStop"] and state in LIVE_STATES:
                self._apply_transition(broadcast, "complete")

    # -- videos and chat --------------------------------------------------------------------

    def update_video(self, body: dict[str, Any], parts: list[str]) -> dict[str, Any]:
        """Replace a video's snippet (the broadcast's title and description follow)."""
        video_id = body.get("id")
        if not video_id:
            raise required("id")
        video = self.videos.get(str(video_id))
        if video is None:
            raise YouTubeError(404, "videoNotFound", f"Video {video_id!r} not found.")
        snippet = section(body, parts, "snippet")
        if "snippet" in parts:
            title = text_field(snippet, "title", "invalidTitle", "invalidTitle")
            if not snippet.get("categoryId"):
                raise YouTubeError(
                    400, "invalidCategoryId", "Updating a snippet needs snippet.categoryId."
                )
            kept = {
                k: video["snippet"][k] for k in ("publishedAt", "channelId", "liveBroadcastContent")
            }
            video["snippet"] = {**kept, **snippet, "title": title}
            video["snippet"].setdefault("description", "")
            shown = self.broadcasts[video["id"]]["snippet"]
            shown["title"], shown["description"] = title, video["snippet"]["description"]
        return video

    def chat(self, chat_id: str | None) -> LiveChat:
        """Return a live chat or YouTube's 404."""
        if not chat_id:
            raise required("liveChatId")
        found = self.chats.get(chat_id)
        if found is None:
            raise chat_not_found(chat_id)
        return found

    def post(
        self,
        chat_id: str,
        text: str | None,
        author: Author,
        *,
        kind: str = "textMessageEvent",
        super_chat: dict[str, Any] | None = None,
        published_at: datetime | None = None,
    ) -> dict[str, Any]:
        """Append a message to a chat, as a viewer or the owner."""
        chat = self.chat(chat_id)
        chat.check_open()
        when = published_at or self.clock.now()
        message = message_resource(
            chat.id,
            self.new_id("liveChatMessage"),
            when,
            author,
            kind=kind,
            text=text,
            super_chat=super_chat,
        )
        return chat.append(message)

    def insert_message(self, body: dict[str, Any], parts: list[str]) -> dict[str, Any]:
        """Post the channel owner's message, as liveChatMessages.insert does."""
        snippet = section(body, parts, "snippet")
        chat = self.chat(snippet.get("liveChatId"))
        if snippet.get("type", "textMessageEvent") != "textMessageEvent":
            raise bad_value("snippet.type", "Only textMessageEvent can be inserted.")
        text = check_insert_text((snippet.get("textMessageDetails") or {}).get("messageText"))
        message = self.post(chat.id, text, OWNER)
        self.creates["liveChatMessage"] += 1
        return message
