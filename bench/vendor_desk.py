"""How long a vendor's desk (``/v/<token>``) takes to render with 2,000 parcels.

Builds one vendor with 2,000 buyers through the real code paths: one page of chat with
a claim from each, each buyer bound and given an address, their parcel opened by their
``/bayar`` page, three in four paid ("Saya sudah bayar"), and of those the vendor
confirms half and ships a quarter (so every group of the desk is full). Then serves the
real app (a real SQLite file, templates, security headers) through aiohttp's test server
and times each request inside the server with an outermost middleware. The baseline is
``/healthz`` through the same stack in the same run; ``labels_p99_ms`` is the print page
of every parcel to pack or ship.

Usage: python bench/vendor_desk.py [--parcels 2000] [--runs 200]
The last line of output is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aiohttp import web

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # a checkout without `pip install -e .`
    sys.path.insert(0, str(ROOT))

from bench.served import time_paths, timed_app  # noqa: E402
from bench.timing import percentile  # noqa: E402
from kernel.clock import ManualClock  # noqa: E402
from kernel.keys import CHECKOUT, FULFILMENT, ORDER_DESK, STORE  # noqa: E402
from orchestrator.checkout import store as checkout_store  # noqa: E402
from orchestrator.checkout.model import Details  # noqa: E402
from orchestrator.fulfilment.service import Request  # noqa: E402
from orchestrator.orders.model import ChatMessage  # noqa: E402
from schedules.model import Channel, Event, Product, ShippingRate, Slot, Vendor  # noqa: E402

T0 = datetime(2027, 2, 15, 8, 30, tzinfo=UTC)  # 15:30 WIB


def build_event() -> Event:
    """One vendor on air with two unlimited products, a transfer account and a tariff."""
    vendor = Vendor("v0", "Kopi Ajung", "kopi", "", "+628123000000", "Ajung", bank="BRI",
                    bank_account="0123456789", bank_account_name="Kopi Ajung")  # fmt: skip
    return Event(
        name="Pasar Bench", channels=[Channel("utama", "Panggung Utama")], vendors=[vendor],
        products=[Product("K01", "v0", "Kopi robusta 250 g", 45000, None, weight_g=300),
                  Product("K02", "v0", "Kopi arabika 250 g", 65000, None, weight_g=300)],
        slots=[Slot("utama-0", "utama", T0, T0 + timedelta(hours=2), "v0", ("K01", "K02"))],
        shipping=[ShippingRate("Jawa Timur", 11000, 8000, "1-2")],
    )  # fmt: skip


async def fill(app: web.Application, parcels: int) -> None:
    """Claims, buyers, addresses, open parcels, payments and the vendor's actions."""
    desk, checkout, fulfil = app[ORDER_DESK], app[CHECKOUT], app[FULFILMENT]
    now = T0 + timedelta(minutes=5)
    messages = [ChatMessage("youtube", f"m{i}", "utama", f"a{i}", f"Pembeli {i}",
                            f"K0{1 + i % 2} {1 + i % 3}", T0 + timedelta(seconds=i % 290))
                for i in range(parcels)]  # fmt: skip
    await desk.ingest(messages)

    def buyers(db):
        made = []
        for i in range(parcels):
            buyer_id, _ = checkout_store.new_buyer(db, now)
            db.execute("INSERT INTO buyer_authors (platform, author_id, buyer_id, author_name,"
                       " bound_utc) VALUES ('youtube', ?, ?, ?, ?)",
                       [f"a{i}", buyer_id, f"Pembeli {i}", "2027-02-15T08:35:00Z"])  # fmt: skip
            details = Details(f"Pembeli <{i}>", "6281234567890", "kurir", "Jawa Timur",
                              "Kabupaten Jember", "Sumbersari", "68121", f"Jl. {i}")  # fmt: skip
            checkout_store.save_details(db, buyer_id, details, now)
            made.append(buyer_id)
        return made

    ids = await app[STORE].run(buyers)
    for n, buyer_id in enumerate(ids):
        buyer = await app[STORE].run(checkout_store.buyer_by_id, buyer_id)
        page = await checkout.page(buyer)
        view = page.parcels[0]
        if n % 4 == 3:
            continue  # a quarter stay unpaid
        await checkout.claim_paid(buyer, view.parcel_id, "transfer", view.transfer_idr, f"r{n}")
        if n % 4 in (1, 2):
            await fulfil.act("v0", view.parcel_id, Request("confirm", "claimed"))
        if n % 4 == 2:
            ship = Request("ship", "paid", courier="jne", resi=f"CGK{n:013d}")
            await fulfil.act("v0", view.parcel_id, ship)


async def measure(parcels: int, runs: int) -> dict:
    clock = ManualClock(T0 + timedelta(minutes=5))
    async with timed_app(build_event(), clock) as (app, client, timings):
        began = time.perf_counter()
        await fill(app, parcels)
        fill_s = time.perf_counter() - began
        desk = "/v/" + app[ORDER_DESK].vendor_links["v0"]
        page = await (await client.get(desk)).text()
        counts = [int(n) for n in re.findall(r'data-group="\w+" ?[^>]*><strong>(\d+)', page)]
        assert sum(counts) == parcels, (counts, parcels)  # every parcel counted
        await time_paths(client, timings, (desk, "/healthz", desk + "/label"), runs)
    return {
        "parcels": parcels,
        "runs": runs,
        "fill_s": round(fill_s, 1),
        "page_kb": round(len(page.encode()) / 1024),
        "p50_ms": round(percentile(timings[desk], 50), 1),
        "p90_ms": round(percentile(timings[desk], 90), 1),
        "p99_ms": round(percentile(timings[desk], 99), 1),
        "labels_p99_ms": round(percentile(timings[desk + "/label"], 99), 1),
        "baseline_p99_ms": round(percentile(timings["/healthz"], 99), 2),
        "goal_p99_ms": 200,
        "load_avg_1m": round(os.getloadavg()[0], 1),  # other work on the machine
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parcels", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(measure(args.parcels, args.runs))))


if __name__ == "__main__":
    main()
