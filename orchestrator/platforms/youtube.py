"""YouTube Data API v3 through google-api-python-client, off the event loop.

The client library is synchronous and httplib2 is not thread-safe, so every call runs on
a small thread pool and each worker thread builds its own service object around its own
``AuthorizedHttp``. Errors come back as ours with YouTube's reason; throttling and server
errors are retried with backoff; a create that may have worked is looked up (by a marker
we put in its description) before it is ever sent again. Quota is counted by our own
tally of API-NOTES' costs, on the Pacific day of the injected clock (``quota.py``).
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import google_auth_httplib2
import httplib2
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from kernel.times import iso_z

from .errors import (
    PlatformError,
    PlatformTimeout,
    PlatformUnreachable,
    QuotaExhausted,
    YouTubeApiError,
)
from .quota import COSTS, DAILY_QUOTA, QuotaTracker
from .retry import NowSource, Retrier, RetryPolicy, SystemNow, parse_retry_after

SCOPES = ["https://www.googleapis.com/auth/youtube.force-ssl"]
BROADCAST_PARTS = "id,snippet,status,contentDetails"
STREAM_PARTS = "id,snippet,cdn,status"
CHAT_PARTS = "id,snippet,authorDetails"
# A chat scan for our own message stops at messages this much newer than its start.
CHAT_SCAN_SLACK = timedelta(minutes=1)
Build = Callable[[Any], Any]


@dataclass(frozen=True)
class ChatPage:
    """One liveChatMessages.list page: raw items, where to go on, and when to ask again."""

    items: list[dict[str, Any]]
    next_page_token: str | None
    polling_ms: int
    offline_at: datetime | None
    quota_cost: int


def rfc3339(moment: datetime) -> str:
    """Write a time the way Google reads it (UTC, ``Z``)."""
    return iso_z(moment, timespec="seconds")


def _parse_time(text: str | None) -> datetime | None:
    """Read an RFC 3339 time from a response."""
    if not text:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def broadcast_body(
    title: str, marker: str, start: datetime, end: datetime, privacy: str
) -> dict[str, Any]:
    """The liveBroadcasts.insert body: the marker in the description, no monitor stream."""
    return {
        "snippet": {
            "title": title[:100],
            "description": f"Pasar Live: pasar virtual, siaran langsung. [{marker}]",
            "scheduledStartTime": rfc3339(start),
            "scheduledEndTime": rfc3339(end),
        },
        "status": {"privacyStatus": privacy, "selfDeclaredMadeForKids": False},
        "contentDetails": {
            "monitorStream": {"enableMonitorStream": False},
            "enableAutoStart": False,
            "enableAutoStop": False,
            "latencyPreference": "low",
        },
    }


def youtube_error(err: HttpError, now: datetime) -> YouTubeApiError:
    """Translate googleapiclient's HttpError into ours, keeping YouTube's reason."""
    status = int(err.resp.status)
    try:
        payload = json.loads(err.content)["error"]
        reason = str(payload["errors"][0]["reason"])
        message = str(payload.get("message") or payload["errors"][0].get("message", ""))
    except (ValueError, KeyError, IndexError, TypeError):
        reason, message = f"http{status}", str(getattr(err, "reason", "") or err)
    if reason == "quotaExceeded":
        return QuotaExhausted(message)
    retry_after = parse_retry_after(err.resp.get("retry-after"), now)
    return YouTubeApiError(reason, message, status, retry_after)


class YouTube:
    """The YouTube calls Pasar Live makes, each in a worker thread with its own Http."""

    def __init__(
        self,
        make_http: Callable[[], Any],
        *,
        api_endpoint: str | None = None,
        clock: NowSource | None = None,
        policy: RetryPolicy | None = None,
        workers: int = 8,
        quota_limit: int = DAILY_QUOTA,
    ) -> None:
        self.clock = clock or SystemNow()
        self.quota = QuotaTracker(self.clock, quota_limit)
        self.retrier = Retrier(policy)
        self.api_endpoint = api_endpoint
        self._make_http = make_http
        self._local = threading.local()
        self._services: list[Any] = []
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="youtube")
        self._chat_scan: dict[str, str | None] = {}

    @classmethod
    def for_sandbox(
        cls,
        endpoint: str,
        *,
        clock: NowSource | None = None,
        policy: RetryPolicy | None = None,
        timeout: float = 10.0,
        workers: int = 8,
    ) -> YouTube:
        """Talk to the sandbox at ``endpoint`` (``http://127.0.0.1:PORT/``); any token will do."""
        credentials = Credentials(token="sandbox")

        def make_http() -> Any:
            http = httplib2.Http(timeout=timeout)
            return google_auth_httplib2.AuthorizedHttp(credentials, http=http)

        endpoint = endpoint if endpoint.endswith("/") else endpoint + "/"
        return cls(make_http, api_endpoint=endpoint, clock=clock, policy=policy, workers=workers)

    @classmethod
    def from_token_file(
        cls,
        path: str | Path,
        *,
        clock: NowSource | None = None,
        policy: RetryPolicy | None = None,
        timeout: float = 30.0,
        workers: int = 8,
    ) -> YouTube:
        """Use the OAuth token `pasar-live auth youtube` stored; it refreshes itself."""
        credentials = Credentials.from_authorized_user_file(str(path), SCOPES)

        def make_http() -> Any:
            http = httplib2.Http(timeout=timeout)
            return google_auth_httplib2.AuthorizedHttp(credentials, http=http)

        return cls(make_http, clock=clock, policy=policy, workers=workers)

    # -- plumbing -----------------------------------------------------------------------

    def _service(self) -> Any:
        """Return this worker thread's own service (httplib2 must not be shared)."""
        service = getattr(self._local, "service", None)
        if service is None:
            options = {"api_endpoint": self.api_endpoint} if self.api_endpoint else None
            service = build(
                "youtube",
                "v3",
                static_discovery=True,
                cache_discovery=False,
                client_options=options,
                http=self._make_http(),
            )
            self._local.service = service
            with self._lock:
                self._services.append(service)
        return service

    def _execute_sync(self, request: Build) -> dict[str, Any]:
        """Run one request on this thread; library errors become ours."""
        try:
            return request(self._service()).execute()
        except HttpError as err:
            raise youtube_error(err, self.clock.now()) from err
        except TimeoutError as err:
            raise PlatformTimeout("youtube", f"no answer in time: {err}") from err
        except (OSError, httplib2.HttpLib2Error) as err:
            raise PlatformUnreachable("youtube", f"cannot reach YouTube: {err}") from err

    async def _execute(self, method: str, request: Build) -> dict[str, Any]:
        """Make one attempt of an API call in the pool, and count what it cost."""
        if self.quota.exhausted:  # our count alone only advises: a project may have more
            raise QuotaExhausted("YouTube said today's quota is used up; it resets at midnight PT")
        loop = asyncio.get_running_loop()
        try:
            result = await loop.run_in_executor(self._pool, self._execute_sync, request)
        except PlatformError as err:
            self._charge_failure(method, err)
            raise
        self.quota.charge(COSTS.get(method, 1))
        return result

    def _charge_failure(self, method: str, err: PlatformError) -> None:
        """Count a failed call: a refused request costs 1, one that may have run costs full."""
        if err.reason == "quotaExceeded":
            self.quota.exhaust()
        elif err.reason == "timeout":
            self.quota.charge(COSTS.get(method, 1))
        elif not err.retryable and err.status is not None:
            self.quota.charge(1)

    async def _call(self, method: str, request: Build) -> dict[str, Any]:
        """Call with retries (for reads and calls that are safe to repeat)."""
        return await self.retrier.run(method, lambda: self._execute(method, request))

    def close(self) -> None:
        """Stop the pool and close every thread's connections."""
        self._pool.shutdown(wait=False, cancel_futures=True)
        with self._lock:
            services, self._services = self._services, []
        for service in services:
            service.close()

    # -- broadcasts and streams ---------------------------------------------------------

    async def get_broadcast(self, broadcast_id: str) -> dict[str, Any] | None:
        """Return a broadcast by id, or None if YouTube has no such broadcast."""
        page = await self._call(
            "liveBroadcasts.list",
            lambda s: s.liveBroadcasts().list(part=BROADCAST_PARTS, id=broadcast_id),
        )
        items = page.get("items") or []
        return items[0] if items else None

    async def find_broadcast(self, marker: str) -> dict[str, Any] | None:
        """Find an upcoming broadcast whose description carries ``marker``."""

        def page(token: str | None) -> Build:
            return lambda s: s.liveBroadcasts().list(
                part=BROADCAST_PARTS, broadcastStatus="upcoming", maxResults=50, pageToken=token
            )

        return await self._find("liveBroadcasts.list", page, marker)

    async def _find(
        self, method: str, page: Callable[[str | None], Build], marker: str
    ) -> dict[str, Any] | None:
        """Walk a list's pages for the item whose description carries ``marker``."""
        token: str | None = None
        while True:
            answer = await self._execute(method, page(token))
            for item in answer.get("items") or []:
                if marker in (item.get("snippet") or {}).get("description", ""):
                    return item
            token = answer.get("nextPageToken")
            if not token:
                return None

    async def create_broadcast(
        self,
        title: str,
        marker: str,
        start: datetime,
        end: datetime,
        privacy: str = "public",
        look_first: bool = False,
    ) -> dict[str, Any]:
        """Create the day's broadcast once; monitor stream off, so it goes straight to live."""
        body = broadcast_body(title, marker, start, end, privacy)
        method = "liveBroadcasts.insert"
        request: Build = lambda s: s.liveBroadcasts().insert(part=BROADCAST_PARTS, body=body)  # noqa: E731
        return await self.retrier.create_once(
            method,
            lambda: self._execute(method, request),
            lambda: self.find_broadcast(marker),
            look_first,
        )

    async def get_stream(self, stream_id: str) -> dict[str, Any] | None:
        """Return a stream (status, health, ingestion info) or None."""
        page = await self._call(
            "liveStreams.list", lambda s: s.liveStreams().list(part=STREAM_PARTS, id=stream_id)
        )
        items = page.get("items") or []
        return items[0] if items else None

    async def find_stream(self, marker: str) -> dict[str, Any] | None:
        """Find one of our streams by the marker in its description."""

        def page(token: str | None) -> Build:
            return lambda s: s.liveStreams().list(
                part=STREAM_PARTS, mine=True, maxResults=50, pageToken=token
            )

        return await self._find("liveStreams.list", page, marker)

    async def create_stream(
        self, title: str, marker: str, look_first: bool = False
    ) -> dict[str, Any]:
        """Create the RTMP stream Zoom pushes to, once."""
        body = {
            "snippet": {"title": title[:100], "description": f"Pasar Live [{marker}]"},
            "cdn": {"ingestionType": "rtmp", "resolution": "variable", "frameRate": "variable"},
        }
        method = "liveStreams.insert"
        request: Build = lambda s: s.liveStreams().insert(part=STREAM_PARTS, body=body)  # noqa: E731
        return await self.retrier.create_once(
            method,
            lambda: self._execute(method, request),
            lambda: self.find_stream(marker),
            look_first,
        )

    async def bind(self, broadcast_id: str, stream_id: str) -> dict[str, Any]:
        """Bind the stream to the broadcast (repeating it is harmless)."""
        return await self._call(
            "liveBroadcasts.bind",
            lambda s: s.liveBroadcasts().bind(
                id=broadcast_id, streamId=stream_id, part=BROADCAST_PARTS
            ),
        )

    async def transition(self, broadcast_id: str, status: str) -> dict[str, Any] | None:
        """Move the broadcast to ``status``; None when it already was (redundantTransition)."""
        try:
            return await self._call(
                "liveBroadcasts.transition",
                lambda s: s.liveBroadcasts().transition(
                    id=broadcast_id, broadcastStatus=status, part=BROADCAST_PARTS
                ),
            )
        except YouTubeApiError as err:
            if err.reason == "redundantTransition":
                return None
            raise

    # -- chat ---------------------------------------------------------------------------

    async def list_chat(
        self, live_chat_id: str, page_token: str | None, max_results: int = 2000
    ) -> ChatPage:
        """Read one chat page; the poller waits at least ``polling_ms`` before the next."""
        method = "liveChatMessages.list"
        page = await self._call(
            method,
            lambda s: s.liveChatMessages().list(
                liveChatId=live_chat_id,
                part=CHAT_PARTS,
                pageToken=page_token,
                maxResults=max_results,
            ),
        )
        return ChatPage(
            items=list(page.get("items") or []),
            next_page_token=page.get("nextPageToken"),
            polling_ms=int(page.get("pollingIntervalMillis") or 0),
            offline_at=_parse_time(page.get("offlineAt")),
            quota_cost=COSTS[method],
        )

    async def insert_chat(self, live_chat_id: str, text: str) -> dict[str, Any]:
        """Post one message as the channel; after a doubtful failure, look before reposting."""
        method = "liveChatMessages.insert"
        body = {
            "snippet": {
                "liveChatId": live_chat_id,
                "type": "textMessageEvent",
                "textMessageDetails": {"messageText": text},
            }
        }
        since = self.clock.now() - timedelta(seconds=30)
        request: Build = lambda s: s.liveChatMessages().insert(part="snippet", body=body)  # noqa: E731
        return await self.retrier.create_once(
            method,
            lambda: self._execute(method, request),
            lambda: self.find_chat_message(live_chat_id, text, since),
        )

    async def find_chat_message(
        self, live_chat_id: str, text: str, since: datetime
    ) -> dict[str, Any] | None:
        """Find our own message ``text`` posted after ``since`` (resuming the last scan).

        The scan ends at messages published after it began (with ``CHAT_SCAN_SLACK`` for
        the clocks): ours was sent before, and a busy live chat always has a next page,
        so chasing its tail could last as long as the chat.
        """
        token = self._chat_scan.get(live_chat_id)
        until = self.clock.now() + CHAT_SCAN_SLACK
        while True:
            page = await self.list_chat(live_chat_id, token)
            for item in page.items:
                if _is_own_message(item, text, since):
                    return item
            if not page.items or not page.next_page_token:
                return None
            token = self._chat_scan[live_chat_id] = page.next_page_token
            last = _parse_time((page.items[-1].get("snippet") or {}).get("publishedAt"))
            if last is not None and last > until:
                return None


def _is_own_message(item: dict[str, Any], text: str, since: datetime) -> bool:
    """Tell whether a chat item is the channel owner's ``text`` sent after ``since``."""
    snippet = item.get("snippet") or {}
    published = _parse_time(snippet.get("publishedAt"))
    return (
        bool((item.get("authorDetails") or {}).get("isChatOwner"))
        and (snippet.get("textMessageDetails") or {}).get("messageText") == text
        and published is not None
        and published >= since
    )
