"""The simulated audience: what it types, what it expects, and that it says so truthfully."""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import random
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from kernel.clock import Clock, ManualClock, ScaledClock
from kernel.times import parse_utc
from orchestrator.sandbox import Audience, Sandbox, SandboxState, make_message
from orchestrator.sandbox.chat import LiveChat
from orchestrator.sandbox.times import rfc3339
from tests.orchestrator.sandbox.helpers import run

FIXTURE = Path(__file__).parents[2] / "fixtures" / "chat-dev.jsonl"
CODES = ["K01", "M12", "B03", "F07", "H02", "B10", "K02"]
NOW = datetime(2027, 2, 15, 9, 0, tzinfo=UTC)


def test_make_message_is_deterministic() -> None:
    """The same seed types the same messages with the same expectations."""

    def typed(seed: int) -> list[tuple[str, dict[str, Any]]]:
        rng = random.Random(seed)
        return [make_message(rng, CODES, NOW) for _ in range(100)]

    assert typed(5) == typed(5)
    assert typed(5) != typed(6)


def test_expectations_agree_with_the_grammar_fixture() -> None:
    """Whenever the audience types a line of chat-dev.jsonl, it expects the fixture's result."""
    fixture = {}
    for line in FIXTURE.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        fixture[row["text"]] = {"kind": row["kind"], "items": row["items"]}
    rng = random.Random(1)
    matched = set()
    for _ in range(15_000):
        text, expected = make_message(rng, CODES, NOW)
        if text in fixture:
            assert expected == fixture[text], text
            matched.add(text)
    assert len(matched) >= 20, sorted(matched)


def test_messages_cover_the_grammar() -> None:
    """Orders, cancels and non-orders all appear, with quantities the grammar accepts."""
    rng = random.Random(2)
    typed = [make_message(rng, CODES, NOW) for _ in range(2000)]
    kinds = Counter(expected["kind"] for _, expected in typed)
    assert kinds["order"] > kinds["cancel"] > 0 and kinds["none"] > 0
    items = [item for _, expected in typed for item in expected["items"]]
    assert {item["code"] for item in items} <= set(CODES)
    assert all(0 <= item["qty"] <= 99 for item in items)
    texts = {text for text, _ in typed}
    assert any("?" in text for text in texts)
    assert any(text.startswith(("Z99", "mau Z99", "Q07", "mau Q07")) for text in texts)
    assert any(expected["items"] and len(expected["items"]) == 2 for _, expected in typed)


def test_no_codes_on_air_means_no_orders() -> None:
    """Between slots, the audience only chats."""
    rng = random.Random(3)
    assert {make_message(rng, [], NOW)[1]["kind"] for _ in range(200)} == {"none"}


async def test_emit_records_what_the_chat_holds(
    sandbox: Sandbox, youtube: Any, prepare_show: Any
) -> None:
    """Every recorded message matches the chat: id, author, time, text and event type."""
    show = await prepare_show()
    audience = sandbox.audience(show.chat_id, lambda: CODES, rate=1.0, seed=4)
    sent = audience.emit(300)
    listed = await run(
        youtube.liveChatMessages().list(
            liveChatId=show.chat_id, part="id,snippet,authorDetails", maxResults=2000
        )
    )
    by_id = {item["id"]: item for item in listed["items"]}
    assert [m.message_id for m in sent] == list(by_id)
    for message in sent:
        item = by_id[message.message_id]
        assert item["authorDetails"]["channelId"] == message.author_channel_id
        assert item["authorDetails"]["displayName"] == message.display_name
        assert item["snippet"]["publishedAt"] == message.published_at
        assert item["snippet"]["type"] == message.event_type
        if message.event_type == "superChatEvent":
            details = item["snippet"]["superChatDetails"]
            assert details["userComment"] == message.text
            assert int(details["amountMicros"]) == message.amount_micros
        else:
            assert item["snippet"]["textMessageDetails"]["messageText"] == message.text
    assert any(m.event_type == "superChatEvent" for m in sent)


async def test_some_viewers_order_then_cancel(sandbox: Sandbox, prepare_show: Any) -> None:
    """Some viewers cancel a code they ordered earlier."""
    show = await prepare_show()
    sent = sandbox.audience(show.chat_id, CODES, seed=9).emit(600)
    regrets = 0
    for n, message in enumerate(sent):
        if message.expected["kind"] != "cancel":
            continue
        code = message.expected["items"][0]["code"]
        earlier = sent[:n]
        regrets += any(
            m.author_channel_id == message.author_channel_id
            and m.expected["kind"] == "order"
            and code in {i["code"] for i in m.expected["items"]}
            for m in earlier
        )
    assert regrets >= 5


