"""Play a whole event faster than real time against the sandbox, and collect what happened.

Everything runs for real, in this process: the app with its rotation, platform manager,
chat pollers, order desk and overlay hub; the sandbox with its audience and injected
faults; websockets clients standing in for OBS pages. Only time is different: a scaled
clock runs ``speed`` times faster and jumps over the quiet hours between shows.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
from aiohttp import web

from kernel.clock import Clock, ScaledClock
from kernel.db import open_db
from kernel.keys import CLOCK, HUB, ORDER_DESK, POLLERS, ROTATION, SANDBOX, STORE
from kernel.runtime import settle_memory
from orchestrator.rehearsal.chat_transport import ChatTransports
from orchestrator.rehearsal.observers import ChromiumPages, OverlayWatcher, SlotRecorder
from orchestrator.sandbox import Faults
from orchestrator.sandbox.audience import Audience
from orchestrator.sandbox.buyers import BuyerRecord
from orchestrator.sandbox.state import SandboxState
from orchestrator.sandbox.vendors import VendorRecord
from orchestrator.settings import Settings
from schedules import store
from schedules.loader import LoadResult, load_paths
from schedules.startup import EXAMPLE_EVENT

AppFactory = Callable[[Settings, Clock], web.Application]
QUIET_MARGIN = timedelta(minutes=2)
FINISH_GRACE = timedelta(minutes=3)
# How long after a day's end a skip waits for a chat poller still reading the day's last
# messages: the platforms serve an ended chat for 10 minutes, then refuse it.
DRAIN_LIMIT = timedelta(minutes=12)
# Real seconds the overlay pages get to show the show's last update once it has ended:
# a busy machine delays delivery by a moment, a page that lost the update never gets it.
CATCH_UP_S = 10.0


class RehearsalError(Exception):
    """The event cannot be rehearsed (it does not load, or has no slots)."""


@dataclass(frozen=True)
class Options:
    """How to rehearse: which event, how fast, how hostile, how busy."""

    event: Path | None = None
    speed: float = 600.0
    faults: float = 0.0
    audience: float = 0.5
    seed: int = 1
    buyers: float = 0.3  # of the viewers who claim, the share who check out (and maybe pay)
    vendors: bool = True  # simulated vendors working their desks over HTTP
    lead_minutes: float = 15.0
    workdir: Path | None = None
    browser: str = "auto"  # "auto": Chromium when installed, else websockets clients


@dataclass
class Run:
    """Everything the report needs, gathered while and after the event plays."""

    options: Options
    loaded: LoadResult
    db_path: Path
    recorder: SlotRecorder
    watcher: OverlayWatcher
    started_real: float
    finished_real: float = 0.0
    published_revs: dict[str, int] = field(default_factory=dict)
    sandbox_state: SandboxState | None = None
    audiences: list[Audience] = field(default_factory=list)
    quota_by_day: dict[str, int] = field(default_factory=dict)
    browser_revs: dict[str, int] = field(default_factory=dict)
    skips: list[tuple[datetime, datetime]] = field(default_factory=list)  # simulated spans
    chat_transport: list[dict] = field(default_factory=list)  # per show day and channel
    buyers: list[BuyerRecord] = field(default_factory=list)  # the simulated buyers' records
    vendors: list[VendorRecord] = field(default_factory=list)  # the simulated vendors' records
    ended_at: datetime | None = None  # the simulated moment claims are judged at


Progress = Callable[[dict], None]


def load_event(options: Options) -> LoadResult:
    """Read and check the event; refuse it with every error listed."""
    loaded = load_paths([options.event or EXAMPLE_EVENT])
    if loaded.event is None:
        lines = "\n".join(str(p) for p in loaded.errors)
        raise RehearsalError(f"acara tidak bisa dipakai (event has errors):\n{lines}")
    if not loaded.event.slots:
        raise RehearsalError("acara tidak punya slot (event has no slots)")
    return loaded


async def rehearse(
    options: Options, app_factory: AppFactory, progress: Progress | None = None
) -> Run:
    """Play every day of the event on the app ``app_factory`` builds; return the records.

    The factory comes from the command line: the rehearsal runs the real app but does
    not import the module that builds it.
    """
    loaded = load_event(options)
    event = loaded.event
    workdir = options.workdir or Path(tempfile.mkdtemp(prefix="pasar-rehearsal-"))
    db_path = workdir / "rehearsal.db"
    _save(db_path, event)
    lead = timedelta(minutes=options.lead_minutes)
    first = min(s.start for s in event.slots)
    # Start-up (the app, Chromium) takes real seconds, which are simulated minutes: let
    # the clock begin well before the show and jump to it once everything is ready.
    ready_at = first - lead - QUIET_MARGIN
    clock = ScaledClock(datetime.now(UTC), ready_at - timedelta(days=1), options.speed)
    # The port is known before the app is built: its simulated buyers need its address.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    settings = Settings(
        db=db_path, port=sock.getsockname()[1], overlay_port=0, platforms=True, demo=False,
        audience_rate=options.audience, buyers=options.buyers, vendors_sim=options.vendors,
        organiser_token="rehearsal-org", host_token="rehearsal-host",
        # The example's photos are drawn once on a demo's first start, not during a show:
        # drawing 212 of them here held the CPU through the first days' slots.
        demo_photos=False, extra={"rehearsal": True},
    )  # fmt: skip
    app = app_factory(settings, clock)
    runner = web.AppRunner(app, handle_signals=False, access_log=None)
    await runner.setup()
    await web.SockSite(runner, sock).start()
    settle_memory()
    pages = _browser_pages(options, f"http://127.0.0.1:{runner.addresses[0][1]}", event)
    try:
        if pages is not None:
            await pages.start()
        if options.buyers > 0:
            await _warm_checkout(f"http://127.0.0.1:{settings.port}", event)
        clock.skip_to(ready_at)
        run = await _play(app, options, loaded, db_path, progress)
        if pages is not None:
            run.browser_revs = await pages.final_revs(run.published_revs, CATCH_UP_S)
        return run
    finally:
        if pages is not None:
            await pages.stop()
        await runner.cleanup()


async def _warm_checkout(base_url: str, event) -> None:
    """Open the checkout's pages once before the show: their first use (templates compiled,
    region lists read) costs a fraction of a second, minutes of the show at 600x."""
    code = event.products[0].code if event.products else "K01"
    async with aiohttp.ClientSession(base_url, cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        regency = "/api/wilayah?provinsi=Jawa+Timur&kabupaten=Kabupaten+Jember"
        for path in ("/bayar", f"/bayar/pesan/{code}", regency):
            async with http.get(path) as response:
                await response.read()


def _browser_pages(options: Options, base_url: str, event) -> ChromiumPages | None:
    """Real Chromium overlay pages when asked for or installed; None means sockets only."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if options.browser == "websockets" or (options.browser == "auto" and path is None):
        return None
    if path is None:
        raise RehearsalError("Chromium tidak ada (not installed): apt-get install chromium")
    channels = [c.id for c in event.channels] or sorted({s.channel for s in event.slots})
    return ChromiumPages(path, base_url, channels)


