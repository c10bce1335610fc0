"""The Zoom API v2 routes (and OAuth token endpoint) zoomus 1.2.1 calls for us."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from kernel.keys import SANDBOX_STATE

from .errors import SandboxError, ZoomError
from .resources import json_object
from .zoom_state import ZoomState

PREFIX = "/v2"
OAUTH_PATH = "/oauth/token"

Body = dict[str, Any]
Action = Callable[[ZoomState, web.Request, Body], Any]


def error_response(error: SandboxError) -> web.Response:
    """Answer with the service's own error body and headers."""
    return web.json_response(error.body(), status=error.status, headers=error.headers)


async def issue_token(request: web.Request) -> web.Response:
    """POST /oauth/token: zoomus sends its parameters as a form; the docs put them in the query."""
    state = request.app[SANDBOX_STATE]
    params = {**dict(await request.post()), **dict(request.query)}
    fields = {k: str(v) for k, v in params.items()}
    try:
        grant = state.zoom.issue_token(request.headers.get("Authorization"), fields)
    except SandboxError as err:
        return error_response(err)
    return web.json_response(grant)


async def _read_body(request: web.Request) -> Body:
    """Parse a JSON body; zoomus sends none at all for an empty dict."""
    body = await json_object(request)
    if body is None:
        raise ZoomError(400, 300, "Request Body should be a valid JSON object.")
    return body


def _endpoint(action: Action, status: int = 200) -> Callable[[web.Request], Awaitable[Any]]:
    """Wrap an action with the bearer-token check and Zoom's error bodies."""

    async def endpoint(request: web.Request) -> web.Response:
        """Serve one Zoom action."""
        state = request.app[SANDBOX_STATE]
        state.calls[f"zoom.{action.__name__}"] += 1
        zoom = state.zoom
        try:
            zoom.check_token(request.headers.get("Authorization"))
            result = action(zoom, request, await _read_body(request))
        except SandboxError as err:
            return error_response(err)
        if result is None:
            return web.Response(status=204)
        return web.json_response(result, status=status)

    return endpoint


def _meeting_id(request: web.Request) -> str:
    """Take the id from the path; zoomus repeats it in the body or query, which we ignore."""
    return request.match_info["meeting_id"]


def create_meeting(zoom: ZoomState, request: web.Request, body: Body) -> Any:
    """POST /users/{userId}/meetings"""
    return zoom.create_meeting(request.match_info["user_id"], body)


def list_meetings(zoom: ZoomState, request: web.Request, body: Body) -> Any:
    """GET /users/{userId}/meetings"""
    zoom.resolve_user(request.match_info["user_id"])
    meetings = [m for m in zoom.meetings.values() if m["status"] != "finished"]
    return {"page_size": 30, "total_records": len(meetings), "meetings": meetings}


def get_meeting(zoom: ZoomState, request: web.Request, body: Body) -> Any:
    """GET /meetings/{meetingId}"""
    return zoom.meeting(_meeting_id(request))


def update_meeting(zoom: ZoomState, request: web.Request, body: Body) -> Any:
    """PATCH /meetings/{meetingId}"""
    zoom.update_meeting(_meeting_id(request), body)


def get_livestream(zoom: ZoomState, request: web.Request, body: Body) -> Any:
    """GET /meetings/{meetingId}/livestream"""
    return zoom.livestream(_meeting_id(request))


def update_livestream(zoom: ZoomState, request: web.Request, body: Body) -> Any:
    """PATCH /meetings/{meetingId}/livestream"""
    zoom.set_livestream(_meeting_id(request), body)


def update_livestream_status(zoom: ZoomState, request: web.Request, body: Body) -> Any:
    """PATCH /meetings/{meetingId}/livestream/status"""
    zoom.set_livestream_status(_meeting_id(request), body)


def update_meeting_status(zoom: ZoomState, request: web.Request, body: Body) -> Any:
    """PUT /meetings/{meetingId}/status"""
    zoom.end_meeting(_meeting_id(request), body.get("action"))


async def not_found(request: web.Request) -> web.Response:
    """Answer an unknown Zoom path the way Zoom does."""
    return error_response(ZoomError(404, 404, "Not Found"))


def zoom_routes() -> list[web.RouteDef]:
    """Return the aiohttp routes of the fake Zoom API and its token endpoint."""
    meeting = PREFIX + "/meetings/{meeting_id:\\d+}"
    return [
        web.post(OAUTH_PATH, issue_token),
        web.post(PREFIX + "/users/{user_id}/meetings", _endpoint(create_meeting, 201)),
        web.get(PREFIX + "/users/{user_id}/meetings", _endpoint(list_meetings)),
        web.get(meeting, _endpoint(get_meeting)),
        web.patch(meeting, _endpoint(update_meeting)),
        web.get(meeting + "/livestream", _endpoint(get_livestream)),
        web.patch(meeting + "/livestream", _endpoint(update_livestream)),
        web.patch(meeting + "/livestream/status", _endpoint(update_livestream_status)),
        web.put(meeting + "/status", _endpoint(update_meeting_status)),
        web.route("*", PREFIX + "/{tail:.*}", not_found),
    ]
