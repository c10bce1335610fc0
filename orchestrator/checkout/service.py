"""The checkout's async side: buyers, their pages' data, payments, and who to tell.

It follows the schedule feed for the event, listens to the order desk (``orders`` and
chat commands) to wake the pages of the buyers whose claims changed, and publishes
``checkout`` with the buyer's id as the channel. Everything it writes goes through the
store's thread, one transaction per step.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kernel.clock import Clock
from kernel.db import Store
from kernel.errors import BadInput, Conflict, NotFound
from kernel.publisher import Message, Publisher
from kernel.qris import QrisError, dynamic
from orchestrator.checkout import binding
from orchestrator.checkout import store as checkout_store
from orchestrator.checkout.costs import shipping_cost
from orchestrator.checkout.model import (
    QRIS,
    TRANSFER,
    UNPAID,
    WEB,
    Buyer,
    Details,
    ParcelRow,
    ParcelView,
)
from orchestrator.checkout.parcels import parcel_views
from orchestrator.checkout.proofs import Proof
from orchestrator.checkout.schema import migrate
from orchestrator.orders.desk import COMMANDS_TOPIC, OrderDesk
from orchestrator.orders.desk import TOPIC as ORDERS_TOPIC
from orchestrator.orders.model import ChatMessage, IngestResult
from schedules.feed import ScheduleFeed
from schedules.model import Event

log = logging.getLogger(__name__)

TOPIC = "checkout"
# A vendor's parcels changed on the buyer's side (opened, re-priced, paid): the channel is
# the vendor's id, so each vendor's desk hears only its own.
VENDOR_TOPIC = "checkout.vendor"
MAX_LINK_QTY = 99


@dataclass(frozen=True)
class BuyerPage:
    """What the buyer's page shows."""

    buyer: Buyer
    parcels: list[ParcelView]
    code: str | None  # the code to type in chat, or None when it cannot be had
    code_expires: datetime | None
    event: Event | None

    @property
    def chat_bound(self) -> bool:
        return any(platform != WEB for platform, _, _ in self.buyer.authors)