def _save(db_path: Path, event) -> None:
    db = open_db(db_path)
    store.migrate(db)
    store.save_event(db, event)
    db.close()


async def _play(app, options: Options, loaded: LoadResult, db_path: Path, progress) -> Run:
    rotation, clock = app[ROTATION], app[CLOCK]
    sandbox = app.get(SANDBOX)
    if sandbox is not None and options.faults > 0:
        sandbox.faults = Faults.uniform(options.faults, options.seed)
    recorder = SlotRecorder(clock)
    rotation.publisher.listen("rotation", lambda message: recorder(message.data))
    spent = (lambda: sandbox.state.quota.spent_by_method) if sandbox is not None else dict
    transports = ChatTransports(clock.now, loaded.event.tz, spent)
    rotation.publisher.listen("panel.chat", transports)
    watcher = OverlayWatcher(app[HUB].port, rotation.channels)
    watcher.start()
    run = Run(options, loaded, db_path, recorder, watcher, time.monotonic())
    last_end = max(s.end for s in loaded.event.slots)
    ticks = 0
    while clock.now() < last_end + FINISH_GRACE:
        _sample_quota(run, sandbox, clock.now(), loaded.event.tz)
        lead = timedelta(minutes=options.lead_minutes)
        skipped = _skip_quiet_hours(rotation, clock, lead, draining=_draining(app))
        if skipped is not None:
            run.skips.append(skipped)
            # Nothing is on air: freeze the day's chat (the sandbox and its audience keep
            # every message) so full collections during the next show do not rescan it.
            settle_memory()
        if progress is not None and ticks % 5 == 0:
            progress(await _progress_line(app, run, last_end))
        ticks += 1
        await asyncio.sleep(0.1)
    await _settle(app)
    hub_revs = {c: app[HUB].snapshot(c)["rev"] for c in rotation.channels}
    await watcher.caught_up(hub_revs, CATCH_UP_S)
    if sandbox is not None:
        await sandbox.stop_buyers()
        await sandbox.stop_vendors()
        run.buyers = [b for shoppers in sandbox.shoppers for b in shoppers.buyers]
        run.vendors = list(sandbox.vendor_desks.records) if sandbox.vendor_desks else []
    run.ended_at = await _swept(app, clock.now())
    await watcher.stop()
    run.finished_real = time.monotonic()
    run.published_revs = {c: app[HUB].snapshot(c)["rev"] for c in rotation.channels}
    run.chat_transport = transports.rows()
    if sandbox is not None:
        run.sandbox_state = sandbox.state
        run.audiences = list(sandbox.audiences)
    return run


