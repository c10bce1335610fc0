"""Every check on organisers' files, each located by FILE:ROW: field."""

from __future__ import annotations

from pathlib import Path

import pytest

from schedules.check import (
    BadValue,
    Problem,
    check_event,
    code_key,
    parse_date,
    parse_order_url,
    parse_price,
    parse_stock,
    parse_time,
    parse_whatsapp,
)
from schedules.loader import load_paths

VENDORS = """\
vendor_id,name,category,owner,whatsapp,kecamatan,description
kopi-jaya,Kopi Jaya,kopi,Bu Sri,+628123007919,Tanggul,Kopi bubuk asli
batik-sekar,Batik Sekar,batik,Pak Imam,0812-3015-9999,Ajung,"Batik tulis, cap"
"""
PRODUCTS = """\
code,vendor_id,name,price_idr,stock,order_url
K01,kopi-jaya,Kopi Bubuk 250 g,43000,25,https://www.tokopedia.com/kopi-jaya
K02,kopi-jaya,Kopi Drip,Rp 33.000,,
B01,batik-sekar,Batik Tulis,450.000,3,
"""
SCHEDULE = """\
channel,date,start,end,vendor_id,products,title
utama,2027-02-15,15:30,15:40,,,Pembukaan
utama,2027-02-15,15:40,15:50,kopi-jaya,K01 K02,
utama,2027-02-15,15:50,16:00,batik-sekar,B01,
"""
TABLES = {"vendors": VENDORS, "products": PRODUCTS, "schedule": SCHEDULE}


def change(text: str, row: int, line: str | None) -> str:
    """Replace spreadsheet row ``row`` (header = 1) of ``text``; ``None`` deletes it."""
    lines = text.splitlines()
    if line is None:
        del lines[row - 1]
    elif row > len(lines):
        lines.append(line)
    else:
        lines[row - 1] = line
    return "\n".join(lines) + "\n"


def found(tmp_path: Path, **tables: str) -> list[tuple[str, int, str, str]]:
    """Write the tables (defaults for those not given), load the folder, locate each problem."""
    for kind, text in {**TABLES, **tables}.items():
        (tmp_path / f"{kind}.csv").write_text(text, encoding="utf-8")
    result = load_paths([tmp_path])
    return [(Path(p.file).name, p.row, p.field, p.severity) for p in result.problems]


def test_the_small_event_is_clean(tmp_path: Path) -> None:
    """The base tables used below load without any problem."""
    assert found(tmp_path) == []


def test_problem_prints_file_row_field_severity_message() -> None:
    """A problem prints as FILE:ROW: field: severity: message."""
    problem = Problem("schedule.csv", 14, "end", "jam tidak ada (impossible time)")
    assert str(problem) == "schedule.csv:14: end: error: jam tidak ada (impossible time)"


def test_overlapping_slots_on_one_channel(tmp_path: Path) -> None:
    """A slot starting before the previous one on its channel ends is an error at its row."""
    schedule = change(SCHEDULE, 4, "utama,2027-02-15,15:45,16:00,batik-sekar,B01,")
    assert found(tmp_path, schedule=schedule) == [("schedule.csv", 4, "start", "error")]


def test_overlap_message_names_the_other_row(tmp_path: Path) -> None:
    """The overlap message names the row and local times of the slot it collides with."""
    (tmp_path / "s").mkdir()
    schedule = change(SCHEDULE, 4, "utama,2027-02-15,15:45,16:00,batik-sekar,B01,")
    found(tmp_path / "s", schedule=schedule)
    [problem] = load_paths([tmp_path / "s"]).problems
    assert "baris 3 (15:40-15:50)" in problem.message and "'utama'" in problem.message
    assert "baris 4" in problem.message  # both rows are named


def test_an_afternoon_end_before_its_start_is_a_typo_on_its_own_row(tmp_path: Path) -> None:
    """16:10 to 15:20 is an error on that row only, not a 23-hour slot overlapping the next."""
    schedule = SCHEDULE + "".join(
        f"utama,2027-02-15,{h}:00,{h}:30,kopi-jaya,K01,\n" for h in range(17, 23)
    )
    schedule = change(schedule, 5, "utama,2027-02-15,16:10,15:20,kopi-jaya,K01,")
    assert found(tmp_path, schedule=schedule) == [("schedule.csv", 5, "end", "error")]
    [problem] = load_paths([tmp_path]).problems
    assert "15:20 sebelum jam mulai 16:10" in problem.message and "18:00" in problem.message


