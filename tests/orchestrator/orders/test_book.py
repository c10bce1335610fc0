"""The pure order book: stock, the waiting list, cancels, the host's moves."""

from __future__ import annotations

import pytest

from orchestrator.orders.book import (
    Book,
    BookOrder,
    Cancelled,
    Limited,
    Placed,
    Promoted,
    Stock,
    Viewer,
    transition_error,
)

PRODUCTS = {
    "K01": Stock("K01", "kopi", 40000, stock=5),
    "M12": Stock("M12", "batik", 150000, stock=None),
    "Z00": Stock("Z00", "kopi", 1000, stock=0),
}
BUDI = Viewer("youtube", "UC-budi", "Budi")
SARI = Viewer("youtube", "UC-sari", "Sari")
ZOOM_BUDI = Viewer("zoom", "UC-budi", "Budi")


def placed(decisions) -> list[tuple[int, str, int, str]]:
    return [(d.order_id, d.code, d.qty, d.status) for d in decisions if isinstance(d, Placed)]


def test_orders_within_stock_are_new_and_use_it():
    """Orders that fit are new; the stock left goes down by their qty."""
    book = Book(PRODUCTS)
    assert placed(book.place(BUDI, [("K01", 2)])) == [(1, "K01", 2, "new")]
    assert placed(book.place(SARI, [("K01", 3)])) == [(2, "K01", 3, "new")]
    assert book.remaining("K01") == 0
    assert book.sold_out() == {"K01", "Z00"}


def test_unlimited_product_never_waits():
    """A product without stock takes any qty and is never sold out."""
    book = Book(PRODUCTS)
    assert placed(book.place(BUDI, [("M12", 99)]))[0][3] == "new"
    assert book.remaining("M12") is None
    assert "M12" not in book.sold_out()


def test_order_bigger_than_stock_left_waits_whole():
    """With 1 left, an order of 3 waits whole (not split); one of 1 is taken."""
    book = Book(PRODUCTS, used={"K01": 4})
    assert placed(book.place(BUDI, [("K01", 3)])) == [(1, "K01", 3, "waiting")]
    assert placed(book.place(SARI, [("K01", 1)])) == [(2, "K01", 1, "new")]
    assert book.remaining("K01") == 0


def test_zero_stock_makes_every_order_wait():
    """Stock 0 is sold out from the start: orders go on the waiting list."""
    book = Book(PRODUCTS)
    assert placed(book.place(BUDI, [("Z00", 1)])) == [(1, "Z00", 1, "waiting")]


def test_waiting_list_keeps_arrival_order_and_moves_up_on_cancel():
    """When stock frees, the earliest waiting order that fits moves up first."""
    book = Book(PRODUCTS, used={"K01": 5})
    book.place(BUDI, [("K01", 1)])  # id 1 waits
    book.place(SARI, [("K01", 1)])  # id 2 waits
    decisions = book.release(BookOrder(99, "K01", 1, "paid", ("youtube", "UC-other")))
    assert decisions == [Cancelled(99, "K01", "paid", 1, 0), Promoted(1, "K01", 1)]
    assert [o.id for o in book.waiting["K01"]] == [2]
    assert book.release(BookOrder(98, "K01", 1, "cancelled", ("x", "y"))) == []


def test_promotion_lets_smaller_orders_through_a_big_one():
    """A waiting order too big for what freed keeps its place; a smaller one behind it moves up."""
    orders = [
        BookOrder(1, "K01", 5, "new", SARI.key),
        BookOrder(2, "K01", 3, "waiting", BUDI.key),
        BookOrder(3, "K01", 2, "waiting", ZOOM_BUDI.key),
    ]
    book = Book.from_orders(PRODUCTS, orders)
    decisions = book.cancel(SARI, [("K01", 2)])
    assert decisions == [Cancelled(1, "K01", "new", 5, 3), Promoted(3, "K01", 2)]
    assert [o.id for o in book.waiting["K01"]] == [2]
    assert book.remaining("K01") == 0


def test_cancel_all_takes_every_open_order_of_that_code():
    """Qty 0 cancels all of the viewer's open orders of the code, newest first, not others'."""
    book = Book(PRODUCTS)
    book.place(BUDI, [("M12", 1)])
    book.place(SARI, [("M12", 1)])
    book.place(BUDI, [("M12", 2), ("K01", 1)])
    decisions = book.cancel(BUDI, [("M12", 0)])
    assert decisions == [Cancelled(3, "M12", "new", 2, 0), Cancelled(1, "M12", "new", 1, 0)]
    assert book.by_id[2].status == "new" and book.by_id[4].status == "new"


