"""Shipping quotes: whole kilograms rounded up, first kilo then each next, regency first."""

from __future__ import annotations

import pytest

from schedules.model import ShippingRate
from schedules.shipping import Quote, billed_kg, quote

RATES = [
    ShippingRate("Kabupaten Jember", 8000, 5000, "1"),
    ShippingRate("Jawa Timur", 11000, 8000, "1-2"),
    ShippingRate("Papua Pegunungan", 110000, 99000, "7-12"),
]


@pytest.mark.parametrize(
    ("grams", "kg"), [(0, 1), (1, 1), (999, 1), (1000, 1), (1001, 2), (2000, 2), (2500, 3)]
)
def test_weight_is_billed_in_whole_kilograms_rounded_up_at_least_one(grams, kg) -> None:
    """0 g and 1 g are 1 kg, 1,000 g is 1 kg, 1,001 g is 2 kg."""
    assert billed_kg(grams) == kg


def test_a_regency_row_beats_its_province_row() -> None:
    """Jember, 2.5 kg: 3 kg at Jember's tariff, 8,000 + 2 x 5,000 = 18,000, one day."""
    assert quote(RATES, "Jawa Timur", "Kabupaten Jember", 2500) == Quote(
        18000, "1", "Kabupaten Jember"
    )


def test_another_regency_of_the_province_uses_the_province_row() -> None:
    """Surabaya, 1.2 kg: 2 kg at Jawa Timur's tariff, 11,000 + 8,000 = 19,000."""
    assert quote(RATES, "Jawa Timur", "Kota Surabaya", 1200) == Quote(19000, "1-2", "Jawa Timur")


def test_a_light_parcel_pays_the_first_kilogram() -> None:
    """Wamena, 300 g: one kilogram, 110,000, as an integer."""
    found = quote(RATES, "Papua Pegunungan", "Kabupaten Jayawijaya", 300)
    assert found == Quote(110000, "7-12", "Papua Pegunungan")
    assert isinstance(found.cost_idr, int)


@pytest.mark.parametrize(("province", "regency"), [("Bali", "Kabupaten Badung"), ("", "")])
def test_no_row_means_the_vendor_quotes(province: str, regency: str) -> None:
    """A province with no tariff, or an address abroad (no province), gets no quote."""
    assert quote(RATES, province, regency, 1000) is None


def test_no_rates_at_all() -> None:
    """An event without a tariff sheet quotes nothing."""
    assert quote([], "Jawa Timur", "Kabupaten Jember", 1000) is None
