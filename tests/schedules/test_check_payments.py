"""Checkout columns in the sheets: each bad cell is an error on its row and field."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from kernel.qris import crc
from schedules.check_payments import parse_bank_account, parse_pickup
from schedules.loader import load_paths

FIXTURES = Path(__file__).parents[1] / "fixtures"
with (FIXTURES / "checkout" / "payments.csv").open(encoding="utf-8") as sheet:
    GOOD = next(csv.DictReader(sheet))["qris"]

VENDOR_HEAD = "vendor_id,name,qris,bank,bank_account,bank_account_name,hold_hours,pickup"
PRODUCTS = """\
code,vendor_id,name,price_idr,stock,weight_g,max_per_buyer
K01,kopi-jaya,Kopi Bubuk 250 g,43000,25,300,5
"""
SCHEDULE = """\
channel,date,start,end,vendor_id,products,title
utama,2027-02-15,15:40,15:50,kopi-jaya,K01,
"""
SHIPPING = """\
destination,first_kg_idr,next_kg_idr,days
Kabupaten Jember,8000,5000,1
Jawa Timur,11000,8000,1-2
"""


def vendors(row: str = f"kopi-jaya,Kopi Jaya,{GOOD},BCA,0841 3361-7902,Bu Sri,48,ya") -> str:
    return f"{VENDOR_HEAD}\n{row}\n"


def load(tmp_path: Path, **tables: str):
    given = {"vendors": vendors(), "products": PRODUCTS, "schedule": SCHEDULE, **tables}
    for kind, text in given.items():
        (tmp_path / f"{kind}.csv").write_text(text, encoding="utf-8")
    return load_paths([tmp_path])


def located(tmp_path: Path, **tables: str) -> list[tuple[str, int, str, str]]:
    """Load the small event with some tables replaced; (file, row, field, severity) each."""
    result = load(tmp_path, **tables)
    return [(Path(p.file).name, p.row, p.field, p.severity) for p in result.problems]


def message(tmp_path: Path, **tables: str) -> str:
    [problem] = load(tmp_path, **tables).problems
    return problem.message


def rebuilt(payload: str, change) -> str:
    """Split a QRIS, let ``change`` edit its (tag, value) list, join it with a right CRC."""
    pairs, at = [], 0
    while at < len(payload):
        tag, size = payload[at : at + 2], int(payload[at + 2 : at + 4])
        pairs.append((tag, payload[at + 4 : at + 4 + size]))
        at += 4 + size
    pairs = change([p for p in pairs if p[0] != "63"])
    body = "".join(f"{t}{len(v):02d}{v}" for t, v in pairs) + "6304"
    return body + crc(body)


def swap(tag: str, value: str):
    return lambda pairs: [(t, value if t == tag else v) for t, v in pairs]


def test_the_small_event_with_every_checkout_column_is_clean(tmp_path: Path) -> None:
    """Good values in every new column load without a problem, stored as written rules say."""
    result = load(tmp_path, shipping=SHIPPING)
    assert result.errors == [] and len(result.warnings) == 1  # 37 provinces without tariff
    vendor, product = result.event.vendors[0], result.event.products[0]
    assert (vendor.qris, vendor.bank, vendor.bank_account) == (GOOD, "BCA", "084133617902")
    assert (vendor.hold_hours, vendor.pickup) == (48, True)
    assert (product.weight_g, product.max_per_buyer) == (300, 5)
    assert [r.destination for r in result.event.shipping] == ["Kabupaten Jember", "Jawa Timur"]


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        (GOOD[:-4] + ("0000" if GOOD[-4:] != "0000" else "1111"), "CRC QRIS salah"),
        (GOOD[:57], "terpotong"),
        (rebuilt(GOOD, swap("58", "MY")), "bukan dari Indonesia"),
        (rebuilt(GOOD, swap("53", "458")), "harus Rupiah"),
        (rebuilt(GOOD, swap("01", "12")), "sudah dinamis"),
        (rebuilt(GOOD, lambda p: [*p[:-4], ("54", "45000"), *p[-4:]]), "berisi nominal"),
        (rebuilt(GOOD, lambda p: [(t, v) for t, v in p if t != "59"]), "nama merchant"),
    ],
    ids=["crc", "truncated", "country", "currency", "dynamic", "amount", "no-name"],
)
def test_an_unusable_qris_is_an_error_on_its_row(tmp_path: Path, payload: str, words: str) -> None:
    """Wrong CRC, cut, foreign, not Rupiah, dynamic, with an amount, nameless: row 2, qris."""
    table = vendors(f"kopi-jaya,Kopi Jaya,{payload},,,,,")
    assert located(tmp_path, vendors=table) == [("vendors.csv", 2, "qris", "error")]
    assert words in message(tmp_path, vendors=table)


@pytest.mark.parametrize(
    ("typed", "digits"),
    [("0841 3361 7902", "084133617902"), ("0841-3361-7902", "084133617902"), ("", "")],
)
def test_bank_accounts_keep_only_their_digits(typed: str, digits: str) -> None:
    """Spaces and dashes an organiser typed are dropped; the leading zero stays."""
    assert parse_bank_account(typed) == digits


@pytest.mark.parametrize("account", ["0841-ABCD", "12345", "8.41336E+11"])
def test_a_bank_account_that_is_not_digits_is_an_error(tmp_path: Path, account: str) -> None:
    """Letters, too few digits and Excel's scientific form are errors on bank_account."""
    table = vendors(f'kopi-jaya,Kopi Jaya,,BCA,"{account}",Bu Sri,,')
    assert located(tmp_path, vendors=table) == [("vendors.csv", 2, "bank_account", "error")]
    assert "rekening" in message(tmp_path, vendors=table)


