"""The simulated vendors' decisions and their reading of the desk, without I/O."""

from __future__ import annotations

import random

from orchestrator.fulfilment import rules
from orchestrator.sandbox import vendors
from orchestrator.sandbox.desk_pages import read_desk, read_page


def test_every_resi_looks_like_its_couriers_usual_numbers():
    """The desk's own resi check (not ours) takes every resi a simulated vendor types."""
    rng = random.Random(3)
    for courier in vendors.RESI_SHAPES:
        for _ in range(20):
            number = vendors.resi(rng, courier)
            assert rules.resi_warning(courier, rules.clean_resi(number)) is None, number


def test_a_courier_is_chosen_from_the_desks_list_only():
    """Only couriers the page offers and whose resi shape is known are chosen."""
    rng = random.Random(1)
    offered = [c.code for c in rules.COURIERS]
    picks = {vendors.choose_courier(rng, offered) for _ in range(200)}
    assert picks <= set(offered) and picks <= set(vendors.RESI_SHAPES) and len(picks) > 3
    assert vendors.choose_courier(rng, ["gosend", "sendiri"]) is None


def test_fields_typed_per_action():
    """Confirm and pack need nothing typed; ship a courier and resi; quote a whole price."""
    rng = random.Random(2)
    assert vendors.fields_for("confirm", rng, []) == {} == vendors.fields_for("pack", rng, [])
    ship = vendors.fields_for("ship", rng, ["jne", "gosend"])
    assert ship["courier"] == "jne" and ship["resi"].startswith("CGK")
    quote = rules.read_quote(vendors.fields_for("quote", rng, [])["quote"])
    assert quote is not None and quote % 1000 == 0 and 15_000 <= quote <= 150_000
    assert vendors.fields_for("reject", rng, []) is None
    assert vendors.fields_for("cancel", rng, []) is None
    assert vendors.fields_for("ship", rng, ["sendiri"]) is None


def test_the_delay_is_seeded_and_within_its_span():
    """The same seed makes the same vendor; every delay lies within WORK_AFTER."""
    low, high = vendors.WORK_AFTER
    delays = [vendors.work_delay(random.Random(f"s:{i}")) for i in range(100)]
    assert all(low <= d <= high for d in delays)
    assert delays == [vendors.work_delay(random.Random(f"s:{i}")) for i in range(100)]
    assert len(set(delays)) > 50


DESK = """
<article class="card parcel status-claimed" id="paket-7">
 <form method="post" action="/v/tok/paket/7/confirm" class="inline">
  <input type="hidden" name="csrf_token" value="abc"><input type="hidden" name="status"
  value="claimed"><button type="submit">Konfirmasi</button></form>
 <form method="post" action="/v/tok/paket/8/ship"><input type="hidden" name="csrf_token"
  value="abc"><select name="courier"><option value="jne">JNE</option>
  <option value="pos">POS</option></select><input name="resi" required></form>
 <form method="get" action="/v/tok/paket/9/pack"></form>
 <form method="post" action="/elsewhere"></form>
</article>
"""


def test_the_desk_reader_finds_action_forms_with_fields_and_couriers():
    """Post forms to a parcel's action are read with hidden fields and select options."""
    forms = read_desk(DESK)
    assert [(f.parcel_id, f.action) for f in forms] == [(7, "confirm"), (8, "ship")]
    assert forms[0].fields == {"csrf_token": "abc", "status": "claimed"}
    assert forms[1].options == {"courier": ["jne", "pos"]}


COUNTS = """
<div class="desk" data-events="/v/tok/paket/events?kelompok=&amp;hal=1">
<nav class="counts">
 <a href="/v/tok?kelompok=confirm" class="count count-confirm" data-group="confirm">
  <strong>3</strong> Konfirmasi</a>
 <a href="/v/tok?kelompok=pack" class="count count-pack" data-group="pack"><strong>0</strong>
  Kemas</a>
 <a href="/v/tok?kelompok=ship" class="button" data-group="ship"><strong>9</strong> not a count</a>
</nav>
<h2>Konfirmasi <span class="badge">3</span></h2></div>
"""


def test_the_desk_reader_reads_the_counts_bar_and_the_live_feed():
    """Counts come from the count links only, numbers in their <strong>; the feed from
    data-events with its entities undone."""
    page = read_page(COUNTS)
    assert page.counts == {"confirm": 3, "pack": 0}
    assert page.events == "/v/tok/paket/events?kelompok=&hal=1"
    assert page.forms == []
