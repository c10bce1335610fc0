"""The click log: buffered in memory, written in batches, nothing lost on a clean stop."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

import pytest
from sqlite_utils import Database

from kernel.db import Store, open_db
from kernel.keys import CLICK_LOG
from kernel.times import utc_iso
from overlays import clicks
from overlays import wiring as overlays_wiring
from overlays.clicks import ClickLog, count_clicks, insert_clicks, referrer_origin


@pytest.fixture
async def click_store(tmp_path):
    """A store on a fresh file with the clicks table, closed after the test."""
    the_store = Store(open_db(tmp_path / "clicks.db"))
    await the_store.run(clicks.migrate)
    yield the_store
    the_store.close()


async def wait_for(predicate, seconds: float = 5.0) -> None:
    """Poll ``predicate`` until it holds or the deadline passes (then fail)."""
    deadline = time.monotonic() + seconds
    while not await predicate():
        assert time.monotonic() < deadline, "condition not met before the deadline"
        await asyncio.sleep(0.01)


def test_insert_and_count_on_memory_db():
    """A batch becomes rows with UTC ``Z`` times; counts work per code and before the table."""
    db = Database(memory=True)
    assert count_clicks(db) == 0
    clicks.migrate(db)
    clicks.migrate(db)  # applying twice changes nothing
    moment = datetime(2027, 2, 15, 8, 40, 1, 250000, tzinfo=UTC).timestamp()
    insert_clicks(
        db,
        [
            (moment, "K01", "utama", "s1", None, "phone"),
            (moment + 0.5, "K02", None, None, "https://t.co", "bot"),
        ],
    )
    assert count_clicks(db) == 2 and count_clicks(db, "K01") == 1
    row = next(db.query("SELECT * FROM clicks WHERE code = 'K01'"))
    assert row["at"] == "2027-02-15T08:40:01.250000Z"
    assert (row["channel"], row["slot_id"], row["device"]) == ("utama", "s1", "phone")


def test_batches_of_any_size_are_written_whole():
    """Batches split into several statements (and a remainder) lose and reorder nothing."""
    db = Database(memory=True)
    clicks.migrate(db)
    for size in (1, 99, 100, 101, 250):
        db.execute("DELETE FROM clicks")
        insert_clicks(db, [(1.0 + i, f"K{i}", None, None, None, "phone") for i in range(size)])
        codes = [r["code"] for r in db.query("SELECT code FROM clicks ORDER BY id")]
        assert codes == [f"K{i}" for i in range(size)], size


def test_stamps_match_utc_iso():
    """The fast per-second stamping gives exactly ``utc_iso`` for any moment."""
    stamp = clicks._Stamper()
    for moment in (0.0, 1795614566.7831845, 1795614566.9999996, 1800000000.5, 1800000001.0):
        assert stamp(moment) == utc_iso(datetime.fromtimestamp(moment, UTC))


async def test_add_never_touches_the_database(click_store):
    """Adding only buffers; the rows appear after ``flush``."""
    log = ClickLog(click_store)
    for _ in range(3):
        log.add("K01", "utama", "s1", None, "phone")
    assert log.pending == 3
    assert await click_store.run(count_clicks) == 0
    assert await log.flush() == 3
    assert await click_store.run(count_clicks) == 3
    assert log.pending == 0 and log.written == 3


async def test_loop_writes_every_interval(click_store):
    """The running writer flushes on its own within its interval."""
    log = ClickLog(click_store, interval=0.05)
    task = asyncio.create_task(log.run())
    log.add("K01")

    async def written() -> bool:
        return await click_store.run(count_clicks) == 1

    await wait_for(written)
    log.stop()
    await task


async def test_full_batch_flushes_before_the_interval(click_store):
    """Reaching ``max_batch`` wakes the writer at once, long before its interval."""
    log = ClickLog(click_store, interval=3600, max_batch=50)
    task = asyncio.create_task(log.run())
    for _ in range(50):
        log.add("K01")

    async def written() -> bool:
        return await click_store.run(count_clicks) == 50

    await wait_for(written)
    log.stop()
    await task


async def test_stop_writes_the_rest(click_store):
    """A clean stop writes what is still buffered, however long the interval."""
    log = ClickLog(click_store, interval=3600)
    task = asyncio.create_task(log.run())
    for _ in range(7):
        log.add("K02")
    log.stop()
    await task
    assert await click_store.run(count_clicks, "K02") == 7


async def test_failed_write_keeps_the_clicks(click_store, monkeypatch):
    """If SQLite refuses a batch, its clicks stay buffered and go in with the next flush."""
    log = ClickLog(click_store)
    calls = []

    def flaky(db, rows):
        calls.append(len(rows))
        if len(calls) == 1:
            raise OSError("disk full")
        insert_clicks(db, rows)

    monkeypatch.setattr(clicks, "insert_clicks", flaky)
    log.add("K01")
    assert await log.flush() == 0
    log.add("K02")
    assert await log.flush() == 2
    assert calls == [1, 2]
    assert await click_store.run(count_clicks) == 2


async def test_app_shutdown_flushes(aiohttp_client, tmp_path):
    """The app's cleanup context writes the buffer when the app stops."""
    from aiohttp import web

    from kernel.keys import STORE

    the_store = Store(open_db(tmp_path / "app.db"))
    app = web.Application()
    app[STORE] = the_store
    app.cleanup_ctx.append(overlays_wiring.click_log_ctx)
    client = await aiohttp_client(app)
    app[CLICK_LOG].add("K01")
    await client.close()
    assert await the_store.run(count_clicks) == 1
    the_store.close()


@pytest.mark.parametrize(
    ("header", "origin"),
    [
        ("https://www.youtube.com/watch?v=abc", "https://www.youtube.com"),
        ("HTTPS://User:Secret@M.Facebook.com:8443/path?q=1", "https://m.facebook.com:8443"),
        ("android-app://com.google.android.gm/", "android-app://com.google.android.gm"),
        ("https://" + "a" * 300 + ".example/", "https://" + "a" * 92),
        ("not a url", None),
        ("", None),
        (None, None),
        ("https:///path", None),
        ("javascript://%0aalert(1)", "javascript://%0aalert(1)"),
    ],
)
def test_referrer_keeps_only_the_origin(header, origin):
    """Only scheme and host of the Referer are kept, cut to 100 characters."""
    assert referrer_origin(header) == origin
