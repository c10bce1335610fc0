"""The courier's price for one parcel, from the organisers' tariff sheet: pure arithmetic.

Destinations are the names ``schedules.regions`` gives (the loader writes every tariff row
that way), so a buyer's chosen province and regency compare as plain text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from schedules.model import ShippingRate

GRAMS_PER_KG = 1000


@dataclass(frozen=True)
class Quote:
    """What sending one parcel costs, how long it takes, and which tariff row said so."""

    cost_idr: int
    days: str
    destination: str


def billed_kg(weight_g: int) -> int:
    """Couriers bill whole kilograms, rounded up, and at least one."""
    return max(1, -(-weight_g // GRAMS_PER_KG))


def quote(
    rates: Sequence[ShippingRate], province: str, regency: str, weight_g: int
) -> Quote | None:
    """Price a parcel to ``regency`` in ``province``; the regency's own row beats the province's.

    ``None`` when no row applies (abroad, or a province without a tariff): the parcel
    waits for the vendor's own quote.
    """
    rate = _row(rates, regency) or _row(rates, province)
    if rate is None:
        return None
    cost = rate.first_kg_idr + (billed_kg(weight_g) - 1) * rate.next_kg_idr
    return Quote(cost, rate.days, rate.destination)


def _row(rates: Sequence[ShippingRate], destination: str) -> ShippingRate | None:
    if not destination:
        return None
    return next((r for r in rates if r.destination == destination), None)
