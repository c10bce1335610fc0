"""From the rotation and the order desk to the overlay hub: one overlay state per channel.

It listens to the ``rotation`` and ``orders`` topics, keeps what the host has taken over
on each channel's overlay (kept in SQLite so a restart shows the same thing), and
republishes a channel's state whenever any of its inputs changes: at most once per page of
orders. The hub skips states that did not really change.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable
from dataclasses import asdict

from aiohttp import web
from sqlite_utils import Database

from kernel.db import Store, apply_migrations
from kernel.errors import BadInput, NotFound
from kernel.forms import read_json_object
from kernel.keys import BRIDGE, HUB
from kernel.publisher import Message, Publisher
from orchestrator.orders.desk import TOPIC as ORDERS
from orchestrator.rotation.engine import ChannelState
from orchestrator.rotation.service import TOPIC as ROTATION
from orchestrator.rotation.service import Rotation
from overlays.hub import Hub
from overlays.state import HostOverlay, OnAir, OverlayActionError, apply_action, build_state


def on_air(state: ChannelState) -> OnAir:
    """Translate the engine's answer into the overlay's plain input."""
    slot = state.slot
    return OnAir(
        status=state.status,
        slot_id=slot.id if slot else None,
        vendor_id=slot.vendor_id if slot else None,
        product_codes=tuple(slot.products) if slot else (),
        title=slot.title if slot else "",
        start=state.start,
        end=state.end,
        next_vendor_id=state.next_slot.vendor_id if state.next_slot else None,
        next_start=state.next_start,
        held=state.status == "held",
    )


def _table(db: Database) -> None:
    db["overlay_host"].create({"channel": str, "overlay": str}, pk="channel")


def load_host_overlays(db: Database) -> dict[str, HostOverlay]:
    apply_migrations(db, "overlay_host", [_table])
    rows = db.query("SELECT * FROM overlay_host")
    return {r["channel"]: HostOverlay(**json.loads(r["overlay"])) for r in rows}


def save_host_overlay(db: Database, channel: str, overlay: HostOverlay) -> None:
    with db.atomic():
        db["overlay_host"].upsert(
            {"channel": channel, "overlay": json.dumps(asdict(overlay))}, pk="channel"
        )


class OverlayBridge:
    """Build and publish each channel's overlay state from everything that feeds it."""

    def __init__(
        self, hub: Hub, rotation: Rotation, the_store: Store, settings, publisher: Publisher
    ) -> None:
        self.hub, self.rotation, self.store, self.settings = hub, rotation, the_store, settings
        self.publisher = publisher
        self.host: dict[str, HostOverlay] = {}
        self.sold_out: frozenset[str] = frozenset()
        self.ticker: dict[str, deque] = {}
        self._unlisten: list[Callable[[], None]] = []

    async def start(self) -> None:
        """Load the host's takeovers, listen to the rotation, publish every channel."""
        self.host = await self.store.run(load_host_overlays)
        self._unlisten = [
            self.publisher.listen(ROTATION, self._on_rotation),
            self.publisher.listen(ORDERS, self._on_orders),
        ]
        self.push_all()

    def stop(self) -> None:
        for unlisten in self._unlisten:
            unlisten()
        self._unlisten = []

    def _on_rotation(self, message: Message) -> None:
        self.push(message.channel)

    def _on_orders(self, message: Message) -> None:
        """Take what a page of orders changed on one channel, then push that channel once.

        The desk sends each channel one message a page: its new orders for the ticker
        and the sold-out set (every channel hears a change of that set).
        """
        news, channel = message.data, message.channel
        self.sold_out = news["sold_out"]
        if channel not in self.rotation.channels:
            return
        if news["ticker"]:
            entries = self.ticker.setdefault(channel, deque(maxlen=self.settings.ticker_size))
            entries.extend(news["ticker"])
        self.push(channel)

    def push(self, channel: str) -> None:
        """Publish the channel's overlay state now (the hub drops it if nothing changed)."""
        state = build_state(
            self.rotation.event,
            channel,
            on_air(self.rotation.state(channel)),
            host=self.host.get(channel),
            sold_out=self.sold_out,
            ticker=list(self.ticker.get(channel, ())),
            settings=self.settings,
        )
        self.hub.publish(channel, state)

    def push_all(self) -> None:
        for channel in self.rotation.channels:
            self.push(channel)

    async def act(self, channel: str, action: str, value: str | None) -> HostOverlay:
        """Apply a host overlay action, store it, and publish the result."""
        if channel not in self.rotation.channels:
            raise NotFound(f"kanal {channel!r} tidak ada (unknown channel)")
        try:
            overlay = apply_action(self.host.get(channel, HostOverlay()), action, value)
        except OverlayActionError as err:
            raise BadInput(str(err)) from err
        if overlay.card_code and self.rotation.event.product(overlay.card_code) is None:
            raise BadInput(f"produk {overlay.card_code!r} tidak ada (unknown product code)")
        await self.store.run(save_host_overlay, channel, overlay)
        self.host[channel] = overlay
        self.push(channel)
        return overlay

    def on_air_now(self) -> list[dict]:
        """What each channel has on air, for the order-link landing page."""
        result = []
        for channel, run in self.rotation.channels.items():
            state = run.state
            if (
                state is None
                or state.slot is None
                or state.status not in ("on_air", "host", "held")
            ):
                continue
            title = next((c.title for c in self.rotation.event.channels if c.id == channel), "")
            slot = state.slot
            result.append(
                {"channel": channel, "title": title or channel, "slot_id": slot.id,
                 "vendor_id": slot.vendor_id, "codes": list(slot.products)}
            )  # fmt: skip
        return result


async def overlay_action(request: web.Request) -> web.Response:
    """Host takes over (or gives back) a channel's overlay: ``{"action": ..., "value": ...}``."""
    body = await read_json_object(request)
    bridge = request.config_dict[BRIDGE]
    overlay = await bridge.act(
        request.match_info["channel"], str(body.get("action", "")), body.get("value")
    )
    return web.json_response(asdict(overlay))


async def overlay_pages(request: web.Request) -> web.Response:
    """List the overlay pages connected now (OBS sources and browsers), and how many
    viewers have each channel's live page open."""
    hub = request.config_dict[HUB]
    return web.json_response({"pages": [p.as_dict() for p in hub.pages()],
                              "viewers": hub.viewers()})  # fmt: skip


async def overlay_reload(request: web.Request) -> web.Response:
    """Make every overlay page (or one channel's) reload itself, e.g. after an upgrade."""
    body = await read_json_object(request, empty=True)
    count = request.config_dict[HUB].reload(body.get("channel"))
    return web.json_response({"reloaded": count})
