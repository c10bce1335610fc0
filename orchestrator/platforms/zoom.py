"""Zoom API v2 through zoomus, off the event loop, with the token kept fresh.

zoomus is synchronous: every call runs on a small thread pool. It sends each request with
the module-level ``requests`` functions (a new session per request), so worker threads
share no connection; the one thing they share is the client's bearer token, and only
this adapter replaces it, under a lock, once per expiry. zoomus fetches its token in the
constructor and never refreshes it: we refresh 55 minutes after each fetch (by the
injected clock) and on 401 code 124, then retry once. Raw ``requests.Response`` objects
become our errors with Zoom's status and ``code``; 429 and 5xx are retried, honouring
Retry-After as seconds, an HTTP date or an ISO date.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
from zoomus import ZoomClient

from .errors import PlatformTimeout, PlatformUnreachable, ZoomApiError
from .retry import NowSource, Retrier, RetryPolicy, SystemNow, parse_retry_after

TOKEN_REFRESH_AFTER = timedelta(minutes=55)
INVALID_TOKEN = 124
MEETING_NOT_FOUND = 3001
Call = Callable[[ZoomClient], requests.Response]


class Zoom:
    """The Zoom calls Pasar Live makes: one meeting per channel and day, and its live stream."""

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        account_id: str,
        *,
        base_uri: str | None = None,
        oauth_uri: str | None = None,
        clock: NowSource | None = None,
        policy: RetryPolicy | None = None,
        workers: int = 4,
        timeout: int = 15,
    ) -> None:
        self._credentials = (client_id, client_secret, account_id)
        self._uris = {"base_uri": base_uri, "oauth_uri": oauth_uri}
        self.clock = clock or SystemNow()
        self.retrier = Retrier(policy)
        self.timeout = timeout
        self.token_fetches = 0
        self._client: ZoomClient | None = None
        self._token_at: datetime | None = None
        self._token_lock = asyncio.Lock()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="zoom")

    @classmethod
    def for_sandbox(cls, base_url: str, **options: Any) -> Zoom:
        """Talk to the sandbox at ``base_url``; it accepts any client credentials."""
        base = base_url.rstrip("/")
        return cls(
            "sandbox-client",
            "sandbox-secret",
            "sandbox-account",
            base_uri=f"{base}/v2",
            oauth_uri=f"{base}/oauth/token",
            **options,
        )

    # -- token --------------------------------------------------------------------------

    def _new_client(self) -> ZoomClient:
        """Build zoomus' client (it fetches a token right away) with our time-out."""
        kwargs = {k: v for k, v in self._uris.items() if v}
        client = ZoomClient(*self._credentials, timeout=self.timeout, **kwargs)
        for component in client.components.values():
            component.timeout = self.timeout
        return client

    def _fetch_sync(self) -> ZoomClient:
        """Get a client with a fresh token, on a worker thread (zoomus blocks, no time-out)."""
        try:
            if self._client is None:
                client = self._new_client()
            else:
                client = self._client
                client.refresh_token()
        except requests.RequestException as err:
            raise PlatformUnreachable("zoom", f"cannot reach Zoom's token endpoint: {err}") from err
        except ValueError as err:
            raise ZoomApiError(502, None, f"Zoom's token endpoint answered garbage: {err}") from err
        if not client.config.get("token"):
            raise ZoomApiError(
                401,
                INVALID_TOKEN,
                "Zoom refused the credentials: check zoom_account_id, zoom_client_id and"
                " zoom_client_secret (Server-to-Server OAuth app)",
            )
        return client

    async def _fresh(self, seen: str | None = None) -> ZoomClient:
        """Return the client, fetching a token first if none, if it is 55 min old, or if
        ``seen`` (the token a call was refused with) is still the current one."""
        async with self._token_lock:
            client = self._client
            token = client.config.get("token") if client else None
            stale = self._token_at is None or self.clock.now() - self._token_at >= (
                TOKEN_REFRESH_AFTER
            )
            if client is None or stale or (seen is not None and token == seen):
                loop = asyncio.get_running_loop()
                fetch = loop.run_in_executor(self._pool, self._fetch_sync)
                try:  # zoomus sets no time-out here: never let a hung fetch hold the lock
                    client = await asyncio.wait_for(fetch, self.timeout)
                except TimeoutError as err:
                    raise PlatformTimeout("zoom", "the token endpoint did not answer") from err
                self._client, self._token_at = client, self.clock.now()
                self.token_fetches += 1
            return client

    # -- plumbing -----------------------------------------------------------------------

    def _send_sync(self, client: ZoomClient, call: Call) -> tuple[int, Any]:
        """Send one request on this thread; turn its answer into data or our error."""
        try:
            response = call(client)
        except requests.Timeout as err:
            raise PlatformTimeout("zoom", f"no answer in time: {err}") from err
        except requests.RequestException as err:
            raise PlatformUnreachable("zoom", f"cannot reach Zoom: {err}") from err
        if response.status_code >= 400:
            raise self._error(response)
        if response.status_code == 204 or not response.content:
            return response.status_code, {}
        return response.status_code, response.json()

    def _error(self, response: requests.Response) -> ZoomApiError:
        """Read Zoom's ``{"code", "message"}`` body and its Retry-After, in any form."""
        try:
            body = response.json()
        except ValueError:
            body = {}
        body = body if isinstance(body, dict) else {}
        code = body.get("code")
        message = str(body.get("message") or response.reason or "Zoom error")
        retry_after = parse_retry_after(response.headers.get("Retry-After"), self.clock.now())
        return ZoomApiError(
            response.status_code, int(code) if code is not None else None, message, retry_after
        )

    async def _send(self, call: Call) -> Any:
        """Make one attempt; on 401 code 124 refresh the token and try exactly once more."""
        loop = asyncio.get_running_loop()
        client = await self._fresh()
        token = client.config.get("token")
        try:
            return (await loop.run_in_executor(self._pool, self._send_sync, client, call))[1]
        except ZoomApiError as err:
            if err.status != 401 or err.code != INVALID_TOKEN:
                raise
        client = await self._fresh(seen=token)
        return (await loop.run_in_executor(self._pool, self._send_sync, client, call))[1]

    async def _call(self, what: str, call: Call) -> Any:
        """Call with retries (for reads and calls that are safe to repeat)."""
        return await self.retrier.run(what, lambda: self._send(call))

    def close(self) -> None:
        """Stop the worker threads."""
        self._pool.shutdown(wait=False, cancel_futures=True)

    # -- meetings -----------------------------------------------------------------------

    async def get_meeting(self, meeting_id: str | int) -> dict[str, Any] | None:
        """Return a meeting, or None if Zoom has none with that id."""
        try:
            return await self._call("meeting.get", lambda c: c.meeting.get(id=meeting_id))
        except ZoomApiError as err:
            if err.status == 404 or err.code == MEETING_NOT_FOUND:
                return None
            raise

    async def find_meeting(self, marker: str) -> dict[str, Any] | None:
        """Find a not-yet-finished meeting of ours by the marker in its agenda."""
        token = ""
        while True:
            page = await self._send(
                lambda c, t=token: c.meeting.list(
                    user_id="me", type="upcoming", page_size=300, next_page_token=t
                )
            )
            for meeting in page.get("meetings") or []:
                if marker in str(meeting.get("agenda", "")):
                    return meeting
            token = page.get("next_page_token") or ""
            if not token:
                return None

    async def create_meeting(
        self, topic: str, marker: str, start: datetime, minutes: int, look_first: bool = False
    ) -> dict[str, Any]:
        """Schedule the day's meeting once; ``start`` goes to zoomus as an aware UTC time."""
        fields = {
            "user_id": "me",
            "topic": topic[:200],
            "type": 2,
            "start_time": start.astimezone(UTC),
            "duration": max(1, minutes),
            "timezone": "Asia/Jakarta",
            "agenda": f"Pasar Live [{marker}]",
            "settings": {"host_video": True, "join_before_host": False, "waiting_room": False},
        }
        return await self.retrier.create_once(
            "meeting.create",
            lambda: self._send(lambda c: c.meeting.create(**dict(fields))),
            lambda: self.find_meeting(marker),
            look_first,
        )

    async def end_meeting(self, meeting_id: str | int) -> None:
        """End the meeting for everyone (this also stops its live stream)."""
        await self._call(
            "meeting.end", lambda c: c.meeting.update_status(id=meeting_id, action="end")
        )

    # -- live stream --------------------------------------------------------------------

    async def set_live_stream(
        self, meeting_id: str | int, stream_url: str, stream_key: str, page_url: str
    ) -> None:
        """Point the meeting's live stream at YouTube (only while it is not streaming)."""
        await self._call(
            "live_stream.update",
            lambda c: c.live_stream.update(
                meeting_id=meeting_id,
                stream_url=stream_url,
                stream_key=stream_key,
                page_url=page_url,
            ),
        )

    async def start_live_stream(self, meeting_id: str | int, display_name: str) -> None:
        """Start pushing the meeting to its stream URL."""
        await self._live_status(meeting_id, "start", display_name)

    async def stop_live_stream(self, meeting_id: str | int) -> None:
        """Stop pushing the meeting."""
        await self._live_status(meeting_id, "stop", "")

    async def _live_status(self, meeting_id: str | int, action: str, display_name: str) -> None:
        """Call live_stream.update_status with zoomus' argument shape."""
        settings = {"active_speaker_name": False, "display_name": display_name[:50]}
        await self._call(
            f"live_stream.{action}",
            lambda c: c.live_stream.update_status(
                meeting_id=meeting_id, action=action, settings=settings
            ),
        )
