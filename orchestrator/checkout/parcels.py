"""A buyer's claims as parcels, one per vendor: what each holds, weighs and costs. Pure.

Claims not yet in a parcel that was paid for join the vendor's **open** parcel, so a
buyer who claims again later sees the new items in it. A parcel the buyer said they
paid for keeps its items and total; later claims of that vendor make a new open one.
Claims on the waiting list are shown but not charged; expired and cancelled ones are
kept for the record.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence

from orchestrator.checkout.model import (
    CANCELLED,
    EXPIRED,
    UNPAID,
    Line,
    ParcelRow,
    ParcelView,
    ShippingCost,
)
from orchestrator.orders.model import CONFIRMED, NEW, PAID, SHIPPED, WAITING, Order
from schedules.model import Event

DEFAULT_WEIGHT_G = 1000  # a product without a weight counts as a kilogram
CHARGED = frozenset({NEW, CONFIRMED, PAID, SHIPPED})
TRANSFER_CODES = range(1, 1000)

# (vendor id, weight in grams) -> what the courier costs to this buyer
ShippingFor = Callable[[str, int], ShippingCost]


def line_of(order: Order, event: Event | None) -> Line:
    product = event.product(order.code) if event else None
    weight = (product.weight_g if product else None) or DEFAULT_WEIGHT_G
    name = product.name if product else order.code
    return Line(order.id, order.code, name, order.qty, order.price_idr, order.status, weight,
                order.hold_until)  # fmt: skip


def parcel_views(
    orders: Sequence[Order],
    rows: Sequence[ParcelRow],
    assigned: Mapping[int, int],
    event: Event | None,
    shipping_for: ShippingFor,
) -> list[ParcelView]:
    """Every parcel of one buyer, newest vendor activity last.

    ``rows`` are the buyer's stored parcels, ``assigned`` maps an order id to the parcel
    that holds it for good (set when the buyer said they paid).
    """
    by_row: dict[int, list[Order]] = {}
    loose: dict[str, list[Order]] = {}
    for order in orders:
        parcel = assigned.get(order.id)
        if parcel is not None:
            by_row.setdefault(parcel, []).append(order)
        else:
            loose.setdefault(order.vendor_id, []).append(order)
    views = []
    open_rows = {r.vendor_id: r for r in rows if r.status == UNPAID}
    for row in rows:
        if row.status == UNPAID:
            continue
        views.append(_fixed_view(row, by_row.get(row.id, []), event))
    for vendor_id, claims in loose.items():
        views.append(_open_view(vendor_id, open_rows.get(vendor_id), claims, event, shipping_for))
    return sorted(views, key=lambda v: (v.parcel_id is None, v.parcel_id or 0, v.vendor_id))


def _vendor_name(event: Event | None, vendor_id: str) -> str:
    vendor = event.vendor(vendor_id) if event else None
    return vendor.name if vendor else vendor_id


def _split(claims: Iterable[Order], event: Event | None) -> tuple[list, list, list]:
    lines, waiting, gone = [], [], []
    for order in claims:
        line = line_of(order, event)
        if order.status in CHARGED:
            lines.append(line)
        elif order.status == WAITING:
            waiting.append(line)
        else:
            gone.append(line)
    return lines, waiting, gone


def _open_view(
    vendor_id: str,
    row: ParcelRow | None,
    claims: Sequence[Order],
    event: Event | None,
    shipping_for: ShippingFor,
) -> ParcelView:
    lines, waiting, gone = _split(claims, event)
    status = UNPAID
    if not lines and not waiting:
        status = EXPIRED if any(line.status == "expired" for line in gone) else CANCELLED
    weight = sum(line.weight_g * line.qty for line in lines)
    shipping = shipping_for(vendor_id, weight)
    if shipping.idr is None and row is not None and row.shipping_idr is not None:
        shipping = ShippingCost(row.shipping_idr, note="ongkir dari penjual")  # a quote
    return ParcelView(
        parcel_id=row.id if row else None, vendor_id=vendor_id,
        vendor_name=_vendor_name(event, vendor_id), status=status, lines=tuple(lines),
        waiting=tuple(waiting), gone=tuple(gone), shipping=shipping,
        transfer_code=row.transfer_code if row else None, note=row.note if row else None,
    )  # fmt: skip


def _fixed_view(row: ParcelRow, claims: Sequence[Order], event: Event | None) -> ParcelView:
    lines, waiting, gone = _split(claims, event)
    return ParcelView(
        parcel_id=row.id, vendor_id=row.vendor_id,
        vendor_name=_vendor_name(event, row.vendor_id), status=row.status,
        lines=tuple(lines), waiting=tuple(waiting), gone=tuple(gone),
        shipping=ShippingCost(row.shipping_idr), transfer_code=row.transfer_code,
        method=row.method, fixed_total_idr=row.total_idr, courier=row.courier,
        resi=row.resi, note=row.note,
    )  # fmt: skip


def pick_transfer_code(
    amount: int, taken: Collection[int], rng: secrets.SystemRandom | None = None
) -> int:
    """A code 1-999 whose ``amount + code`` is none of the ``taken`` transfer amounts.

    ``taken`` holds the exact amounts of the vendor's other parcels waiting for a
    transfer, so no two of them ask for the same sum.
    """
    free = [c for c in TRANSFER_CODES if amount + c not in taken]
    if not free:
        raise ValueError("no free transfer code for this amount")
    return (rng or secrets.SystemRandom()).choice(free)
