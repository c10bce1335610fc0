"""The desk's sweep of unpaid holds: its timer on the clock, what it publishes and says."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

import pytest

from kernel.keys import ORDER_DESK, PUBLISHER, STORE
from orchestrator.orders import store as order_store
from orchestrator.orders.desk import TOPIC
from schedules.model import Channel
from tests.conftest import login
from tests.orchestrator.helpers import T0, small_event
from tests.orchestrator.orders.helpers import MEETING_ID, chat, until

DUE = T0 + timedelta(minutes=10, hours=24)  # utama-0 ends at T0 + 10 min; 24 h hold


@pytest.fixture
def event():
    """small_event with the Zoom meeting set, K01 limited to 2 per buyer, v2 holding 0 h."""
    base = small_event()
    products = [replace(base.products[0], max_per_buyer=2), *base.products[1:]]
    vendors = [*base.vendors[:2], replace(base.vendors[2], hold_hours=0), *base.vendors[3:]]
    channels = [Channel("utama", "Panggung Utama", MEETING_ID)]
    return replace(base, channels=channels, products=products, vendors=vendors)


async def status_of(client, order_id: int) -> str:
    orders = await client.app[STORE].run(order_store.fetch_orders, [order_id])
    return orders[0].status


async def next_orders_message(queue, key: str):
    """The next ``orders`` message whose ``key`` list is not empty (waits with a deadline)."""
    while True:
        message = await asyncio.wait_for(queue.get(), 5)
        if message.topic == TOPIC and message.data.get(key):
            return message


async def test_timer_sweeps_at_the_deadline_on_the_manual_clock(client, clock):
    """The sweeper sleeps on the clock until the deadline: not before, then at once."""
    desk = client.app[ORDER_DESK]
    await desk.ingest([chat(1, "K02 1", "a1")])
    clock.set(DUE - timedelta(minutes=1))
    await until(lambda: desk.next_sweep == DUE)
    assert await status_of(client, 1) == "new"
    async with client.app[PUBLISHER].subscribe() as queue:
        clock.set(DUE)
        message = await next_orders_message(queue, "expired")
    assert message.channel == "utama" and message.data["expired"] == [1]
    assert await status_of(client, 1) == "expired"


async def test_an_earlier_deadline_wakes_the_sweeper(client, clock):
    """Asleep until its hourly cap, the sweeper hears of a claim due sooner and wakes for it."""
    desk = client.app[ORDER_DESK]
    await until(lambda: desk.next_sweep == T0 + timedelta(hours=1, minutes=1))
    await desk.ingest([chat(2, "K03 1", "a1")])  # v2 holds 0 h: due when utama-0 ends
    slot_end = T0 + timedelta(minutes=10)
    await until(lambda: desk.next_sweep == slot_end)
    async with client.app[PUBLISHER].subscribe() as queue:
        clock.set(slot_end)
        message = await next_orders_message(queue, "expired")
    assert message.data["expired"] == [1]


async def test_expiry_moves_the_list_up_and_publishes_both(client, clock):
    """An expired claim's stock goes to the next waiting buyer; the message names both."""
    desk = client.app[ORDER_DESK]
    await desk.ingest([chat(1, "K02 10", "a1"), chat(2, "K02 3", "a2")])
    clock.set(DUE + timedelta(hours=2))
    async with client.app[PUBLISHER].subscribe() as queue:
        outcome = await desk.expire_now()
        message = await next_orders_message(queue, "expired")
    assert [o.id for o in outcome.expired] == [1]
    assert (message.data["expired"], message.data["promoted"]) == ([1], [2])
    assert outcome.promoted[0].hold_until == DUE + timedelta(hours=26)
    # The day is over: nobody is live to read a chat reply, the checkout page tells them.
    replies = desk.pending_replies("utama", limit=10)
    assert not any("tersedia" in r for r in replies)


async def test_buyer_who_moves_up_while_live_is_told_in_chat(client):
    """A host cancel during the show: the next buyer hears the stock is theirs, and until when."""
    desk = client.app[ORDER_DESK]
    await desk.ingest([chat(1, "K02 10", "a1"), chat(2, "K02 3", "a2", name="Budi Santoso")])
    await desk.set_status(1, "cancelled", by="host")
    replies = desk.pending_replies("utama", limit=10)
    assert (
        "Kak Budi, stok K02 sekarang tersedia untuk Anda (3)."
        " Selesaikan pembayaran sebelum 16 Feb 15:40 WIB." in replies
    )


async def test_per_buyer_limit_through_the_desk(client):
    """A claim over K01's limit of 2 is cut and the viewer is told in chat."""
    desk = client.app[ORDER_DESK]
    result = await desk.ingest([chat(1, "K01 5", "a1", name="Sari")])
    assert [o.qty for o in result.orders] == [2]
    assert [(m.author_id, code, cut) for m, code, cut in result.limited] == [("a1", "K01", 3)]
    replies = desk.pending_replies("utama", limit=10)
    assert "@Sari maaf, K01 maks 2 per pembeli; tercatat 2." in replies


async def test_orders_page_shows_expired_and_refuses_to_revive(client, clock):
    """/orders lists the expired order without actions; the host cannot move it again."""
    desk = client.app[ORDER_DESK]
    await desk.ingest([chat(1, "K02 1", "a1"), chat(2, "K03 1", "a2")])
    clock.set(DUE)
    await desk.expire_now()
    csrf = await login(client, "host")
    page = await (await client.get("/orders?status=expired")).text()
    assert "kedaluwarsa" in page and 'class="status-expired"' in page
    data = await (await client.get("/api/orders?status=expired")).json()
    assert [(o["id"], o["actions"]) for o in data["orders"]] == [(2, []), (1, [])]
    headers = {"X-CSRF-Token": csrf, "Accept": "application/json"}
    resp = await client.post("/api/orders/1/status", json={"status": "new"}, headers=headers)
    assert resp.status == 409 and "kedaluwarsa" in (await resp.json())["error"]
    export = await (await client.get("/orders/export.csv")).text()
    assert "kedaluwarsa" in export
