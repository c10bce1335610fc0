"""Exports that organisers can open, and that import back to the same event."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from schedules.export import ExportError, export_csv, export_yaml
from schedules.loader import load_paths
from schedules.model import Channel, Event, Product, ShippingRate, Slot, Vendor

FIXTURES = Path(__file__).parents[1] / "fixtures"
QRIS = (FIXTURES / "checkout" / "payments.csv").read_text(encoding="utf-8").split("\n")[1]
QRIS = QRIS.split(",")[1]


def fixture_event() -> Event:
    result = load_paths([FIXTURES])
    assert result.event is not None
    return result.event


def rich_event() -> Event:
    """An event using what the three organiser sheets alone cannot say."""
    at = datetime(2027, 3, 1, 14, 50, tzinfo=UTC)  # 23:50 in Asia/Jayapura (UTC+9)
    return Event(
        name="Pasar Malam Papua",
        timezone="Asia/Jayapura",
        base_url="https://pasar.example.id",
        channels=[Channel("malam", "Panggung Malam", "85012345678", "yt-abc")],
        vendors=[
            Vendor(
                "noken",
                "Noken Wamena",
                "kerajinan",
                "Mama Yuli",
                "+628123450001",
                "",
                'Tas "noken", dirajut\ntangan; asli',
                qris=QRIS,
                bank="Bank Papua",
                bank_account="0012345678",
                bank_account_name="Yuliana Wenda",
                hold_hours=72,
                pickup=True,
            ),
            Vendor("kopi", "Kopi Baliem", whatsapp="+61412345678"),
        ],
        products=[
            Product("N1", "noken", "Noken kecil", 250000, 3, "https://shopee.co.id/noken", 450, 2),
            Product("KB12", "kopi", "Kopi Baliem 200 g", 95000, weight_g=1200),
        ],
        shipping=[
            ShippingRate("Papua Pegunungan", 25000, 20000, "1-2"),
            ShippingRate("Kabupaten Jayawijaya", 10000, 8000, "1"),
            ShippingRate("DKI Jakarta", 110000, 99000),
        ],
        hold_hours=48,
        pickup_town="Wamena",
        slots=[
            Slot("pembuka", "malam", at, at + timedelta(minutes=20), None, (), "Buka, sapa"),
            Slot(
                "malam-2027-03-02-0010",
                "malam",
                at + timedelta(minutes=20),
                at + timedelta(minutes=40),
                "noken",
                ("N1",),
            ),
            Slot(
                "malam-2027-03-02-0040",
                "malam",
                at + timedelta(minutes=50),
                at + timedelta(minutes=65, seconds=30),
                "kopi",
                ("KB12",),
            ),
        ],
    )


@pytest.mark.parametrize("make", [fixture_event, rich_event])
def test_yaml_export_imports_back_equal(tmp_path: Path, make: Callable[[], Event]) -> None:
    """YAML export then import gives an equal Event, slot ids included."""
    event = make()
    path = tmp_path / "event.yaml"
    path.write_text(export_yaml(event), encoding="utf-8")
    result = load_paths([path])
    assert result.errors == []
    assert result.event == event


@pytest.mark.parametrize("make", [fixture_event, rich_event])
def test_csv_export_imports_back_equal(tmp_path: Path, make: Callable[[], Event]) -> None:
    """CSV export (a folder of six files) then import gives an equal Event."""
    event = make()
    paths = export_csv(event, tmp_path / "out")
    assert [p.name for p in paths] == [
        "event.csv",
        "channels.csv",
        "vendors.csv",
        "products.csv",
        "schedule.csv",
        "shipping.csv",
    ]
    result = load_paths(paths)
    assert result.errors == []
    assert result.event == event


def test_csv_files_are_utf8_with_bom_comma_crlf(tmp_path: Path) -> None:
    """Excel opens them right: a UTF-8 BOM, commas, CRLF, the organisers' header."""
    paths = export_csv(fixture_event(), tmp_path)
    data = (tmp_path / "vendors.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbfvendor_id,name,category,owner,whatsapp,kecamatan,")
    assert b"\r\n" in data and b";" not in data.splitlines()[0]
    schedule = (tmp_path / "schedule.csv").read_text(encoding="utf-8-sig").splitlines()
    assert schedule[0] == "channel,date,start,end,vendor_id,products,title"
    assert schedule[1] == "utama,2027-02-15,15:30,15:40,,,Pembukaan & sapa penonton"
    assert not any(p.name.startswith(".") for p in paths[0].parent.iterdir())


def test_slot_ids_are_written_only_when_needed(tmp_path: Path) -> None:
    """Ids an import would give are left out; a custom id adds an id column."""
    export_csv(fixture_event(), tmp_path / "plain")
    export_csv(rich_event(), tmp_path / "custom")
    plain = (tmp_path / "plain" / "schedule.csv").read_text(encoding="utf-8-sig")
    custom = (tmp_path / "custom" / "schedule.csv").read_text(encoding="utf-8-sig")
    assert ",id" not in plain.splitlines()[0]
    assert custom.splitlines()[0].endswith(",title,id")
    assert '2027-03-01,23:50,00:10,,,"Buka, sapa",pembuka' in custom


def test_a_slot_of_a_day_or_more_cannot_be_exported() -> None:
    """A slot that date/start/end cannot describe raises ExportError instead of losing time."""
    event = rich_event()
    long = replace(event.slots[0], end=event.slots[0].start + timedelta(hours=25))
    with pytest.raises(ExportError, match="cannot be written"):
        export_yaml(replace(event, slots=[long]))


def test_formula_looking_names_are_defused_and_read_back(tmp_path: Path) -> None:
    """Names starting with = + - @ are written with an apostrophe and imported unchanged."""
    event = rich_event()
    products = [replace(event.products[0], name="=HYPERLINK(\"http://x\")"),
                replace(event.products[1], name="-Diskon 10%")]  # fmt: skip
    vendors = [replace(event.vendors[0], name="@Noken Mama"), *event.vendors[1:]]
    event = replace(event, products=products, vendors=vendors)
    paths = export_csv(event, tmp_path / "out")
    text = (tmp_path / "out" / "products.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and "'-Diskon" in text
    assert "'@Noken Mama" in (tmp_path / "out" / "vendors.csv").read_text(encoding="utf-8-sig")
    result = load_paths(paths)
    assert result.errors == []
    assert result.event == event
