"""The rehearsal report: figures from the run's records, written as JSON and HTML.

The audience's record of what it typed is the truth for orders: per vendor, the units
its viewers still hold after their cancels must equal the units the service logged. And
every vendor slot on air must have received chat orders at the audience's rate
(``coverage``): totals that match can still hide vendors nobody ordered from.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from kernel.db import open_db
from kernel.formatting import local_time
from kernel.times import parse_utc
from kernel.web import make_templates
from orchestrator.orders.model import PAID, SHIPPED
from orchestrator.rehearsal import charts, coverage, funnel, problems
from orchestrator.rehearsal.runner import Run
from schedules.model import Event

DUE_TOLERANCE_S = 5.0  # simulated: how late the rotation may put a slot on air
# Real seconds the timer may fire late on a busy machine. A loaded 2-core box wakes the
# loop late by tens of ms, at worst 373 ms measured (load 11, two rehearsals at once:
# 112 simulated s at 300x); a whole second means the event loop was blocked by our code.
TIMER_LAG_LIMIT_S = 1.0
QUOTA_LIMIT = 10_000
CLOSED = ("cancelled",)


def expected_holdings(
    sent: Iterable, catalog: set[str], limits: Mapping[str, int] | None = None,
    locked: Mapping[tuple[str, str], list[tuple[datetime, int]]] | None = None,
) -> dict[tuple[str, str], int]:  # fmt: skip
    """Units each viewer should still hold per code after their own cancels, in order.

    ``limits`` (code -> ``max_per_buyer``) cuts a claim to what the viewer may still hold,
    as the order book does: what they hold plus the claim never goes over the limit.
    ``locked`` (viewer, code -> [(created, qty)]) are orders the vendor has confirmed
    (paid or shipped): a chat cancel no longer takes them, so one typed after such an
    order was made leaves at least its units held.
    """
    held: dict[tuple[str, str], int] = defaultdict(int)
    limits, locked = limits or {}, locked or {}
    for message in sent:
        kind, items = message.expected.get("kind"), message.expected.get("items", [])
        for item in items:
            key = (message.author_channel_id, item["code"])
            if item["code"] not in catalog:
                continue
            if kind == "order":
                cap = limits.get(item["code"])
                room = item["qty"] if cap is None else max(0, min(item["qty"], cap - held[key]))
                held[key] += room
            elif kind == "cancel":
                mine = locked.get(key, ())
                when = parse_utc(message.published_at) if mine else None
                kept = sum(q for at, q in mine if when is not None and at <= when)
                left = 0 if item["qty"] == 0 else max(0, held[key] - item["qty"])
                held[key] = max(left, min(kept, held[key]))
    return dict(held)


def _logged(db) -> list[dict]:
    if not db["orders"].exists():
        return []
    return list(db.query("SELECT code, vendor_id, qty, status, created_utc FROM orders"))


def _locked(db) -> dict[tuple[str, str], list[tuple[datetime, int]]]:
    """Each viewer's orders past a chat cancel (confirmed paid, or shipped), with when made."""
    found: dict[tuple[str, str], list[tuple[datetime, int]]] = defaultdict(list)
    if db["orders"].exists():
        for row in db.query(
            "SELECT author_id, code, created_utc, qty FROM orders WHERE status IN (?, ?)",
            [PAID, SHIPPED],
        ):
            moment = parse_utc(row["created_utc"])
            found[(row["author_id"], row["code"])].append((moment, row["qty"]))
    return found


