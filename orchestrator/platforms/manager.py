"""Drive each channel's Zoom meeting and YouTube broadcast from the rotation.

One task per channel asks the pure planner (``lifecycle.plan``) what is due, runs that
step (``steps.Steps``) through the adapters, and otherwise sleeps on the injected clock
until the next due moment or a rotation change. Ids are saved the moment they are known
and the lookup marker before any create, so a crash anywhere resumes without a second
meeting, broadcast or stream. Failures land on the row (``failed_step``, ``last_error``)
and in the ``platform`` status feed, where the panel shows them with a retry button.

Decision: broadcasts are created with the monitor stream off and go straight from
``ready`` to ``live`` once the stream is active. The host previews in Zoom already; a
``testing`` phase would cost another transition (50 units) and delay the first slot.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from kernel.clock import Clock
from kernel.db import Store
from kernel.errors import NotFound
from kernel.publisher import Publisher
from orchestrator.rotation.service import TOPIC as ROTATION
from orchestrator.rotation.service import Published, Rotation

from . import resources
from .errors import PlatformError
from .ledger import MEETING_TOPIC, Ledger
from .lifecycle import ANNOUNCE, ENSURE, FINISH, GO_LIVE, Due, plan
from .resources import FINISHED, Resources
from .steps import Steps
from .youtube import YouTube
from .zoom import Zoom

log = logging.getLogger(__name__)

FAR = timedelta(days=3650)


@dataclass(frozen=True)
class ManagerOptions:
    """Knobs of the lifecycle; defaults follow the issue."""

    lead: timedelta = timedelta(minutes=15)
    stream_deadline: timedelta = timedelta(seconds=60)
    stream_poll: timedelta = timedelta(seconds=2)
    cooldown: timedelta = timedelta(seconds=60)
    announce: bool = True
    chat_reserve: int = 2000
    base_url: str = ""
    privacy: str = "public"


class PlatformManager:
    """Run every channel's platform lifecycle; publish its status on every change."""

    def __init__(
        self,
        rotation: Rotation,
        store: Store,
        publisher: Publisher,
        youtube: YouTube,
        zoom: Zoom,
        options: ManagerOptions | None = None,
        *,
        scope: str = "live",
        mode: str = "live",
    ) -> None:
        self.rotation, self.store, self.publisher = rotation, store, publisher
        self.youtube, self.zoom = youtube, zoom
        self.options = options or ManagerOptions()
        self.scope, self.mode = scope, mode
        self.ledger = Ledger(
            store, publisher, rotation.clock, youtube.quota,
            scope=scope, mode=mode, announce=self.options.announce,
        )  # fmt: skip
        self.steps = Steps(
            youtube=youtube, zoom=zoom, ledger=self.ledger, rotation=rotation,
            options=self.options, clock=rotation.clock, publisher=publisher,
        )  # fmt: skip
        self._wakes: dict[str, asyncio.Event] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}

    @property
    def clock(self) -> Clock:
        """The rotation's clock: real, manual (tests) or scaled (rehearsals)."""
        return self.rotation.clock

    @property
    def rows(self) -> dict[str, dict[str, Resources]]:
        """Every channel's rows by show day (the ledger's)."""
        return self.ledger.rows

    async def start(self) -> None:
        """Load the saved rows, then watch every channel."""
        await self.store.run(resources.migrate)
        for row in await self.store.run(resources.load, self.scope):
            self.rows.setdefault(row.channel, {})[row.day] = row
            if row.meeting_id:  # meetings made before a restart still feed their channel
                self.publisher.publish(MEETING_TOPIC, row.channel, row.meeting_id)
        self._unlisten = self.publisher.listen(ROTATION, lambda m: self._on_rotation(m.data))
        for channel in list(self.rotation.channels):
            self._watch(channel)

    async def stop(self) -> None:
        """Cancel the channel tasks and wait for them."""
        self._unlisten()
        tasks = list(self._tasks.values())
        self._tasks.clear()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    # -- what the panel and the chat poller ask -------------------------------------------

    def live_chat_id(self, channel: str) -> str | None:
        """Return the chat of the channel's current broadcast, until its day is finished."""
        row = self.ledger.current(channel)
        return row.live_chat_id if row is not None and row.step != FINISHED else None

    def broadcast_status(self, channel: str) -> str | None:
        """Return the current broadcast's lifecycle status as last seen."""
        return self.status(channel)["broadcast_status"]

    def status(self, channel: str) -> dict[str, Any]:
        """Describe the channel's platform state (the ``platform`` topic's data)."""
        return self.ledger.status(channel)

    async def retry(self, channel: str) -> dict[str, Any]:
        """Clear the channel's failed step so it runs again now; return the new status."""
        if channel not in self.rotation.channels:
            raise NotFound(f"kanal {channel!r} tidak ada (unknown channel)")
        self.youtube.quota.recheck()
        for row in list(self.rows.get(channel, {}).values()):
            if row.failed_step:
                await self.ledger.save(row.but(failed_step=None, retry_at=None))
        self._watch(channel)
        self._wakes[channel].set()
        return self.status(channel)

    # -- the loop -------------------------------------------------------------------------

    def _on_rotation(self, published: Published) -> None:
        self._watch(published.channel)
        self._wakes[published.channel].set()

    def _watch(self, channel: str) -> None:
        """Start the channel's task once."""
        if channel in self._tasks:
            return
        self._wakes[channel] = asyncio.Event()
        self._tasks[channel] = asyncio.create_task(self._loop(channel), name=f"platform-{channel}")
        self.ledger.publish(channel)

    async def _loop(self, channel: str) -> None:
        """Run due steps; sleep until the next one is due or the rotation changes."""
        wake = self._wakes[channel]
        while True:
            wake.clear()
            now = self.clock.now()
            try:
                state = self.rotation.state(channel)
            except NotFound:  # the channel left the schedule
                await self.clock.sleep_until(now + FAR, wake)
                continue
            rows = self.rows.get(channel, {})
            step = plan(channel, state, rows, now, self.rotation.tz, self.options.lead)
            if step.due is not None:
                await self._run(channel, step.due)
            else:
                await self.clock.sleep_until(step.wake_at or now + FAR, wake)

    async def _run(self, channel: str, due: Due) -> None:
        """Run one step; any failure is recorded on the row, never left to kill the loop."""
        runner = {
            ENSURE: self.steps.ensure,
            GO_LIVE: self.steps.go_live,
            ANNOUNCE: self.steps.announce,
            FINISH: self.steps.finish,
        }[due.step]
        try:
            await runner(self.ledger.row(channel, due.day), due)
        except PlatformError as err:
            await self._fail(channel, due, err)
        except Exception as err:  # a bug must not leave the channel stuck
            log.exception("platform step %s on %s failed", due.step, channel)
            await self._fail(channel, due, PlatformError("pasar-live", "internal", repr(err)))

    async def _fail(self, channel: str, due: Due, err: PlatformError) -> None:
        """Record a failed step: retried after a cool-down if time can cure it, else by the host."""
        log.warning("platform step %s on %s failed: %s", due.step, channel, err)
        retry_at = self.clock.now() + self.options.cooldown if err.retryable else None
        self.ledger.live_of(channel).notice = None
        row = self.ledger.row(channel, due.day)
        error = self.ledger.error_of(due, err)
        await self.ledger.save(row.but(failed_step=due.step, retry_at=retry_at, last_error=error))


# -- app wiring -------------------------------------------------------------------------
