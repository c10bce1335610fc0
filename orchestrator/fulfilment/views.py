"""The vendor's parcels as their desk and labels show them. Pure: stored rows in, plain
data out (every string still raw: the templates escape it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from orchestrator.checkout.model import (
    METHOD_LABELS,
    PARCEL_LABELS,
    PICKUP,
    SHIPPED,
    TRANSFER,
    UNPAID,
    Details,
)
from orchestrator.checkout.parcels import DEFAULT_WEIGHT_G
from orchestrator.fulfilment import rules, whatsapp
from orchestrator.fulfilment.store import DeskParcel
from schedules.model import Event

# (parcel) -> the event's shipping price, None when the vendor must quote
TariffOf = Callable[[DeskParcel], "int | None"]


@dataclass(frozen=True)
class LineView:
    code: str
    name: str
    qty: int
    price_idr: int
    total_idr: int


@dataclass(frozen=True)
class ParcelCard:
    """One parcel on the desk (and on its label)."""

    id: int
    status: str
    label: str
    group: str
    buyer: str
    whatsapp: str
    address: tuple[str, ...]
    pickup: bool
    lines: tuple[LineView, ...]
    items_idr: int
    shipping_idr: int | None
    total_idr: int | None
    transfer_idr: int | None
    weight_g: int
    method: str
    paid_idr: int | None
    paid_at: datetime | None
    proof_id: int | None
    courier: str
    resi: str
    tracking: str | None
    resi_warning: str | None
    note: str
    actions: tuple[str, ...]
    needs_quote: bool
    deadline: datetime | None
    wa_link: str | None
    created_at: datetime


def address_lines(details: Details, pickup_town: str) -> tuple[str, ...]:
    """The recipient's address as a label prints it, one line a row."""
    if details.delivery == PICKUP:
        return (f"Ambil sendiri di {pickup_town}",)
    if details.abroad:
        return (details.street, details.country)
    place = ", ".join(x for x in (details.district, details.regency) if x)
    last = " ".join(x for x in (details.province, details.postal_code) if x)
    return tuple(x for x in (details.street, place, last) if x)


PER_PAGE = 25  # a phone scrolls through 25 cards; the rest are a tap away
# Work queues are served oldest first (who paid first is packed first); the rest newest.
_OLDEST_FIRST = frozenset({rules.TO_CONFIRM, rules.TO_PACK, rules.TO_SHIP})


@dataclass(frozen=True)
class Selection:
    """Which parcels the desk draws: one group, one page of it, and every group's count."""

    group: str
    counts: dict[str, int]
    ids: list[int]
    page: int
    pages: int


def select(statuses: Sequence[tuple[int, str]], wanted: str, page: int) -> Selection:
    """One page of one group (``wanted``, else the first group with parcels in it), from
    the vendor's (parcel id, status) pairs, oldest first.

    A phone draws a page of cards, not 2,000: the counts say how many wait in each group.
    """
    by: dict[str, list[int]] = {g: [] for g in rules.GROUPS}
    for parcel_id, status in statuses:
        by[rules.group_of(status)].append(parcel_id)
    group = wanted if wanted in by else next((g for g in rules.GROUPS if by[g]), rules.TO_CONFIRM)
    chosen = by[group] if group in _OLDEST_FIRST else by[group][::-1]
    pages = max(1, -(-len(chosen) // PER_PAGE))
    page = min(max(page, 1), pages)
    shown = chosen[(page - 1) * PER_PAGE : page * PER_PAGE]
    return Selection(group, {g: len(v) for g, v in by.items()}, shown, page, pages)


def cards(
    parcels: Sequence[DeskParcel], event: Event | None, tariff_of: TariffOf, pay_url: str,
    tz: ZoneInfo,
) -> list[ParcelCard]:  # fmt: skip
    """These parcels as the desk's cards, in the order given."""
    names = {p.code: p.name for p in event.products} if event else {}
    weights = {p.code: p.weight_g or DEFAULT_WEIGHT_G for p in event.products} if event else {}
    vendors = {v.id: v.name for v in event.vendors} if event else {}
    town = event.pickup_town if event else ""
    return [_card(p, names, weights, vendors, town, tariff_of, pay_url, tz) for p in parcels]


def _card(p: DeskParcel, names, weights, vendors, town, tariff_of, pay_url, tz) -> ParcelCard:
    row, details = p.row, p.details
    lines = tuple(LineView(x.code, names.get(x.code, x.code), x.qty, x.price_idr, x.total_idr)
                  for x in p.lines)  # fmt: skip
    weight = sum(x.qty * weights.get(x.code, DEFAULT_WEIGHT_G) for x in lines)
    is_open = row.status == UNPAID
    items = sum(x.total_idr for x in lines) if is_open else (row.items_idr or 0)
    tariff = tariff_of(p) if is_open and details.delivery != PICKUP else None
    shipping = tariff if tariff is not None else row.shipping_idr
    needs_quote = is_open and details.delivery != PICKUP and tariff is None and bool(lines)
    total = (items + shipping if shipping is not None else None) if is_open else row.total_idr
    transfer = None
    if total is not None and row.transfer_code is not None and row.method in (None, TRANSFER):
        transfer = total + row.transfer_code
    holds = [x.hold_until for x in p.lines if x.hold_until is not None and x.status == "new"]
    deadline = min(holds) if is_open and holds else None
    courier = rules.courier_name(row.courier)
    tracking = rules.tracking_url(row.courier, row.resi)
    actions = rules.actions_for(row.status, tariff_known=not needs_quote)
    if is_open and not needs_quote:
        actions = [a for a in actions if a != rules.QUOTE]
    chat = whatsapp.Chat(
        details.name, vendors.get(row.vendor_id, row.vendor_id), row.status, total, pay_url,
        deadline, courier, row.resi or "", tracking, row.note or "",
    )  # fmt: skip
    return ParcelCard(
        id=row.id, status=row.status, label=PARCEL_LABELS.get(row.status, row.status),
        group=rules.group_of(row.status), buyer=details.name, whatsapp=details.whatsapp,
        address=address_lines(details, town), pickup=details.delivery == PICKUP,
        lines=lines, items_idr=items, shipping_idr=shipping, total_idr=total,
        transfer_idr=transfer, weight_g=weight,
        method=METHOD_LABELS.get(row.method or "", row.method or ""),
        paid_idr=p.payment.amount_idr if p.payment else None,
        paid_at=p.payment.at if p.payment else None,
        proof_id=p.payment.id if p.payment and p.payment.has_proof else None,
        courier=courier, resi=row.resi or "", tracking=tracking,
        resi_warning=rules.resi_warning(row.courier or "", row.resi or "")
        if row.status == SHIPPED else None,
        note=row.note or "", actions=tuple(actions), needs_quote=needs_quote,
        deadline=deadline, wa_link=whatsapp.wa_link(details.whatsapp, whatsapp.message(chat, tz)),
        created_at=row.created_at,
    )  # fmt: skip