def order_figures(run: Run, db) -> dict[str, Any]:
    """Orders the audience meant, against orders the service logged, per vendor."""
    event = run.loaded.event
    owner = {p.code: p.vendor_id for p in event.products}
    sent = [m for audience in run.audiences for m in audience.sent]
    meant: dict[str, int] = defaultdict(int)
    limits = {p.code: p.max_per_buyer for p in event.products if p.max_per_buyer is not None}
    for (_, code), qty in expected_holdings(sent, set(owner), limits, _locked(db)).items():
        meant[owner[code]] += qty
    for buyer in run.buyers:  # the simulated buyers' orders by link
        if buyer.ordered and buyer.link_code in owner:
            meant[owner[buyer.link_code]] += buyer.link_qty
    # Stored as messages too: the buyers' BAYAR lines, and each order by link.
    typed = len(sent) + sum(b.messages + b.ordered for b in run.buyers)
    logged: dict[str, int] = defaultdict(int)
    for row in _logged(db):
        if row["status"] not in CLOSED:
            logged[row["vendor_id"]] += row["qty"]
    names = {v.id: v.name for v in event.vendors}
    rows = [
        {"vendor": v, "name": names.get(v, v), "sent": meant.get(v, 0), "logged": logged.get(v, 0)}
        for v in sorted(set(meant) | set(logged))
    ]
    stored = db["chat_messages"].count if db["chat_messages"].exists() else 0
    return {
        "messages_sent": typed,
        "messages_stored": stored,
        "units_sent": sum(meant.values()),
        "units_logged": sum(logged.values()),
        "per_vendor": rows,
        "match": all(r["sent"] == r["logged"] for r in rows),
    }


def coverage_rows(run: Run, db) -> list[coverage.SlotCoverage]:
    """Each aired slot's orders and chat, from the desk's tables and the rotation's record."""
    slots = {s.id: s for s in run.loaded.event.slots}
    aired = [
        coverage.OnAir(slots[a.slot_id], a.due, a.end or slots[a.slot_id].end)
        for a in run.recorder.aired.values()
        if a.slot_id in slots
    ]
    rate = run.options.audience if run.sandbox_state is not None else 0.0
    return coverage.slot_coverage(
        aired, _orders_by_slot(db), _published_by_channel(db), rate, run.skips
    )


def _orders_by_slot(db) -> dict[tuple[str, str], int]:
    if not db["orders"].exists():
        return {}
    rows = db.query(
        "SELECT slot_id, vendor_id, count(*) AS n FROM orders"
        " WHERE slot_id IS NOT NULL GROUP BY slot_id, vendor_id"
    )
    return {(r["slot_id"], r["vendor_id"]): r["n"] for r in rows}


def _published_by_channel(db) -> dict[str, list[datetime]]:
    if not db["chat_messages"].exists():
        return {}
    times: dict[str, list[datetime]] = defaultdict(list)
    for row in db.query(
        "SELECT channel, published_utc FROM chat_messages WHERE published_utc IS NOT NULL"
    ):
        times[row["channel"]].append(parse_utc(row["published_utc"]))
    return {channel: sorted(moments) for channel, moments in times.items()}


def coverage_figures(rows: Iterable[coverage.SlotCoverage], tz) -> list[dict]:
    """Per aired slot: time on air, orders for its vendor, chat messages per minute."""
    return [_coverage_row(r, tz) for r in rows]


def _coverage_row(r: coverage.SlotCoverage, tz) -> dict:
    return {
        "id": r.slot.id, "channel": r.slot.channel, "vendor": r.slot.vendor_id,
        "on_air": f"{local_time(r.start, tz)}–{local_time(r.end, tz)}",
        "minutes": round(r.seconds / 60, 1), "orders": r.orders, "messages": r.messages,
        "per_minute": None if r.per_minute is None else round(r.per_minute, 1),
        "judged": r.judged,
    }  # fmt: skip


def sold_out_times(event: Event, rows: list[dict]) -> dict[str, datetime]:
    """When each product with stock had its last unit taken, by the orders' times."""
    stock = {p.code: p.stock for p in event.products if p.stock is not None}
    taken: dict[str, int] = defaultdict(int)
    result: dict[str, datetime] = {}
    for row in sorted(rows, key=lambda r: r["created_utc"]):
        code = row["code"]
        if code not in stock or code in result or row["status"] in ("waiting", *CLOSED):
            continue
        taken[code] += row["qty"]
        if taken[code] >= stock[code]:
            result[code] = parse_utc(row["created_utc"])
    return result


