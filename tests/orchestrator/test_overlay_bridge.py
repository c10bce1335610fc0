"""Rotation and host actions reach the overlay hub; host takeovers survive a restart."""

from __future__ import annotations

from datetime import timedelta

from kernel.clock import ManualClock
from kernel.keys import HUB
from orchestrator.app import create_app
from tests.conftest import login
from tests.orchestrator.helpers import T0, save, small_event


async def test_rotation_state_is_on_the_hub_at_start(aiohttp_client, settings):
    """The hub holds each channel's state from the start: vendor on air and its products."""
    save(settings.db, small_event())
    client = await aiohttp_client(
        create_app(settings, clock=ManualClock(T0 + timedelta(minutes=1)))
    )
    snapshot = client.app[HUB].snapshot("utama")
    assert snapshot["rev"] >= 1
    assert snapshot["state"]["vendor"]["name"] == "Penjual 0"
    assert [p["code"] for p in snapshot["state"]["products"]] == ["K01"]


async def test_host_pins_a_card_and_it_survives_a_restart(aiohttp_client, settings):
    """show_card pins K03 on the overlay; a new app on the same database still shows it."""
    save(settings.db, small_event())
    clock = ManualClock(T0 + timedelta(minutes=1))
    client = await aiohttp_client(create_app(settings, clock=clock))
    csrf = await login(client, "host")
    resp = await client.post(
        "/api/channels/utama/overlay",
        json={"action": "show_card", "value": "K03"},
        headers={"X-CSRF-Token": csrf},
    )
    assert resp.status == 200, await resp.text()
    assert client.app[HUB].snapshot("utama")["state"]["card"]["mode"] == "pinned"
    await client.close()
    again = await aiohttp_client(create_app(settings, clock=clock))
    card = again.app[HUB].snapshot("utama")["state"]["card"]
    assert card["mode"] == "pinned" and card["product"]["code"] == "K03"


async def test_unknown_product_for_the_card_is_refused(aiohttp_client, settings):
    """Pinning a code that does not exist answers 400 and changes nothing."""
    save(settings.db, small_event())
    client = await aiohttp_client(create_app(settings, clock=ManualClock(T0)))
    csrf = await login(client, "host")
    before = client.app[HUB].snapshot("utama")["rev"]
    resp = await client.post(
        "/api/channels/utama/overlay",
        json={"action": "show_card", "value": "Z99"},
        headers={"X-CSRF-Token": csrf},
    )
    assert resp.status == 400
    assert client.app[HUB].snapshot("utama")["rev"] == before
