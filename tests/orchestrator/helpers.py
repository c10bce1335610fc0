"""Small events built in code, for tests that need predictable times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from kernel.db import open_db
from schedules import store
from schedules.model import Channel, Event, Product, Slot, Vendor

T0 = datetime(2027, 2, 15, 8, 30, tzinfo=UTC)  # 15:30 WIB


def small_event(start: datetime = T0, slots: int = 4, minutes: int = 10) -> Event:
    """One channel, ``slots`` vendor slots of ``minutes`` each from ``start``."""
    vendors = [
        Vendor(f"v{i}", f"Penjual {i}", "kopi", "", "+628123000000", "Ajung") for i in range(slots)
    ]
    products = [
        Product(f"K{i + 1:02d}", f"v{i}", f"Kopi {i}", 40000 + i * 1000, 10) for i in range(slots)
    ]
    slot_list = [
        Slot(
            id=f"utama-{i}",
            channel="utama",
            start=start + timedelta(minutes=minutes * i),
            end=start + timedelta(minutes=minutes * (i + 1)),
            vendor_id=f"v{i}",
            products=(f"K{i + 1:02d}",),
        )
        for i in range(slots)
    ]
    return Event(
        name="Uji",
        channels=[Channel("utama", "Panggung Utama")],
        vendors=vendors,
        products=products,
        slots=slot_list,
    )


def save(db_path: Path, event: Event) -> None:
    """Store ``event`` in the file the app will open."""
    db = open_db(db_path)
    store.migrate(db)
    store.save_event(db, event)
    db.close()
