"""A whole show day through the manager, the real libraries and the sandbox."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kernel.publisher import Message
from orchestrator.platforms import resources
from orchestrator.platforms.ledger import LIVE_TOPIC
from orchestrator.platforms.manager import PlatformManager
from orchestrator.platforms.resources import ENSURED, FINISHED, LIVE, Resources
from orchestrator.sandbox import Faults
from schedules import store
from schedules.model import Channel
from tests.orchestrator.helpers import T0, small_event
from tests.orchestrator.platforms.conftest import Show, until

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
CREATED_ONCE = {"zoomMeeting": 1, "liveBroadcast": 1, "liveStream": 1}


def creates(show: Show) -> dict[str, int]:
    counts = dict(show.sandbox.state.creates)
    return {k: counts.get(k, 0) for k in CREATED_ONCE}


async def run_day(show: Show) -> None:
    """Step the clock through small_event: lead time, four slots, the end."""
    await show.at(T0 - 15 * MINUTE)
    await until(lambda: show.row().done(ENSURED))
    await show.at(T0)
    await until(lambda: show.row().done(LIVE) and show.row().announced_slot == "utama-0")
    for i in range(1, 4):
        await show.at(T0 + 10 * i * MINUTE)
        await until(lambda i=i: show.row().announced_slot == f"utama-{i}")
    await show.at(T0 + 40 * MINUTE)
    await until(lambda: show.row().step == FINISHED)


def assert_day_done(show: Show) -> None:
    """Everything was made once, went live, was announced per slot, and was wound up."""
    row, state = show.row(), show.sandbox.state
    assert creates(show) == CREATED_ONCE
    assert state.youtube.broadcasts[row.broadcast_id]["status"]["lifeCycleStatus"] == "complete"
    assert state.youtube.streams[row.stream_id]["status"]["streamStatus"] == "inactive"
    assert state.zoom.meetings[int(row.meeting_id)]["status"] == "finished"
    lines = show.owner_lines()
    assert len(lines) == 4
    for i, text in enumerate(lines):
        code = f"K{i + 1:02d}"
        assert f"Penjual {i}" in text and code in text
        assert f"https://pasar.example/o/{code}" in text and len(text) <= 200
    assert show.saved_rows() == [show.row()]


async def test_going_live_is_published_once_with_its_chat(show: Show) -> None:
    """Going live is published once on platform.live with the chat id, after the row is saved."""
    heard: list[tuple[Message, str]] = []
    stop = show.manager.publisher.listen(LIVE_TOPIC, lambda m: heard.append((m, show.row().step)))
    await show.at(T0 - 15 * MINUTE)
    await until(lambda: show.row().step == ENSURED)
    assert heard == []
    await show.at(T0)
    await until(lambda: show.row().step == LIVE)
    [(message, step)] = heard
    assert (message.channel, message.data, step) == ("utama", show.row().live_chat_id, LIVE)
    assert message.data
    stop()


async def test_whole_day_clean(show: Show) -> None:
    """Set up once at lead time, live at the first slot, one line per slot, wound up at the end."""
    await show.at(T0 - 16 * MINUTE)
    await until(lambda: show.manager.clock.sleepers >= 2)
    assert creates(show) == {"zoomMeeting": 0, "liveBroadcast": 0, "liveStream": 0}
    await show.at(T0 - 15 * MINUTE)
    await until(lambda: show.row().step == ENSURED)
    row, state = show.row(), show.sandbox.state
    assert creates(show) == CREATED_ONCE
    broadcast = state.youtube.broadcasts[row.broadcast_id]
    assert broadcast["contentDetails"]["boundStreamId"] == row.stream_id
    assert broadcast["contentDetails"]["monitorStream"]["enableMonitorStream"] is False
    push = state.zoom.livestreams[int(row.meeting_id)]
    assert (push["stream_url"], push["stream_key"]) == (row.ingestion_address, row.stream_name)
    assert state.zoom.meetings[int(row.meeting_id)]["start_time"] == "2027-02-15T08:15:00Z"
    await show.at(T0)
    await until(lambda: show.row().step == LIVE)
    assert state.youtube.broadcasts[row.broadcast_id]["status"]["lifeCycleStatus"] == "live"
    status = show.manager.status("utama")
    assert status["broadcast_status"] == "live" and status["stream_status"] == "active"
    assert status["live_chat_id"] == show.manager.live_chat_id("utama") == row.live_chat_id
    await run_day(show)
    assert_day_done(show)
    assert show.manager.live_chat_id("utama") is None
    assert show.manager.status("utama")["last_error"] is None


@pytest.mark.parametrize("seed", [7, 11, 23])
async def test_whole_day_with_twenty_percent_faults(show: Show, seed: int) -> None:
    """With 20 % errors, throttling and slow answers: same end state, nothing made twice."""
    faults = Faults.uniform(0.2, seed=seed, delay_seconds=0.05, retry_after="mixed")
    show.sandbox.faults = faults
    await run_day(show)
    assert_day_done(show)
    faulted = {kind for *_, kind in show.sandbox.state.faults.log}
    assert {"error", "throttle"} <= faulted
    waits = show.manager.youtube.retrier.waits + show.manager.zoom.retrier.waits
    assert waits, "the faults were retried"


async def test_quota_exhausted_mid_day(show: Show) -> None:
    """Out of quota after slot 1: the rotation goes on, chat posts stop, the host is told."""
    await show.at(T0 - 15 * MINUTE)
    await until(lambda: show.row().step == ENSURED)
    for i in (0, 1):
        await show.at(T0 + 10 * i * MINUTE)
        await until(lambda i=i: show.row().announced_slot == f"utama-{i}")
    show.sandbox.state.quota.exhaust(show.clock.now())
    for i in (2, 3):
        await show.at(T0 + 10 * i * MINUTE)
        await until(lambda i=i: show.row().announced_slot == f"utama-{i}")
        assert show.rotation.state("utama").slot.id == f"utama-{i}"
        error = show.manager.status("utama")["last_error"]
        assert (error["step"], error["reason"]) == ("announce", "quotaExceeded")
    assert len(show.owner_lines()) == 2
    status = show.manager.status("utama")
    assert status["quota_left"] == 0 and status["quota_used"] >= 10_000
    await show.at(T0 + 40 * MINUTE)
    await until(lambda: show.row().failed_step == "finish")
    row = show.row()
    assert row.last_error["reason"] == "quotaExceeded" and row.retry_at is None
    assert show.sandbox.state.zoom.meetings[int(row.meeting_id)]["status"] == "finished"


async def test_stream_that_never_becomes_active(show: Show) -> None:
    """No video reaches YouTube: the host is told while we wait, then the step fails cleanly."""
    await show.at(T0 - 15 * MINUTE)
    await until(lambda: show.row().step == ENSURED)
    youtube = show.sandbox.state.youtube
    youtube.ingestion_address = "rtmp://nowhere.example/live2"  # Zoom now pushes elsewhere
    await show.at(T0)
    await until(lambda: show.manager.status("utama")["notice"] is not None)
    assert "Menunggu video dari Zoom" in show.manager.status("utama")["notice"]
    calls = show.sandbox.state.calls
    polls = calls["liveStreams.list"]
    for second in range(2, 60, 2):
        # The notice (seconds left) is set just before the manager sleeps: step in lock-step.
        await show.at(T0 + timedelta(seconds=second))
        left = f"batas {60 - second} detik"
        await until(lambda left=left: left in (show.manager.status("utama")["notice"] or ""))
    await show.at(T0 + timedelta(seconds=60))
    await until(lambda: show.row().failed_step == "go_live")
    assert calls["liveStreams.list"] - polls == 30, "kept trying until the deadline"
    status = show.manager.status("utama")
    assert status["last_error"]["reason"] == "streamInactive" and status["notice"] is None
    assert "Coba lagi" in status["last_error"]["message"] and status["retry_at"] is None
    assert show.row().step == ENSURED and not show.owner_lines()
    await show.at(T0 + 40 * MINUTE)
    await until(lambda: show.row().step == FINISHED)
    row = show.row()
    assert youtube.broadcasts[row.broadcast_id]["status"]["lifeCycleStatus"] == "ready"
    assert show.sandbox.state.zoom.meetings[int(row.meeting_id)]["status"] == "finished"


async def test_host_retry_runs_a_failed_step_again(show: Show) -> None:
    """A step that failed for good waits for the host; retry() runs it and it succeeds."""
    show.sandbox.state.quota.exhaust(show.clock.now())
    await show.at(T0 - 15 * MINUTE)
    await until(lambda: show.row().failed_step == "ensure")
    assert show.row().last_error["reason"] == "quotaExceeded"
    await show.at(T0 - 14 * MINUTE)
    await until(lambda: show.manager.clock.sleepers >= 2)
    assert show.row().failed_step == "ensure", "no automatic retry for quota"
    show.sandbox.state.quota.used = 0  # the owner got more quota in the Cloud Console
    status = await show.manager.retry("utama")
    assert status["failed_step"] is None
    await until(lambda: show.row().step == ENSURED)
    assert creates(show) == CREATED_ONCE


async def test_resume_finds_creates_an_earlier_run_never_saved(show: Show) -> None:
    """A run died after sending its creates, before saving the ids: none is made again."""
    old = show.manager
    await old.stop()
    marker = "pl-2027-02-15-lost"
    meeting = await old.zoom.create_meeting("Uji", marker, T0 - 15 * MINUTE, 60)
    broadcast = await old.youtube.create_broadcast("Uji", marker, T0, T0 + 40 * MINUTE)
    stream = await old.youtube.create_stream("Uji", marker)
    await show.store.run(resources.save, Resources("live", "utama", "2027-02-15", marker=marker))
    show.manager = PlatformManager(
        show.rotation, show.store, old.publisher, old.youtube, old.zoom, old.options
    )
    await show.manager.start()
    await show.at(T0 - 15 * MINUTE)
    await until(lambda: show.row().step == ENSURED)
    row = show.row()
    assert creates(show) == CREATED_ONCE
    assert (row.meeting_id, row.broadcast_id, row.stream_id) == (
        str(meeting["id"]),
        broadcast["id"],
        stream["id"],
    )


async def test_ids_from_the_event_file_are_used(show: Show) -> None:
    """A channel with its own Zoom meeting and YouTube broadcast gets no new ones."""
    manager = show.manager
    meeting = await manager.zoom.create_meeting("Milik panitia", "own", T0, 60)
    broadcast = await manager.youtube.create_broadcast("Milik panitia", "own", T0, T0 + HOUR)
    event = small_event()
    event.channels = [Channel("utama", "Panggung Utama", str(meeting["id"]), broadcast["id"])]
    await show.store.run(store.save_event, event)
    assert (await show.rotation.feed.reload()).revision == 2
    await run_day(show)
    row = show.row()
    assert (row.meeting_id, row.broadcast_id) == (str(meeting["id"]), broadcast["id"])
    assert creates(show) == CREATED_ONCE, "only the stream was made by the manager"
    assert len(show.owner_lines()) == 4
