"""The organisers' parcels by vendor and status: Rupiah totals and the 48-hour flag."""

from __future__ import annotations

from datetime import timedelta

from kernel.keys import FULFILMENT
from orchestrator.fulfilment.sales import summarise
from tests.conftest import login
from tests.orchestrator.fulfilment.conftest import act, buyer


def test_money_is_summed_by_state_and_late_vendors_come_first():
    """Paid covers paid to received; claimed, unpaid, expired, cancelled each apart;
    a vendor with late parcels is listed first; the total adds every vendor."""
    rows = [("v1", "paid", 2, 100_000), ("v1", "shipped", 1, 50_000), ("v1", "claimed", 1, 7),
            ("v0", "expired", 3, 30_000), ("v0", "received", 1, 10), ("v0", "unpaid", 1, 5),
            ("v0", "cancelled", 1, 9)]  # fmt: skip
    vendors, total = summarise({"v0": "Anyar", "v1": "Zaitun"}, rows, {"v1": 2, "gone": 1})
    assert [v.vendor_id for v in vendors] == ["v1", "v0"]
    v1, v0 = vendors
    assert (v1.paid_idr, v1.claimed_idr, v1.late, v1.parcels) == (150_000, 7, 2, 4)
    assert (v0.paid_idr, v0.unpaid_idr, v0.expired_idr, v0.cancelled_idr) == (10, 5, 30_000, 9)
    assert v0.counts["expired"] == 3 and v0.late == 0
    assert (total.paid_idr, total.parcels, total.late) == (150_010, 10, 2)


async def test_organisers_see_parcels_and_the_48_hour_flag(client, clock):
    """/orders/paket counts v0's parcels with Rupiah, flags v0 once a confirmed parcel waits
    more than 48 hours unshipped, and is the organisers' alone."""
    paid = await buyer(client, "a1", 1)
    await act(client, "v0", paid.parcel_id, "confirm", "claimed")
    await buyer(client, "a2", 10, order="K01 1")  # claimed, not confirmed
    assert (await client.get("/orders/paket", allow_redirects=False)).status in (302, 401)
    await login(client, "host")
    assert (await client.get("/orders/paket")).status == 403
    await login(client, "organiser")
    page = await (await client.get("/orders/paket")).text()
    row = page[page.index('data-vendor="v0"') :].split("</tr>")[0]
    assert "Rp 88.000" in row and "Rp 48.000" in row and "⚠" not in row
    clock.advance(timedelta(hours=48, minutes=1))
    assert client.app[FULFILMENT].clock is clock
    page = await (await client.get("/orders/paket")).text()
    row = page[page.index('data-vendor="v0"') :].split("</tr>")[0]
    assert "⚠ 1 paket lewat 48 jam" in row
    assert "/orders/paket" in await (await client.get("/orders")).text()