async def test_run_types_by_the_sandbox_clock(
    sandbox: Sandbox, clock: ManualClock, prepare_show: Any
) -> None:
    """run() types `rate` messages per simulated second and stops when the chat ends."""
    show = await prepare_show()
    on_air = ["K01"]
    start = clock.now()
    audience = sandbox.audience(show.chat_id, lambda: on_air, rate=2.0, seed=1)
    typing = asyncio.create_task(audience.run())
    clock.advance(timedelta(seconds=5))
    sent = await asyncio.wait_for(audience.wait_sent(10), timeout=5)
    expected_times = [rfc3339(start + timedelta(seconds=0.5 * k)) for k in range(1, 11)]
    assert [m.published_at for m in sent] == expected_times
    on_air[:] = ["M12"]
    clock.advance(timedelta(seconds=5))
    sent = await asyncio.wait_for(audience.wait_sent(20), timeout=5)
    assert len(sent) == 20
    ordered = {
        i["code"] for m in sent[10:] if m.expected["kind"] == "order" for i in m.expected["items"]
    }
    assert ordered <= {"M12"}
    sandbox.state.youtube.chats[show.chat_id].ended_at = clock.now()
    clock.advance(timedelta(seconds=5))
    await asyncio.wait_for(typing, timeout=5)
    assert len(audience.sent) == 20


def _open_chat(clock: Clock) -> SandboxState:
    """Sandbox state on `clock` with one open live chat, `sbxC-test`."""
    state = SandboxState(clock)
    state.youtube.chats["sbxC-test"] = LiveChat("sbxC-test", "sbxB-test")
    return state


async def _until(condition: Callable[[], bool], seconds: float, what: str) -> None:
    """Poll `condition` until it holds, failing after `seconds` of real time."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {seconds} s: {what}")
        await asyncio.sleep(0.001)


def _per_minute(sent: list[Any], start: datetime, minutes: int) -> list[int]:
    """How many messages were published in each simulated minute (m, m + 1] after `start`."""
    seconds = [(parse_utc(m.published_at) - start).total_seconds() for m in sent]
    counts = Counter(math.ceil(s / 60) - 1 for s in seconds)
    return [counts[m] for m in range(minutes)]


async def test_run_types_each_simulated_minute_in_that_minute_at_600x() -> None:
    """At 600x and 0.5 msg/s, each simulated minute's 30 messages are typed in that minute.

    Real time is a manual clock here, moved 100 ms (one simulated minute) at a time; an
    audience sleeping in real seconds (the old bug) would type nothing for 2 s, then a
    burst of 20 simulated minutes.
    """
    real = ManualClock(NOW)
    clock = ScaledClock(NOW, NOW, 600, real=real)
    audience = Audience(_open_chat(clock), "sbxC-test", ["K01"], rate=0.5, seed=2)
    typing = asyncio.create_task(audience.run())
    for minute in range(1, 6):
        real.advance(timedelta(milliseconds=100))
        await _until(lambda m=minute: len(audience.sent) >= 30 * m, 1.0, f"minute {minute}")
        assert len(audience.sent) == 30 * minute
        assert _per_minute(audience.sent, NOW, minute) == [30] * minute
    typing.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await typing


async def test_run_keeps_the_rate_on_a_real_fast_clock() -> None:
    """On a real 600x clock, three simulated minutes (0.3 s) hold 30 messages each."""
    start = datetime.now(UTC)
    clock = ScaledClock(start, NOW, 600)
    audience = Audience(_open_chat(clock), "sbxC-test", ["K01"], rate=0.5, seed=3)
    stop = asyncio.Event()
    typing = asyncio.create_task(audience.run(stop))
    await _until(lambda: len(audience.sent) >= 92, 10.0, "three simulated minutes typed")
    stop.set()
    await asyncio.wait_for(typing, 1)
    origin = parse_utc(audience.sent[0].published_at) - timedelta(seconds=2)
    assert _per_minute(audience.sent, origin, 3) == [30, 30, 30]
    assert all(parse_utc(m.published_at) <= clock.now() for m in audience.sent)


async def test_run_does_not_type_the_hours_a_skip_jumps_over() -> None:
    """A skip over quiet hours is not filled with thousands of back-dated messages."""
    real = ManualClock(NOW)
    clock = ScaledClock(NOW, NOW, 600, real=real)
    audience = Audience(_open_chat(clock), "sbxC-test", [], rate=0.5, seed=4)
    typing = asyncio.create_task(audience.run())
    real.advance(timedelta(milliseconds=100))
    await _until(lambda: len(audience.sent) >= 30, 1.0, "the first minute")
    clock.skip_to(NOW + timedelta(hours=6))

    def a_minute_more() -> bool:
        real.advance(timedelta(milliseconds=1))  # 0.6 simulated seconds a look
        return len(audience.sent) >= 60

    await _until(a_minute_more, 2.0, "a minute after the skip")
    typing.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await typing
    after = [parse_utc(m.published_at) for m in audience.sent[30:]]
    assert len(audience.sent) <= 90  # six hours filled in would be 10,800 more
    assert min(after) > NOW + timedelta(hours=6)