def _sample_quota(run: Run, sandbox, now: datetime, tz) -> None:
    """Keep the most YouTube quota each show day used (a show day sits in one Pacific day)."""
    if sandbox is None:
        return
    day = now.astimezone(tz).date().isoformat()
    used = sandbox.state.quota.used
    run.quota_by_day[day] = max(run.quota_by_day.get(day, 0), used)


def _skip_quiet_hours(
    rotation, clock: ScaledClock, lead: timedelta, draining: bool = False
) -> tuple[datetime, datetime] | None:
    """Jump over the hours between shows, stopping in time for the platform set-up.

    ``draining`` says a chat poller is still reading: a skip then would take its chat
    past the platform's grace and lose the day's last messages, so it waits (a while).
    Returns the simulated span skipped, if any, so the report can leave it out of rates.
    """
    now = clock.now()
    states = [rotation.state(c) for c in rotation.channels]
    if any(s.status != "off_air" for s in states):
        return None
    ended = [now - s.start for s in states if s.start is not None]
    if any(since < FINISH_GRACE for since in ended):
        return None  # a day just ended: let the platforms close it first
    if draining and any(since < DRAIN_LIMIT for since in ended):
        return None
    upcoming = [s.next_start for s in states if s.next_start is not None]
    if not upcoming:
        return None
    target = min(upcoming) - lead - QUIET_MARGIN
    if target <= now + QUIET_MARGIN:
        return None
    clock.skip_to(target)
    return now, target


async def _settle(app, timeout: float = 10.0) -> None:
    """Give the chat pollers a moment (real time) to read the last pages."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pollers = _pollers(app)
        if pollers is None or not any(pollers.running(c) for c in app[ROTATION].channels):
            return
        await asyncio.sleep(0.1)


async def _swept(app, moment: datetime, timeout: float = 10.0) -> datetime:
    """Wait (real time) until the desk's expiry sweep has passed ``moment``; return it.

    Claims are judged against their deadlines at ``moment``: every hold due by then must
    have been swept, and the sweep runs on the clock, a moment behind its deadline.
    """
    desk = app.get(ORDER_DESK)
    deadline = time.monotonic() + timeout
    while desk is not None and time.monotonic() < deadline:
        due = desk.next_sweep
        if due is not None and due > moment:
            break
        await asyncio.sleep(0.05)
    return moment


def _draining(app) -> bool:
    """Whether any chat poller is still reading (a day's chat is read to its end)."""
    pollers = _pollers(app)
    return pollers is not None and any(pollers.running(c) for c in app[ROTATION].channels)


def _pollers(app):
    return app.get(POLLERS)


async def _progress_line(app, run: Run, last_end: datetime) -> dict:
    rotation = app[ROTATION]
    on_air = {}
    for channel in rotation.channels:
        state = rotation.state(channel)
        on_air[channel] = state.slot.id if state.slot and state.status != "off_air" else None
    orders = await app[STORE].run(_count_orders)
    return {"now": rotation.clock.now(), "last_end": last_end, "on_air": on_air,
            "orders": orders, "aired": len(run.recorder.aired),
            "slots": len(run.loaded.event.slots)}  # fmt: skip


def _count_orders(db) -> int:
    if not db["orders"].exists():
        return 0
    return db.execute("SELECT count(*) FROM orders").fetchone()[0]
