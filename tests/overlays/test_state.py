"""The overlay state is built from plain inputs: automatic mode, host takeover, privacy."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from overlays.state import (
    HostOverlay,
    OnAir,
    OverlayActionError,
    OverlaySettings,
    apply_action,
    build_state,
    ms,
)
from schedules.model import Channel, Event, Product, Slot, Vendor

START = datetime(2027, 2, 15, 8, 40, tzinfo=UTC)
SETTINGS = OverlaySettings(base_url="https://pasar.example")


def make_event() -> Event:
    vendors = [
        Vendor("kopi", "Kopi Rakyat", category="Minuman", kecamatan="Sumberjambe"),
        Vendor("tape", "Tape Bondowoso"),
    ]
    products = [
        Product("K01", "kopi", "Kopi Robusta 250 g", 45000, stock=25),
        Product("K02", "kopi", "Kopi Drip isi 10", 33000),
        Product("K03", "kopi", "Kopi Arabika", 76500, stock=0),
        Product("T01", "tape", "Tape Singkong", 15000),
    ]
    slots = [
        Slot("s1", "utama", START, START + timedelta(minutes=20), "kopi", ("K01", "K02")),
        Slot("s2", "utama", START + timedelta(minutes=20), START + timedelta(minutes=40), "tape"),
    ]
    return Event("Pasar Jember", channels=[Channel("utama")], vendors=vendors,
                 products=products, slots=slots)  # fmt: skip


def live(**changes) -> OnAir:
    base = dict(
        status="live",
        slot_id="s1",
        vendor_id="kopi",
        product_codes=("K01", "K02"),
        title="Kopi dari lereng Raung",
        start=START,
        end=START + timedelta(minutes=20),
        next_vendor_id="tape",
        next_start=START + timedelta(minutes=20),
    )
    return OnAir(**{**base, **changes})


def test_automatic_mode_shows_lower_third_then_cycles_products():
    """At slot start the lower third runs 12 s, then the featured products cycle every 8 s."""
    state = build_state(make_event(), "utama", live(), settings=SETTINGS)
    assert state["vendor"]["name"] == "Kopi Rakyat"
    assert state["lower_third"] == {"mode": "auto", "until_ms": ms(START) + 12_000}
    assert state["card"] == {"mode": "cycle", "from_ms": ms(START) + 12_000, "period_ms": 8000}
    first = state["products"][0]
    assert [p["code"] for p in state["products"]] == ["K01", "K02"]
    assert first["price"] == "Rp 45.000"
    assert first["hint"] == "Ketik: K01 2"
    assert first["link"] == "https://pasar.example/o/K01"
    assert first["short_link"] == "pasar.example/o/K01"
    assert first["qr"] == "/qr/K01.svg"
    assert state["countdown"] == {
        "target_ms": ms(START + timedelta(minutes=20)),
        "held": False,
        "next_name": "Tape Bondowoso",
    }
    json.dumps(state)  # the hub sends it as JSON


def test_settings_change_the_automatic_timings():
    """Lower-third length and cycle period come from the settings."""
    settings = OverlaySettings(lower_third_seconds=5, product_cycle_seconds=3)
    state = build_state(make_event(), "utama", live(), settings=settings)
    assert state["lower_third"]["until_ms"] == ms(START) + 5000
    assert state["card"]["period_ms"] == 3000


def test_slot_without_featured_products_features_the_vendors_goods():
    """A slot naming no products cycles through all of its vendor's products."""
    state = build_state(make_event(), "utama", live(vendor_id="tape", product_codes=()))
    assert [p["code"] for p in state["products"]] == ["T01"]


def test_off_air_shows_only_countdown():
    """Between slots there is no lower third or card, only who is next and when."""
    on_air = OnAir("idle", next_vendor_id="kopi", next_start=START)
    state = build_state(make_event(), "utama", on_air)
    assert state["on_air"] is False
    assert state["vendor"] is None and state["products"] == []
    assert state["lower_third"]["mode"] == "off"
    assert state["card"] == {"mode": "hidden"}
    assert state["countdown"]["next_name"] == "Kopi Rakyat"
    assert state["countdown"]["target_ms"] == ms(START)


@pytest.mark.parametrize("on_air", [live(held=True), live(status="held")])
def test_held_slot_stops_the_countdown(on_air):
    """While the host holds the slot (flag or engine status) the countdown has no target."""
    state = build_state(make_event(), "utama", on_air)
    assert state["on_air"] is True and state["vendor"]["name"] == "Kopi Rakyat"
    assert state["countdown"]["held"] is True
    assert state["countdown"]["target_ms"] is None


