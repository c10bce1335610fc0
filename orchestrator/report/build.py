"""Read an event's database into its report and write it: HTML with SVG charts, JSON, CSV.

The rotation engine replays the host's stored actions to say when each slot really aired,
so the report needs nothing the service did not already keep. One read transaction.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from dataclasses import asdict
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from kernel.csv_cells import safe_row
from kernel.formatting import local_time, rupiah
from kernel.times import parse_utc
from kernel.web import make_templates
from orchestrator.report import charts
from orchestrator.report.figures import Aired, OrderRow, ParcelRow, Report, build, day_totals
from orchestrator.rotation.actions import Action
from orchestrator.rotation.engine import channel_state
from orchestrator.rotation.records import load_actions
from schedules import store
from schedules.model import Event

TEMPLATES_ROOT = Path(__file__).resolve().parents[1]  # orchestrator/templates


class NoEvent(Exception):
    """The database holds no event to report on."""


def read_report(db: Database, now: datetime) -> tuple[Event, Report]:
    """The event and its report as the database holds them at ``now``."""
    event = store.load_event(db)
    if event is None:
        raise NoEvent("database ini belum berisi acara (no event in this database)")
    return event, build(event, _aired(db, event, now), _orders(db), _parcels(db), _clicks(db))


def _aired(db: Database, event: Event, now: datetime) -> dict[str, Aired]:
    actions = load_actions(db) if db["actions"].exists() else []
    out: dict[str, Aired] = {}
    for channel in sorted({s.channel for s in event.slots}):
        slots = [s for s in event.slots if s.channel == channel]
        mine = [_action(a) for a in actions if a["channel"] == channel]
        state = channel_state(slots, mine, now, event.tz)
        for planned in state.timeline:
            if planned.part != "slot":
                continue  # encores and resumed rests stay with their slot's first turn
            out[planned.slot.id] = Aired(planned.slot.id, planned.start, planned.end,
                                         planned.status)  # fmt: skip
    return out


def _action(row: dict) -> Action:
    return Action(kind=row["kind"], at=row["at"], by=row["by"], slot_id=row["slot_id"],
                  minutes=row["minutes"])  # fmt: skip


def _orders(db: Database) -> Iterable[OrderRow]:
    if not db["orders"].exists():
        return []
    return [
        OrderRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], parse_utc(r[8]))
        for r in db.execute(
            "SELECT vendor_id, code, channel, slot_id, qty, price_idr, status, platform,"
            " created_utc FROM orders"
        )
    ]


def _parcels(db: Database) -> Iterable[ParcelRow]:
    if not db["parcels"].exists():
        return []
    return [
        ParcelRow(*r)
        for r in db.execute(
            "SELECT p.vendor_id, p.status, p.total_idr, b.province FROM parcels p"
            " JOIN buyers b ON b.id = p.buyer_id"
        )
    ]


def _clicks(db: Database) -> dict[str, int]:
    if not db["clicks"].exists():
        return {}
    return dict(db.execute("SELECT code, count(*) FROM clicks GROUP BY code").fetchall())


def as_json(event: Event, report: Report) -> dict[str, Any]:
    """The report as plain JSON: integer Rupiah, ISO times in UTC."""

    def tally(t) -> dict[str, Any]:
        return {**asdict(t), "conversion": t.conversion}

    return {
        "event": report.name,
        "totals": tally(report.totals),
        "parcels_by_status": report.parcels_by_status,
        "provinces": report.provinces,
        "vendors": {v: tally(t) for v, t in sorted(report.vendors.items())},
        "days": {
            day.isoformat(): [
                {
                    "slot": line.slot_id,
                    "channel": line.channel,
                    "vendor": line.vendor_id,
                    "scheduled_start": line.scheduled_start.isoformat(),
                    "aired_start": _iso(line.aired.start if line.aired else None),
                    "aired_end": _iso(line.aired.end if line.aired else None),
                    "status": line.aired.status if line.aired else None,
                    "late_s": line.late_s,
                    **tally(line.tally),
                }
                for line in lines
            ]
            for day, lines in sorted(report.days.items())
        },
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def chart_set(event: Event, report: Report) -> dict[str, Any]:
    """The report's SVG charts: vendors by money, and per day and channel the timeline."""
    names = {v.id: v.name for v in event.vendors}
    ranked = sorted(report.vendors.items(), key=lambda kv: (-kv[1].claimed_idr, kv[0]))
    money = charts.bars(
        "Rupiah per penjual: dipesan / dibayar (claimed / paid)",
        [
            charts.Bar(
                names.get(v, v),
                t.claimed_idr,
                t.paid_idr,
                f"{rupiah(t.claimed_idr)} / {rupiah(t.paid_idr)}",
            )
            for v, t in ranked[:30]
        ],
        legend=("dipesan (claimed)", "dibayar (paid)"),
    )
    days = {}
    for day, lines in sorted(report.days.items()):
        per_channel = {}
        for channel in sorted({line.channel for line in lines}):
            own = [line for line in lines if line.channel == channel]
            per_channel[channel] = _day_timeline(event, day, channel, own, names)
        days[day] = {"timelines": per_channel, "totals": day_totals(lines)}
    return {"money": money, "days": days}