def slot_figures(run: Run, covered: Mapping[str, dict] | None = None) -> list[dict]:
    """Per day and channel: each slot's scheduled time, when it aired, how late, its chat."""
    event, aired, covered = run.loaded.event, run.recorder.aired, covered or {}
    days: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for slot in sorted(event.slots, key=lambda s: (s.channel, s.start)):
        record = aired.get(slot.id)
        vendor = event.vendor(slot.vendor_id) if slot.vendor_id else None
        days[(slot.start.astimezone(event.tz).date().isoformat(), slot.channel)].append({
            "id": slot.id, "name": vendor.name if vendor else (slot.title or "Segmen host"),
            "scheduled": local_time(slot.start, event.tz),
            "due": local_time(record.due, event.tz, seconds=True) if record else None,
            "aired": local_time(record.seen, event.tz, seconds=True) if record else None,
            "late_s": round(record.late_s, 2) if record else None,
            "lag_s": round(record.lag_s, 2) if record else None,
            "orders": covered.get(slot.id, {}).get("orders"),
            "per_minute": covered.get(slot.id, {}).get("per_minute"),
        })  # fmt: skip
    return [
        {"date": day, "channel": channel, "slots": rows}
        for (day, channel), rows in sorted(days.items())
    ]


def overlay_figures(run: Run) -> list[dict]:
    """Per overlay page: revisions published against revisions it ended on."""
    pages = [
        {
            "page": "websockets",
            "channel": channel,
            "published": published,
            "final_rev": run.watcher.last_rev.get(channel, 0),
            "received": run.watcher.received.get(channel, 0),
            "snapshots": run.watcher.snapshots.get(channel, 0),
            "at_final": run.watcher.last_rev.get(channel, 0) == published,
        }
        for channel, published in sorted(run.published_revs.items())
    ]
    pages += [
        {
            "page": "chromium",
            "channel": channel,
            "published": run.published_revs.get(channel, 0),
            "final_rev": rev,
            "received": None,
            "snapshots": None,
            "at_final": rev == run.published_revs.get(channel, 0),
        }
        for channel, rev in sorted(run.browser_revs.items())
    ]
    return pages


def platform_figures(run: Run) -> dict[str, Any]:
    state = run.sandbox_state
    if state is None:
        return {}
    faults = getattr(getattr(state, "faults", None), "log", []) or []
    return {
        "calls": dict(getattr(state, "calls", {})),
        "creates": dict(getattr(state, "creates", {})),
        "faults_injected": len(faults),
    }