def test_same_times_on_different_channels_do_not_overlap(tmp_path: Path) -> None:
    """Overlap is per channel: the same hour on another channel is fine."""
    schedule = change(SCHEDULE, 4, "kuliner,2027-02-15,15:40,15:50,batik-sekar,B01,")
    assert found(tmp_path, schedule=schedule) == []


def test_end_equal_to_start_is_an_error(tmp_path: Path) -> None:
    """A slot that ends when it starts has no air time."""
    schedule = change(SCHEDULE, 3, "utama,2027-02-15,15:40,15:40,kopi-jaya,K01,")
    assert found(tmp_path, schedule=schedule) == [("schedule.csv", 3, "end", "error")]


def test_end_before_start_crosses_midnight(tmp_path: Path) -> None:
    """23:50 to 00:10 ends on the next day: twenty minutes long, stored in UTC."""
    schedule = change(SCHEDULE, 5, "utama,2027-02-15,23:50,00:10,kopi-jaya,K01,")
    assert found(tmp_path, schedule=schedule) == []
    slot = load_paths([tmp_path]).event.slots[-1]
    assert slot.start.isoformat() == "2027-02-15T16:50:00+00:00"
    assert slot.duration.total_seconds() == 20 * 60


def test_a_slot_across_midnight_overlaps_the_next_days_first(tmp_path: Path) -> None:
    """A slot from 00:00 the next day collides with one running 23:50 to 00:10."""
    schedule = change(SCHEDULE, 5, "utama,2027-02-15,23:50,00:10,kopi-jaya,K01,")
    schedule = change(schedule, 6, "utama,16/02/2027,00.00,00.20,batik-sekar,B01,")
    assert found(tmp_path, schedule=schedule) == [("schedule.csv", 6, "start", "error")]


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ("utama,2027-02-30,15:40,15:50,kopi-jaya,K01,", "date"),
        ("utama,15-02-2027,15:40,15:50,kopi-jaya,K01,", "date"),
        ("utama,2027-02-15,25:00,15:50,kopi-jaya,K01,", "start"),
        ("utama,2027-02-15,15:40,15:60,kopi-jaya,K01,", "end"),
        ("utama,2027-02-15,jam 4,15:50,kopi-jaya,K01,", "start"),
    ],
)
def test_impossible_or_unreadable_dates_and_times(tmp_path: Path, line: str, field: str) -> None:
    """Impossible dates and times, or ones in no accepted shape, are errors at their field."""
    assert found(tmp_path, schedule=change(SCHEDULE, 3, line)) == [
        ("schedule.csv", 3, field, "error")
    ]


def test_unknown_vendor_in_a_slot(tmp_path: Path) -> None:
    """A slot naming a vendor that vendors.csv lacks is an error."""
    schedule = change(SCHEDULE, 3, "utama,2027-02-15,15:40,15:50,kopi-jayaa,,")
    assert found(tmp_path, schedule=schedule) == [
        ("schedule.csv", 3, "vendor_id", "error"),
        ("vendors.csv", 2, "vendor_id", "warning"),  # kopi-jaya now has no slot
    ]


def test_unknown_vendor_in_a_product(tmp_path: Path) -> None:
    """A product of a vendor that vendors.csv lacks is an error."""
    products = change(PRODUCTS, 4, "B01,batik-sekarr,Batik Tulis,450000,3,")
    assert found(tmp_path, products=products) == [
        ("products.csv", 4, "vendor_id", "error"),
        ("schedule.csv", 4, "products", "warning"),  # B01 is no longer batik-sekar's
    ]


def test_unknown_product_code_in_a_slot(tmp_path: Path) -> None:
    """A slot featuring a code that products.csv lacks is an error."""
    schedule = change(SCHEDULE, 3, "utama,2027-02-15,15:40,15:50,kopi-jaya,K01 K09,")
    assert found(tmp_path, schedule=schedule) == [("schedule.csv", 3, "products", "error")]


def test_duplicate_product_code(tmp_path: Path) -> None:
    """A code used twice is an error at the second row."""
    products = change(PRODUCTS, 5, "K01,kopi-jaya,Kopi Lain,10000,,")
    assert found(tmp_path, products=products) == [("products.csv", 5, "code", "error")]


def test_codes_chat_reads_the_same_are_duplicates(tmp_path: Path) -> None:
    """``k1`` and ``K01`` are one code to the chat grammar, so the second is a duplicate."""
    products = change(PRODUCTS, 5, "k1,kopi-jaya,Kopi Lain,10000,,")
    assert found(tmp_path, products=products) == [("products.csv", 5, "code", "error")]


