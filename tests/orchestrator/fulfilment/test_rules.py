"""The desk's pure rules: which action from which status, resi shapes, quotes, WhatsApp."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from kernel.times import JAKARTA
from orchestrator.checkout.model import PARCEL_STATUSES
from orchestrator.fulfilment import rules, whatsapp

# Written out by hand from the status path, not read from rules.ALLOWED.
EXPECTED = {
    ("confirm", "claimed"): "paid",
    ("reject", "claimed"): "unpaid",
    ("pack", "paid"): "packed",
    ("ship", "paid"): "shipped",
    ("ship", "packed"): "shipped",
    ("delivered", "shipped"): "received",
    ("quote", "unpaid"): "unpaid",
    ("cancel", "unpaid"): "cancelled",
    ("cancel", "claimed"): "cancelled",
    ("cancel", "paid"): "cancelled",
    ("cancel", "packed"): "cancelled",
}


@pytest.mark.parametrize("status", PARCEL_STATUSES)
@pytest.mark.parametrize("action", rules.ACTIONS)
def test_each_action_is_allowed_only_from_its_statuses(action, status):
    """Every (action, status) pair is allowed exactly when the status path says so."""
    refused = rules.refusal(action, status)
    if (action, status) in EXPECTED:
        assert refused is None
        assert rules.next_status(action) == EXPECTED[(action, status)]
    else:
        assert refused and "tidak bisa" in refused


def test_finished_parcels_offer_nothing():
    """Expired, cancelled and received parcels have no action left on the desk."""
    for status in ("expired", "cancelled", "received"):
        assert rules.actions_for(status) == []
    assert rules.actions_for("claimed") == ["confirm", "reject", "cancel"]


def test_a_quote_only_without_a_tariff():
    """A parcel the shipping table prices is refused a quote; unknown actions are named."""
    assert rules.refusal("quote", "unpaid", tariff_known=True)
    assert rules.refusal("quote", "unpaid", tariff_known=False) is None
    assert "tidak dikenal" in rules.refusal("fly", "unpaid")


@pytest.mark.parametrize(("courier", "resi"), [
    ("jne", "CGK1234567890123"), ("jne", "1234567890123456"), ("jnt", "JP1234567890"),
    ("sicepat", "001234567890"), ("pos", "RR123456789ID"), ("ninja", "NLIDAA1234567"),
    ("idexpress", "IDE700123456789"), ("anteraja", "10001234567890"), ("tiki", "030012345678"),
])  # fmt: skip
def test_usual_resi_numbers_pass(courier, resi):
    """Resi numbers shaped like the courier's usual ones give no warning."""
    assert rules.resi_warning(courier, resi) is None


@pytest.mark.parametrize(("courier", "resi"), [
    ("jne", "12"), ("jnt", "JP12"), ("sicepat", "ABCDEFGHIJKL"), ("pos", "123"),
])  # fmt: skip
def test_odd_resi_numbers_warn(courier, resi):
    """An odd resi gets a warning naming the courier and an example, never an exception."""
    warning = rules.resi_warning(courier, resi)
    assert warning and resi in warning and "contoh" in warning


def test_couriers_without_a_format_never_warn():
    """Own delivery and instant couriers take any reference."""
    assert rules.resi_warning("sendiri", "antar jam 3") is None
    assert rules.resi_warning("unknown", "x") is None


def test_resi_is_cleaned_and_tracking_links_escape_it():
    """A resi loses spaces and gains capitals; a tracking link carries it URL-escaped."""
    assert rules.clean_resi(" rr 1234 56789id ") == "RR123456789ID"
    assert rules.tracking_url("pos", "RR1") == "https://www.posindonesia.co.id/id/tracking/RR1"
    assert rules.tracking_url("jne", "A/B?C") == "https://cekresi.com/?noresi=A%2FB%3FC"
    assert rules.tracking_url("sendiri", "X") is None
    assert rules.tracking_url("pos", "") is None


@pytest.mark.parametrize(("text", "value"), [
    ("45000", 45000), ("45.000", 45000), ("Rp 45.000", 45000), ("rp45000", 45000), ("0", 0),
    ("-5", None), ("4,5", None), ("", None), ("abc", None), ("99999999999", None),
])  # fmt: skip
def test_quotes_are_whole_rupiah(text, value):
    """A quote is read as whole Rupiah in the ways people type it; anything else is None."""
    assert rules.read_quote(text) == value


def test_reasons_are_one_short_line():
    """A reason loses control characters and line breaks and is cut to 200 characters."""
    assert rules.clean_reason("  stok\n\trusak\x00 ") == "stok rusak"
    assert len(rules.clean_reason("x" * 500)) == rules.MAX_REASON


@pytest.mark.parametrize(("typed", "number"), [
    ("6281234567890", "6281234567890"), ("0812-3456-7890", "6281234567890"),
    ("+60 12 345 6789", "60123456789"), ("12", None),
])  # fmt: skip
def test_wa_numbers(typed, number):
    """wa.me gets international digits without a plus; a 0 becomes Indonesia's 62."""
    assert whatsapp.wa_number(typed) == number


def _text(link: str) -> str:
    return parse_qs(urlsplit(link).query)["text"][0]


def test_messages_follow_the_state():
    """Each state has its Indonesian message with the amount, deadline in WIB, or resi."""
    due = datetime(2027, 2, 16, 8, 30, tzinfo=UTC)  # 15:30 WIB
    base = whatsapp.Chat("Budi", "Kopi Ajung", "unpaid", 88000, "https://p.example/bayar", due)
    unpaid = _text(whatsapp.wa_link("0812 3456 7890", whatsapp.message(base, JAKARTA)))
    assert "menunggu pembayaran Rp 88.000" in unpaid and "15:30 WIB" in unpaid
    assert "https://p.example/bayar" in unpaid and unpaid.startswith("Halo Kak Budi")
    paid = whatsapp.message(whatsapp.Chat("Budi", "K", "paid", 88000, ""), JAKARTA)
    assert "sudah kami terima" in paid
    shipped = whatsapp.Chat("Budi", "K", "shipped", 88000, "", courier="JNE", resi="CGK1",
                            tracking="https://t.example/CGK1")  # fmt: skip
    text = whatsapp.message(shipped, JAKARTA)
    assert "JNE" in text and "CGK1" in text and "https://t.example/CGK1" in text
    cancelled = whatsapp.Chat("Budi", "K", "cancelled", 1, "", note="stok habis")
    assert "kami batalkan: stok habis." in whatsapp.message(cancelled, JAKARTA)


def test_a_message_survives_the_link_intact():
    """Characters like & # ? and newlines in the message reach WhatsApp unchanged."""
    text = "A & B #1? ya\nbaris 2"
    link = whatsapp.wa_link("081234567890", text)
    assert "&" not in link.split("?text=")[1] and _text(link) == text
    assert whatsapp.wa_link("12", text) is None
