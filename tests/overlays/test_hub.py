"""The overlay hub with real websockets clients on a loopback port."""

from __future__ import annotations

import asyncio
import json
import socket
from datetime import UTC, datetime, timedelta

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidStatus

from overlays import messages
from overlays.hub import Hub

TIMEOUT = 5


@pytest.fixture
async def hub():
    the_hub = Hub(static_version="v1", allowed_origins=["https://studio.example"])
    await the_hub.start("127.0.0.1", 0)
    yield the_hub
    await the_hub.stop()


def url(hub: Hub, channel: str = "utama", layout: str = "full", version: str = "v1") -> str:
    return f"ws://127.0.0.1:{hub.port}/overlay/{channel}?layout={layout}&v={version}"


async def recv(ws: ClientConnection) -> dict:
    return messages.parse_server(await asyncio.wait_for(ws.recv(), TIMEOUT))


async def wait_pages(hub: Hub, count: int):
    return await asyncio.wait_for(hub.wait_pages(lambda pages: len(pages) == count), TIMEOUT)


async def test_snapshot_first_then_each_revision(hub):
    """A page gets the current state with its revision, then every change in order."""
    hub.publish("utama", {"n": 1})
    async with connect(url(hub)) as ws:
        first = await recv(ws)
        assert (first["type"], first["rev"], first["state"]) == ("snapshot", 1, {"n": 1})
        assert abs(first["now"] - datetime.now(UTC).timestamp() * 1000) < 60_000
        hub.publish("utama", {"n": 2})
        hub.publish("utama", {"n": 3})
        assert [(m["type"], m["rev"], m["state"]) for m in [await recv(ws), await recv(ws)]] == [
            ("update", 2, {"n": 2}),
            ("update", 3, {"n": 3}),
        ]
    assert hub.snapshot("utama") == {"rev": 3, "state": {"n": 3}}


async def test_unchanged_state_is_not_a_revision(hub):
    """Publishing the same state again sends nothing and keeps the revision."""
    assert hub.publish("utama", {"n": 1}) == 1
    assert hub.publish("utama", {"n": 1}) == 1
    assert hub.publish("utama", {"n": 2}) == 2


async def test_channels_are_separate_topics(hub):
    """A page hears only its own channel; an unpublished channel starts empty at rev 0."""
    async with connect(url(hub, "kedua")) as kedua, connect(url(hub)) as utama:
        empty = await recv(kedua)
        assert (empty["rev"], empty["state"]) == (0, {})
        await recv(utama)
        hub.publish("utama", {"x": 1})
        hub.publish("kedua", {"y": 1})
        assert (await recv(kedua))["state"] == {"y": 1}
        assert (await recv(utama))["state"] == {"x": 1}


async def test_resync_after_a_gap_sends_a_fresh_snapshot(hub):
    """A page that missed a revision sends resync and gets the whole current state."""
    async with connect(url(hub)) as ws:
        await recv(ws)
        for n in range(1, 4):
            hub.publish("utama", {"n": n})
        updates = [await recv(ws) for _ in range(3)]
        assert [u["rev"] for u in updates] == [1, 2, 3]
        await ws.send(messages.resync())  # as if rev 2 had gone missing
        again = await recv(ws)
        assert (again["type"], again["rev"], again["state"]) == ("snapshot", 3, {"n": 3})


async def test_stalled_client_is_dropped_without_delaying_others():
    """A page that never reads is dropped once its buffer passes the limit; others keep up."""
    hub = Hub(drop_limit=128 * 1024)
    await hub.start("127.0.0.1", 0)
    try:
        stalled = await _stalled_client(hub)
        async with connect(url(hub), max_size=None) as fast:
            await recv(fast)
            await wait_pages(hub, 2)
            blob = "x" * 64 * 1024
            for n in range(1, 201):
                hub.publish("utama", {"n": n, "blob": blob})
                got = await recv(fast)  # the fast page has each revision at once
                assert got["rev"] == n
                if hub.dropped:
                    break
            assert hub.dropped == 1, "the stalled page was never dropped"
            pages = await wait_pages(hub, 1)
            assert pages[0].remote == "{}:{}".format(*fast.local_address)
        stalled.transport.abort()
    finally:
        await hub.stop()


async def _stalled_client(hub: Hub) -> ClientConnection:
    """Open a page that reads at most one message, over a socket with tiny buffers."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", hub.port))
    ws = await connect(url(hub), sock=sock, max_queue=1, ping_interval=None, max_size=None)
    await recv(ws)
    return ws  # never read again: its queue fills, the client pauses reading, TCP stalls


async def test_registry_lists_connected_pages(hub):
    """The hub lists each page's channel, layout, version, staleness, address and start."""
    before = datetime.now(UTC)
    async with connect(url(hub, layout="card")) as a, connect(url(hub, "kedua", "x", "old")):
        await recv(a)
        pages = await wait_pages(hub, 2)
        card = next(p for p in pages if p.channel == "utama")
        other = next(p for p in pages if p.channel == "kedua")
        assert (card.layout, card.version, card.stale) == ("card", "v1", False)
        assert (other.layout, other.version, other.stale) == ("full", "old", True)
        assert card.remote.startswith("127.0.0.1:")
        assert before - timedelta(seconds=1) <= card.since <= datetime.now(UTC)
        assert json.dumps([p.as_dict() for p in pages])
    await wait_pages(hub, 0)


