"""The overlay hub: a websockets server in the service's process, one topic per channel.

A page connects to ``/overlay/<channel>?layout=...&v=<static version>``, gets the channel's
snapshot, then every later revision. Fan-out uses ``websockets.broadcast()``, which writes
to each socket without awaiting any of them; a page whose write buffer grows past
``drop_limit`` cannot keep up, so its TCP connection is aborted (it reconnects and starts
again from a snapshot) instead of holding memory or anyone else back. Pings find dead
connections. The hub never imports ``orchestrator``: the orchestrator drives it through
``publish``, ``reload``, ``snapshot`` and ``pages``.

Viewers of the live page connect to ``/live/<channel>``: a public, read-only topic kept
as ``live/<channel>``, published by the orchestrator's live feed (it hears each overlay
change through ``follow``). Viewers are not OBS pages: ``pages`` does not list them.
There may be ten thousand of them, so their topic is sent in passes that give the loop
back every ``fanout_slice`` seconds of sending (checked each ``fanout_chunk`` sockets):
the host's panel and the order desk share this loop. Each pass sends the newest
revision: every message holds the whole state, so a phone that skips one is still right.

Each message is stamped with the service's clock (``now_ms``), so a page's countdowns
agree with the schedule under a scaled or manual clock too.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import Server, ServerConnection, broadcast, serve
from websockets.datastructures import MultipleValuesError
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from kernel.times import iso_z
from overlays import messages

log = logging.getLogger(__name__)

CHANNEL_PATH = re.compile(r"^/overlay/([A-Za-z0-9_-]{1,64})$")
# The viewers' live page: a public, read-only topic per channel, kept under ``live/<id>``.
LIVE_PATH = re.compile(r"^/live/([A-Za-z0-9_-]{1,64})$")
LIVE_PREFIX = "live/"
DEFAULT_PORT = 8081


class HubError(Exception):
    """The overlay hub could not start listening."""


@dataclass(frozen=True)
class PageInfo:
    """One connected overlay page, as the control panel lists it."""

    channel: str
    layout: str
    version: str
    since: datetime
    remote: str
    stale: bool

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form, with ``since`` in UTC ISO 8601."""
        return {
            "channel": self.channel,
            "layout": self.layout,
            "version": self.version,
            "since": iso_z(self.since),
            "remote": self.remote,
            "stale": self.stale,
        }


class _Topic:
    """A channel's current revision, its encoded state, and the pages listening."""

    __slots__ = ("conns", "fanning", "rev", "state_json")

    def __init__(self) -> None:
        self.rev = 0
        self.state_json = "{}"
        self.conns: set[ServerConnection] = set()
        self.fanning: asyncio.Task[None] | None = None  # a viewers' topic's sending pass


