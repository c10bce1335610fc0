"""A buyer's claims as parcels: one per vendor, what each charges, what is fixed."""

from __future__ import annotations

from datetime import UTC, datetime

from orchestrator.checkout.model import CLAIMED, UNPAID, ParcelRow, ShippingCost
from orchestrator.checkout.parcels import DEFAULT_WEIGHT_G, parcel_views
from orchestrator.orders.model import CANCELLED, CONFIRMED, EXPIRED, NEW, WAITING, Order
from schedules.model import Event, Product, Vendor

T = datetime(2027, 2, 15, 9, 0, tzinfo=UTC)
EVENT = Event(
    vendors=[Vendor("kopi", "Kopi Rakyat"), Vendor("batik", "Batik Labako")],
    products=[Product("K01", "kopi", "Robusta 250 g", 43_000, 10, weight_g=300),
              Product("K02", "kopi", "Drip bag", 33_000, 10, weight_g=200),
              Product("B01", "batik", "Batik tulis", 350_000, 2)],
)  # fmt: skip


def order(oid: int, code: str, qty: int, status: str = NEW) -> Order:
    vendor = "batik" if code.startswith("B") else "kopi"
    price = EVENT.product(code).price_idr
    return Order(oid, code, vendor, "utama", None, qty, status, "youtube", "UC1", "Budi",
                 f"m{oid}", f"{code} {qty}", T, price)  # fmt: skip


def flat(vendor_id: str, weight_g: int) -> ShippingCost:
    return ShippingCost(10_000 + weight_g, "1-2", "Jawa Timur")


def row(pid: int, vendor: str, status: str, total: int | None = None) -> ParcelRow:
    return ParcelRow(pid, 1, vendor, status, "qris" if total else None, 123, None, 9_000,
                     total, None, None, None, None, T, T)  # fmt: skip


def test_one_open_parcel_per_vendor_with_its_items_and_shipping() -> None:
    orders = [order(1, "K01", 2), order(2, "B01", 1), order(3, "K02", 1)]
    views = parcel_views(orders, [], {}, EVENT, flat)
    by_vendor = {v.vendor_id: v for v in views}
    kopi = by_vendor["kopi"]
    assert [line.code for line in kopi.lines] == ["K01", "K02"]
    assert kopi.items_idr == 2 * 43_000 + 33_000
    assert kopi.weight_g == 2 * 300 + 200
    assert kopi.shipping.idr == 10_000 + 800
    assert kopi.total_idr == kopi.items_idr + 10_800
    assert by_vendor["batik"].weight_g == DEFAULT_WEIGHT_G
    assert all(v.status == UNPAID and v.parcel_id is None for v in views)


def test_waiting_and_gone_claims_are_not_charged() -> None:
    orders = [order(1, "K01", 1), order(2, "K02", 3, WAITING), order(3, "K01", 1, EXPIRED),
              order(4, "K02", 1, CANCELLED)]  # fmt: skip
    (kopi,) = parcel_views(orders, [], {}, EVENT, flat)
    assert [line.order_id for line in kopi.lines] == [1]
    assert [line.order_id for line in kopi.waiting] == [2]
    assert {line.order_id for line in kopi.gone} == {3, 4}
    assert kopi.items_idr == 43_000


def test_all_expired_shows_the_parcel_expired() -> None:
    (kopi,) = parcel_views([order(1, "K01", 1, EXPIRED)], [], {}, EVENT, flat)
    assert kopi.status == "expired" and kopi.lines == ()


def test_a_paid_parcel_keeps_its_items_and_new_claims_open_another() -> None:
    orders = [order(1, "K01", 1, CONFIRMED), order(5, "K02", 2)]
    rows = [row(7, "kopi", CLAIMED, total=52_000), row(8, "kopi", UNPAID)]
    views = parcel_views(orders, rows, {1: 7}, EVENT, flat)
    fixed, fresh = views
    assert (fixed.parcel_id, fixed.status, fixed.total_idr) == (7, CLAIMED, 52_000)
    assert [line.order_id for line in fixed.lines] == [1]
    assert (fresh.parcel_id, fresh.status) == (8, UNPAID)
    assert [line.order_id for line in fresh.lines] == [5]
    assert fresh.transfer_idr == fresh.total_idr + 123


def test_unknown_shipping_leaves_no_total() -> None:
    (kopi,) = parcel_views([order(1, "K01", 1)], [], {}, EVENT,
                           lambda v, w: ShippingCost(None, note="quote"))  # fmt: skip
    assert kopi.total_idr is None and kopi.transfer_idr is None
