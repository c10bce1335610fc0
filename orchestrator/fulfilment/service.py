"""The vendor's desk, async side: read a vendor's parcels, do their actions, tell the pages.

Each action is one transaction on the store's thread; a cancel goes through the order
desk, so its stock moves the waiting list up like every other cancel. Afterwards the
buyer's ``/bayar`` page is woken (topic ``checkout``, the buyer's id) and the vendor's
desk too (topic ``fulfilment``, the vendor's id); orders moved along are published by
the order desk as usual.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from kernel.clock import Clock
from kernel.db import Store
from kernel.errors import BadInput, NotFound
from kernel.publisher import Publisher
from orchestrator.checkout.costs import shipping_cost
from orchestrator.checkout.parcels import DEFAULT_WEIGHT_G
from orchestrator.checkout.service import TOPIC as CHECKOUT_TOPIC
from orchestrator.fulfilment import onair, rules
from orchestrator.fulfilment import store as desk_store
from orchestrator.orders.desk import OrderDesk
from orchestrator.orders.holds import hold_hours
from schedules.feed import ScheduleFeed
from schedules.model import Event

TOPIC = "fulfilment"


@dataclass(frozen=True)
class Request:
    """A vendor's action as their form sent it (text still unchecked)."""

    action: str
    status_seen: str
    reason: str = ""
    courier: str = ""
    resi: str = ""
    quote: str = ""


class Fulfilment:
    """The vendors' desks: their parcels, and the actions that move them."""

    def __init__(
        self, the_store: Store, publisher: Publisher, feed: ScheduleFeed, clock: Clock,
        desk: OrderDesk, proofs_dir: Path,
    ) -> None:  # fmt: skip
        self.store, self.publisher, self.feed, self.clock = the_store, publisher, feed, clock
        self.desk = desk
        self.proofs_dir = proofs_dir

    @property
    def event(self) -> Event | None:
        return self.feed.current().event

    async def statuses(self, vendor_id: str) -> list[tuple[int, str]]:
        return await self.store.run(desk_store.vendor_statuses, vendor_id)

    async def parcels(self, vendor_id: str, ids: list[int]) -> list[desk_store.DeskParcel]:
        """Those of ``ids`` that are the vendor's parcels, in the order of ``ids``."""
        found = await self.store.run(desk_store.vendor_parcels, vendor_id, ids)
        by_id = {p.row.id: p for p in found}
        return [by_id[i] for i in ids if i in by_id]

    async def turn(self, vendor_id: str) -> tuple[onair.Turn | None, str | None]:
        """The vendor's slot now or next, and the day's Zoom join link when stored."""
        turn = onair.next_turn(self.event, vendor_id, self.clock.now())
        if turn is None:
            return None, None
        return turn, await self.store.run(onair.join_url, turn.slot.channel, turn.day)

    async def proof(self, vendor_id: str | None, payment_id: int) -> tuple[bytes, str]:
        """The receipt photo of a payment (of ``vendor_id``'s parcel, or any for organisers)."""
        found = await self.store.run(desk_store.proof_of, vendor_id, payment_id)
        if found is None:
            raise NotFound("Bukti bayar tidak ada (no receipt).")
        name, kind = found
        path = self.proofs_dir / Path(name).name  # only a name of ours, never a path
        try:
            data = await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError as error:
            raise NotFound("Foto bukti bayar tidak ditemukan.") from error
        return data, kind

    async def act(self, vendor_id: str, parcel_id: int, req: Request) -> desk_store.Done:
        """Check and do one action of the vendor on their own parcel; wake the pages."""
        act = await self._checked(vendor_id, parcel_id, req)
        done = await self.desk.write_then_cancel(
            lambda db: desk_store.act(db, act, self.clock.now()),
            lambda result: result.to_cancel, by=act.by,
        )  # fmt: skip
        if done.moved:
            await self.desk.orders_changed(list(done.moved))
        self.publisher.publish(CHECKOUT_TOPIC, str(done.parcel.buyer_id), None)
        self.publisher.publish(TOPIC, vendor_id, {"parcel": parcel_id})
        return done

    async def _checked(self, vendor_id: str, parcel_id: int, req: Request) -> desk_store.Act:
        if req.action not in rules.ALLOWED:
            raise BadInput(f"Aksi {req.action!r} tidak dikenal (unknown action).")
        reason = rules.clean_reason(req.reason)
        if req.action in (rules.REJECT, rules.CANCEL) and not reason:
            raise BadInput("Tulis alasannya; pembeli akan membacanya.")
        courier, resi, quote = "", "", None
        if req.action == rules.SHIP:
            courier, resi = req.courier, rules.clean_resi(req.resi)
            if courier not in rules.COURIER_BY_CODE:
                raise BadInput("Pilih kurir dari daftar.")
            if not resi:
                raise BadInput("Isi nomor resi.")
        tariff_known = False
        if req.action == rules.QUOTE:
            quote = rules.read_quote(req.quote)
            if quote is None:
                raise BadInput("Ongkir harus angka Rupiah utuh, mis. 45000.")
            tariff_known = await self._tariff_known(vendor_id, parcel_id)
        event = self.event
        vendor = event.vendor(vendor_id) if event else None
        hours = hold_hours(
            vendor.hold_hours if vendor else None, event.hold_hours if event else None
        )
        return desk_store.Act(
            vendor_id, parcel_id, req.action, by=f"penjual {vendor_id}",
            status_seen=req.status_seen, reason=reason, courier=courier, resi=resi,
            quote_idr=quote, tariff_known=tariff_known, hold_hours=hours,
        )  # fmt: skip

    async def _tariff_known(self, vendor_id: str, parcel_id: int) -> bool:
        """Whether the event's shipping table prices this parcel (then no quote is taken)."""
        found = await self.store.run(desk_store.vendor_parcel, vendor_id, parcel_id)
        return self.tariff(found) is not None

    def tariff(self, parcel: desk_store.DeskParcel) -> int | None:
        """The event's shipping price of the parcel; None when the vendor must quote it."""
        weight = sum(line.qty * self._weight(line.code) for line in parcel.lines)
        cost = shipping_cost(self.event, parcel.details, parcel.row.vendor_id, weight)
        return cost.idr

    def _weight(self, code: str) -> int:
        product = self.event.product(code) if self.event else None
        return (product.weight_g if product else None) or DEFAULT_WEIGHT_G
