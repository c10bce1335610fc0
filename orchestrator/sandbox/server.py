"""One loopback aiohttp app serving fake YouTube and Zoom from one shared state."""

from __future__ import annotations

import asyncio
import secrets
import socket
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

import aiohttp
from aiohttp import web

from kernel.clock import Clock
from kernel.keys import SANDBOX_STATE

from .audience import Audience
from .errors import OAuthError, SandboxError, YouTubeError, ZoomError
from .faults import Fault, Faults
from .grpc_chat import StreamListService, start_grpc
from .shoppers import Shoppers
from .state import SandboxConfig, SandboxState
from .vendor_desks import VendorDesks
from .youtube import youtube_routes
from .zoom import OAUTH_PATH, zoom_routes
from .zoom_webhook import (
    WebhookDelivery,
    chat_message_event,
    deliver,
    url_validation_event,
    url_validation_token,
)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def api_of(path: str) -> str | None:
    """Name the fake API a path belongs to (None for the sandbox's own pages)."""
    if path.startswith("/youtube/"):
        return "youtube"
    if path.startswith("/v2/"):
        return "zoom"
    if path == OAUTH_PATH:
        return "oauth"
    return None


def fault_error(api: str, fault: Fault, faults: Faults, state: SandboxState) -> SandboxError:
    """Build the error a faulted request gets, in the shape of the API it was for."""
    if api == "youtube":
        if fault.kind == "throttle":
            return YouTubeError(403, "rateLimitExceeded", "Rate Limit Exceeded", "usageLimits")
        return YouTubeError(faults.error_status, "backendError", "Backend Error", "global")
    headers = faults.retry_after_header(fault.retry_after_form, state.clock.now())
    if fault.kind == "throttle":
        message = (
            "You have reached the maximum per-second rate limit for this API. Try again later."
        )
        return ZoomError(429, 429, message, headers)
    if api == "oauth":
        return OAuthError(faults.error_status, "server_error", "Internal Error")
    return ZoomError(faults.error_status, faults.error_status, "Internal Error")


