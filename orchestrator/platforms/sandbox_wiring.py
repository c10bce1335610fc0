"""Choose what the adapters talk to: the real services, a sandbox URL, or our own sandbox.

A new user runs ``python run.py`` with no credentials and still sees the whole show: a
sandbox starts in-process on a free port, on the app's clock, with a simulated audience
typing orders for the codes on air; the banner says so plainly. ``sandbox_url`` (env
``PASAR_SANDBOX_URL``) points both adapters at a sandbox running as its own process, so
the service can be killed and restarted against the same fake platforms.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import aiohttp
from aiohttp import web
from google.oauth2.credentials import Credentials

from kernel.clock import Clock
from kernel.errors import NotFound, StartupError
from kernel.keys import CLOCK, SANDBOX, SETTINGS, STORE
from kernel.publisher import Message, Publisher
from orchestrator.rotation.service import Rotation
from orchestrator.sandbox import Sandbox, start_sandbox
from orchestrator.settings import Settings

from . import quota_store, resources
from .ledger import LIVE_TOPIC
from .retry import RetryPolicy
from .youtube import SCOPES, YouTube
from .youtube_stream import PRODUCTION_TARGET, GoogleTokens, StaticToken, StreamClient
from .zoom import Zoom

log = logging.getLogger(__name__)

LOCAL_SCOPE = "sandbox-local"
PARTIAL = (
    "{have} sudah diisi tetapi {missing} belum: isi keduanya untuk siaran sungguhan, atau"
    " kosongkan keduanya untuk sandbox (set both YouTube and Zoom credentials, or neither)"
)


@dataclass
class Wired:
    """The adapters to use, where their ids belong, and what the banner should say."""

    youtube: YouTube
    zoom: Zoom
    scope: str
    mode: str
    banner: list[str] = field(default_factory=list)
    sandbox: Sandbox | None = None
    audiences: set[str] = field(default_factory=set)
    stream: StreamClient | None = None  # YouTube's streaming chat (gRPC)


@asynccontextmanager
async def adapters(app: web.Application) -> AsyncIterator[Wired]:
    """Open the adapters the settings call for; close them (and any sandbox) afterwards."""
    wired = await _open(app)
    wired.stream = await _stream(app[SETTINGS], wired)
    try:
        yield wired
    finally:
        if wired.stream is not None:
            await wired.stream.close()
        wired.youtube.close()
        wired.zoom.close()
        if wired.sandbox is not None:
            await wired.sandbox.close()


async def _open(app: web.Application) -> Wired:
    settings, clock = app[SETTINGS], app[CLOCK]
    if settings.sandbox_url:
        url = settings.sandbox_url.rstrip("/")
        return Wired(
            YouTube.for_sandbox(f"{url}/", clock=clock),
            Zoom.for_sandbox(url, clock=clock),
            scope=f"sandbox:{url}",
            mode="sandbox",
            banner=[f"YouTube & Zoom: sandbox di {url} (PASAR_SANDBOX_URL)"],
        )
    youtube_ok, zoom_ok = settings.has_youtube_credentials, settings.has_zoom_credentials
    if youtube_ok and zoom_ok:
        return _real(settings, clock)
    if youtube_ok or zoom_ok:
        names = ("youtube_token_file", "zoom_account_id/zoom_client_id/zoom_client_secret")
        have, missing = names if youtube_ok else names[::-1]
        raise StartupError(PARTIAL.format(have=have, missing=missing))
    return await _local(app, clock)


def _real(settings: Settings, clock: Clock) -> Wired:
    """The real YouTube channel and Zoom account."""
    youtube = YouTube.from_token_file(settings.youtube_token_file, clock=clock)
    zoom = Zoom(
        settings.zoom_client_id,
        settings.zoom_client_secret,
        settings.zoom_account_id,
        clock=clock,
    )
    line = (
        f"YouTube & Zoom: akun sungguhan (real accounts; token {settings.youtube_token_file},"
        f" Zoom account {settings.zoom_account_id})"
    )
    return Wired(youtube, zoom, scope="live", mode="live", banner=[line])


async def _local(app: web.Application, clock: Clock) -> Wired:
    """Start our own sandbox on a free loopback port, on the app's clock."""
    sandbox = await start_sandbox("127.0.0.1", 0, clock=clock)
    app[SANDBOX] = sandbox
    # A fresh sandbox knows none of the ids a previous run saved.
    await app[STORE].run(resources.forget, LOCAL_SCOPE)
    await app[STORE].run(quota_store.forget_quota, LOCAL_SCOPE)
    line = (
        f"YouTube & Zoom: sandbox lokal di {sandbox.base_url}"
        " (tanpa kredensial / no credentials set)"
    )
    policy = scaled_policy(clock)
    return Wired(
        YouTube.for_sandbox(sandbox.youtube_endpoint, clock=clock, policy=policy),
        Zoom.for_sandbox(sandbox.base_url, clock=clock, policy=policy),
        scope=LOCAL_SCOPE,
        mode="sandbox",
        banner=[line],
        sandbox=sandbox,
    )