def test_cancel_n_units_newest_first_reduces_the_last_order():
    """Cancelling 3 of orders of 2 and 2 cancels the newest whole and reduces the older to 1."""
    book = Book(PRODUCTS)
    book.place(BUDI, [("K01", 2)])
    book.place(BUDI, [("K01", 2)])
    decisions = book.cancel(BUDI, [("K01", 3)])
    assert decisions == [Cancelled(2, "K01", "new", 2, 0), Cancelled(1, "K01", "new", 2, 1)]
    assert book.by_id[1].qty == 1
    assert book.remaining("K01") == 4


def test_cancel_more_than_held_cancels_what_there_is():
    """Asking to cancel 9 units of an order of 2 cancels it; the rest is ignored."""
    book = Book(PRODUCTS)
    book.place(BUDI, [("K01", 2)])
    assert book.cancel(BUDI, [("K01", 9)]) == [Cancelled(1, "K01", "new", 2, 0)]


def test_cancel_matches_platform_and_author():
    """The same author id on another platform is another viewer: their order stays."""
    book = Book(PRODUCTS)
    book.place(ZOOM_BUDI, [("K01", 1)])
    assert book.cancel(BUDI, [("K01", 0)]) == []
    assert book.by_id[1].status == "new"


def test_cancel_skips_paid_orders():
    """Paid and shipped orders are not open to a chat cancel."""
    orders = [BookOrder(1, "K01", 2, "paid", BUDI.key), BookOrder(2, "K01", 1, "new", BUDI.key)]
    book = Book.from_orders(PRODUCTS, orders)
    assert book.cancel(BUDI, [("K01", 0)]) == [Cancelled(2, "K01", "new", 1, 0)]
    assert book.remaining("K01") == 3


def test_cancelling_a_waiting_order_frees_no_stock():
    """A waiting order cancelled leaves the stock used as it was."""
    book = Book(PRODUCTS, used={"K01": 5})
    book.place(BUDI, [("K01", 1)])
    assert book.cancel(BUDI, [("K01", 0)]) == [Cancelled(1, "K01", "waiting", 1, 0)]
    assert book.remaining("K01") == 0 and book.waiting["K01"] == []


def test_order_then_cancel_in_one_page():
    """An order placed and cancelled in the same page of chat ends cancelled."""
    book = Book(PRODUCTS, next_id=41)
    book.place(BUDI, [("K01", 2)])
    assert book.cancel(BUDI, [("K01", 0)]) == [Cancelled(41, "K01", "new", 2, 0)]
    assert book.remaining("K01") == 5


def test_reduced_waiting_order_may_move_up():
    """Reducing a waiting order so it fits moves it up at once."""
    book = Book(PRODUCTS, used={"K01": 3})
    book.place(BUDI, [("K01", 4)])
    assert book.cancel(BUDI, [("K01", 2)]) == [
        Cancelled(1, "K01", "waiting", 4, 2),
        Promoted(1, "K01", 2),
    ]


def test_more_stock_settles_the_waiting_list():
    """After the organiser raises stock, settle_all moves up what fits, in arrival order."""
    orders = [BookOrder(i, "K01", 2, "waiting", BUDI.key) for i in (7, 8, 9)]
    book = Book({"K01": Stock("K01", "kopi", 1, stock=4)}, orders, used={})
    assert book.settle_all() == [Promoted(7, "K01", 2), Promoted(8, "K01", 2)]


def test_unknown_codes_and_bad_qty_place_nothing():
    """A code the book does not know, or a qty of 0, makes no order."""
    book = Book(PRODUCTS)
    assert book.place(BUDI, [("Q99", 1), ("K01", 0)]) == []


def test_placed_order_carries_vendor_and_price():
    """A placed order names the product's vendor and its unit price."""
    (decision,) = Book(PRODUCTS).place(BUDI, [("M12", 2)])
    assert decision == Placed(1, "M12", "batik", 2, "new", 150000)


def test_host_release_of_paid_order_frees_its_stock():
    """The host cancelling a paid order gives its units to the waiting list."""
    orders = [BookOrder(1, "K01", 5, "paid", BUDI.key), BookOrder(2, "K01", 2, "waiting", SARI.key)]
    book = Book.from_orders(PRODUCTS, orders)
    assert book.release(orders[0]) == [Cancelled(1, "K01", "paid", 5, 0), Promoted(2, "K01", 2)]


