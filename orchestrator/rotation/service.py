"""The async rotation loop: asks the engine what is on air, sleeps until that changes.

It never polls: it sleeps until the engine's next change or until a host action or a
schedule edit wakes it; edits come from the schedule feed it follows. Every host action
is stored before it takes effect, so a restart replays the same actions and lands on the
same state.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from kernel.clock import Clock
from kernel.db import Store
from kernel.errors import Conflict, NotFound
from kernel.publisher import Publisher
from kernel.times import utc_iso
from orchestrator.rotation import records
from orchestrator.rotation.actions import KINDS
from orchestrator.rotation.engine import Action, ChannelState, channel_state, validate_action
from schedules.feed import Schedule, ScheduleFeed
from schedules.model import Event

log = logging.getLogger(__name__)

TOPIC = "rotation"
FAR_AWAY = timedelta(days=3650)


@dataclass
class ChannelRun:
    """What the loop keeps per channel between wake-ups."""

    actions: list[Action] = field(default_factory=list)
    state: ChannelState | None = None
    key: tuple | None = None
    revision: int = 0
    statuses: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Published:
    """The data of a ``rotation`` message: the channel's state and where it came from.

    Who must follow in the same tick (the overlay bridge, the platforms, the rehearsal's
    records) listens to the topic on the publisher; the live pages subscribe.
    """

    channel: str
    state: ChannelState
    revision: int
    due: datetime | None
    event: Event
    at: datetime | None = None  # when the loop decided it, by its clock


class Rotation:
    """Drive every channel of the event through the pure engine."""

    def __init__(
        self, the_store: Store, clock: Clock, publisher: Publisher, feed: ScheduleFeed
    ) -> None:
        self.store = the_store
        self.clock = clock
        self.publisher = publisher
        self.feed = feed
        self.event = Event()
        self.channels: dict[str, ChannelRun] = {}
        # Every channel's actions, kept for a channel the schedule drops and brings back.
        self._actions: dict[str, list[Action]] = {}
        self._wake = asyncio.Event()
        self._asked: datetime | None = None  # the moment the loop sleeps until
        self._tasks: list[asyncio.Task] = []
        self._saving: set[asyncio.Future] = set()
        self._unfollow: Callable[[], None] | None = None

    @property
    def tz(self) -> ZoneInfo:
        return self.event.tz

    async def start(self) -> None:
        """Load the actions so far, follow the schedule feed (publishing), then run."""
        await self.store.run(records.migrate)
        self._actions = {}
        for row in await self.store.run(records.load_actions, None):
            self._actions.setdefault(row["channel"], []).append(_action(row))
        self._unfollow = self.feed.follow(self._use_schedule)
        self._tasks = [asyncio.create_task(self._run(), name="rotation-loop")]

    async def stop(self) -> None:
        if self._unfollow is not None:
            self._unfollow()
            self._unfollow = None
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        # The last states still being written: let them land before the store closes.
        await asyncio.gather(*self._saving, return_exceptions=True)
        self._tasks = []

    def _use_schedule(self, schedule: Schedule) -> None:
        """Take a published schedule: rebuild the channels, publish what moved, wake the loop."""
        event = schedule.event or Event()
        ids = [c.id for c in event.channels] or sorted({s.channel for s in event.slots})
        self.event = event
        self.channels = {
            cid: self.channels.get(cid) or ChannelRun(actions=self._actions.setdefault(cid, []))
            for cid in ids
        }
        now = self.clock.now()
        self._refresh(now, due=self._overdue(now))
        self._wake.set()
        log.info("Schedule revision %d picked up", schedule.revision)

    def state(self, channel: str) -> ChannelState:
        run = self.channels.get(channel)
        if run is None or run.state is None:
            raise NotFound(f"kanal {channel!r} tidak ada (unknown channel)")
        return run.state

    async def act(
        self, channel: str, kind: str, by: str, slot_id: str | None = None, minutes=None
    ) -> ChannelState:
        """Check, store, then apply one host action; refuse it with a reason if it can't be."""
        if channel not in self.channels:
            raise NotFound(f"kanal {channel!r} tidak ada (unknown channel)")
        if kind not in KINDS:
            raise Conflict(f"aksi {kind!r} tidak dikenal (unknown action)")
        now = self.clock.now()
        action = Action(kind=kind, at=now, by=by, slot_id=slot_id, minutes=minutes)
        run = self.channels[channel]
        slots = self.event.channel_slots(channel)
        reason = validate_action(slots, run.actions, action, now, self.tz)
        if reason:
            raise Conflict(reason)
        fields = {"kind": kind, "at": now, "by": by, "slot_id": slot_id, "minutes": minutes}
        await self.store.run(records.append_action, channel, fields)
        run.actions.append(action)
        self._refresh(now, due=None)
        self._wake.set()
        return run.state

    def _refresh(self, now: datetime, due: datetime | None) -> datetime:
        """Recompute every channel; publish those whose answer changed; return next change."""
        soonest = now + FAR_AWAY
        for channel, run in self.channels.items():
            slots = self.event.channel_slots(channel)
            run.state = channel_state(slots, run.actions, now, self.tz)
            key = _change_key(run.state)
            if key != run.key:
                run.key = key
                run.statuses = _statuses(run.state)
                run.revision += 1
                self._publish(channel, run, due, now)
            if run.state.changes_at is not None:
                soonest = min(soonest, run.state.changes_at)
        return soonest

    def _publish(self, channel: str, run: ChannelRun, due: datetime | None, now: datetime) -> None:
        message = Published(channel, run.state, run.revision, due, self.event, now)
        self.publisher.publish(TOPIC, channel, message)
        task = asyncio.ensure_future(
            self.store.run(records.save_run_state, channel, _state_row(run))
        )
        self._saving.add(task)
        task.add_done_callback(self._saving.discard)
        task.add_done_callback(_log_failure)

    def edit_lock(self, slot, now: datetime) -> str | None:
        """Why organisers may not edit ``slot`` now, by what really aired (not the plan).

        A slot pushed later by an overrun is still editable though its planned start
        has passed; one the host jumped to is locked though it was planned for later.
        """
        run = self.channels.get(slot.channel)
        status = run.statuses.get(slot.id) if run else None
        if status in ("on_air", "held"):
            return _ON_AIR_TEXT
        if status == "aired":
            return _AIRED_TEXT
        return None

    async def _run(self) -> None:
        due: datetime | None = None
        while True:
            soonest = self._asked = self._refresh(self.clock.now(), due)
            self._wake.clear()
            await self.clock.sleep_until(soonest, self._wake)
            due = self._overdue(self.clock.now())

    def _overdue(self, now: datetime) -> datetime | None:
        """The moment the loop asked to wake at, once it has passed (else None).

        A change published after it is the one the loop was waiting for, whoever
        refreshed first: a schedule coming in while a busy machine is late to wake the
        timer must not make that lateness the rotation's (``Published.due``).
        """
        return self._asked if self._asked is not None and self._asked <= now else None