async def _stream(settings: Settings, wired: Wired) -> StreamClient | None:
    """The streaming chat client beside the REST adapter, sharing its quota tally.

    The real one talks TLS to YouTube with the stored OAuth token; a sandbox (ours, or
    one at ``sandbox_url``, which names its gRPC port on its state page) plaintext.
    """
    cost, quota = settings.youtube_stream_cost, wired.youtube.quota
    target = settings.youtube_stream_target
    if wired.mode == "live":
        assert settings.youtube_token_file is not None
        credentials = Credentials.from_authorized_user_file(
            str(settings.youtube_token_file), SCOPES
        )
        tokens = GoogleTokens(credentials)
        return StreamClient(target or PRODUCTION_TARGET, tokens, quota, open_cost=cost)
    if not target and wired.sandbox is not None:
        target = wired.sandbox.grpc_target or ""
    elif not target and settings.sandbox_url:
        target = await _sandbox_grpc_target(settings.sandbox_url)
    if not target:
        wired.banner.append("Chat YouTube: sandbox tanpa streaming, chat dibaca dengan polling")
        return None
    return StreamClient(target, StaticToken(), quota, secure=False, open_cost=cost)


async def _sandbox_grpc_target(url: str) -> str:
    """Ask a sandbox process where its streamList answers (empty when it cannot say)."""
    try:
        state_url = f"{url.rstrip('/')}/_sandbox/state"
        async with aiohttp.ClientSession() as session, session.get(state_url) as resp:
            return str((await resp.json()).get("grpc_target") or "")
    except (aiohttp.ClientError, ValueError) as err:
        log.warning("Sandbox at %s did not name its gRPC port: %s", url, err)
        return ""


def scaled_policy(clock: Clock) -> RetryPolicy:
    """Back off in the clock's time: a rehearsal at 600x waits 600 times less.

    The sandbox runs on the same clock, so its rate limits and chat windows shrink too;
    a real-time backoff there would outlast them.
    """
    return RetryPolicy(time_scale=1.0 / clock.speed)


def codes_on_air(rotation: Rotation, channel: str) -> tuple[str, ...]:
    """The product codes the audience can order right now on a channel."""
    try:
        state = rotation.state(channel)
    except NotFound:
        return ()
    if state.slot is None or state.status not in ("on_air", "held"):
        return ()
    return tuple(state.slot.products)


def attach_audience(
    publisher: Publisher, rotation: Rotation, wired: Wired, rate: float,
    buyers: float = 0.0, app_url: str = "",
    vendor_links: Callable[[], Mapping[str, str]] | None = None,
) -> Callable[[], None]:  # fmt: skip
    """Let a simulated audience type into each chat of our sandbox once it goes live.

    With ``buyers`` and the service's own ``app_url``, that share of the viewers who
    claim check out and pay there too. With ``vendor_links`` (vendor -> desk token, read
    when the first chat goes live: the order desk starts after the platforms), a
    simulated vendor works each desk. It listens for ``platform.live``; the returned
    function stops listening.
    """
    sandbox = wired.sandbox
    if sandbox is None or rate <= 0:
        return lambda: None

    def on_live(message: Message) -> None:
        channel, live_chat_id = message.channel, str(message.data or "")
        if not live_chat_id or live_chat_id in wired.audiences:
            return
        wired.audiences.add(live_chat_id)
        audience = sandbox.start_audience(
            live_chat_id,
            lambda: codes_on_air(rotation, channel),
            rate=rate,
            seed=len(wired.audiences),
        )
        if buyers > 0 and app_url:
            sandbox.start_buyers(audience, app_url, buyers, seed=len(wired.audiences))
        if vendor_links is not None and app_url:
            sandbox.start_vendors(app_url, vendor_links(), seed=1)

    return publisher.listen(LIVE_TOPIC, on_live)
