"""The sales desk's reads on the checkout's tables: one row per parcel with its buyer,
and the items of the parcels a CSV lists. Synchronous, on the store's thread.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlite_utils import Database

from kernel.times import parse_utc
from orchestrator.checkout import store as checkout_store
from orchestrator.fulfilment import store as desk_store
from orchestrator.fulfilment.sales import ParcelFact

_BUYER_SQL = ", ".join(f"b.{f}" for f in checkout_store.DETAIL_COLUMNS)


def parcel_facts(db: Database) -> list[ParcelFact]:
    """Every parcel, oldest first, with its buyer and when the vendor confirmed it."""
    rows = db.execute(
        "SELECT p.id, p.vendor_id, p.status, COALESCE(p.total_idr, 0), p.method, p.courier,"
        " p.resi, p.created_utc, (SELECT MAX(e.at_utc) FROM parcel_events e"
        " WHERE e.parcel_id = p.id AND e.kind = 'confirm'),"
        f" {_BUYER_SQL} FROM parcels p JOIN buyers b ON b.id = p.buyer_id ORDER BY p.id"
    )
    return [
        ParcelFact(
            *r[:7],
            parse_utc(r[7]),
            parse_utc(r[8]) if r[8] else None,
            checkout_store.details_from_row(r[9:]),
        )
        for r in rows
    ]


def items_of(db: Database, facts: Sequence[ParcelFact]) -> dict[int, list[desk_store.DeskLine]]:
    """The claims in each parcel, as its vendor's desk shows them (open parcels too)."""
    by_vendor: dict[str, list[int]] = {}
    for fact in facts:
        by_vendor.setdefault(fact.vendor_id, []).append(fact.id)
    items: dict[int, list[desk_store.DeskLine]] = {}
    for vendor_id, ids in by_vendor.items():
        for start in range(0, len(ids), 500):
            for parcel in desk_store.vendor_parcels(db, vendor_id, ids[start : start + 500]):
                items[parcel.row.id] = list(parcel.lines)
    return items
