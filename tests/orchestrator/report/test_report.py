"""The event report: sums, aired times from the host's actions, SVG charts, files and page."""

from __future__ import annotations

import argparse
import io
import json
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import timedelta

from kernel.clock import ManualClock
from kernel.db import open_db
from kernel.times import utc_iso
from orchestrator.app import create_app
from orchestrator.checkout import schema as checkout_schema
from orchestrator.orders import schema as orders_schema
from orchestrator.report import charts
from orchestrator.report import command as report_command
from orchestrator.report.figures import Aired, OrderRow, ParcelRow, build
from orchestrator.rotation import records
from overlays import clicks
from tests.conftest import login
from tests.orchestrator.helpers import T0, save, small_event

SVG = "{http://www.w3.org/2000/svg}"


def _order(vendor: str, code: str, slot: str, qty: int, status: str = "new", platform="youtube"):
    price = {"K01": 40000, "K02": 41000}.get(code, 42000)
    return OrderRow(vendor, code, "utama", slot, qty, price, status, platform, T0)


def test_claims_paid_parcels_and_clicks_are_summed_per_vendor_and_slot() -> None:
    """Cancelled claims do not count; paid parcels credit their vendor; link clicks convert."""
    event = small_event()
    orders = [
        _order("v0", "K01", "utama-0", 2),
        _order("v0", "K01", "utama-0", 1, "cancelled"),
        _order("v0", "K01", "utama-0", 1, platform="web"),
        _order("v1", "K02", "utama-1", 3),
    ]
    parcels = [
        ParcelRow("v0", "paid", 95_000, "Jawa Timur"),
        ParcelRow("v0", "claimed", 45_000, None),
        ParcelRow("v1", "shipped", 131_000, "DKI Jakarta"),
    ]
    report = build(event, {}, orders, parcels, {"K01": 4, "NOPE": 9})
    v0, v1 = report.vendors["v0"], report.vendors["v1"]
    assert (v0.claims, v0.units, v0.claimed_idr) == (2, 3, 120_000)
    assert (v0.parcels_paid, v0.paid_idr, v0.clicks, v0.link_orders) == (1, 95_000, 4, 1)
    assert v0.conversion == 0.25 and v1.conversion is None
    assert (report.totals.paid_idr, report.totals.clicks) == (226_000, 4)
    assert report.provinces == {"Jawa Timur": 1, "DKI Jakarta": 1}
    assert report.parcels_by_status == {"paid": 1, "claimed": 1, "shipped": 1}
    first = report.days[T0.date()][0]
    assert (first.slot_id, first.tally.claims, first.tally.paid_idr) == ("utama-0", 2, 95_000)


def test_a_late_slot_says_how_late() -> None:
    """Aired times beside scheduled ones give each slot's delay in seconds."""
    event = small_event()
    aired = {
        "utama-1": Aired("utama-1", T0 + timedelta(minutes=13), T0 + timedelta(minutes=20), "aired")
    }
    report = build(event, aired, [], [], {})
    lines = {line.slot_id: line for line in report.days[T0.date()]}
    assert lines["utama-1"].late_s == 180 and lines["utama-0"].late_s is None


def test_charts_are_well_formed_svg_with_escaped_labels() -> None:
    """Both charts parse as XML; a vendor name with markup stays text."""
    evil = '<script>alert("x")</script> & Co'
    bar = charts.bars("Rupiah", [charts.Bar(evil, 10, 4), charts.Bar("B", 5)], ("a", "b"))
    span = charts.Span(evil, (T0, T0 + timedelta(minutes=10)), (T0, T0 + timedelta(minutes=12)))
    line = charts.timeline("Hari", [span], T0, T0 + timedelta(minutes=20), [(T0, "15:30")])
    for svg in (bar, line):
        root = ET.fromstring(svg)
        assert root.tag == f"{SVG}svg" and not root.findall(f".//{SVG}script")
        assert any(evil[:20] in (t.text or "") for t in root.iter(f"{SVG}text"))
    widths = [float(r.get("width")) for r in ET.fromstring(bar).iter(f"{SVG}rect")]
    assert max(widths) > 2 * min(w for w in widths if w > 10)  # 10 against 5: longer bar


