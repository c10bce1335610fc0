"""Helpers shared by the fake resources: parts, etags, body reading, list pages."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import datetime
from typing import Any

from aiohttp import web

from .chat import decode_token, encode_token
from .errors import YouTubeError, bad_value, required
from .times import rfc3339

PRIVACY = frozenset({"public", "private", "unlisted"})
RESOLUTIONS = frozenset({"240p", "360p", "480p", "720p", "1080p", "1440p", "2160p", "variable"})
FRAME_RATES = frozenset({"30fps", "60fps", "variable"})
INGESTION_TYPES = frozenset({"rtmp", "dash", "hls", "webrtc"})


def parse_parts(value: str | None, allowed: frozenset[str]) -> list[str]:
    """Split the `part` parameter, refusing a missing or unknown part like YouTube does."""
    if not value:
        raise required("part")
    parts = [p.strip() for p in value.split(",") if p.strip()]
    unknown = [p for p in parts if p not in allowed]
    if unknown or not parts:
        raise YouTubeError(
            400,
            "unknownPart",
            f"'{','.join(unknown) or value}' is not a valid part for this method.",
            domain="youtube.part",
            location="part",
        )
    return parts


def etag(resource: dict[str, Any]) -> str:
    """Derive an etag from the resource's content, so it changes when the resource does."""
    digest = hashlib.sha1(json.dumps(resource, sort_keys=True).encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def render(resource: dict[str, Any], parts: list[str], tag: str | None = None) -> dict[str, Any]:
    """Return only the requested parts, with kind, etag and id as YouTube always sends.

    ``tag`` is the resource's etag when the caller keeps it (resources that never change).
    """
    shown = {"kind": resource["kind"], "etag": tag or etag(resource), "id": resource["id"]}
    for part in parts:
        if part in resource and part != "id":
            shown[part] = resource[part]
    return shown


def section(body: dict[str, Any], parts: list[str], name: str) -> dict[str, Any]:
    """Read a body section; YouTube ignores sections the `part` parameter does not name."""
    value = body.get(name) if name in parts else None
    return value if isinstance(value, dict) else {}


def parse_time(name: str, value: object, reason: str) -> datetime:
    """Parse an RFC 3339 time from a request body."""
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise YouTubeError(400, reason, f"{name} must be an RFC 3339 date-time.", location=name)
    return moment


def split_ids(value: str | None) -> list[str] | None:
    """Split a comma-separated `id` parameter (None when absent)."""
    if value is None:
        return None
    return [v.strip() for v in value.split(",") if v.strip()]


def one_filter(query: dict[str, str], names: tuple[str, ...]) -> str:
    """Return the single filter a list call uses, as YouTube insists on exactly one."""
    given = [n for n in names if query.get(n)]
    if not given:
        raise YouTubeError(
            400,
            "missingRequiredParameter",
            f"No filter selected. Expected one of: {', '.join(names)}",
            domain="youtube.parameter",
        )
    if len(given) > 1:
        raise YouTubeError(
            400,
            "incompatibleParameters",
            f"Incompatible parameters specified in the request: {', '.join(given)}",
            domain="youtube.parameter",
        )
    return given[0]


def int_param(query: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    """Read a bounded integer parameter, refusing values outside YouTube's range."""
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise bad_value(name, f"Invalid value '{raw}'. Values must be within [{low}, {high}].")
    return int(raw)


def list_page(
    kind: str, items: list[dict[str, Any]], parts: list[str], query: dict[str, str]
) -> dict[str, Any]:
    """Build a `...ListResponse`, paged by `maxResults` (0-50) and `pageToken`."""
    size = int_param(query, "maxResults", 5, 0, 50)
    token = query.get("pageToken")
    start = decode_token(kind, token) if token else 0
    chosen = items[start : start + size]
    page: dict[str, Any] = {
        "kind": f"youtube#{kind}ListResponse",
        "etag": etag({"items": chosen}),
        "pageInfo": {"totalResults": len(items), "resultsPerPage": size},
        "items": [render(item, parts) for item in chosen],
    }
    if start + size < len(items):
        page["nextPageToken"] = encode_token(kind, start + size)
    return page


def text_field(section_body: dict[str, Any], name: str, missing: str, invalid: str) -> str:
    """Read a required 1-100 character text field (titles)."""
    value = section_body.get(name)
    if value is None or value == "":
        raise YouTubeError(400, missing, f"The resource must specify snippet.{name}.")
    if not isinstance(value, str) or len(value) > 100:
        raise YouTubeError(400, invalid, f"snippet.{name} must be 1 to 100 characters long.")
    return value


def check_broadcast_body(snippet: dict[str, Any], status: dict[str, Any]) -> dict[str, str]:
    """Check a broadcast insert's title, times and privacy the way YouTube does."""
    title = text_field(snippet, "title", "titleRequired", "invalidTitle")
    start = snippet.get("scheduledStartTime")
    if not start:
        raise YouTubeError(400, "scheduledStartTimeRequired", "snippet.scheduledStartTime")
    checked = {
        "title": title,
        "scheduledStartTime": rfc3339(
            parse_time("snippet.scheduledStartTime", start, "invalidScheduledStartTime")
        ),
    }
    if snippet.get("scheduledEndTime"):
        end = parse_time(
            "snippet.scheduledEndTime", snippet["scheduledEndTime"], "invalidScheduledEndTime"
        )
        checked["scheduledEndTime"] = rfc3339(end)
    privacy = status.get("privacyStatus")
    if not privacy:
        raise YouTubeError(400, "privacyStatusRequired", "status.privacyStatus is required.")
    if privacy not in PRIVACY:
        raise YouTubeError(400, "invalidPrivacyStatus", f"Invalid privacy {privacy!r}.")
    return {**checked, "privacyStatus": privacy}


def broadcast_resource(
    broadcast_id: str,
    chat_id: str,
    channel_id: str,
    now: datetime,
    snippet: dict[str, Any],
    status: dict[str, Any],
    details: dict[str, Any],
) -> dict[str, Any]:
    """Lay out a new liveBroadcast resource from checked body sections."""
    shown = {
        "publishedAt": rfc3339(now),
        "channelId": channel_id,
        "title": snippet["title"],
        "description": str(snippet.get("description", "")),
        "thumbnails": {},
        "scheduledStartTime": snippet["scheduledStartTime"],
        "isDefaultBroadcast": False,
        "liveChatId": chat_id,
    }
    if "scheduledEndTime" in snippet:
        shown["scheduledEndTime"] = snippet["scheduledEndTime"]
    return {
        "kind": "youtube#liveBroadcast",
        "id": broadcast_id,
        "snippet": shown,
        "status": {
            "lifeCycleStatus": "created",
            "privacyStatus": status["privacyStatus"],
            "recordingStatus": "notRecording",
            "madeForKids": False,
            "selfDeclaredMadeForKids": bool(status.get("selfDeclaredMadeForKids", False)),
        },
        "contentDetails": broadcast_details(details),
    }


def broadcast_details(details: dict[str, Any]) -> dict[str, Any]:
    """Fill a broadcast's contentDetails with YouTube's defaults."""
    monitor = details.get("monitorStream") or {}
    return {
        "monitorStream": {
            "enableMonitorStream": bool(monitor.get("enableMonitorStream", True)),
            "broadcastStreamDelayMs": int(monitor.get("broadcastStreamDelayMs", 0)),
        },
        "enableEmbed": bool(details.get("enableEmbed", True)),
        "enableDvr": bool(details.get("enableDvr", True)),
        "recordFromStart": bool(details.get("recordFromStart", True)),
        "enableClosedCaptions": bool(details.get("enableClosedCaptions", False)),
        "closedCaptionsType": details.get("closedCaptionsType", "closedCaptionsDisabled"),
        "projection": details.get("projection", "rectangular"),
        "enableLowLatency": bool(details.get("enableLowLatency", False)),
        "latencyPreference": details.get("latencyPreference", "normal"),
        "enableAutoStart": bool(details.get("enableAutoStart", False)),
        "enableAutoStop": bool(details.get("enableAutoStop", False)),
    }


def video_for(broadcast: dict[str, Any]) -> dict[str, Any]:
    """Make the video that stands behind a broadcast (same id)."""
    snippet = broadcast["snippet"]
    return {
        "kind": "youtube#video",
        "id": broadcast["id"],
        "snippet": {
            "publishedAt": snippet["publishedAt"],
            "channelId": snippet["channelId"],
            "title": snippet["title"],
            "description": snippet["description"],
            "categoryId": "22",
            "liveBroadcastContent": "upcoming",
        },
    }


def check_cdn(cdn: dict[str, Any]) -> None:
    """Refuse a stream's cdn section the way liveStreams.insert does."""
    if not cdn:
        raise YouTubeError(400, "cdnRequired", "The liveStream resource must specify cdn.")
    checks = (
        ("ingestionType", INGESTION_TYPES, "ingestionTypeRequired", "invalidIngestionType"),
        ("resolution", RESOLUTIONS, "resolutionRequired", "invalidResolution"),
        ("frameRate", FRAME_RATES, "frameRateRequired", "invalidFrameRate"),
    )
    for name, allowed, missing, invalid in checks:
        if not cdn.get(name):
            raise YouTubeError(400, missing, f"The liveStream resource must specify cdn.{name}.")
        if cdn[name] not in allowed:
            raise YouTubeError(400, invalid, f"cdn.{name} {cdn[name]!r} is not supported.")


async def json_object(request: web.Request) -> dict[str, Any] | None:
    """Read a JSON object body: ``{}`` when empty, ``None`` when it is not an object."""
    raw = await request.read()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError:
        return None
    return body if isinstance(body, dict) else None