def _day_timeline(event: Event, day, channel: str, lines, names) -> str:
    moments = [line.scheduled_start for line in lines] + [line.scheduled_end for line in lines]
    for line in lines:
        if line.aired and line.aired.start and line.aired.end:
            moments += [line.aired.start, line.aired.end]
    start, end = min(moments), max(moments)
    ticks, hour = [], start.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    while hour < end:
        ticks.append((hour, local_time(hour, event.tz)))
        hour += timedelta(hours=1)
    spans = [
        charts.Span(
            names.get(line.vendor_id or "", line.title or "host"),
            (line.scheduled_start, line.scheduled_end),
            (line.aired.start, line.aired.end)
            if line.aired and line.aired.start and line.aired.end
            else None,
        )
        for line in lines
    ]
    return charts.timeline(f"{day.isoformat()} · {channel}: jadwal vs tayang", spans, start, end,
                           ticks)  # fmt: skip


def render_html(event: Event, report: Report, generated: datetime) -> str:
    """The report as one self-contained file: its style inline, its charts inline SVG."""
    templates = make_templates([TEMPLATES_ROOT])
    css = (TEMPLATES_ROOT / "static" / "report.css").read_text(encoding="utf-8")
    return templates.get_template("event_report.html").render(
        event=event, report=report, charts=chart_set(event, report), tz=event.tz,
        names={v.id: v.name for v in event.vendors}, generated=generated, css=css,
        static_version="",
    )  # fmt: skip


def write(event: Event, report: Report, out_dir: Path, generated: datetime) -> list[Path]:
    """Write ``laporan.html``, ``laporan.json`` and ``penjual.csv`` into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    html = out_dir / "laporan.html"
    html.write_text(render_html(event, report, generated), encoding="utf-8")
    data = out_dir / "laporan.json"
    data.write_text(json.dumps(as_json(event, report), indent=2, ensure_ascii=False))
    table = out_dir / "penjual.csv"
    names = {v.id: v.name for v in event.vendors}
    with table.open("w", encoding="utf-8-sig", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["vendor_id", "nama", "klaim", "unit", "rupiah_dipesan", "paket_dibayar",
                      "rupiah_dibayar", "klik_link", "pesanan_link"])  # fmt: skip
        for vendor_id, t in sorted(report.vendors.items()):
            out.writerow(safe_row([vendor_id, names.get(vendor_id, vendor_id), t.claims, t.units,
                                   t.claimed_idr, t.parcels_paid, t.paid_idr, t.clicks,
                                   t.link_orders]))  # fmt: skip
    return [html, data, table]
