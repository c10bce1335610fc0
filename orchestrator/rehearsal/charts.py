"""The rehearsal report's charts, drawn with the event report's SVG charts.

Per show day and channel, scheduled against aired slots on one time axis; and each
vendor's orders per simulated minute on air. The figures come from the run's records;
the drawing is ``orchestrator.report.charts``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from kernel.formatting import local_time
from orchestrator.rehearsal.coverage import SlotCoverage
from orchestrator.report import charts

SCALE = 10  # bars take whole numbers: orders per minute in tenths


def timelines(run) -> list[dict]:
    """One timeline per show day and channel: each slot scheduled, and when it aired."""
    event = run.loaded.event
    names = {v.id: v.name for v in event.vendors}
    groups: dict[tuple[str, str], list] = defaultdict(list)
    for slot in sorted(event.slots, key=lambda s: (s.channel, s.start)):
        groups[(slot.start.astimezone(event.tz).date().isoformat(), slot.channel)].append(slot)
    result = []
    for (day, channel), slots in sorted(groups.items()):
        spans = []
        for slot in slots:
            record = run.recorder.aired.get(slot.id)
            aired = (record.seen, record.end or slot.end) if record is not None else None
            label = names.get(slot.vendor_id or "", slot.title or "Segmen host")
            spans.append(charts.Span(label, (slot.start, slot.end), aired))
        moments = [m for s in spans for m in (*s.scheduled, *(s.aired or ()))]
        start, end = min(moments), max(moments)
        svg = charts.timeline(f"{day} · {channel}: jadwal vs tayang", spans, start, end,
                              _hours(start, end, event.tz))  # fmt: skip
        result.append({"date": day, "channel": channel, "svg": svg})
    return result


def _hours(start: datetime, end: datetime, tz) -> list[tuple[datetime, str]]:
    ticks, hour = [], start.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    while hour < end:
        ticks.append((hour, local_time(hour, tz)))
        hour += timedelta(hours=1)
    return ticks


def orders_per_minute(rows: Iterable[SlotCoverage], names: dict[str, str]) -> str:
    """Each vendor's orders per simulated minute on air, over all its slots, busiest first."""
    orders: dict[str, int] = defaultdict(int)
    seconds: dict[str, float] = defaultdict(float)
    for row in rows:
        if row.slot.vendor_id:
            orders[row.slot.vendor_id] += row.orders
            seconds[row.slot.vendor_id] += row.seconds
    rates = {v: orders[v] * 60 / seconds[v] for v in orders if seconds[v] > 0}
    ranked = sorted(rates.items(), key=lambda kv: (-kv[1], kv[0]))
    bars = [charts.Bar(names.get(v, v), round(rate * SCALE), text=f"{rate:.1f}/menit")
            for v, rate in ranked]  # fmt: skip
    return charts.bars("Pesanan per menit tayang, per penjual (orders per minute)", bars)
