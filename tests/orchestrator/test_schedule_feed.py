"""One schedule feed in the running app: an edit is read once and reaches every cache."""

from __future__ import annotations

from kernel.keys import LINK_PAGES, ORDER_DESK, OVERLAY_CATALOG, ROTATION, SCHEDULE
from schedules import store
from tests.conftest import login
from tests.orchestrator.orders.helpers import until
from tests.schedules.test_editor import NOW, make_client, post


def count_reads(monkeypatch, *names: str) -> list[str]:
    """Record every call of these ``schedules.store`` readers from now on, whoever makes it."""
    calls: list[str] = []
    for name in names:
        real = getattr(store, name)

        def counted(db, real=real, name=name):
            calls.append(name)
            return real(db)

        monkeypatch.setattr(store, name, counted)
    return calls


async def test_an_edit_reaches_everyone_with_one_read(aiohttp_client, settings, monkeypatch):
    """A product added in the editor reaches the rotation, both catalogs and the desk; one read."""
    client = await make_client(aiohttp_client, settings, NOW)
    client.csrf = await login(client, "organiser")
    app = client.server.app
    reads = count_reads(monkeypatch, "load_event")
    resp = await post(
        client, "/editor/products/new", code="K05", vendor_id="kopi-a", name="Kopi Luwak",
        price="90000", stock="3", order_url="",
    )  # fmt: skip
    assert resp.status == 303, await resp.text()
    desk = app[ORDER_DESK]
    await until(lambda: desk.catalog.revision == 2)
    assert app[ROTATION].event.product("K05") is not None
    assert "K05" in app[OVERLAY_CATALOG].codes and app[OVERLAY_CATALOG].revision == 2
    assert app[LINK_PAGES].cache.catalog.find("k5").name == "Kopi Luwak"
    assert desk.catalog.stock["K05"].stock == 3
    assert (await client.get("/qr/K05.svg")).status == 200
    assert (await client.get("/o/K05")).status == 200
    assert (await client.get("/editor/products")).status == 200
    assert reads == ["load_event"]


async def test_pages_read_no_revision_from_the_database(aiohttp_client, settings, monkeypatch):
    """Overlay, QR, order-link, editor, orders and health pages answer from the feed."""
    client = await make_client(aiohttp_client, settings, NOW)
    await login(client, "organiser")
    calls = count_reads(monkeypatch, "load_event", "schedule_revision")
    for path in ("/overlay/utama", "/qr/K01.svg", "/o/K01", "/editor", "/orders", "/healthz"):
        resp = await client.get(path)
        assert resp.status == 200, path
    assert calls == []
    assert client.server.app[SCHEDULE].current().revision == 1
