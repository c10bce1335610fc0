"""The checkout funnel and its judge of lost claims, on hand-made claims and parcels."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from orchestrator.rehearsal.funnel import (
    SHIP_SLACK,
    Claim,
    StoredParcel,
    lost_claims,
    per_vendor,
    summary,
    unshipped,
)
from orchestrator.sandbox.buyers import CHAT, BuyerRecord, Intent, Payment

END = datetime(2027, 2, 16, 9, 23, tzinfo=UTC)
INTENT = Intent(True, "qris", False, timedelta(minutes=1), timedelta(minutes=5))


def _buyer(*payments: Payment) -> BuyerRecord:
    record = BuyerRecord(CHAT, "Budi", INTENT, author_id="UCa", bound=True)
    record.payments.extend(payments)
    return record


PAID = StoredParcel(1, "kopi", "claimed", 130_000, 417, (("qris", 130_000),), 2)
CLAIMS = [
    Claim(1, "kopi", "confirmed", END - timedelta(hours=1), True, 1, "claimed"),
    Claim(2, "kopi", "confirmed", END - timedelta(hours=1), True, 1, "claimed"),
    Claim(3, "kopi", "expired", END - timedelta(hours=2), True),
    Claim(4, "batik", "new", END + timedelta(hours=20), False),  # still held, not yet due
    Claim(5, "batik", "cancelled", END + timedelta(hours=20), False),
]


def test_a_run_that_kept_everything_loses_nothing():
    """Paid as paid, expired after the deadline, held before it: lost is 0."""
    buyer = _buyer(Payment(1, "Kopi", "qris", 130_000, 130_000, None, 2))
    assert lost_claims(CLAIMS, {1: PAID}, [buyer], END) == []


def test_funnel_counts_per_vendor_and_in_total():
    """Each vendor's claimed, checked out, paid, expired and cancelled add up to the totals."""
    rows = per_vendor(CLAIMS)
    assert rows["kopi"] == {"claimed": 3, "checked_out": 3, "paid": 2, "shipped": 0,
                            "expired": 1, "cancelled": 0}  # fmt: skip
    assert rows["batik"] == {"claimed": 2, "checked_out": 0, "paid": 0, "shipped": 0,
                             "expired": 0, "cancelled": 1}  # fmt: skip
    data = summary(CLAIMS, [], [_buyer()])
    assert (data["orders"], data["checked_out"], data["paid"], data["expired"], data["lost"]) == (
        5, 3, 2, 1, 0)  # fmt: skip
    assert all(isinstance(data[k], int) for k in ("orders", "checked_out", "paid", "lost"))


def test_a_payment_the_store_dropped_is_lost():
    """The buyer paid parcel 1 but it is back to unpaid with no payment: its 2 claims lost."""
    dropped = StoredParcel(1, "kopi", "unpaid", 130_000, 417, (), 2)
    buyer = _buyer(Payment(1, "Kopi", "qris", 130_000, 130_000, None, 2))
    lost = lost_claims(CLAIMS, {1: dropped}, [buyer], END)
    assert [x.claims for x in lost] == [2] and "unpaid" in lost[0].message
    assert summary(CLAIMS, lost, [buyer])["lost"] == 2


def test_a_wrong_amount_or_method_is_lost():
    """A transfer without its code, or a payment stored under another method, is lost."""
    transfer = _buyer(Payment(1, "Kopi", "transfer", 130_000, 130_000, 417, 2))
    stored = StoredParcel(1, "kopi", "claimed", 130_000, 417, (("transfer", 130_000),), 2)
    assert len(lost_claims([], {1: stored}, [transfer], END)) == 1
    other = StoredParcel(1, "kopi", "claimed", 130_000, 417, (("transfer", 130_417),), 2)
    qris = _buyer(Payment(1, "Kopi", "qris", 130_000, 130_000, None, 2))
    assert len(lost_claims([], {1: other}, [qris], END)) == 1
    missing = lost_claims([], {}, [qris], END)
    assert len(missing) == 1 and "tidak ada" in missing[0].message


def test_claims_that_outlived_or_broke_their_hold_are_lost():
    """Unpaid and still held after the deadline, or expired in a paid parcel: both lost."""
    overdue = Claim(6, "batik", "new", END - timedelta(seconds=1), True)
    expired_paid = Claim(7, "kopi", "expired", END - timedelta(hours=3), True, 1, "claimed")
    due_now_paid = Claim(8, "kopi", "confirmed", END - timedelta(hours=3), True, 1, "claimed")
    lost = lost_claims([overdue, expired_paid, due_now_paid], {1: PAID}, [], END)
    assert sorted(x.message.split()[1] for x in lost) == ["#6", "#7"]
    assert lost_claims([overdue], {}, [], END - timedelta(minutes=1)) == []  # not yet due


def _parcel(pid: int, vendor: str, status: str, paid_at: datetime | None) -> StoredParcel:
    return StoredParcel(pid, vendor, status, 50_000, None, (("qris", 50_000),), 1, paid_at)


def test_paid_parcels_of_simulated_vendors_must_be_shipped_in_time():
    """Paid long ago and unshipped is a problem; paid within the vendor's time is waiting."""
    delay = timedelta(minutes=10)
    allowed = 2 * delay + SHIP_SLACK
    parcels = {
        1: _parcel(1, "kopi", "shipped", END - timedelta(hours=5)),
        2: _parcel(2, "kopi", "paid", END - allowed - timedelta(seconds=1)),  # had time
        3: _parcel(3, "kopi", "claimed", END - allowed + timedelta(seconds=1)),  # just paid
        4: _parcel(4, "batik", "packed", END - timedelta(hours=5)),  # vendor not simulated
        5: _parcel(5, "kopi", "unpaid", None),
    }
    late, waiting = unshipped(parcels, {"kopi": delay}, END)
    assert [x.message.split()[1] for x in late] == ["#2"] and waiting == 1
    data = summary([Claim(9, "kopi", "confirmed", None, True, 1, "shipped")], [], [],
                   (late, waiting), 1)  # fmt: skip
    assert (data["shipped"], data["unshipped"], data["awaiting_ship"]) == (1, 1, 1)
