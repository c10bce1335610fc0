"""Loading an event from the paths an organiser gives: files, folders, the shipped example."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

from kernel.qris import read_static
from schedules.loader import load_paths

FIXTURES = Path(__file__).parents[1] / "fixtures"
EXAMPLE = Path(__file__).parents[2] / "schedules" / "examples" / "pasar-jember.yaml"
CSVS = [FIXTURES / "vendors.csv", FIXTURES / "products.csv", FIXTURES / "schedule.csv"]


def copy_fixtures(folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    for path in CSVS:
        shutil.copy(path, folder / path.name)
    return folder


def test_shared_fixtures_import_whole() -> None:
    """The organisers' three sheets give 73 vendors, 212 products, 98 slots on 2 channels."""
    result = load_paths(CSVS)
    assert result.problems == []
    event = result.event
    assert (len(event.vendors), len(event.products), len(event.slots)) == (73, 212, 98)
    assert [(c.id, c.title) for c in event.channels] == [("utama", "Utama"), ("kuliner", "Kuliner")]
    assert event.timezone == "Asia/Jakarta"
    assert event.slots[0].id == "utama-2027-02-15-1530"
    assert event.slots[0].start.isoformat() == "2027-02-15T08:30:00+00:00"


def test_files_are_told_apart_by_header_not_name_or_order(tmp_path: Path) -> None:
    """Renamed files in any order load the same event."""
    names = ["a.csv", "b.txt", "c.csv"]
    for source, name in zip(reversed(CSVS), names, strict=True):
        shutil.copy(source, tmp_path / name)
    assert load_paths([tmp_path / n for n in names]).event == load_paths(CSVS).event


def test_a_folder_loads_like_its_files(tmp_path: Path) -> None:
    """A folder path reads the CSV files inside it; a saved .xlsx there is only a warning."""
    copy_fixtures(tmp_path)
    (tmp_path / "jadwal-lama.xlsx").write_bytes(b"PK")
    result = load_paths([tmp_path])
    assert result.event == load_paths(CSVS).event
    assert [(Path(p.file).name, p.severity) for p in result.problems] == [
        ("jadwal-lama.xlsx", "warning")
    ]


def test_example_yaml_loads_clean_and_matches_the_fixtures() -> None:
    """The shipped example: no errors or warnings, 7 days, 2 channels, the fixtures' data."""
    result = load_paths([EXAMPLE])
    assert result.problems == []
    event = result.event
    assert event.name == "Pasar Virtual Ramadhan UMKM Jember"
    assert event.timezone == "Asia/Jakarta"
    assert [c.id for c in event.channels] == ["utama", "kuliner"]
    assert all(c.title != c.id.capitalize() for c in event.channels)  # Indonesian titles
    days = {s.start.astimezone(event.tz).date() for s in event.slots}
    assert len(days) == 7
    fixtures = load_paths([*CSVS, FIXTURES / "shipping.csv"]).event
    assert all(p.photo == f"foto/{p.code}.webp" for p in event.products)  # drawn placeholders
    products = [replace(p, photo="") for p in event.products]  # the fixtures have no photos
    assert replace(event, name=fixtures.name, channels=fixtures.channels, products=products) == (
        fixtures
    )


def test_example_event_can_take_payments_and_weigh_parcels() -> None:
    """Every example vendor has a valid static QRIS and a bank; every product a weight."""
    event = load_paths([EXAMPLE]).event
    for vendor in event.vendors:
        assert read_static(vendor.qris).name and vendor.bank_account.isdigit()
    assert all(p.weight_g and p.weight_g > 0 for p in event.products)
    assert 3 <= sum(v.pickup for v in event.vendors) < len(event.vendors)
    assert any(p.max_per_buyer for p in event.products)
    assert len(event.shipping) == 39 and (event.hold_hours, event.pickup_town) == (24, "Jember")


def test_the_fixture_folder_is_one_event_with_its_tariffs() -> None:
    """tests/fixtures (four sheets, the checkout subfolder aside) loads clean as one event."""
    result = load_paths(sorted(FIXTURES.glob("*.csv")))
    assert result.problems == []
    assert len(result.event.shipping) == 39 and result.event.shipping[0].destination == (
        "Kabupaten Jember"
    )


def test_any_error_means_no_event(tmp_path: Path) -> None:
    """An event comes back only when there is no error; warnings alone keep it."""
    folder = copy_fixtures(tmp_path)
    with (folder / "vendors.csv").open("a", encoding="utf-8") as f:
        f.write("penjual-baru,Penjual Baru,kopi,,,,\n")
    warned = load_paths([folder])
    assert warned.event is not None and len(warned.warnings) == 1 and warned.errors == []
    with (folder / "vendors.csv").open("a", encoding="utf-8") as f:
        f.write("penjual-baru,Penjual Baru Lagi,kopi,,,,\n")
    failed = load_paths([folder])
    assert failed.event is None and len(failed.errors) == 1


def test_missing_tables_are_named(tmp_path: Path) -> None:
    """Without products and schedule, both are reported and nothing is checked across rows."""
    result = load_paths([CSVS[0]])
    assert [(p.row, p.message.split(";")[0]) for p in result.problems] == [
        (0, "tidak ada data produk (products)"),
        (0, "tidak ada data jadwal (schedule)"),
    ]


def test_a_table_given_twice_is_an_error(tmp_path: Path) -> None:
    """Two vendor files are one error on the second, not a silent merge."""
    shutil.copy(CSVS[0], tmp_path / "vendors2.csv")
    result = load_paths([*CSVS, tmp_path / "vendors2.csv"])
    assert [(Path(p.file).name, p.row) for p in result.problems] == [("vendors2.csv", 0)]


def test_yaml_event_and_channels_with_csv_tables(tmp_path: Path) -> None:
    """A YAML holding only event and channels combines with the three CSV sheets."""
    (tmp_path / "acara.yaml").write_text(
        "event:\n  name: Pasar Jember\n  timezone: Asia/Makassar\n"
        "channels:\n- channel: utama\n  title: Panggung Utama\n- channel: kuliner\n",
        encoding="utf-8",
    )
    result = load_paths([tmp_path / "acara.yaml", *CSVS])
    assert result.problems == []
    assert result.event.channels[1].title == "Kuliner"
    assert result.event.slots[0].start.isoformat() == "2027-02-15T07:30:00+00:00"


def test_paths_that_cannot_be_read(tmp_path: Path) -> None:
    """A missing path, an empty folder and an Excel workbook are errors on row 0."""
    (tmp_path / "kosong").mkdir()
    (tmp_path / "jadwal.xlsx").write_bytes(b"PK")
    paths = [tmp_path / "tidak-ada.csv", tmp_path / "kosong", tmp_path / "jadwal.xlsx"]
    result = load_paths(paths)
    assert [(Path(p.file).name, p.row, p.severity) for p in result.problems] == [
        ("jadwal.xlsx", 0, "error"),
        ("kosong", 0, "error"),
        ("tidak-ada.csv", 0, "error"),
    ]


def test_bad_event_settings(tmp_path: Path) -> None:
    """An unknown timezone and a base URL without http(s) are errors on their event.csv row."""
    (tmp_path / "event.csv").write_text(
        "name,timezone,base_url\nPasar,Asia/Jakartaa,pasar.example.id\n", encoding="utf-8"
    )
    result = load_paths([tmp_path / "event.csv", *CSVS])
    assert [(Path(p.file).name, p.row, p.field) for p in result.problems] == [
        ("event.csv", 2, "timezone"),
        ("event.csv", 2, "base_url"),
    ]