_AIRED_TEXT = "Slot ini sudah tayang (already aired), jadi tidak bisa diubah atau dihapus."
_ON_AIR_TEXT = "Slot ini sedang tayang (on air), jadi tidak bisa diubah atau dihapus."


def _statuses(state: ChannelState) -> dict[str, str]:
    """Each slot's status in the running order; a slot that aired in any part counts."""
    result: dict[str, str] = {}
    for row in state.timeline:
        if result.get(row.slot.id) not in ("on_air", "held"):
            result[row.slot.id] = row.status
    return result


def _action(row: dict) -> Action:
    return Action(
        kind=row["kind"],
        at=row["at"],
        by=row["by"],
        slot_id=row["slot_id"],
        minutes=row["minutes"],
    )


def _change_key(state: ChannelState) -> tuple:
    slot_id = state.slot.id if state.slot else None
    next_id = state.next_slot.id if state.next_slot else None
    return (state.status, slot_id, state.start, state.end, next_id, state.next_start,
            state.day_ends_at, state.timeline, state.notes)  # fmt: skip


def _state_row(run: ChannelRun) -> dict:
    state = run.state
    return {
        "status": state.status,
        "slot_id": state.slot.id if state.slot else None,
        "start_utc": utc_iso(state.start) if state.start else None,
        "end_utc": utc_iso(state.end) if state.end else None,
        "remaining_s": state.remaining.total_seconds() if state.remaining else None,
        "revision": run.revision,
    }


def _log_failure(task: asyncio.Future) -> None:
    if not task.cancelled() and task.exception():
        log.error("Saving run state failed: %s", task.exception())