async def test_reload_reaches_one_channel_or_all(hub):
    """reload(channel) tells that channel's pages to reload; reload() tells every page."""
    async with connect(url(hub)) as a, connect(url(hub)) as b, connect(url(hub, "kedua")) as c:
        for ws in (a, b, c):
            await recv(ws)
        await wait_pages(hub, 3)
        assert hub.reload("utama") == 2
        assert (await recv(a))["type"] == (await recv(b))["type"] == "reload"
        hub.publish("kedua", {"n": 1})
        assert (await recv(c))["type"] == "update"  # no reload went to kedua
        assert hub.reload() == 3
        assert [(await recv(ws))["type"] for ws in (a, b, c)] == ["reload"] * 3


@pytest.mark.parametrize(
    "origin",
    [None, "null", "http://127.0.0.1:8080", "https://studio.example"],
)
async def test_origins_from_obs_same_host_and_allow_list_are_accepted(hub, origin):
    """No Origin (OBS), ``null``, the same host on another port, and allow-listed ones pass."""
    async with connect(url(hub), origin=origin) as ws:
        assert (await recv(ws))["type"] == "snapshot"


async def test_foreign_origin_is_refused(hub):
    """A page from another site cannot open the overlay socket."""
    with pytest.raises(InvalidStatus) as refused:
        async with connect(url(hub), origin="https://evil.example"):
            pass
    assert refused.value.response.status_code == 403


async def test_unknown_path_is_refused(hub):
    """Only /overlay/<channel> is a socket."""
    with pytest.raises(InvalidStatus) as refused:
        async with connect(f"ws://127.0.0.1:{hub.port}/other"):
            pass
    assert refused.value.response.status_code == 404


async def test_restart_keeps_state_and_port(hub):
    """Stopping and starting on the same port keeps each channel's state and revision."""
    hub.publish("utama", {"n": 1})
    port = hub.port
    await hub.stop()
    hub.publish("utama", {"n": 2})
    await hub.start("127.0.0.1", port)
    async with connect(url(hub)) as ws:
        assert (await recv(ws))["rev"] == 2


def live_url(hub: Hub, channel: str = "utama") -> str:
    return f"ws://127.0.0.1:{hub.port}/live/{channel}"


async def test_viewers_get_the_newest_state_in_chunks_with_the_loop_free_between():
    """Ten viewers, two sockets a slice: a burst of five changes reaches each viewer as
    one message with the newest state, and the loop runs other work mid-pass."""
    hub = Hub(fanout_chunk=2, fanout_slice=0, now_ms=lambda: 1_700_000_000_000)
    await hub.start("127.0.0.1", 0)
    try:
        hub.publish_live("utama", {"n": 0})
        viewers = [await connect(live_url(hub)) for _ in range(10)]
        for ws in viewers:
            snapshot = await recv(ws)
            assert (snapshot["rev"], snapshot["now"]) == (1, 1_700_000_000_000)
        for n in range(1, 6):
            hub.publish_live("utama", {"n": n})
        await asyncio.sleep(0)  # the pass sends its first chunk, then yields
        assert not hub._topics["live/utama"].fanning.done(), "the pass held the loop"
        for ws in viewers:
            update = await recv(ws)
            assert (update["type"], update["rev"], update["state"]) == ("update", 6, {"n": 5})
        hub.publish_live("utama", {"n": "end"})
        for ws in viewers:  # the next message is the marker: the burst was one message
            assert (await recv(ws))["rev"] == 7
            await ws.close()
    finally:
        await hub.stop()


async def test_a_change_during_a_pass_follows_it():
    """A change while a pass is sending reaches every viewer after it, newest last."""
    hub = Hub(fanout_chunk=1, fanout_slice=0)
    await hub.start("127.0.0.1", 0)
    try:
        viewers = [await connect(live_url(hub)) for _ in range(4)]
        for ws in viewers:
            await recv(ws)
        hub.publish_live("utama", {"n": 1})
        await asyncio.sleep(0)  # first chunk of the pass for n=1 is out
        hub.publish_live("utama", {"n": 2})
        for ws in viewers:
            seen = [await recv(ws)]
            while seen[-1]["state"] != {"n": 2}:
                seen.append(await recv(ws))
            assert [m["rev"] for m in seen] == sorted(m["rev"] for m in seen)
            await ws.close()
    finally:
        await hub.stop()