class Hub:
    """Holds each channel's overlay state and fans every change out to its pages."""

    def __init__(
        self,
        *,
        static_version: str = "",
        allowed_origins: Iterable[str] = (),
        drop_limit: int = 256 * 1024,
        ping_interval: float = 20,
        close_timeout: float = 2,
        fanout_chunk: int = 64,
        fanout_slice: float = 0.01,
        now_ms: Callable[[], float] | None = None,
    ) -> None:
        self.static_version = static_version
        self.allowed_origins = {o.rstrip("/").lower() for o in allowed_origins}
        self.drop_limit = drop_limit
        self.ping_interval = ping_interval
        self.close_timeout = close_timeout
        self.fanout_chunk = max(1, fanout_chunk)
        self.fanout_slice = fanout_slice
        self.now_ms = now_ms or _wall_ms
        self.dropped = 0
        self._topics: dict[str, _Topic] = {}
        self._pages: dict[ServerConnection, PageInfo] = {}
        self._server: Server | None = None
        self._port = 0
        self._changed: asyncio.Condition | None = None
        self._followers: list[Callable[[str, dict[str, Any]], None]] = []

    @property
    def port(self) -> int:
        """The bound port (kept after ``stop`` so a restart can reuse it); 0 before start."""
        return self._port

    @property
    def running(self) -> bool:
        return self._server is not None

    async def start(self, host: str = "127.0.0.1", port: int = DEFAULT_PORT) -> None:
        """Listen on ``host:port`` (0 picks a free port, then ``self.port`` tells which)."""
        if self._server is not None:
            return
        try:
            self._server = await serve(
                self._handle,
                host,
                port,
                process_request=self._check_request,
                compression=None,  # states are small; per-page deflate costs CPU per page
                ping_interval=self.ping_interval,
                ping_timeout=self.ping_interval,
                close_timeout=self.close_timeout,
                max_size=messages.MAX_CLIENT_MESSAGE,
                max_queue=4,
                logger=log,
                backlog=1024,  # thousands of live pages reconnect at once after a restart
            )
        except OSError as err:
            raise HubError(
                f"overlay hub: tidak bisa mendengarkan di {host}:{port} ({err});"
                " pilih port overlay lain (choose another overlay port)"
            ) from err
        self._port = self._server.sockets[0].getsockname()[1]
        log.info("Overlay hub listening on %s:%d", host, self._port)

    async def stop(self) -> None:
        """Close every page's connection and stop listening; states are kept for a restart."""
        server, self._server = self._server, None
        if server is None:
            return
        fanning = [t.fanning for t in self._topics.values() if t.fanning and not t.fanning.done()]
        for task in fanning:
            task.cancel()
        await asyncio.gather(*fanning, return_exceptions=True)
        server.close(close_connections=True)
        await server.wait_closed()

    def publish(self, channel: str, state: dict[str, Any]) -> int:
        """Make ``state`` the channel's next revision and send it to its pages; return the rev.

        An identical state is not a change: nothing is sent and the revision stays.
        Followers hear each real change after its pages were sent it.
        """
        rev, changed = self._publish(channel, state)
        if changed:
            for follower in tuple(self._followers):
                follower(channel, state)
        return rev

    def publish_live(self, channel: str, state: dict[str, Any]) -> int:
        """Make ``state`` the next revision of the channel's viewers' topic; return the rev."""
        return self._publish(LIVE_PREFIX + channel, state)[0]

    def _publish(self, key: str, state: dict[str, Any]) -> tuple[int, bool]:
        topic = self._topics.setdefault(key, _Topic())
        state_json = messages.encode_state(state)
        if topic.rev and state_json == topic.state_json:
            return topic.rev, False
        topic.rev += 1
        topic.state_json = state_json
        if topic.conns and key.startswith(LIVE_PREFIX):
            if topic.fanning is None or topic.fanning.done():
                topic.fanning = asyncio.get_running_loop().create_task(self._fan_out(topic))
        elif topic.conns:
            message = messages.revision(messages.UPDATE, topic.rev, self._stamp(), state_json)
            broadcast(topic.conns, message)
            self._drop_slow(topic.conns)
        return topic.rev, True

    async def _fan_out(self, topic: _Topic) -> None:
        """Send the topic's newest revision to its sockets a chunk at a time, giving the
        loop back after each slice of sending; again while a newer revision came."""
        loop = asyncio.get_running_loop()
        sent = 0
        while sent != topic.rev:
            rev, state_json, conns = topic.rev, topic.state_json, list(topic.conns)
            began = loop.time()
            for start in range(0, len(conns), self.fanout_chunk):
                if start and loop.time() - began >= self.fanout_slice:
                    await asyncio.sleep(0)  # the host's requests go between two slices
                    began = loop.time()
                chunk = conns[start : start + self.fanout_chunk]
                message = messages.revision(messages.UPDATE, rev, self._stamp(), state_json)
                broadcast(chunk, message)  # sockets closed meanwhile are skipped
                self._drop_slow(chunk)
            sent = rev

    def follow(self, callback: Callable[[str, dict[str, Any]], None]) -> Callable[[], None]:
        """Call ``callback(channel, state)`` after each real change of an overlay topic.

        The viewers' live topics derive from the overlay's; return what stops following.
        """
        self._followers.append(callback)
        return lambda: self._followers.remove(callback) if callback in self._followers else None

    def snapshot(self, channel: str) -> dict[str, Any]:
        """The channel's current revision and state (``rev`` 0 and ``{}`` before any)."""
        topic = self._topics.get(channel) or _Topic()
        return {"rev": topic.rev, "state": messages.parse_state(topic.state_json)}

    def pages(self) -> list[PageInfo]:
        """Every connected page, by channel then age."""
        return sorted(self._pages.values(), key=lambda p: (p.channel, p.since))

    def viewers(self) -> dict[str, int]:
        """Open live-page sockets per channel (the viewers' topics; OBS pages not counted)."""
        live = sorted(k for k in self._topics if k.startswith(LIVE_PREFIX))
        return {key.removeprefix(LIVE_PREFIX): len(self._topics[key].conns) for key in live}

    def reload(self, channel: str | None = None) -> int:
        """Tell pages (of one channel, or all) to reload; return how many were told."""
        conns = [c for c, p in self._pages.items() if channel in (None, p.channel)]
        broadcast(conns, messages.reload())
        self._drop_slow(conns)
        return len(conns)

    async def wait_pages(self, predicate: Callable[[list[PageInfo]], bool]) -> list[PageInfo]:
        """Wait until the page list satisfies ``predicate`` (live panels, tests); return it."""
        async with self._condition():
            await self._condition().wait_for(lambda: predicate(self.pages()))
            return self.pages()

    def _condition(self) -> asyncio.Condition:
        if self._changed is None:
            self._changed = asyncio.Condition()
        return self._changed

    async def _notify(self) -> None:
        async with self._condition():
            self._condition().notify_all()

    def _check_request(self, conn: ServerConnection, request: Request) -> Response | None:
        """Refuse unknown paths and cross-site pages before the upgrade."""
        path = urlsplit(request.path).path
        if not (CHANNEL_PATH.match(path) or LIVE_PATH.match(path)):
            return conn.respond(HTTPStatus.NOT_FOUND, "Overlay tidak ditemukan\n")
        if not self._origin_ok(request):
            log.warning("Overlay socket refused for Origin %s", request.headers.get_all("Origin"))
            return conn.respond(HTTPStatus.FORBIDDEN, "Origin tidak diizinkan\n")
        return None

    def _origin_ok(self, request: Request) -> bool:
        """Allow no Origin or ``null`` (OBS), the same host on any port, or the allow-list."""
        try:
            origin = request.headers.get("Origin")
            host = request.headers.get("Host") or ""
        except MultipleValuesError:
            return False
        if origin is None or origin == "null":
            return True
        origin = origin.rstrip("/").lower()
        if origin in self.allowed_origins:
            return True
        return _hostname(origin) == _hostname(f"//{host}") != ""

    async def _handle(self, conn: ServerConnection) -> None:
        """Register the page, send its snapshot, then answer resync requests until it goes.

        A live-page viewer joins its channel's viewers' topic and is not listed with the
        OBS pages (``page`` stays ``None``).
        """
        live = LIVE_PATH.match(urlsplit(conn.request.path if conn.request else "").path)
        page = None if live else _page_info(conn, self.static_version)
        key = LIVE_PREFIX + live.group(1) if live else page.channel
        topic = self._topics.setdefault(key, _Topic())
        if page is not None:
            self._pages[conn] = page
        self._send_snapshot(conn, topic)
        topic.conns.add(conn)  # after the snapshot, before any await: no revision is lost
        if page is not None:
            await self._notify()
        try:
            async for raw in conn:
                if messages.parse_client(raw) == messages.RESYNC:
                    self._send_snapshot(conn, topic)
                    self._drop_slow([conn])
        except ConnectionClosed:
            pass
        finally:
            self._forget(conn, key)
            if page is not None:
                await self._notify()

    def _send_snapshot(self, conn: ServerConnection, topic: _Topic) -> None:
        # broadcast() writes synchronously, so the snapshot goes out before any update.
        message = messages.revision(messages.SNAPSHOT, topic.rev, self._stamp(), topic.state_json)
        broadcast([conn], message)

    def _stamp(self) -> int:
        return int(self.now_ms())

    def _forget(self, conn: ServerConnection, channel: str) -> None:
        self._pages.pop(conn, None)
        topic = self._topics.get(channel)
        if topic is None:
            return
        topic.conns.discard(conn)
        if not topic.conns and topic.rev == 0:
            del self._topics[channel]  # a channel nobody published: don't keep it around

    def _drop_slow(self, conns: Iterable[ServerConnection]) -> None:
        """Abort pages whose unsent data passed the limit: they reconnect from a snapshot."""
        for conn in list(conns):
            transport = conn.transport
            if transport.is_closing() or transport.get_write_buffer_size() <= self.drop_limit:
                continue
            page = self._pages.get(conn)
            log.warning("Overlay page too slow, dropped: %s", page and page.as_dict())
            self.dropped += 1
            transport.abort()
            self._forget(conn, page.channel if page else "")


def _page_info(conn: ServerConnection, static_version: str) -> PageInfo:
    """Read channel, layout and page version from the upgrade request's URL."""
    url = urlsplit(conn.request.path if conn.request else "")
    match = CHANNEL_PATH.match(url.path)
    query = parse_qs(url.query)
    layout = query.get("layout", [""])[0]
    version = query.get("v", [""])[0][:40]
    remote = conn.remote_address
    return PageInfo(
        channel=match.group(1) if match else "",
        layout=layout if layout in messages.LAYOUTS else messages.LAYOUTS[0],
        version=version,
        since=datetime.now(UTC),
        remote=f"{remote[0]}:{remote[1]}" if remote else "",
        stale=bool(static_version) and version != static_version,
    )


def _hostname(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _wall_ms() -> float:
    """Milliseconds since the epoch by the machine's clock (a hub without a service)."""
    return time.time() * 1000