@pytest.mark.parametrize(
    ("cells", "missing"),
    [(",0841336179,Bu Sri", "bank"), ("BCA,0841336179,", "bank_account_name"),
     ("BCA,,Bu Sri", "bank_account")],
)  # fmt: skip
def test_bank_details_come_all_three_or_none(tmp_path: Path, cells: str, missing: str) -> None:
    """An account without its bank or holder's name (or the reverse) names the empty one."""
    table = vendors(f"kopi-jaya,Kopi Jaya,,{cells},,")
    assert located(tmp_path, vendors=table) == [("vendors.csv", 2, missing, "error")]
    assert "bersama-sama" in message(tmp_path, vendors=table)


@pytest.mark.parametrize("hours", ["0", "-3", "1,5", "sehari"])
def test_hold_hours_must_be_a_positive_whole_number(tmp_path: Path, hours: str) -> None:
    """0, negative, decimal and words are errors on hold_hours."""
    table = vendors(f'kopi-jaya,Kopi Jaya,,,,,"{hours}",')
    assert located(tmp_path, vendors=table) == [("vendors.csv", 2, "hold_hours", "error")]


def test_pickup_reads_yes_and_no_in_both_languages(tmp_path: Path) -> None:
    """ya/yes/1/true are yes, tidak/no/0/false/empty are no, anything else is an error."""
    assert all(parse_pickup(t) for t in ("ya", "Ya", "YES", "1", "true"))
    assert not any(parse_pickup(t) for t in ("tidak", "no", "0", "False", ""))
    table = vendors("kopi-jaya,Kopi Jaya,,,,,,mungkin")
    assert located(tmp_path, vendors=table) == [("vendors.csv", 2, "pickup", "error")]


@pytest.mark.parametrize(
    ("cells", "field"),
    [("0,", "weight_g"), ("250.5,", "weight_g"), ("-250,", "weight_g"), ("berat,", "weight_g"),
     ("250,0", "max_per_buyer"), ("250,1.5", "max_per_buyer"), ("250,dua", "max_per_buyer")],
)  # fmt: skip
def test_weight_and_limit_must_be_positive_whole_numbers(
    tmp_path: Path, cells: str, field: str
) -> None:
    """A weight or a per-buyer limit of 0, negative, decimal or words is an error there."""
    products = PRODUCTS.splitlines()[0] + f"\nK01,kopi-jaya,Kopi,43000,25,{cells}\n"
    assert located(tmp_path, products=products) == [("products.csv", 2, field, "error")]