class Checkout:
    """Buyers' checkout: pages, bindings, payments; wakes buyers' pages when things move."""

    def __init__(
        self,
        the_store: Store,
        publisher: Publisher,
        feed: ScheduleFeed,
        clock: Clock,
        desk: OrderDesk,
        proofs_dir: Path,
    ) -> None:
        self.store, self.publisher, self.feed, self.clock = the_store, publisher, feed, clock
        self.desk = desk
        self.proofs_dir = proofs_dir
        self._stops: list[Callable[[], None]] = []
        self._tasks: set[asyncio.Task] = set()

    async def start(self) -> None:
        await self.store.run(migrate)
        self._stops = [
            self.publisher.listen(ORDERS_TOPIC, self._on_orders),
            self.publisher.listen(COMMANDS_TOPIC, self._on_commands),
        ]

    async def stop(self) -> None:
        for stop in self._stops:
            stop()
        self._stops = []
        await asyncio.gather(*self._tasks, return_exceptions=True)

    @property
    def event(self) -> Event | None:
        return self.feed.current().event

    # -- telling buyers' pages ---------------------------------------------------------

    def _wake(self, buyer_ids) -> None:
        for buyer_id in sorted(set(buyer_ids)):
            self.publisher.publish(TOPIC, str(buyer_id), None)

    def _on_orders(self, message: Message) -> None:
        data = message.data or {}
        ids = [i for key in ("created", "cancelled", "promoted", "updated", "expired")
               for i in data.get(key, ())]  # fmt: skip
        if ids:
            self._spawn(self._wake_owners(ids))

    async def _wake_owners(self, order_ids: list[int]) -> None:
        self._wake(await self.store.run(checkout_store.buyers_of_orders, order_ids))

    def _on_commands(self, message: Message) -> None:
        for attempt in message.data or ():
            if not isinstance(attempt, binding.Attempt):
                continue
            if attempt.result in (binding.BOUND, binding.AGAIN) and attempt.buyer_id:
                self._wake([attempt.buyer_id])
            text = _bind_reply(attempt)
            if text:
                self.desk.say(attempt.platform, attempt.channel, text)

    def _spawn(self, work) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- buyers ------------------------------------------------------------------------

    async def begin(self) -> tuple[Buyer, str]:
        """A new buyer for a browser that has none: the buyer and the cookie's secret."""
        buyer_id, secret = await self.store.run(checkout_store.new_buyer, self.clock.now())
        return await self.store.run(checkout_store.buyer_by_id, buyer_id), secret

    async def buyer(self, secret: str) -> Buyer | None:
        return await self.store.run(checkout_store.buyer_by_secret, secret)

    async def page(self, buyer: Buyer) -> BuyerPage:
        """The buyer's parcels as they stand, their open parcels stored with a transfer code."""
        event = self.event
        data = await self.store.run(checkout_store.buyer_data, buyer.id)
        views = self._views(data, event)
        wanted = [
            checkout_store.OpenParcel(v.vendor_id, v.items_idr, v.shipping.idr, v.weight_g)
            for v in views
            if v.status == UNPAID and v.lines
        ]
        if wanted and _changed(data.parcels, wanted):
            await self.store.run(checkout_store.sync_open, buyer.id, wanted, self.clock.now())
            for vendor_id in sorted({w.vendor_id for w in wanted}):
                self.publisher.publish(VENDOR_TOPIC, vendor_id, None)
            data = await self.store.run(checkout_store.buyer_data, buyer.id)
            views = self._views(data, event)
        code, expires = None, None
        try:
            code, expires = await self.store.run(binding.issue_code, buyer.id, self.clock.now())
        except RuntimeError:
            log.warning("No binding code free for buyer %s", buyer.id)
        return BuyerPage(data.buyer, views, code, expires, event)

    def _views(self, data: checkout_store.BuyerData, event: Event | None) -> list[ParcelView]:
        details = data.buyer.details

        def shipping_for(vendor_id: str, weight_g: int):
            return shipping_cost(event, details, vendor_id, weight_g)

        return parcel_views(data.orders, data.parcels, data.assigned, event, shipping_for)

    async def save_details(self, buyer: Buyer, details: Details) -> None:
        await self.store.run(checkout_store.save_details, buyer.id, details, self.clock.now())
        self._wake([buyer.id])

    # -- paying ------------------------------------------------------------------------

    async def open_parcel(self, buyer: Buyer, parcel_id: int) -> ParcelView:
        """The buyer's parcel as the page shows it now (NotFound when not theirs)."""
        page = await self.page(buyer)
        for view in page.parcels:
            if view.parcel_id == parcel_id:
                return view
        raise NotFound("paket tidak ada (parcel not found)")

    def qris_for(self, view: ParcelView) -> str:
        """The dynamic QRIS payload for the parcel's exact total (BadInput when impossible)."""
        vendor = self.event.vendor(view.vendor_id) if self.event else None
        if vendor is None or not vendor.qris:
            raise BadInput("Penjual ini belum punya QRIS; pilih transfer bank.")
        if view.total_idr is None:
            raise Conflict("Ongkir belum diketahui; tunggu penawaran penjual.")
        try:
            return dynamic(vendor.qris, view.total_idr)
        except QrisError as error:
            raise BadInput(f"QRIS penjual tidak bisa dipakai: {error}") from error

    async def claim_paid(
        self, buyer: Buyer, parcel_id: int, method: str, amount_seen: int, request_id: str,
        proof: Proof | None = None,
    ) -> None:  # fmt: skip
        """The buyer says they paid the parcel: fix it and tell the vendor's side."""
        if not buyer.details.complete:
            raise BadInput("Lengkapi nama, WhatsApp dan alamat dulu.")
        view = await self.open_parcel(buyer, parcel_id)
        if view.status != UNPAID:
            raise Conflict("Paket ini sudah tidak menunggu pembayaran.")
        if view.total_idr is None or view.shipping.idr is None:
            raise Conflict("Ongkir belum diketahui; tunggu penawaran penjual.")
        if method not in (QRIS, TRANSFER):
            raise BadInput("Pilih cara bayar: QRIS atau transfer.")
        amount = view.transfer_idr if method == TRANSFER else view.total_idr
        if amount != amount_seen:
            raise Conflict("Total berubah sejak halaman dibuka; periksa lagi lalu bayar.")
        stored = await asyncio.to_thread(proof.save, self.proofs_dir) if proof else None
        claim = checkout_store.PaidClaim(
            buyer.id, parcel_id, method, amount, tuple(line.order_id for line in view.lines),
            view.items_idr, view.shipping.idr, request_id[:64],
            stored.name if stored else None, proof.kind if proof else None,
        )  # fmt: skip
        _, moved = await self.store.run(checkout_store.claim_paid, claim, self.clock.now())
        if moved:
            await self.desk.orders_changed(moved)
        self._wake([buyer.id])
        self.publisher.publish(VENDOR_TOPIC, view.vendor_id, None)

    # -- ordering on our own pages -----------------------------------------------------

    async def order_by_link(
        self, buyer: Buyer, code: str, qty: int, request_id: str
    ) -> IngestResult:
        """Claim ``qty`` of ``code`` for the buyer without the chat, once per ``request_id``."""
        if not 1 <= qty <= MAX_LINK_QTY:
            raise BadInput(f"Jumlah 1 sampai {MAX_LINK_QTY}.")
        product = self.event.product(code) if self.event else None
        if product is None:
            raise NotFound(f"kode {code} tidak ada")
        await self.store.run(checkout_store.bind_web, buyer.id, self.clock.now())
        message = ChatMessage(
            platform=WEB, message_id=f"{buyer.id}-{request_id[:64]}", channel="",
            author_id=checkout_store.web_author(buyer.id),
            author_name=buyer.details.name or "Pembeli", text=f"{product.code} {qty}",
            published_at=self.clock.now(),
        )  # fmt: skip
        result = await self.desk.ingest([message])
        self._wake([buyer.id])
        return result


def _changed(rows: list[ParcelRow], wanted: list[checkout_store.OpenParcel]) -> bool:
    """Whether the open parcels on the page differ from the stored ones (a write is due)."""
    stored = {r.vendor_id: (r.items_idr, r.shipping_idr) for r in rows if r.status == UNPAID}
    return any(stored.get(w.vendor_id) != (w.items_idr, w.shipping_idr) for w in wanted)


def _bind_reply(attempt: binding.Attempt) -> str | None:
    name = attempt.author_name.split()[0] if attempt.author_name.split() else "kak"
    if attempt.result == binding.BOUND:
        return f"@{name} terhubung ke halaman pembayaran. Lanjutkan di sana ya."
    if attempt.result == binding.TAKEN:
        return f"@{name} akun chat ini sudah terhubung ke perangkat lain."
    if attempt.result == binding.WRONG:
        return f"@{name} kode BAYAR salah atau kedaluwarsa; lihat kode di halaman pembayaran."
    return None


def new_request_id() -> str:
    return secrets.token_urlsafe(12)
