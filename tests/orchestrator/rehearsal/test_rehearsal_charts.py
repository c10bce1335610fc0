"""The rehearsal report's charts: well-formed SVG with the figures they are drawn from."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

from orchestrator.rehearsal.charts import orders_per_minute
from orchestrator.rehearsal.coverage import SlotCoverage
from schedules.model import Slot

SVG = "{http://www.w3.org/2000/svg}"
T0 = datetime(2027, 2, 15, 9, tzinfo=UTC)


def _row(slot_id: str, vendor: str | None, minutes: int, orders: int) -> SlotCoverage:
    slot = Slot(slot_id, "utama", T0, T0 + timedelta(minutes=minutes), vendor)
    return SlotCoverage(slot, slot.start, slot.end, minutes * 60.0, orders, 0, True)


def test_orders_per_minute_sums_each_vendors_slots_busiest_first():
    """Two slots of one vendor are pooled; hosts are left out; names are escaped XML text."""
    rows = [_row("a", "kopi", 10, 20), _row("b", "kopi", 10, 10), _row("c", "batik", 5, 25),
            _row("h", None, 30, 0)]  # fmt: skip
    svg = ET.fromstring(orders_per_minute(rows, {"kopi": "Kopi <Jember> & Co", "batik": "Batik"}))
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert texts.index("Batik") < texts.index("Kopi <Jember> & Co")
    assert "5.0/menit" in texts and "1.5/menit" in texts
    assert len(svg.findall(f"{SVG}rect")) == 2