def test_slot_codes_take_the_catalog_spelling(tmp_path: Path) -> None:
    """A slot may write ``k1``; the event stores the catalog's ``K01``."""
    schedule = change(SCHEDULE, 3, "utama,2027-02-15,15:40,15:50,kopi-jaya,k1 k002,")
    assert found(tmp_path, schedule=schedule) == []
    assert load_paths([tmp_path]).event.slots[1].products == ("K01", "K02")


def test_duplicate_vendor_id(tmp_path: Path) -> None:
    """A vendor id used twice is an error at the second row."""
    vendors = change(VENDORS, 4, "kopi-jaya,Kopi Jaya Dua,kopi,,,,")
    assert found(tmp_path, vendors=vendors) == [("vendors.csv", 4, "vendor_id", "error")]


@pytest.mark.parametrize("price", ["43000.5", "43.000,50", "-5000", "empat puluh", "", "43.00"])
def test_price_that_is_not_a_whole_non_negative_number(tmp_path: Path, price: str) -> None:
    """Decimals, negatives, words and an empty price are errors at price_idr."""
    products = change(PRODUCTS, 3, f'K02,kopi-jaya,Kopi Drip,"{price}",,')
    assert found(tmp_path, products=products) == [("products.csv", 3, "price_idr", "error")]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("43000", 43000),
        ("43.000", 43000),
        ("43,000", 43000),
        ("Rp 43.000", 43000),
        ("Rp43.000,-", 43000),
        ("rp. 1.250.000", 1250000),
        (" 0 ", 0),
    ],
)
def test_price_forms_that_are_accepted(text: str, value: int) -> None:
    """Thousands grouped in threes by dot or comma, with or without Rp, read as Rupiah."""
    assert parse_price(text) == value


def test_price_messages_say_what_to_do() -> None:
    """The decimal message is Indonesian first with English in parentheses."""
    with pytest.raises(BadValue, match=r"bilangan bulat tanpa desimal, mis\. 45000 \(must be"):
        parse_price("43000.5")
    with pytest.raises(BadValue, match="tidak boleh negatif"):
        parse_price("-43.000")


@pytest.mark.parametrize("stock", ["2.5", "-1", "banyak"])
def test_stock_that_is_not_a_whole_non_negative_number(tmp_path: Path, stock: str) -> None:
    """A stock that is not a whole number of zero or more is an error."""
    products = change(PRODUCTS, 3, f"K02,kopi-jaya,Kopi Drip,33000,{stock},")
    assert found(tmp_path, products=products) == [("products.csv", 3, "stock", "error")]


def test_empty_stock_means_no_limit() -> None:
    """An empty stock is None, a written one an int."""
    assert parse_stock("") is None and parse_stock("1.000") == 1000


@pytest.mark.parametrize(
    "number",
    [
        "12345",
        "+62 712 3456 7890",
        "08123",
        "+0123456789",
        "628123456789012345",
        "0212345678",
        "+1 23",
        "8123007919",
    ],
)
def test_invalid_whatsapp_number(tmp_path: Path, number: str) -> None:
    """Numbers that are neither Indonesian mobiles nor E.164 international are errors."""
    vendors = change(VENDORS, 3, f"batik-sekar,Batik Sekar,batik,Pak Imam,{number},Ajung,")
    assert found(tmp_path, vendors=vendors) == [("vendors.csv", 3, "whatsapp", "error")]


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("+628123007919", "+628123007919"),
        ("628123007919", "+628123007919"),
        ("0812-3007-919", "+628123007919"),
        ("0812 3007 9190 12", "+628123007919012"),
        ("+60 12-345 6789", "+60123456789"),
        ("+4915123456789", "+4915123456789"),
        ("", ""),
    ],
)
def test_whatsapp_forms_that_are_accepted(text: str, stored: str) -> None:
    """+62, 62 and 0 forms become +62...; other countries stay +E.164."""
    assert parse_whatsapp(text) == stored


def test_whatsapp_hint_for_a_lost_leading_zero() -> None:
    """A number Excel stripped of its 0 gets a hint to format the column as text."""
    with pytest.raises(BadValue, match="angka 0 di depan hilang"):
        parse_whatsapp("8123007919")


@pytest.mark.parametrize("url", ["http://tokopedia.com/kopi", "www.tokopedia.com", "https://"])
def test_order_url_that_is_not_https(tmp_path: Path, url: str) -> None:
    """An order link must start with https:// and name a host."""
    products = change(PRODUCTS, 2, f"K01,kopi-jaya,Kopi Bubuk 250 g,43000,25,{url}")
    assert found(tmp_path, products=products) == [("products.csv", 2, "order_url", "error")]
    assert parse_order_url("") is None