def test_empty_checkout_cells_mean_none(tmp_path: Path) -> None:
    """No QRIS, no bank, no hold, no pickup, no weight, no limit: all allowed."""
    products = PRODUCTS.splitlines()[0] + "\nK01,kopi-jaya,Kopi,43000,25,,\n"
    result = load(tmp_path, vendors=vendors("kopi-jaya,Kopi Jaya,,,,,,"), products=products)
    assert result.problems == []
    vendor, product = result.event.vendors[0], result.event.products[0]
    assert (vendor.qris, vendor.bank_account, vendor.hold_hours, vendor.pickup) == (
        "",
        "",
        None,
        False,
    )
    assert (product.weight_g, product.max_per_buyer) == (None, None)


def test_shipping_destinations_are_read_as_people_write_them(tmp_path: Path) -> None:
    """'Kab. Jember' and 'jawa timur' are stored under the regions' own names."""
    sheet = SHIPPING.replace("Kabupaten Jember", "Kab. Jember").replace("Jawa Timur", "jawa timur")
    result = load(tmp_path, shipping=sheet)
    assert [r.destination for r in result.event.shipping] == ["Kabupaten Jember", "Jawa Timur"]


@pytest.mark.parametrize(
    ("row", "field", "words"),
    [("Jawa Timuran,11000,8000,", "destination", "bukan provinsi"),
     ("Kota Jember,11000,8000,", "destination", "bukan provinsi"),
     ("Bali,22000.5,17000,", "first_kg_idr", "tanpa desimal"),
     ("Bali,22000,-17000,", "next_kg_idr", "negatif"),
     ("Bali,,17000,", "first_kg_idr", "wajib")],
)  # fmt: skip
def test_a_bad_tariff_row_is_an_error_on_its_field(
    tmp_path: Path, row: str, field: str, words: str
) -> None:
    """Unknown places and money that is not whole non-negative Rupiah, on row 4."""
    problems = load(tmp_path, shipping=SHIPPING + row + "\n").errors
    assert [(Path(p.file).name, p.row, p.field) for p in problems] == [("shipping.csv", 4, field)]
    assert words in problems[0].message


def test_a_regency_row_needs_its_provinces_row(tmp_path: Path) -> None:
    """Kota Denpasar without a Bali row: the province's default tariff is missing."""
    problems = load(tmp_path, shipping=SHIPPING + "Kota Denpasar,15000,10000,2\n").errors
    assert [(p.row, p.field) for p in problems] == [(4, "destination")]
    assert "Bali" in problems[0].message and "bawaan" in problems[0].message


def test_a_destination_written_twice_is_an_error(tmp_path: Path) -> None:
    """'Jatim' twice (once as 'JAWA TIMUR') names the first row."""
    problems = load(tmp_path, shipping=SHIPPING + "JAWA TIMUR,12000,9000,\n").errors
    assert [(p.row, p.field) for p in problems] == [(4, "destination")]
    assert "baris 3" in problems[0].message


def test_provinces_without_a_tariff_are_one_warning_naming_them(tmp_path: Path) -> None:
    """Only Jawa Timur priced: one warning for the file naming the other 37, not an error."""
    result = load(tmp_path, shipping=SHIPPING)
    assert result.event is not None
    [warning] = [p for p in result.warnings if p.field == "destination"]
    assert (Path(warning.file).name, warning.row) == ("shipping.csv", 0)
    assert "Papua Pegunungan" in warning.message and "Jawa Timur" not in warning.message


def test_no_shipping_sheet_means_no_tariff_warning(tmp_path: Path) -> None:
    """Without shipping.csv every parcel is quoted by its vendor, and nothing is said."""
    assert load(tmp_path).problems == []