def _stored_event(path):
    """A database with the small event, a host 'extend' of 3 minutes, orders, parcels, clicks."""
    event = small_event()
    event = replace(event, vendors=[replace(event.vendors[0], name="Kopi <b>Ajung</b>"),
                                    *event.vendors[1:]])  # fmt: skip
    save(path, event)
    db = open_db(path)
    orders_schema.migrate(db)
    checkout_schema.migrate(db)
    clicks.migrate(db)
    records.migrate(db)
    records.append_action(db, "utama", {"kind": "extend", "minutes": 3.0,
                                        "at": T0 + timedelta(minutes=5), "by": "host"})  # fmt: skip
    db.execute(
        "INSERT INTO orders (code, vendor_id, channel, slot_id, qty, status, platform, author_id,"
        " message_id, created_utc, price_idr, updated_utc, message_row)"
        " VALUES ('K02', 'v1', 'utama', 'utama-1', 2, 'new', 'youtube', 'a', 'm', ?, 41000, ?, 1)",
        [utc_iso(T0), utc_iso(T0)],
    )
    db.execute("INSERT INTO buyers (secret_hash, csrf, created_utc, updated_utc, province)"
               " VALUES ('h', 'c', ?, ?, 'Jawa Timur')", [utc_iso(T0), utc_iso(T0)])  # fmt: skip
    db.execute(
        "INSERT INTO parcels (buyer_id, vendor_id, status, total_idr, created_utc, updated_utc)"
        " VALUES (1, 'v1', 'paid', 90000, ?, ?)",
        [utc_iso(T0), utc_iso(T0)],
    )
    db.execute("INSERT INTO clicks (at, code) VALUES (?, 'K02')", [utc_iso(T0)])
    db.conn.commit()
    db.close()


def test_the_command_writes_html_json_and_csv_with_aired_times(tmp_path) -> None:
    """`pasar-live report` replays the host's actions: an extend makes slot 1 air 3 min late."""
    _stored_event(tmp_path / "pasar.db")
    out, err = io.StringIO(), io.StringIO()
    args = argparse.Namespace(out=tmp_path / "laporan")
    clock = ManualClock(T0 + timedelta(hours=2))
    assert report_command.run(args, tmp_path / "pasar.db", clock, out, err) == 0, err.getvalue()
    data = json.loads((tmp_path / "laporan" / "laporan.json").read_text())
    slots = {s["slot"]: s for s in data["days"][T0.date().isoformat()]}
    assert slots["utama-1"]["late_s"] == 180 and slots["utama-0"]["late_s"] == 0
    assert data["vendors"]["v1"]["paid_idr"] == 90000 and data["vendors"]["v1"]["clicks"] == 1
    html = (tmp_path / "laporan" / "laporan.html").read_text()
    assert "Kopi &lt;b&gt;Ajung&lt;/b&gt;" in html and "<b>Ajung" not in html
    assert "<script" not in html and "Rp 90.000" in html and "<style>" in html
    csv_text = (tmp_path / "laporan" / "penjual.csv").read_text(encoding="utf-8-sig")
    assert csv_text.splitlines()[2].startswith("v1,Penjual 1,1,2,82000,1,90000,1,0")


def test_a_database_without_an_event_is_a_clear_error(tmp_path) -> None:
    """No event: exit 2 and a sentence, no files."""
    open_db(tmp_path / "empty.db").close()
    err = io.StringIO()
    args = argparse.Namespace(out=tmp_path / "laporan")
    code = report_command.run(args, tmp_path / "empty.db", ManualClock(T0), io.StringIO(), err)
    assert code == 2 and "belum berisi acara" in err.getvalue()
    assert not (tmp_path / "laporan").exists()


async def test_the_page_is_for_organisers_only(aiohttp_client, settings, tmp_path) -> None:
    """/laporan: 200 for an organiser with the charts, 403 for a host, a login for nobody."""
    _stored_event(settings.db)
    client = await aiohttp_client(create_app(settings, clock=ManualClock(T0 + timedelta(hours=1))))
    anonymous = await client.get("/laporan", allow_redirects=False)
    assert anonymous.status in (302, 303, 401)
    await login(client, "host")
    assert (await client.get("/laporan")).status == 403
    await login(client, "organiser")
    page = await client.get("/laporan")
    body = await page.text()
    assert page.status == 200 and body.count("<svg") >= 2 and "report.css" in body
    assert "<style>" not in body  # the page keeps to the CSP: its style is a file
