"""The YouTube Data API v3 routes the service uses, answered from the sandbox state."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web

from kernel.keys import SANDBOX_STATE

from .chat import DEFAULT_PAGE, MAX_PAGE, MIN_PAGE, LiveChat
from .errors import YouTubeError
from .resources import (
    etag,
    int_param,
    json_object,
    list_page,
    one_filter,
    parse_parts,
    render,
    split_ids,
)
from .state import SandboxState
from .times import rfc3339

PREFIX = "/youtube/v3"
BROADCAST_PARTS = frozenset({"id", "snippet", "contentDetails", "status", "monetizationDetails"})
STREAM_PARTS = frozenset({"id", "snippet", "cdn", "contentDetails", "status"})
MESSAGE_PARTS = frozenset({"id", "snippet", "authorDetails"})
VIDEO_PARTS = frozenset({"id", "snippet", "status", "contentDetails", "localizations"})

Query = dict[str, str]
Body = dict[str, Any]
Handler = Callable[[SandboxState, Query, Body], dict[str, Any]]


def insert_broadcast(state: SandboxState, query: Query, body: Body) -> dict[str, Any]:
    """liveBroadcasts.insert"""
    parts = parse_parts(query.get("part"), BROADCAST_PARTS)
    return render(state.youtube.insert_broadcast(body, parts), parts)


def list_broadcasts(state: SandboxState, query: Query, body: Body) -> dict[str, Any]:
    """liveBroadcasts.list (by id, mine=true or broadcastStatus)"""
    parts = parse_parts(query.get("part"), BROADCAST_PARTS)
    chosen = one_filter(query, ("broadcastStatus", "id", "mine"))
    ids = split_ids(query.get("id")) if chosen == "id" else None
    items = state.youtube.list_broadcasts(ids, query.get("broadcastStatus"))
    return list_page("liveBroadcast", items, parts, query)


def bind_broadcast(state: SandboxState, query: Query, body: Body) -> dict[str, Any]:
    """liveBroadcasts.bind"""
    parts = parse_parts(query.get("part"), BROADCAST_PARTS)
    broadcast = state.youtube.bind(query.get("id"), query.get("streamId"))
    return render(broadcast, parts)


def transition_broadcast(state: SandboxState, query: Query, body: Body) -> dict[str, Any]:
    """liveBroadcasts.transition"""
    parts = parse_parts(query.get("part"), BROADCAST_PARTS)
    broadcast = state.youtube.transition(query.get("id"), query.get("broadcastStatus"))
    return render(broadcast, parts)


def insert_stream(state: SandboxState, query: Query, body: Body) -> dict[str, Any]:
    """liveStreams.insert"""
    parts = parse_parts(query.get("part"), STREAM_PARTS)
    return render(state.youtube.insert_stream(body, parts), parts)


def list_streams(state: SandboxState, query: Query, body: Body) -> dict[str, Any]:
    """liveStreams.list (by id or mine=true)"""
    parts = parse_parts(query.get("part"), STREAM_PARTS)
    chosen = one_filter(query, ("id", "mine"))
    items = state.youtube.list_streams(split_ids(query.get("id")) if chosen == "id" else None)
    return list_page("liveStream", items, parts, query)


def list_messages(state: SandboxState, query: Query, body: Body) -> dict[str, Any]:
    """liveChatMessages.list: one page from a stable token, plus when to ask again."""
    parts = parse_parts(query.get("part"), MESSAGE_PARTS)
    chat = state.youtube.chat(query.get("liveChatId"))
    size = int_param(query, "maxResults", DEFAULT_PAGE, MIN_PAGE, MAX_PAGE)
    now = state.clock.now()
    items, token = chat.read(query.get("pageToken"), size, now, state.config.chat_ended_grace)
    page: dict[str, Any] = {
        "kind": "youtube#liveChatMessageListResponse",
        "etag": token,
        "pollingIntervalMillis": state.polling_interval_ms(),
        "pageInfo": {"totalResults": len(items), "resultsPerPage": len(items)},
        "nextPageToken": token,
        "items": [render(item, parts, _etag(chat, item)) for item in items],
    }
    if chat.ended_at is not None:
        page["offlineAt"] = rfc3339(chat.ended_at)
    return page


def _etag(chat: LiveChat, message: dict[str, Any]) -> str:
    """A chat message's etag, hashed once (a message never changes once posted)."""
    tag = chat.etags.get(message["id"])
    if tag is None:
        tag = chat.etags[message["id"]] = etag(message)
    return tag


