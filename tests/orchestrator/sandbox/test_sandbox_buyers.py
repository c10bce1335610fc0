"""The simulated buyers' pure parts: their decisions, and how they read a checkout page."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

from orchestrator.sandbox import buyers
from orchestrator.sandbox.buyers import CHAT, LINK, BuyerRecord, Intent, Payment
from orchestrator.sandbox.checkout_pages import read_page, rupiah

INTENT = Intent(True, buyers.QRIS, False, timedelta(minutes=2), timedelta(minutes=10))


def test_same_seed_same_buyers():
    """Two runs with one seed make the same buyers with the same intents."""
    first, second = random.Random(5), random.Random(5)
    a = [(buyers.is_buyer(first, 0.3), buyers.choose_intent(first)) for _ in range(50)]
    b = [(buyers.is_buyer(second, 0.3), buyers.choose_intent(second)) for _ in range(50)]
    assert a == b


def test_share_of_buyers_follows_the_setting():
    """About 30 % of claimers become buyers at 0.3; none at 0; link buyers are rarer."""
    rng = random.Random(1)
    picked = sum(buyers.is_buyer(rng, 0.3) for _ in range(10_000))
    assert 2_700 < picked < 3_300
    assert not any(buyers.is_buyer(rng, 0.0) for _ in range(1_000))
    links = sum(buyers.makes_link_buyer(rng, 0.3) for _ in range(100_000))
    assert 0 < links < picked * 10 * buyers.LINK_SHARE * 2


def test_intents_mix_payers_and_non_payers_within_their_windows():
    """Some buyers never pay, some prefer QRIS, some transfer; delays stay in their spans."""
    rng = random.Random(2)
    intents = [buyers.choose_intent(rng) for _ in range(2_000)]
    pays = sum(i.pays for i in intents) / len(intents)
    assert abs(pays - buyers.PAY_SHARE) < 0.05
    assert {i.prefers for i in intents} == {buyers.QRIS, buyers.TRANSFER}
    assert any(i.pickup for i in intents) and not all(i.pickup for i in intents)
    low, high = buyers.BIND_AFTER
    assert all(low <= i.act_after <= high for i in intents)
    low, high = buyers.PAY_AFTER
    assert all(low <= i.pay_after <= high for i in intents)


def test_buyers_come_back_after_a_skipped_night_spread_out():
    """After the clock skips, buyers return at different moments within the window."""
    rng = random.Random(4)
    moments = [buyers.return_after(rng) for _ in range(200)]
    assert all(timedelta(0) <= m <= buyers.RETURN_WITHIN for m in moments)
    assert len({round(m.total_seconds()) for m in moments}) > 150


def test_method_falls_back_to_what_the_parcel_offers():
    """A QRIS fan pays by transfer where the vendor has no QRIS, and nothing offered is None."""
    assert buyers.choose_method(buyers.QRIS, ["qris", "transfer"]) == "qris"
    assert buyers.choose_method(buyers.QRIS, ["transfer"]) == "transfer"
    assert buyers.choose_method(buyers.TRANSFER, ["qris"]) == "qris"
    assert buyers.choose_method(buyers.TRANSFER, []) is None


def test_address_parts_are_chosen_from_what_the_page_offers():
    """Regions come from the lists given (never a blank option); postal codes are 5 digits."""
    rng = random.Random(3)
    assert buyers.pick(rng, ["", "Jawa Timur", "Bali"]) in ("Jawa Timur", "Bali")
    assert buyers.pick(rng, ["", " "]) is None
    assert buyers.postal_code(rng, ["68111", "68121", "x"]) in ("68111", "68121")
    assert len(buyers.postal_code(rng, [])) == 5
    typed = buyers.address(rng, "Siti")
    assert typed["name"] == "Siti" and typed["whatsapp"].startswith("08")
    assert 1 <= buyers.link_quantity(rng, 5) <= 2 and buyers.link_quantity(rng, 1) == 1


def test_outcome_says_how_it_ended():
    """Unbound, not ordered, paid, unpaid and failed buyers each get their own word."""
    chat = BuyerRecord(CHAT, "Budi", INTENT, author_id="UCx")
    assert buyers.outcome(chat) == "tidak terhubung"
    chat.bound = True
    assert buyers.outcome(chat) == "tidak membayar"
    chat.payments.append(Payment(1, "Kopi", "qris", 45_000, 45_000))
    assert buyers.outcome(chat) == "membayar" and chat.paid_idr == 45_000
    link = BuyerRecord(LINK, "Ayu", INTENT, link_code="K01")
    assert buyers.outcome(link) == "tidak memesan"
    link.errors.append("HTTP 500")
    assert buyers.outcome(link) == "gagal"


# A checkout page as a browser receives it, written by hand (not rendered by our templates).
PAGE = (Path(__file__).resolve().parent / "checkout-page.html").read_text(encoding="utf-8")


def test_a_page_reads_as_the_buyer_sees_it():
    """Bound state, code, token, provinces, and per parcel its lines, forms and amounts."""
    page = read_page(PAGE)
    assert (page.bound, page.code, page.csrf) == (True, "0427", "tok")
    assert page.provinces == ["Bali", "Jawa Timur"]
    open_parcel, paid = page.parcels
    assert (open_parcel.key, open_parcel.status) == ("paket-7", "unpaid")
    assert open_parcel.vendor == "Kopi & Teh"
    assert open_parcel.lines == 2 and open_parcel.transfer_code == 417
    qris, transfer = open_parcel.forms
    assert (qris.parcel_id, qris.method) == (7, "qris")
    assert (qris.amount_idr, qris.shown_idr) == (130_000, 130_000)
    assert transfer.method == "transfer"
    assert (transfer.amount_idr, transfer.shown_idr) == (130_417, 130_417)
    assert transfer.fields["request_id"] == "r1-t7"
    assert (paid.status, paid.forms, paid.lines) == ("claimed", [], 0)


def test_an_unbound_page_and_an_order_form():
    """A fresh page is unbound with its code; an order-link form gives its limit and id."""
    fresh = read_page('<article class="checkout" data-bound="no"><p class="bind-code">'
                      '<span class="code">BAYAR 9001</span></p></article>')  # fmt: skip
    assert (fresh.bound, fresh.code, fresh.parcels) == (False, "9001", [])
    form = read_page('<form method="post" action="/bayar/pesan/K01"><input type="hidden"'
                     ' name="csrf_token" value="c"><input type="hidden" name="request_id"'
                     ' value="rid"><input name="qty" type="number" max="5"></form>')  # fmt: skip
    assert (form.csrf, form.request_id, form.qty_max) == ("c", "rid", 5)
    assert rupiah("Rp 1.250.000") == 1_250_000 and rupiah("—") is None
