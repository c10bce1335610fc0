"""The event's tables in SQLite: one database file holds one event.

Many events at once run as separate processes with separate files, so these tables need
no event id. Every change bumps ``schedule_revision``, so the editor can tell another
writer's change from its own before it writes (``schedules.feed`` tells everyone else).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict

from sqlite_utils import Database

from kernel.db import apply_migrations
from kernel.times import parse_utc, utc_iso
from schedules.model import (
    DEFAULT_HOLD_HOURS,
    DEFAULT_PICKUP_TOWN,
    Channel,
    Event,
    Product,
    ShippingRate,
    Slot,
    Vendor,
)


def _create_tables(db: Database) -> None:
    db["event"].create(
        {"id": int, "name": str, "timezone": str, "base_url": str, "revision": int}, pk="id"
    )
    db["channels"].create(
        {
            "id": str,
            "title": str,
            "zoom_meeting_id": str,
            "youtube_broadcast_id": str,
            "position": int,
        },
        pk="id",
    )
    db["vendors"].create(
        {
            "id": str,
            "name": str,
            "category": str,
            "owner": str,
            "whatsapp": str,
            "kecamatan": str,
            "description": str,
            "position": int,
        },
        pk="id",
    )
    db["products"].create(
        {
            "code": str,
            "vendor_id": str,
            "name": str,
            "price_idr": int,
            "stock": int,
            "order_url": str,
            "position": int,
        },
        pk="code",
    )
    db["slots"].create(
        {
            "id": str,
            "channel": str,
            "start_utc": str,
            "end_utc": str,
            "vendor_id": str,
            "products": str,
            "title": str,
        },
        pk="id",
    )
    db["slots"].create_index(["channel", "start_utc"])
    db["products"].create_index(["vendor_id"])


def _add_checkout_fields(db: Database) -> None:
    """Payment details, holds and pickup per vendor; weights and limits per product; the
    courier tariffs and the event's hold and pickup town (the checkout reads them)."""
    for column in ("qris", "bank", "bank_account", "bank_account_name"):
        db["vendors"].add_column(column, str)
    db["vendors"].add_column("hold_hours", int)
    db["vendors"].add_column("pickup", int)
    db["products"].add_column("weight_g", int)
    db["products"].add_column("max_per_buyer", int)
    db["event"].add_column("hold_hours", int)
    db["event"].add_column("pickup_town", str)
    db["shipping"].create(
        {"destination": str, "first_kg_idr": int, "next_kg_idr": int, "days": str,
         "position": int},
        pk="destination",
    )  # fmt: skip


def _add_photos(db: Database) -> None:
    """Each product's photo as written, and the id of its stored sizes."""
    db["products"].add_column("photo", str)
    db["products"].add_column("photo_id", str)


MIGRATIONS = [_create_tables, _add_checkout_fields, _add_photos]


def migrate(db: Database) -> None:
    """Bring the event tables up to date; safe to call at every start."""
    apply_migrations(db, "schedules", MIGRATIONS)


def has_event(db: Database) -> bool:
    return db["event"].exists() and db["event"].count > 0


def schedule_revision(db: Database) -> int:
    """Return the revision of the stored schedule; 0 when there is no event."""
    row = next(db.query("SELECT revision FROM event WHERE id = 1"), None)
    return row["revision"] if row else 0


def save_event(db: Database, event: Event) -> int:
    """Replace the stored event with ``event`` in one transaction; return the new revision."""
    with db.atomic():
        revision = schedule_revision(db) + 1
        for table in ("slots", "products", "vendors", "channels", "event", "shipping"):
            db.execute(f"DELETE FROM {table}")
        db["event"].insert(
            {
                "id": 1,
                "name": event.name,
                "timezone": event.timezone,
                "base_url": event.base_url,
                "revision": revision,
                "hold_hours": event.hold_hours,
                "pickup_town": event.pickup_town,
            }
        )
        _insert_rows(db, "shipping", (asdict(r) for r in event.shipping))
        _insert_rows(db, "channels", (asdict(c) for c in event.channels))
        _insert_rows(db, "vendors", (asdict(v) for v in event.vendors))
        _insert_rows(db, "products", (asdict(p) for p in event.products))
        db["slots"].insert_all((_slot_row(s) for s in event.slots), batch_size=2000)
    return revision


def _insert_rows(db: Database, table: str, rows: Iterable[dict]) -> None:
    db[table].insert_all(({**row, "position": i} for i, row in enumerate(rows)), batch_size=2000)