def insert_message(state: SandboxState, query: Query, body: Body) -> dict[str, Any]:
    """liveChatMessages.insert (as the channel owner)"""
    parts = parse_parts(query.get("part"), MESSAGE_PARTS)
    return render(state.youtube.insert_message(body, parts), parts)


def update_video(state: SandboxState, query: Query, body: Body) -> dict[str, Any]:
    """videos.update (the snippet replaces the old one)"""
    parts = parse_parts(query.get("part"), VIDEO_PARTS)
    return render(state.youtube.update_video(body, parts), parts)


# (HTTP method, path below /youtube/v3, API method for quota, handler)
ROUTES: tuple[tuple[str, str, str, Handler], ...] = (
    ("POST", "/liveBroadcasts", "liveBroadcasts.insert", insert_broadcast),
    ("GET", "/liveBroadcasts", "liveBroadcasts.list", list_broadcasts),
    ("POST", "/liveBroadcasts/bind", "liveBroadcasts.bind", bind_broadcast),
    ("POST", "/liveBroadcasts/transition", "liveBroadcasts.transition", transition_broadcast),
    ("POST", "/liveStreams", "liveStreams.insert", insert_stream),
    ("GET", "/liveStreams", "liveStreams.list", list_streams),
    ("GET", "/liveChat/messages", "liveChatMessages.list", list_messages),
    ("POST", "/liveChat/messages", "liveChatMessages.insert", insert_message),
    ("PUT", "/videos", "videos.update", update_video),
)


def error_response(error: YouTubeError) -> web.Response:
    """Answer with Google's JSON error body."""
    return web.json_response(error.body(), status=error.status)


def _check_auth(request: web.Request) -> None:
    """Require a bearer token (any will do), as every call we make needs OAuth."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise YouTubeError(
            401,
            "required",
            "Request is missing required authentication credential. Expected OAuth 2 access token.",
            domain="global",
            location="Authorization",
            location_type="header",
        )


async def _read_body(request: web.Request) -> Body:
    """Parse a JSON body (empty is fine), refusing malformed JSON like Google."""
    body = await json_object(request)
    if body is None:
        raise YouTubeError(400, "parseError", "Parse Error", domain="global")
    return body


def _endpoint(method_name: str, handler: Handler) -> Callable[[web.Request], Any]:
    """Wrap a handler with auth, the quota check, and quota charging."""

    async def endpoint(request: web.Request) -> web.Response:
        """Serve one YouTube method."""
        state = request.app[SANDBOX_STATE]
        state.calls[method_name] += 1
        now = state.clock.now()
        try:
            _check_auth(request)
            state.quota.check(method_name, now)
        except YouTubeError as err:
            return error_response(err)
        try:
            result = handler(state, dict(request.query), await _read_body(request))
        except YouTubeError as err:
            state.quota.charge(method_name, now, ok=False)
            return error_response(err)
        state.quota.charge(method_name, now, ok=True)
        return web.json_response(result)

    return endpoint


async def not_found(request: web.Request) -> web.Response:
    """Answer an unknown YouTube path with Google's 404."""
    return error_response(
        YouTubeError(404, "notFound", f"Not Found: {request.path}", domain="global")
    )


def youtube_routes() -> list[web.RouteDef]:
    """Return the aiohttp routes of the fake YouTube API."""
    routes = [
        web.route(method, PREFIX + path, _endpoint(name, handler))
        for method, path, name, handler in ROUTES
    ]
    routes.append(web.route("*", PREFIX + "/{tail:.*}", not_found))
    return routes