@pytest.mark.parametrize(("status", "shown"), [("on_air", True), ("host", True),
                                               ("break", False), ("off_air", False)])  # fmt: skip
def test_engine_statuses_decide_what_airs(status, shown):
    """The rotation engine's words: on_air/host show the slot; break/off_air do not."""
    state = build_state(make_event(), "utama", live(status=status))
    assert state["on_air"] is shown
    assert (state["slot"] is not None) is shown


def test_host_takes_over_the_card_and_lower_third():
    """The host can pin any product, hide the card, force the lower third, then go back."""
    event = make_event()
    host = apply_action(HostOverlay(), "show_card", "t01")
    state = build_state(event, "utama", live(), host=host)
    assert state["card"]["mode"] == "pinned"
    assert state["card"]["product"]["name"] == "Tape Singkong"
    host = apply_action(host, "hide_card")
    assert build_state(event, "utama", live(), host=host)["card"] == {"mode": "hidden"}
    host = apply_action(host, "show_lower_third")
    assert build_state(event, "utama", live(), host=host)["lower_third"]["mode"] == "on"
    host = apply_action(host, "hide_lower_third")
    assert build_state(event, "utama", live(), host=host)["lower_third"]["mode"] == "off"
    host = apply_action(apply_action(host, "notice_on", "Promo"), "automatic")
    state = build_state(event, "utama", live(), host=host)
    assert state["card"]["mode"] == "cycle" and state["lower_third"]["mode"] == "auto"
    assert state["notice"] == "Promo"


def test_pinning_an_unknown_code_hides_the_card():
    """A pinned code that is not in the event shows no card rather than a broken one."""
    host = apply_action(HostOverlay(), "show_card", "ZZ9")
    assert build_state(make_event(), "utama", live(), host=host)["card"] == {"mode": "hidden"}


def test_sold_out_products_carry_the_flag():
    """Codes in the sold-out set, and products with stock 0, are marked sold out."""
    state = build_state(make_event(), "utama", live(product_codes=("K01", "K02", "K03")),
                        sold_out={"K02"})  # fmt: skip
    assert [p["sold_out"] for p in state["products"]] == [False, True, True]
    pinned = build_state(make_event(), "utama", live(), sold_out={"K01"},
                         host=HostOverlay(card_code="K01"))  # fmt: skip
    assert pinned["card"]["product"]["sold_out"] is True


def test_ticker_hides_names_unless_the_host_allows_them():
    """Ticker shows the newest orders first; first names only when turned on, first word only."""
    orders = [{"code": f"K0{i % 2 + 1}", "qty": i, "first_name": "Budi Santoso"} for i in range(8)]
    state = build_state(make_event(), "utama", live(), ticker=orders)
    assert len(state["ticker"]) == 5
    assert state["ticker"][0] == {
        "code": "K02",
        "qty": 7,
        "product": "Kopi Drip isi 10",
        "first_name": None,
    }
    assert all(e["first_name"] is None for e in state["ticker"])
    named = build_state(make_event(), "utama", live(), ticker=orders,
                        host=apply_action(HostOverlay(), "names_on"))  # fmt: skip
    assert {e["first_name"] for e in named["ticker"]} == {"Budi"}


def test_notice_turns_on_and_off():
    """The notice strip carries the host's text, trimmed, until turned off."""
    host = apply_action(HostOverlay(), "notice_on", "  Diskon 10% sampai jam 5  ")
    assert build_state(make_event(), "utama", live(), host=host)["notice"] == (
        "Diskon 10% sampai jam 5"
    )
    host = apply_action(host, "notice_off")
    assert build_state(make_event(), "utama", live(), host=host)["notice"] == ""


@pytest.mark.parametrize(("action", "value"), [("explode", None), ("notice_on", " "),
                                               ("show_card", None)])  # fmt: skip
def test_bad_actions_are_refused(action, value):
    """Unknown actions, and actions missing their value, raise a named error."""
    with pytest.raises(OverlayActionError):
        apply_action(HostOverlay(), action, value)


def test_base_url_falls_back_to_the_events():
    """Without a configured base URL the order links use the event's own."""
    state = build_state(make_event(), "utama", live())
    assert state["products"][0]["link"] == "http://127.0.0.1:8080/o/K01"
