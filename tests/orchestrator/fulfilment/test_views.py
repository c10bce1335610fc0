"""The desk's pure views: which group and page of parcels it draws, and label addresses."""

from __future__ import annotations

from orchestrator.checkout.model import Details
from orchestrator.fulfilment.views import PER_PAGE, address_lines, select


def test_the_first_group_with_work_is_shown_with_every_count():
    """Without a choice the desk opens the first group holding parcels; counts cover all."""
    statuses = [(1, "unpaid"), (2, "paid"), (3, "claimed"), (4, "shipped"), (5, "expired")]
    sel = select(statuses, "", 1)
    assert sel.group == "confirm" and sel.ids == [3]
    assert sel.counts == {"confirm": 1, "pack": 1, "ship": 0, "shipped": 1, "waiting": 1,
                          "closed": 1}  # fmt: skip
    assert select(statuses, "closed", 1).ids == [5]
    assert select([], "", 1).group == "confirm" and select([], "", 1).ids == []
    assert select(statuses, "nonsense", 1).group == "confirm"


def test_work_queues_oldest_first_the_rest_newest_first():
    """Who paid first is packed first; shipped parcels show the latest first."""
    paid = [(i, "paid") for i in range(1, 4)]
    shipped = [(i, "shipped") for i in range(10, 13)]
    assert select(paid, "pack", 1).ids == [1, 2, 3]
    assert select(shipped, "shipped", 1).ids == [12, 11, 10]


def test_pages_hold_a_screenful_and_clamp():
    """A group longer than a page splits into pages; a page out of range shows the last."""
    many = [(i, "claimed") for i in range(1, PER_PAGE * 2 + 2)]
    first = select(many, "confirm", 1)
    assert first.pages == 3 and first.ids == list(range(1, PER_PAGE + 1))
    last = select(many, "confirm", 99)
    assert last.page == 3 and last.ids == [PER_PAGE * 2 + 1]
    assert select(many, "confirm", 0).page == 1


def test_address_lines_for_courier_pickup_and_abroad():
    """A label prints the street, district and regency, province and postcode; pickup and
    abroad read as such."""
    home = Details("Budi", "62812", "kurir", "Jawa Timur", "Kabupaten Jember", "Sumbersari",
                   "68121", "Jl. Kalimantan 37")  # fmt: skip
    assert address_lines(home, "Jember") == (
        "Jl. Kalimantan 37",
        "Sumbersari, Kabupaten Jember",
        "Jawa Timur 68121",
    )
    assert address_lines(Details("B", "1", "ambil"), "Jember") == ("Ambil sendiri di Jember",)
    abroad = Details("B", "1", "kurir", street="1 Jalan Ampang", country="Malaysia")
    assert address_lines(abroad, "Jember") == ("1 Jalan Ampang", "Malaysia")
