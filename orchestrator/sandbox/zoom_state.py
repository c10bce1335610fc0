"""Zoom's side: OAuth tokens, meetings and their live streams, with no HTTP in sight."""

from __future__ import annotations

import base64
import secrets
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from kernel.clock import Clock

from .errors import OAuthError, ZoomError
from .times import zoom_time
from .youtube_state import YouTubeState

if TYPE_CHECKING:
    from .zoom_webhook import WebhookDelivery

TOKEN_LIFETIME = timedelta(hours=1)
HOST_ID = "sbxHostUser0001"
HOST_EMAIL = "host@pasar-live.sandbox"


def invalid_token() -> ZoomError:
    """Build Zoom's 401 for a missing, unknown or expired token."""
    return ZoomError(401, 124, "Invalid access token.")


class ZoomState:
    """Tokens, meetings and live streams of one sandbox Zoom account."""

    def __init__(
        self,
        clock: Clock,
        creates: Counter[str],
        youtube: YouTubeState,
        new_meeting_id: Callable[[], int],
        *,
        credentials: tuple[str, str] | None = None,
        daily_meeting_limit: int = 100,
    ) -> None:
        self.clock = clock
        self.creates = creates
        self.youtube = youtube
        self.new_meeting_id = new_meeting_id
        self.credentials = credentials
        self.daily_meeting_limit = daily_meeting_limit
        self.tokens: dict[str, datetime] = {}
        self.meetings: dict[int, dict[str, Any]] = {}
        self.livestreams: dict[int, dict[str, Any]] = {}
        self.writes_per_user_day: Counter[tuple[str, str]] = Counter()
        self.webhooks: list[WebhookDelivery] = []

    # -- OAuth ------------------------------------------------------------------------------

    def issue_token(self, authorization: str | None, form: dict[str, str]) -> dict[str, Any]:
        """Grant an account-credentials token for a Basic client_id:client_secret header."""
        if form.get("grant_type") != "account_credentials":
            raise OAuthError(400, "unsupported_grant_type", "Unsupported grant type")
        if not form.get("account_id"):
            raise OAuthError(400, "invalid_request", "Missing account_id")
        client = _basic_credentials(authorization)
        if client is None or (self.credentials and client != self.credentials):
            raise OAuthError(401, "invalid_client", "Invalid client_id or client_secret")
        token = "sbx." + secrets.token_urlsafe(24)
        self.tokens[token] = self.clock.now() + TOKEN_LIFETIME
        self.creates["zoomToken"] += 1
        return {
            "access_token": token,
            "token_type": "bearer",
            "expires_in": int(TOKEN_LIFETIME.total_seconds()),
            "scope": "meeting:read:admin meeting:write:admin user:read:admin",
            "api_url": "https://api.zoom.us",
        }

    def check_token(self, authorization: str | None) -> None:
        """Refuse a call whose bearer token is missing, unknown or an hour old."""
        scheme, _, token = (authorization or "").partition(" ")
        expires = self.tokens.get(token.strip()) if scheme.lower() == "bearer" else None
        if expires is None or self.clock.now() >= expires:
            raise invalid_token()

    # -- meetings ---------------------------------------------------------------------------

    def create_meeting(self, user_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """Schedule a meeting for `me`, within Zoom's 100 creates/updates a day per user."""
        self.resolve_user(user_id)
        self._count_write()
        now = self.clock.now()
        meeting_id = self.new_meeting_id()
        meeting = {
            "uuid": base64.b64encode(meeting_id.to_bytes(16, "big")).decode(),
            "id": meeting_id,
            "host_id": HOST_ID,
            "host_email": HOST_EMAIL,
            "topic": str(body.get("topic", "Zoom Meeting")),
            "type": int(body.get("type", 2)),
            "status": "waiting",
            "start_time": body.get("start_time") or zoom_time(now),
            "duration": int(body.get("duration", 60)),
            "timezone": str(body.get("timezone", "UTC")),
            "agenda": str(body.get("agenda", "")),
            "created_at": zoom_time(now),
            "start_url": f"https://zoom.sandbox/s/{meeting_id}?zak=sandbox",
            "join_url": f"https://zoom.sandbox/j/{meeting_id}",
            "password": "sandbox",
            "settings": {
                "host_video": False,
                "participant_video": False,
                **body.get("settings", {}),
            },
        }
        self.meetings[meeting_id] = meeting
        self.livestreams[meeting_id] = {"stream_url": "", "stream_key": "", "page_url": ""}
        self.creates["zoomMeeting"] += 1
        return meeting

    def meeting(self, meeting_id: str | int) -> dict[str, Any]:
        """Return a meeting or Zoom's 404 (code 3001)."""
        key = int(meeting_id) if str(meeting_id).isdigit() else -1
        found = self.meetings.get(key)
        if found is None:
            raise ZoomError(404, 3001, f"Meeting does not exist: {meeting_id}.")
        return found

    def update_meeting(self, meeting_id: str, body: dict[str, Any]) -> None:
        """Change a meeting's topic, time or settings (counts toward the daily limit)."""
        meeting = self.meeting(meeting_id)
        self._count_write()
        for name in ("topic", "start_time", "duration", "timezone", "agenda"):
            if name in body:
                meeting[name] = body[name]
        meeting["settings"].update(body.get("settings") or {})

    def end_meeting(self, meeting_id: str, action: object) -> None:
        """End a meeting (which also stops its live stream)."""
        meeting = self.meeting(meeting_id)
        if action != "end":
            raise ZoomError(400, 300, f"Invalid action: {action}.")
        if meeting["status"] == "finished":
            raise ZoomError(400, 3000, "Meeting has already ended.")
        self._feed(meeting["id"], active=False)
        meeting["status"] = "finished"

    # -- live stream ------------------------------------------------------------------------

    def livestream(self, meeting_id: str) -> dict[str, Any]:
        """Return a meeting's live stream settings."""
        meeting = self.meeting(meeting_id)
        shown = self.livestreams[meeting["id"]]
        return {k: v for k, v in shown.items() if k in ("stream_url", "stream_key", "page_url")}

    def set_livestream(self, meeting_id: str, body: dict[str, Any]) -> None:
        """Store where the meeting streams to; Zoom refuses this while streaming."""
        meeting = self.meeting(meeting_id)
        stream = self.livestreams[meeting["id"]]
        if stream.get("streaming"):
            raise ZoomError(400, 3000, "Cannot update the live stream while it is streaming.")
        for name in ("stream_url", "stream_key"):
            if not body.get(name):
                raise ZoomError(400, 300, f"{name} is required.")
        stream.update({k: str(body.get(k, "")) for k in ("stream_url", "stream_key", "page_url")})

    def set_livestream_status(self, meeting_id: str, body: dict[str, Any]) -> None:
        """Start or stop pushing the meeting to its stream URL."""
        meeting = self.meeting(meeting_id)
        action = body.get("action")
        if action not in ("start", "stop"):
            raise ZoomError(400, 300, f"Invalid action: {action}.")
        if meeting["status"] == "finished":
            raise ZoomError(400, 3000, "The meeting has ended.")
        stream = self.livestreams[meeting["id"]]
        if action == "start":
            if not stream["stream_url"] or not stream["stream_key"]:
                raise ZoomError(400, 3000, "Set the live stream's URL and key first.")
            meeting["status"] = "started"
            stream["settings"] = dict(body.get("settings") or {})
        self._feed(meeting["id"], active=action == "start")

    def _feed(self, meeting_id: int, active: bool) -> None:
        """Tell YouTube that video starts or stops arriving at the stream's address."""
        stream = self.livestreams[meeting_id]
        was = bool(stream.get("streaming"))
        stream["streaming"] = active
        if active != was and stream["stream_url"]:
            self.youtube.feed(stream["stream_url"], stream["stream_key"], active)

    # -- helpers ----------------------------------------------------------------------------

    def resolve_user(self, user_id: str) -> str:
        """Accept `me`, the host's id or e-mail, as Zoom does for the token's own user."""
        if user_id not in ("me", HOST_ID, HOST_EMAIL):
            raise ZoomError(404, 1001, f"User does not exist: {user_id}.")
        return HOST_ID

    def _count_write(self) -> None:
        """Enforce the per-user daily limit on meeting creates and updates (UTC day)."""
        key = (HOST_ID, self.clock.now().astimezone(UTC).date().isoformat())
        if self.writes_per_user_day[key] >= self.daily_meeting_limit:
            tomorrow = self.clock.now().astimezone(UTC).date() + timedelta(days=1)
            raise ZoomError(
                429,
                429,
                f"You have exceeded the daily rate limit ({self.daily_meeting_limit}) of Meeting "
                "Create/Update API requests permitted for this particular user. You may resume "
                "these user-level requests at GMT 00:00:00.",
                {"Retry-After": f"{tomorrow.isoformat()}T00:00:00Z"},
            )
        self.writes_per_user_day[key] += 1


def _basic_credentials(authorization: str | None) -> tuple[str, str] | None:
    """Decode `Basic base64(client_id:client_secret)`."""
    scheme, _, encoded = (authorization or "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        client_id, sep, secret = base64.b64decode(encoded.strip()).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return None
    return (client_id, secret) if sep and client_id else None
