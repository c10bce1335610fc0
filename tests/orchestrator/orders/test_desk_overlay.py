"""The desk tells the overlays once per page: one push per channel, however many orders."""

from __future__ import annotations

from dataclasses import replace

from kernel.keys import BRIDGE, HUB, ORDER_DESK, SCHEDULE, STORE
from schedules import store
from schedules.model import Channel, Slot
from tests.orchestrator.orders.helpers import chat, until


def count_pushes(app) -> list[str]:
    """Record the channel of every state the bridge hands the hub from now on."""
    hub, pushes = app[HUB], []
    publish = hub.publish

    def counted(channel: str, state: dict) -> int:
        pushes.append(channel)
        return publish(channel, state)

    hub.publish = counted
    return pushes


async def edit_event(app, change) -> None:
    """Store ``change(event)`` and publish it, as the editor does; wait for the desk."""
    event = change(app[SCHEDULE].current().event)
    await app[STORE].run(store.save_event, event)
    revision = (await app[SCHEDULE].reload()).revision
    await until(lambda: app[ORDER_DESK].catalog.revision == revision)


def unlimited_k02(event):
    products = [replace(p, stock=None) if p.code == "K02" else p for p in event.products]
    return replace(event, products=products)


async def test_a_page_of_500_orders_pushes_the_channel_once(client):
    """500 new orders in one page make one hub publish; the ticker shows the page's last."""
    app = client.app
    await edit_event(app, unlimited_k02)
    pushes = count_pushes(app)
    page = [chat(i, f"K02 {i % 9 + 1}", f"a{i}", name=f"Penonton{i} X") for i in range(500)]
    result = await app[ORDER_DESK].ingest(page)
    assert len(result.orders) == 500 and {o.status for o in result.orders} == {"new"}
    assert pushes == ["utama"]
    size = app[BRIDGE].settings.ticker_size
    last = range(499, 499 - size, -1)
    shown = app[HUB].snapshot("utama")["state"]["ticker"]
    assert [(t["code"], t["qty"]) for t in shown] == [("K02", i % 9 + 1) for i in last]
    names = [e["first_name"] for e in app[BRIDGE].ticker["utama"]]
    assert names == [f"Penonton{i}" for i in reversed(last)]


def two_channels(event):
    extra = Slot("kedua-0", "kedua", event.slots[0].start, event.slots[0].end, "v1", ("K02",))
    channels = [*event.channels, Channel("kedua", "Panggung Kedua")]
    return replace(event, channels=channels, slots=[*event.slots, extra])


async def test_a_sell_out_reaches_every_channel_once(client):
    """Selling K01 out on one channel pushes that channel and the other one, once each."""
    app = client.app
    await edit_event(app, two_channels)
    pushes = count_pushes(app)
    await app[ORDER_DESK].ingest([chat(1, "K01 4", "a1"), chat(2, "K01 6", "a2")])
    assert sorted(pushes) == ["kedua", "utama"]
    assert app[BRIDGE].sold_out == {"K01"}
    assert not app[BRIDGE].ticker.get("kedua")


async def test_a_host_change_without_overlay_news_pushes_only_its_channel(client):
    """Marking an order paid sends one message for its channel and no sold-out change."""
    app = client.app
    await edit_event(app, two_channels)
    order = (await app[ORDER_DESK].ingest([chat(1, "K03 1", "a1")])).orders[0]
    pushes = count_pushes(app)
    await app[ORDER_DESK].set_status(order.id, "paid", by="host")
    assert pushes == ["utama"]