@pytest.mark.parametrize(
    ("current", "wanted", "ok"),
    [
        ("new", "confirmed", True),
        ("confirmed", "paid", True),
        ("paid", "shipped", True),
        ("new", "paid", True),
        ("paid", "new", False),
        ("shipped", "confirmed", False),
        ("waiting", "new", False),
        ("waiting", "cancelled", True),
        ("shipped", "cancelled", True),
        ("cancelled", "new", False),
        ("cancelled", "cancelled", False),
        ("new", "lost", False),
    ],
)
def test_host_status_moves(current, wanted, ok):
    """Orders move forward only; anything not cancelled can be cancelled."""
    assert (transition_error(current, wanted) is None) is ok


def test_partly_loaded_waiting_list_asks_for_the_rest():
    """A cancel freeing more stock than the loaded part can take marks the code short."""
    loaded = [BookOrder(i, "K01", 1, "waiting", ("youtube", f"UC-{i}")) for i in (1, 2)]
    book = Book(PRODUCTS, loaded, used={"K01": 5}, next_id=10, horizon={"K01": 2})
    decisions = book.release(BookOrder(99, "K01", 3, "new", ("youtube", "UC-other")))
    assert [d for d in decisions if isinstance(d, Promoted)] == [
        Promoted(1, "K01", 1),
        Promoted(2, "K01", 1),
    ]
    assert book.short == {"K01"}  # one unit is still free: orders past id 2 may take it


def test_fully_served_partial_list_is_not_short():
    """When the loaded part uses up all the freed stock, nothing more needs loading."""
    loaded = [BookOrder(i, "K01", 1, "waiting", ("youtube", f"UC-{i}")) for i in (1, 2)]
    book = Book(PRODUCTS, loaded, used={"K01": 5}, next_id=10, horizon={"K01": 2})
    book.release(BookOrder(99, "K01", 2, "new", ("youtube", "UC-other")))
    assert book.short == set()


LIMITED = {"K01": Stock("K01", "kopi", 40000, stock=5, max_per_buyer=2)}


def limits(decisions) -> list[tuple[str, int, int, int]]:
    return [(d.code, d.asked, d.allowed, d.limit) for d in decisions if isinstance(d, Limited)]


def test_claim_over_the_per_buyer_limit_is_cut_to_what_is_left():
    """With a limit of 2, a claim of 3 is taken as 2 and the cut is reported."""
    book = Book(LIMITED)
    decisions = book.place(BUDI, [("K01", 3)])
    assert placed(decisions) == [(1, "K01", 2, "new")]
    assert limits(decisions) == [("K01", 3, 2, 2)]


def test_claim_with_nothing_left_under_the_limit_is_refused_whole():
    """A viewer who already holds the limit gets no order, only the Limited decision."""
    book = Book(LIMITED, owned={("youtube", "UC-budi", "K01"): 2})
    decisions = book.place(BUDI, [("K01", 1)])
    assert placed(decisions) == []
    assert limits(decisions) == [("K01", 1, 0, 2)]
    assert placed(book.place(SARI, [("K01", 2)])) == [(1, "K01", 2, "new")]  # others may


def test_waiting_units_count_against_the_limit():
    """Units on the waiting list are the viewer's too: 1 waiting + 2 asked is cut to 1."""
    book = Book(LIMITED, used={"K01": 5})
    assert placed(book.place(BUDI, [("K01", 1)])) == [(1, "K01", 1, "waiting")]
    decisions = book.place(BUDI, [("K01", 2)])
    assert placed(decisions) == [(2, "K01", 1, "waiting")]
    assert limits(decisions) == [("K01", 2, 1, 2)]


def test_a_cancel_gives_the_limit_back():
    """After cancelling, the viewer may claim again up to the limit."""
    book = Book(LIMITED)
    book.place(BUDI, [("K01", 2)])
    book.cancel(BUDI, [("K01", 1)])
    assert placed(book.place(BUDI, [("K01", 5)])) == [(2, "K01", 1, "new")]


def test_from_orders_counts_what_each_viewer_owns():
    """A book built from every order knows each viewer's units of limited codes."""
    orders = [
        BookOrder(1, "K01", 1, "paid", BUDI.key),
        BookOrder(2, "K01", 1, "expired", BUDI.key),
        BookOrder(3, "K01", 1, "cancelled", BUDI.key),
    ]
    book = Book.from_orders(LIMITED, orders)
    assert [d[2] for d in placed(book.place(BUDI, [("K01", 2)]))] == [1]


def test_expired_orders_are_final_for_the_host():
    """The host can neither revive nor cancel an expired order, nor expire one by hand."""
    assert "kedaluwarsa" in transition_error("expired", "new")
    assert "kedaluwarsa" in transition_error("expired", "cancelled")
    assert transition_error("new", "expired") is not None
    assert Book(PRODUCTS).release(BookOrder(1, "K01", 1, "expired", BUDI.key)) == []
