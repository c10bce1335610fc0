"""Reading what Excel and Google Sheets write: encodings, delimiters, quoting, headers."""

from __future__ import annotations

import csv
import io
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from schedules.csvfiles import (
    MAX_ROWS,
    assign_slot_ids,
    decode,
    header_name,
    parse_table,
    pick_delimiter,
    table_kind,
)
from schedules.loader import load_paths

FIXTURES = Path(__file__).parents[1] / "fixtures"
KINDS = ("vendors", "products", "schedule")


def fixture_text(kind: str) -> str:
    text = (FIXTURES / f"{kind}.csv").read_text(encoding="utf-8")
    # An accented letter, so the encodings really differ.
    return text.replace("Kopi Rakyat Sidomulyo,kopi", "Kopi Rakyat Sidomulyo Café,kopi")


def rewrite(text: str, delimiter: str, newline: str) -> str:
    """Write the same rows again with another delimiter and line ending."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline)
    writer.writerows(csv.reader(io.StringIO(text, newline="")))
    return out.getvalue()


def write_variant(folder: Path, delimiter: str, newline: str, encoding: str) -> Path:
    folder.mkdir()
    for kind in KINDS:
        text = rewrite(fixture_text(kind), delimiter, newline)
        (folder / f"{kind}.csv").write_bytes(text.encode(encoding))
    return folder


@pytest.mark.parametrize(
    ("delimiter", "newline", "encoding"),
    [
        ("\t", "\r\n", "utf-16"),  # Excel "Unicode text": UTF-16 LE with BOM, tabs
        (",", "\r\n", "cp1252"),  # an old Excel "CSV" on Windows
        (";", "\r\n", "utf-8-sig"),  # Excel in the Indonesian locale: semicolons, BOM
        (",", "\n", "utf-16-le"),  # UTF-16 without a BOM
        (",", "\r\n", "utf-8"),  # Google Sheets
    ],
)
def test_dialects_and_encodings_load_the_same_event(
    tmp_path: Path, delimiter: str, newline: str, encoding: str
) -> None:
    """Every spreadsheet dialect of the fixtures gives the event the plain UTF-8 files give."""
    reference = write_variant(tmp_path / "ref", ",", "\n", "utf-8")
    variant = write_variant(tmp_path / "variant", delimiter, newline, encoding)
    expected, got = load_paths([reference]), load_paths([variant])
    assert expected.problems == [] and got.problems == []
    assert got.event == expected.event
    assert got.event.vendors[0].name == "Kopi Rakyat Sidomulyo Café"


def test_decode_tries_the_encodings_spreadsheets_use() -> None:
    """BOMs decide; then UTF-8; then Windows-1252; then Latin-1 for bytes cp1252 lacks."""
    assert decode("\ufeffcafé".encode()) == "café"
    assert decode("café".encode("utf-16")) == "café"
    assert decode("café".encode("utf-16-be")) == "café"
    assert decode("café".encode()) == "café"
    assert decode("café €5".encode("cp1252")) == "café €5"
    assert decode(b"caf\xe9 \x81") == "café \x81"


def test_delimiter_is_the_one_that_splits_the_header_into_known_names() -> None:
    """A comma inside a value does not fool the choice between , ; and tab."""
    assert pick_delimiter("code;vendor_id;name,x;price_idr\n") == ";"
    assert pick_delimiter("code\tname\n") == "\t"
    assert pick_delimiter("\n\ncode,name\n") == ","


def test_header_names_ignore_case_spaces_and_dashes() -> None:
    """``  Vendor ID `` and ``Price-IDR`` name the vendor_id and price_idr columns."""
    assert header_name("  Vendor ID ") == "vendor_id"
    assert header_name("\ufeffPrice-IDR") == "price_idr"


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        ("vendor_id,name,whatsapp", "vendors"),
        ("code,vendor_id,name,price_idr", "products"),
        ("vendor_id,name,price_idr", "products"),  # a products file missing code
        ("channel,date,start,end,vendor_id", "schedule"),
        ("channel,title", "channels"),
        ("name,timezone", "event"),
        ("vendor_id,name", "vendors"),
        ("foo,bar", None),
    ],
)
def test_table_kind_is_told_by_the_header(header: str, kind: str | None) -> None:
    """The columns found only in one kind decide, then the required ones."""
    assert table_kind(header.split(",")) == kind


def test_quoted_newlines_commas_spaces_and_trailing_empty_rows() -> None:
    """Rows are spreadsheet rows (a quoted newline stays in its row); values are trimmed."""
    text = (
        " Vendor_ID , NAME ,Description\r\n"
        'a,  Toko A  ,"baris satu\r\nbaris dua, dengan koma"\r\n'
        "\r\n"
        "b,Toko B,\r\n"
        ",,\r\n"
        "\r\n"
    )
    table, problems = parse_table(text, "v.csv")
    assert problems == [] and table is not None and table.kind == "vendors"
    assert [r.where.row for r in table.records] == [2, 4]
    first = table.records[0].values
    assert first["name"] == "Toko A"
    assert first["description"] == "baris satu\nbaris dua, dengan koma"


def test_short_rows_read_missing_cells_as_empty() -> None:
    """A row with fewer cells than the header has its last columns empty."""
    table, _ = parse_table("vendor_id,name,owner\na,Toko A\n", "v.csv")
    assert table.records[0].values == {"vendor_id": "a", "name": "Toko A", "owner": ""}


def test_unknown_and_duplicate_columns() -> None:
    """An unknown column is a warning; a column written twice is an error."""
    _, problems = parse_table("vendor_id,name,name,catatan\n", "v.csv")
    assert [(p.row, p.field, p.severity) for p in problems] == [
        (1, "name", "error"),
        (1, "catatan", "warning"),
    ]


def test_unrecognised_header() -> None:
    """A header with no known column is one error on that row."""
    table, problems = parse_table("\nfoo,bar\n1,2\n", "x.csv")
    assert table is None
    assert [(p.file, p.row, p.field) for p in problems] == [("x.csv", 2, "-")]


def test_blank_file_is_empty() -> None:
    """A file of only blank lines is empty, reported on row 1."""
    table, problems = parse_table("\r\n , \r\n", "x.csv")
    assert table is None and str(problems[0]).startswith("x.csv:1: -: error: file kosong")


def test_slot_ids_are_made_unique_with_a_suffix() -> None:
    """Ids come from channel and local start; a taken one gets -2, -3; written ids win."""
    at = datetime(2027, 2, 15, 15, 40)
    keys = [("utama", at, ""), ("utama", at, ""), ("utama", at, "utama-2027-02-15-1540-2")]
    assert assign_slot_ids(keys) == [
        "utama-2027-02-15-1540",
        "utama-2027-02-15-1540-3",
        "utama-2027-02-15-1540-2",
    ]


def test_written_slot_ids_must_be_unique(tmp_path: Path) -> None:
    """Two slots given the same id in an id column is an error on the second."""
    for kind in ("vendors", "products"):
        (tmp_path / f"{kind}.csv").write_text(fixture_text(kind), encoding="utf-8")
    rows = fixture_text("schedule").splitlines()
    rows = [rows[0] + ",id", rows[1] + ",a", rows[2] + ",b", rows[3] + ",a", *rows[4:]]
    (tmp_path / "schedule.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = load_paths([tmp_path])
    assert [(Path(p.file).name, p.row, p.field) for p in result.problems] == [
        ("schedule.csv", 4, "id")
    ]


def test_slot_ids_for_many_rows_at_one_start_are_linear() -> None:
    """50,000 rows with one start get base, base-2, ... at once (it probed every suffix)."""
    start = datetime(2027, 2, 15, 15, 30, tzinfo=UTC)
    began = time.perf_counter()
    ids = assign_slot_ids([("utama", start, "")] * 50_000)
    assert time.perf_counter() - began < 5  # quadratic took minutes
    assert len(set(ids)) == 50_000 and ids[1] == ids[0] + "-2" and ids[-1] == ids[0] + "-50000"


def test_a_file_over_the_row_limit_is_one_clear_error() -> None:
    """More rows than MAX_ROWS: one problem naming the limit, and nothing read."""
    rows = ["channel,date,start,end,vendor_id"] + ["utama,2027-02-15,15:30,15:40,v"] * (
        MAX_ROWS + 1
    )
    table, problems = parse_table("\n".join(rows), "schedule.csv")
    assert table is None and len(problems) == 1
    assert "100.000" in problems[0].message and problems[0].row == MAX_ROWS + 2