def build(run: Run) -> dict[str, Any]:
    """Every figure of the report, as plain JSON-ready data."""
    event = run.loaded.event
    db = open_db(run.db_path)
    try:
        orders = order_figures(run, db)
        sold_out = sold_out_times(event, _logged(db))
        covered = coverage_rows(run, db)
        claims, parcels = funnel.load(db)
    finally:
        db.close()
    rate = run.options.audience if run.sandbox_state is not None else 0.0
    per_slot = coverage_figures(covered, event.tz)
    slots = slot_figures(run, {row["id"]: row for row in per_slot})
    unreached = coverage.coverage_problems(event, covered, rate, run.loaded.origins)
    aired = [s for day in slots for s in day["slots"] if s["late_s"] is not None]
    late = [s["late_s"] for s in aired]
    # The rotation's own lateness: how far the moment it woke for was from the slot's.
    by_rotation = [s["late_s"] - s["lag_s"] for s in aired]
    lag_ms = [s["lag_s"] / run.options.speed * 1000 for s in aired]
    missed = [s["id"] for day in slots for s in day["slots"] if s["aired"] is None]
    quota = problems.projected_quota(run.quota_by_day, QUOTA_LIMIT)
    step = timedelta(seconds=max([DUE_TOLERANCE_S, *late]))
    slot_ends = {a.slot_id: a.end or a.due for a in run.recorder.aired.values()}
    lost = funnel.lost_claims(claims, parcels, run.buyers, run.ended_at)
    delays = {v.vendor_id: v.delay for v in run.vendors}
    not_shipped = funnel.unshipped(parcels, delays, run.ended_at)
    checkout = funnel.summary(claims, lost, run.buyers, not_shipped, len(run.vendors))
    found = [
        *problems.event_problems(event, run.loaded.origins),
        *problems.lost_problems(lost),
        *problems.unshipped_problems(not_shipped[0]),
        *problems.sold_out_problems(event, sold_out, slot_ends, run.loaded.origins),
        *problems.quota_problems(quota, QUOTA_LIMIT),
        *problems.short_slot_problems(event, step, run.loaded.origins),
        *unreached,
    ]
    overlays = overlay_figures(run)
    on_time = all(x <= DUE_TOLERANCE_S for x in by_rotation)
    on_time = on_time and all(x <= TIMER_LAG_LIMIT_S * 1000 for x in lag_ms)
    ok = orders["match"] and not missed and on_time and all(o["at_final"] for o in overlays)
    ok = ok and not unreached and checkout["lost"] == 0 and checkout["unshipped"] == 0
    return {
        "event": event.name,
        "options": {k: str(v) if isinstance(v, Path) else v for k, v in vars(run.options).items()},
        "real_seconds": round(run.finished_real - run.started_real, 1),
        "ok": ok,
        "headline": {
            "days": len({d["date"] for d in slots}),
            "channels": len({d["channel"] for d in slots}),
            "slots": len(event.slots),
            "slots_aired": len(event.slots) - len(missed),
            "max_late_s": max(late, default=0.0),
            "max_late_by_rotation_s": round(max(by_rotation, default=0.0), 2),
            "max_timer_lag_ms": round(max(lag_ms, default=0.0), 1),
            "messages_sent": orders["messages_sent"],
            "units_sent": orders["units_sent"],
            "units_logged": orders["units_logged"],
            "overlay_pages_at_final_rev": sum(o["at_final"] for o in overlays),
            "overlay_pages": len(overlays),
            "problems": len(found),
            "max_quota_units": max((q["projected_units"] for q in quota), default=0),
            "audience": coverage.spread(covered, rate),
        },
        "slots_missed": missed,
        "days": slots,
        "orders": orders,
        "coverage": per_slot,
        "coverage_problems": len(unreached),
        "checkout": {**checkout, "per_vendor": _named(checkout["per_vendor"], event)},
        "overlays": overlays,
        "platform": platform_figures(run),
        "quota": quota,
        "chat_transport": run.chat_transport,
        "charts": {  # drawn for report.html only; left out of report.json
            "timelines": charts.timelines(run),
            "orders_per_minute": charts.orders_per_minute(
                covered, {v.id: v.name for v in event.vendors}
            ),
        },
        "problems": [
            {
                "where": f"{p.file}:{p.row}",
                "field": p.field,
                "severity": p.severity,
                "message": p.message,
            }
            for p in found
        ],
    }


def _named(rows: list[dict], event: Event) -> list[dict]:
    names = {v.id: v.name for v in event.vendors}
    return [{**row, "name": names.get(row["vendor"], row["vendor"])} for row in rows]


def write(report: Mapping[str, Any], out_dir: Path) -> tuple[Path, Path]:
    """Write ``report.json`` and ``report.html`` (self-contained) into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, html_path = out_dir / "report.json", out_dir / "report.html"
    figures = {k: v for k, v in report.items() if k != "charts"}
    json_path.write_text(json.dumps(figures, indent=2, ensure_ascii=False, default=str))
    templates = make_templates([Path(__file__).resolve().parents[1]])  # orchestrator/templates
    page = templates.get_template("rehearsal_report.html").render(report=report)
    html_path.write_text(page, encoding="utf-8")
    return json_path, html_path