def _slot_row(slot: Slot) -> dict:
    return {
        "id": slot.id,
        "channel": slot.channel,
        "start_utc": utc_iso(slot.start),
        "end_utc": utc_iso(slot.end),
        "vendor_id": slot.vendor_id,
        "products": " ".join(slot.products),
        "title": slot.title,
    }


def _row_slot(row: dict) -> Slot:
    return Slot(
        id=row["id"],
        channel=row["channel"],
        start=parse_utc(row["start_utc"]),
        end=parse_utc(row["end_utc"]),
        vendor_id=row["vendor_id"] or None,
        products=tuple((row["products"] or "").split()),
        title=row["title"] or "",
    )


def load_event(db: Database) -> Event | None:
    """Read the stored event back, or ``None`` when the database has none yet."""
    if not has_event(db):
        return None
    head = next(db.query("SELECT * FROM event WHERE id = 1"))
    return Event(
        name=head["name"],
        timezone=head["timezone"],
        base_url=head["base_url"],
        channels=[
            Channel(r["id"], r["title"] or "", r["zoom_meeting_id"], r["youtube_broadcast_id"])
            for r in db.query("SELECT * FROM channels ORDER BY position")
        ],
        vendors=[_row_vendor(r) for r in db.query("SELECT * FROM vendors ORDER BY position")],
        products=[_row_product(r) for r in db.query("SELECT * FROM products ORDER BY position")],
        slots=[_row_slot(r) for r in db.query("SELECT * FROM slots ORDER BY start_utc, channel")],
        shipping=[
            ShippingRate(r["destination"], r["first_kg_idr"], r["next_kg_idr"], r["days"] or "")
            for r in db.query("SELECT * FROM shipping ORDER BY position")
        ],
        hold_hours=head["hold_hours"] or DEFAULT_HOLD_HOURS,
        pickup_town=head["pickup_town"] or DEFAULT_PICKUP_TOWN,
    )


_VENDOR_FIELDS = ("id", "name", "category", "owner", "whatsapp", "kecamatan", "description",
                  "qris", "bank", "bank_account", "bank_account_name")  # fmt: skip


_PRODUCT_FIELDS = ("code", "vendor_id", "name", "price_idr", "stock", "order_url",
                   "weight_g", "max_per_buyer")  # fmt: skip


def _row_product(row: dict) -> Product:
    return Product(
        **{k: row[k] for k in _PRODUCT_FIELDS},
        photo=row["photo"] or "",
        photo_id=row["photo_id"] or "",
    )


def _row_vendor(row: dict) -> Vendor:
    return Vendor(
        **{k: row[k] or "" for k in _VENDOR_FIELDS},
        hold_hours=row["hold_hours"],
        pickup=bool(row["pickup"]),
    )


def upsert_slot(db: Database, slot: Slot) -> int:
    """Add or change one slot and bump the revision; return the new revision."""
    with db.atomic():
        db["slots"].upsert(_slot_row(slot), pk="id")
        return _bump(db)


def delete_slot(db: Database, slot_id: str) -> int:
    """Remove one slot and bump the revision; return the new revision."""
    with db.atomic():
        db.execute("DELETE FROM slots WHERE id = ?", [slot_id])
        return _bump(db)


def upsert_vendor(db: Database, vendor: Vendor) -> int:
    """Add or change one vendor and bump the revision."""
    with db.atomic():
        row = asdict(vendor)
        existing = next(db.query("SELECT position FROM vendors WHERE id = ?", [vendor.id]), None)
        row["position"] = existing["position"] if existing else db["vendors"].count
        db["vendors"].upsert(row, pk="id")
        return _bump(db)


def upsert_product(db: Database, product: Product) -> int:
    """Add or change one product and bump the revision."""
    with db.atomic():
        row = asdict(product)
        existing = next(
            db.query("SELECT position FROM products WHERE code = ?", [product.code]), None
        )
        row["position"] = existing["position"] if existing else db["products"].count
        db["products"].upsert(row, pk="code")
        return _bump(db)


def fill_photo_ids(db: Database, ids: dict[str, str]) -> int:
    """Give products whose photo (as written) has no stored id yet the id in ``ids``, in
    one transaction, bumping the revision once if any changed; return how many changed."""
    changed = 0
    with db.atomic():
        for reference, pid in ids.items():
            cursor = db.execute(
                "UPDATE products SET photo_id = ? WHERE photo = ? AND coalesce(photo_id, '') = ''",
                [pid, reference],
            )
            changed += cursor.rowcount
        if changed:
            _bump(db)
    return changed


def _bump(db: Database) -> int:
    db.execute("UPDATE event SET revision = revision + 1 WHERE id = 1")
    return schedule_revision(db)
