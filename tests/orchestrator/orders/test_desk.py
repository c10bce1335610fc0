"""The order desk inside the running app: results, publishing, overlay, replies, cursors."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

from kernel.keys import BRIDGE, ORDER_DESK, PUBLISHER, ROTATION, SCHEDULE, SOLD_OUT, STORE
from orchestrator.orders.desk import TOPIC
from orchestrator.orders.model import Cursor
from schedules import store
from tests.orchestrator.helpers import T0
from tests.orchestrator.orders.helpers import chat


async def test_ingest_returns_what_the_page_did(client):
    """New messages, orders, waiting ones and unknown codes come back in one result."""
    desk = client.app[ORDER_DESK]
    page = [chat(1, "K01 9", "a1"), chat(2, "K01 2", "a2"), chat(3, "mau Z99"), chat(4, "halo")]
    result = await desk.ingest(page)
    assert (result.new_messages, result.duplicates) == (4, 0)
    assert [(o.code, o.qty, o.status) for o in result.orders] == [
        ("K01", 9, "new"),
        ("K01", 2, "waiting"),
    ]
    assert [o.qty for o in result.waiting] == [2]
    assert [(m.message_id, codes) for m, codes in result.unknown_codes] == [("m3", ["Z99"])]
    again = await desk.ingest(page)
    assert (again.new_messages, again.duplicates, again.orders) == (0, 4, [])


async def test_order_is_published_on_the_orders_topic(client):
    """Subscribers of the publisher hear an ``orders`` message naming the new order."""
    desk = client.app[ORDER_DESK]
    async with client.app[PUBLISHER].subscribe() as queue:
        result = await desk.ingest([chat(1, "K02 1")])
        message = await asyncio.wait_for(queue.get(), 2)
        while message.topic != TOPIC:
            message = await asyncio.wait_for(queue.get(), 2)
    assert message.channel == "utama"
    assert message.data["created"] == [result.orders[0].id]


async def test_new_order_reaches_the_overlay_ticker(client):
    """A new order goes on the channel's ticker with the viewer's first name."""
    await client.app[ORDER_DESK].ingest([chat(1, "K01 2", name="Budi Santoso")])
    ticker = list(client.app[BRIDGE].ticker["utama"])
    assert ticker[-1] == {"code": "K01", "qty": 2, "first_name": "Budi"}


async def test_sold_out_reaches_overlay_and_order_links(client):
    """Using all of K01's stock marks it sold out for the overlay and the /o/ pages."""
    desk = client.app[ORDER_DESK]
    await desk.ingest([chat(1, "K01 10")])
    assert client.app[BRIDGE].sold_out == {"K01"}
    assert client.app[SOLD_OUT]() == {"K01"}
    await desk.ingest([chat(2, "batal K01 1")])
    assert client.app[SOLD_OUT]() == frozenset()


async def test_concurrent_deliveries_of_one_message_make_one_order(client):
    """The same page ingested twice at once still makes one order."""
    desk = client.app[ORDER_DESK]
    page = [chat(1, "K03 1")]
    first, second = await asyncio.gather(desk.ingest(page), desk.ingest(page))
    assert len(first.orders) + len(second.orders) == 1


async def test_cursor_saved_and_loaded(client):
    """The cursor given with a page is what load_cursor returns after."""
    desk = client.app[ORDER_DESK]
    cursor = Cursor("youtube", "live-chat-1", "page-7", polling_ms=4000, quota_spent=120)
    await desk.ingest([chat(1, "K01")], cursor)
    assert await desk.load_cursor("youtube", "live-chat-1") == cursor
    await desk.ingest([], replace(cursor, page_token="page-8"))
    assert (await desk.load_cursor("youtube", "live-chat-1")).page_token == "page-8"


async def test_slot_follows_host_actions_at_publish_time(client, clock):
    """After the host's "next", a late-read message is still credited to the earlier slot."""
    clock.set(T0 + timedelta(minutes=2))
    await client.app[ROTATION].act("utama", "next", by="host")
    clock.set(T0 + timedelta(minutes=5))
    page = [
        chat(1, "K01", at=T0 + timedelta(minutes=1, seconds=30)),
        chat(2, "K02", at=T0 + timedelta(minutes=3)),
    ]
    result = await client.app[ORDER_DESK].ingest(page)
    assert [o.slot_id for o in result.orders] == ["utama-0", "utama-1"]


async def test_replies_are_batched_and_paced(client, clock):
    """Confirmations come out batched, then wait ``reply_every_s`` before the next."""
    desk = client.app[ORDER_DESK]
    await desk.ingest([chat(1, "K01 2", "a1", name="Budi"), chat(2, "K02", "a2", name="Sari")])
    await desk.ingest([chat(3, "mau Q77", "a3", name="Tono")])
    assert desk.pending_replies("utama") == [
        "Tercatat: @Budi K01x2, @Sari K02x1 · Bayar: 127.0.0.1:8080/bayar"
    ]
    assert desk.pending_replies("utama") == []
    clock.advance(timedelta(seconds=desk.reply_every_s))
    assert desk.pending_replies("utama") == [
        "@Tono Maaf kak, kode Q77 tidak ada. Yang tayang sekarang: K01"
    ]
    assert desk.pending_replies("utama", platform="zoom") == []


async def test_more_stock_from_the_editor_moves_the_waiting_list_up(client):
    """Raising a product's stock in the schedule promotes its waiting orders at once."""
    desk = client.app[ORDER_DESK]
    await desk.ingest([chat(1, "K01 10", "a1"), chat(2, "K01 3", "a2")])
    product = replace(client.app[ROTATION].event.product("K01"), stock=13)
    await client.app[STORE].run(store.upsert_product, product)
    async with client.app[PUBLISHER].subscribe() as queue:
        await client.app[SCHEDULE].reload()
        message = await asyncio.wait_for(queue.get(), 2)
        while message.topic != TOPIC:
            message = await asyncio.wait_for(queue.get(), 2)
    assert message.data["promoted"] == [2]
    assert desk.sold_out_codes() == {"K01"} and desk.catalog.stock["K01"].stock == 13
    assert not await desk.refresh(), "already rebuilt when the feed published"
