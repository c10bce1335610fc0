"""The buyer's details form: every wrong field named, what was typed kept."""

from __future__ import annotations

from orchestrator.checkout.details_form import Regions, read_details, whatsapp_digits
from orchestrator.checkout.model import PICKUP

REGIONS = Regions(
    province=lambda n: "Jawa Timur" if n.lower() == "jawa timur" else None,
    regency=lambda p, n: "Kabupaten Jember" if "jember" in n.lower() else None,
    district=lambda p, r, n: "Sumbersari" if n.lower() == "sumbersari" else None,
)
GOOD = {"name": "Budi Santoso", "whatsapp": "0812-3456-7890", "delivery": "kurir",
        "province": "jawa timur", "regency": "Kab. Jember", "district": "sumbersari",
        "postal_code": "68121", "street": "Jl. Kalimantan 37", "country": "Indonesia"}  # fmt: skip


def test_good_address_is_taken_with_canonical_names() -> None:
    details, errors = read_details(GOOD, REGIONS)
    assert errors == {}
    assert details.whatsapp == "6281234567890"
    assert (details.province, details.regency, details.district) == (
        "Jawa Timur", "Kabupaten Jember", "Sumbersari")  # fmt: skip
    assert details.complete


def test_every_wrong_field_is_named_and_kept() -> None:
    form = {**GOOD, "name": " ", "whatsapp": "12", "postal_code": "6812", "district": "x"}
    details, errors = read_details(form, REGIONS)
    assert set(errors) == {"name", "whatsapp", "postal_code", "district"}
    assert details.postal_code == "6812" and details.whatsapp == "12"


def test_unknown_province_is_refused() -> None:
    _, errors = read_details({**GOOD, "province": "Atlantis"}, REGIONS)
    assert "province" in errors


def test_pickup_needs_only_name_and_whatsapp() -> None:
    details, errors = read_details({"name": "Sari", "whatsapp": "+62 811 222 333",
                                    "delivery": PICKUP}, REGIONS)  # fmt: skip
    assert errors == {} and details.complete and details.whatsapp == "62811222333"


def test_abroad_needs_a_street_but_no_regions() -> None:
    form = {"name": "Wati", "whatsapp": "+60 12 345 6789", "delivery": "kurir",
            "country": "Malaysia", "street": "12 Jalan Ampang, Kuala Lumpur 50450"}  # fmt: skip
    details, errors = read_details(form, REGIONS)
    assert errors == {} and details.abroad and details.complete


def test_control_characters_and_long_text_are_cleaned() -> None:
    details, _ = read_details({**GOOD, "name": "Budi\u202e\x00 <b>" + "x" * 500}, REGIONS)
    assert "\x00" not in details.name and "\u202e" not in details.name
    assert len(details.name) <= 120


def test_whatsapp_numbers() -> None:
    assert whatsapp_digits("0812 3456 7890") == "6281234567890"
    assert whatsapp_digits("812345678") == "62812345678"
    assert whatsapp_digits("+65 9123 4567") == "6591234567"
    assert whatsapp_digits("hubungi saya") is None
