"""An app on the small test event whose vendors take QRIS and transfers, on a manual clock."""

from __future__ import annotations

import csv
import re
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from kernel.clock import ManualClock
from orchestrator.app import create_app
from schedules.model import ShippingRate
from tests.orchestrator.helpers import T0, save, small_event

PAYMENTS = Path(__file__).parents[2] / "fixtures" / "checkout" / "payments.csv"


def paying_event(start=T0):
    with PAYMENTS.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    event = small_event(start)
    vendors = [
        replace(v, qris=r["qris"], bank=r["bank"], bank_account=r["bank_account"],
                bank_account_name=r["bank_account_name"], pickup=i == 0)
        for i, (v, r) in enumerate(zip(event.vendors, rows, strict=False))
    ]  # fmt: skip
    products = [replace(p, weight_g=400) for p in event.products]
    shipping = [ShippingRate("Jawa Timur", 11_000, 8_000, "1-2"),
                ShippingRate("Kabupaten Jember", 8_000, 5_000, "1")]  # fmt: skip
    return replace(event, vendors=vendors, products=products, shipping=shipping)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0 + timedelta(minutes=1))


@pytest.fixture
async def client(aiohttp_client, settings, clock):
    save(settings.db, paying_event())
    return await aiohttp_client(create_app(settings, clock=clock))


def page_code(html: str) -> str:
    found = re.search(r"BAYAR (\d{4})", html)
    assert found, "no binding code on the page"
    return found[1]


def form_value(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, f"no {name} on the page"
    return found[1]


ADDRESS = {"name": "Budi Santoso", "whatsapp": "0812 3456 7890", "delivery": "kurir",
           "country": "Indonesia", "province": "Jawa Timur", "regency": "Kabupaten Jember",
           "district": "Sumbersari", "postal_code": "68121",
           "street": "Jl. Kalimantan 37 <script>alert(1)</script>"}  # fmt: skip