@web.middleware
async def fault_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Fail, throttle or slow a request as the fault plan draws it."""
    state = request.app[SANDBOX_STATE]
    api = api_of(request.path)
    fault = state.faults.decide(api, request.method, request.path) if api else None
    if fault is None:
        return await handler(request)
    if fault.kind in ("error", "throttle"):
        error = fault_error(api or "", fault, state.faults, state)
        return web.json_response(error.body(), status=error.status, headers=error.headers)
    # The work is done before the answer is late, so a client that gives up cannot know
    # whether its create happened: exactly the case that must not lead to a second create.
    response = await handler(request)
    # Late in the sandbox clock's time: at 600x a 0.5 s slow answer is under a millisecond,
    # not five simulated minutes in which nobody reads the chat. (Manual clocks run at 1.)
    await asyncio.sleep(fault.delay / state.clock.speed)
    return response


async def show_state(request: web.Request) -> web.Response:
    """GET /_sandbox/state: what the sandbox holds, for people and rehearsal scripts."""
    return web.json_response(request.app[SANDBOX_STATE].snapshot())


async def post_chat(request: web.Request) -> web.Response:
    """POST /_sandbox/chat: type a viewer message into a chat by hand."""
    state = request.app[SANDBOX_STATE]
    body = await request.json()
    try:
        message = state.add_chat_message(
            str(body.get("liveChatId", "")),
            str(body.get("text", "")),
            display_name=str(body.get("displayName", "Penonton")),
            author_channel_id=str(body.get("authorChannelId", "UCsandboxViewer00000001")),
            super_chat_idr=body.get("superChatIdr"),
        )
    except SandboxError as err:
        return web.json_response(err.body(), status=err.status)
    return web.json_response(message, status=201)


def create_app(state: SandboxState) -> web.Application:
    """Build the sandbox app around a state."""
    app = web.Application(middlewares=[fault_middleware])
    app[SANDBOX_STATE] = state
    app.router.add_routes(youtube_routes())
    app.router.add_routes(zoom_routes())
    app.router.add_get("/_sandbox/state", show_state)
    app.router.add_post("/_sandbox/chat", post_chat)
    return app


class Sandbox:
    """A running sandbox: its URLs, its state, and helpers to drive it from tests."""

    def __init__(self, state: SandboxState, runner: web.AppRunner, host: str, port: int) -> None:
        self.state = state
        self._runner = runner
        self.host, self.port = host, port
        self.base_url = f"http://{host}:{port}"
        self.youtube_endpoint = f"{self.base_url}/"
        self.zoom_base_uri = f"{self.base_url}/v2"
        self.zoom_oauth_uri = f"{self.base_url}{OAUTH_PATH}"
        self.ingestion_address = state.youtube.ingestion_address
        self.webhook_url: str | None = None
        self.webhook_secret: str | None = None
        self._session: aiohttp.ClientSession | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.audiences: list[Audience] = []  # every audience started, for rehearsal reports
        # The streaming chat (gRPC) beside the HTTP server, set by start_sandbox.
        self.grpc_server: Any = None
        self.stream_service: StreamListService | None = None
        self.shoppers: list[Shoppers] = []  # the buyers each audience brought, likewise
        self.vendor_desks: VendorDesks | None = None  # the simulated vendors, once started

    @property
    def grpc_target(self) -> str | None:
        """Where ``liveChatMessages.streamList`` answers (``host:port``, plaintext)."""
        return self.state.grpc_target

    @property
    def faults(self) -> Faults:
        """The fault plan in force."""
        return self.state.faults

    @faults.setter
    def faults(self, faults: Faults) -> None:
        """Change the fault plan, e.g. per test."""
        self.state.faults = faults

    def add_chat_message(self, live_chat_id: str, text: str, **author: Any) -> dict[str, Any]:
        """Type a viewer message into a chat; see SandboxState.add_chat_message."""
        return self.state.add_chat_message(live_chat_id, text, **author)

    def audience(
        self,
        live_chat_id: str,
        codes_on_air: Callable[[], Sequence[str]] | Sequence[str],
        rate: float = 1.0,
        seed: int = 0,
        **options: Any,
    ) -> Audience:
        """Make an audience for a chat (drive it with emit() or run())."""
        return Audience(self.state, live_chat_id, codes_on_air, rate, seed, **options)

    def start_audience(self, *args: Any, **kwargs: Any) -> Audience:
        """Make an audience and let it type in the background until close()."""
        audience = self.audience(*args, **kwargs)
        self.audiences.append(audience)
        task = asyncio.create_task(audience.run())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return audience

    def start_buyers(self, audience: Audience, base_url: str, share: float, seed: int) -> Shoppers:
        """Let a share of ``audience``'s claimers check out and pay at ``base_url``."""
        shoppers = Shoppers(self.state, audience, base_url, share, seed)
        self.shoppers.append(shoppers)
        return shoppers

    async def stop_buyers(self) -> None:
        """Stop every simulated buyer (their records stay)."""
        await asyncio.gather(*(s.stop() for s in self.shoppers))

    def start_vendors(self, base_url: str, links: Mapping[str, str], seed: int) -> VendorDesks:
        """Let one simulated vendor per link (vendor -> token) work its desk at ``base_url``."""
        if self.vendor_desks is None:
            self.vendor_desks = VendorDesks(self.state.clock, base_url, links, seed)
        return self.vendor_desks

    async def stop_vendors(self) -> None:
        """Stop the simulated vendors (their records stay)."""
        if self.vendor_desks is not None:
            await self.vendor_desks.stop()

    def configure_zoom_webhook(self, url: str, secret: str) -> None:
        """Say where Zoom webhooks go and the secret token that signs them."""
        self.webhook_url, self.webhook_secret = url, secret

    async def send_zoom_chat(
        self, meeting_id: int, text: str, sender_name: str = "Budi", **options: Any
    ) -> WebhookDelivery:
        """Send a signed `meeting.chat_message_sent` webhook for a sandbox meeting."""
        meeting = self.state.zoom.meeting(meeting_id)
        message_id = secrets.token_hex(8)
        event = chat_message_event(
            meeting, message_id, text, sender_name, self.state.clock.now(), **options
        )
        return await self._deliver(event)

    async def validate_zoom_webhook(self, plain_token: str = "") -> bool:
        """Send Zoom's URL validation challenge and check the receiver's answer."""
        plain = plain_token or secrets.token_urlsafe(16)
        delivery = await self._deliver(url_validation_event(plain, self.state.clock.now()))
        expected = url_validation_token(self.webhook_secret or "", plain)
        return delivery.status == 200 and f'"{expected}"' in delivery.response_text

    async def _deliver(self, event: dict[str, Any]) -> WebhookDelivery:
        """Sign and post one event to the configured receiver."""
        if not self.webhook_url or self.webhook_secret is None:
            raise RuntimeError("call configure_zoom_webhook(url, secret) before sending webhooks")
        if self._session is None:
            self._session = aiohttp.ClientSession()
        delivery = await deliver(
            self._session, self.webhook_url, self.webhook_secret, event, self.state.clock.now()
        )
        self.state.zoom.webhooks.append(delivery)
        return delivery

    async def close(self) -> None:
        """Stop audiences, buyers, the webhook client and the server."""
        await self.stop_buyers()
        await self.stop_vendors()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
        if self.grpc_server is not None:
            await self.grpc_server.stop(0)
        await self._runner.cleanup()

    async def __aenter__(self) -> Sandbox:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


async def start_sandbox(
    host: str = "127.0.0.1",
    port: int = 0,
    clock: Clock | None = None,
    faults: Faults | None = None,
    config: SandboxConfig | None = None,
    *,
    webhook_url: str | None = None,
    webhook_secret: str | None = None,
    grpc_port: int = 0,
    **settings: Any,
) -> Sandbox:
    """Start the sandbox on a loopback port (0 picks a free one) and return it running."""
    if config is not None and settings:
        raise TypeError(f"pass either config or settings, not both: {sorted(settings)}")
    state = SandboxState(clock, config or SandboxConfig(**settings), faults)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    bound_port = sock.getsockname()[1]
    state.youtube.ingestion_address = f"rtmp://{host}:{bound_port}/live2"
    runner = web.AppRunner(
        create_app(state), shutdown_timeout=0.5, handler_cancellation=True, access_log=None
    )
    await runner.setup()
    await web.SockSite(runner, sock).start()
    sandbox = Sandbox(state, runner, host, bound_port)
    sandbox.grpc_server, sandbox.stream_service = await start_grpc(state, host, grpc_port)
    if webhook_url and webhook_secret is not None:
        sandbox.configure_zoom_webhook(webhook_url, webhook_secret)
    return sandbox