@pytest.mark.parametrize("code", ["KOPI1", "K1234", "01", "K-01", "K"])
def test_code_not_shaped_like_the_chat_grammar(tmp_path: Path, code: str) -> None:
    """A code must be 1-3 letters then 1-3 digits."""
    products = change(PRODUCTS, 4, f"{code},batik-sekar,Batik Tulis,450000,3,")
    schedule = change(SCHEDULE, 4, f"utama,2027-02-15,15:50,16:00,batik-sekar,{code},")
    assert found(tmp_path, products=products, schedule=schedule) == [
        ("products.csv", 4, "code", "error")
    ]


def test_missing_column_is_named(tmp_path: Path) -> None:
    """A missing required column is one error on the header row naming it, not one per row."""
    schedule = SCHEDULE.replace(",end,", ",finish,")
    problems = found(tmp_path, schedule=schedule)
    assert ("schedule.csv", 1, "end", "error") in problems
    assert ("schedule.csv", 1, "finish", "warning") in problems
    assert len(problems) == 2


def test_empty_file(tmp_path: Path) -> None:
    """An empty file is an error on its row 1 (and its table is then missing)."""
    problems = found(tmp_path, vendors="")
    assert problems[-1] == ("vendors.csv", 1, "-", "error")


def test_featured_product_the_vendor_does_not_sell(tmp_path: Path) -> None:
    """Featuring another vendor's product is a warning."""
    schedule = change(SCHEDULE, 3, "utama,2027-02-15,15:40,15:50,kopi-jaya,K01 B01,")
    assert found(tmp_path, schedule=schedule) == [("schedule.csv", 3, "products", "warning")]


def test_vendor_with_no_slot(tmp_path: Path) -> None:
    """A vendor never on air is a warning at its vendors.csv row."""
    vendors = change(VENDORS, 4, "tape-manis,Tape Manis,makanan,,,,")
    assert found(tmp_path, vendors=vendors) == [("vendors.csv", 4, "vendor_id", "warning")]


def test_product_featured_in_a_host_segment(tmp_path: Path) -> None:
    """A host segment (no vendor) that features a code is a warning."""
    schedule = change(SCHEDULE, 2, "utama,2027-02-15,15:30,15:40,,K01,Pembukaan")
    assert found(tmp_path, schedule=schedule) == [("schedule.csv", 2, "products", "warning")]


def test_required_cell_left_empty(tmp_path: Path) -> None:
    """An empty vendor name is an error; an empty vendor_id in a slot is a host segment."""
    vendors = change(VENDORS, 3, "batik-sekar,,batik,,,,")
    assert found(tmp_path, vendors=vendors) == [("vendors.csv", 3, "name", "error")]


def test_too_many_cells_in_a_row(tmp_path: Path) -> None:
    """An unquoted comma that adds a cell is an error at that row."""
    vendors = change(VENDORS, 3, "batik-sekar,Batik Sekar,batik,Pak Imam,,Ajung,Batik tulis, cap")
    assert found(tmp_path, vendors=vendors) == [("vendors.csv", 3, "-", "error")]


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    """Several problems in several files come back together, sorted by file and row."""
    products = change(PRODUCTS, 3, "K02,kopi-jaya,Kopi Drip,33000.5,-2,http://x.id")
    schedule = change(SCHEDULE, 4, "utama,2027-02-31,15:50,16:00,batik-sekar,B01,")
    assert found(tmp_path, products=products, schedule=schedule) == [
        ("products.csv", 3, "price_idr", "error"),
        ("products.csv", 3, "stock", "error"),
        ("products.csv", 3, "order_url", "error"),
        ("schedule.csv", 4, "date", "error"),
    ]


def test_dates_and_times_in_their_written_forms() -> None:
    """ISO and day/month/year dates, and colon or dot times, are read alike."""
    assert parse_date("2027-02-15") == parse_date("15/02/2027") == parse_date("15/2/2027")
    assert parse_time("15:30") == parse_time("15.30") == parse_time("15:30:00")


def test_code_key_reads_codes_like_chat() -> None:
    """Letters compare without case and digits by value."""
    assert code_key("k1") == code_key("K01") == code_key("K001") == "K1"


def test_check_event_without_origins_numbers_records(tmp_path: Path) -> None:
    """An event built in code is checked too, its records numbered from 1."""
    found(tmp_path)
    event = load_paths([tmp_path]).event
    event.vendors.append(event.vendors[0])
    problems = check_event(event)
    assert [(p.file, p.row, p.field) for p in problems] == [("<event>", 3, "vendor_id")]
