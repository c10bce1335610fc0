"""Pure checks behind the organiser editor: slots, vendors, products, uploads."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from schedules import editing, schedule_view
from schedules.editing import FORM_LEVEL, check_product, check_slot, check_vendor
from schedules.model import Channel, Event, Product, Slot, Vendor

WIB = ZoneInfo("Asia/Jakarta")
NOW = datetime(2027, 2, 15, 8, 0, tzinfo=UTC)  # 15:00 WIB


def at(hhmm: str, day: int = 15) -> datetime:
    hour, minute = map(int, hhmm.split(":"))
    return datetime(2027, 2, day, hour, minute, tzinfo=WIB).astimezone(UTC)


def make_event(timezone: str = "Asia/Jakarta") -> Event:
    return Event(
        name="Pasar Uji",
        timezone=timezone,
        channels=[Channel("utama", "Utama"), Channel("kuliner", "Kuliner")],
        vendors=[Vendor("kopi-a", "Kopi A"), Vendor("batik-b", "Batik B")],
        products=[
            Product("K01", "kopi-a", "Kopi Bubuk", 45000),
            Product("K02", "kopi-a", "Drip Bag", 33000),
            Product("B01", "batik-b", "Kain Batik", 250000),
        ],
        slots=[
            Slot("aired", "utama", at("14:00"), at("14:30"), "kopi-a", ("K01",)),
            Slot("onair", "utama", at("14:50"), at("15:10")),
            Slot("kopi", "utama", at("15:40"), at("15:50"), "kopi-a", ("K01", "K02")),
            Slot("batik", "utama", at("15:50"), at("16:00"), "batik-b", ("B01",)),
        ],
    )


def form(**changes: str) -> dict[str, str]:
    base = {
        "channel": "utama",
        "date": "2027-02-15",
        "start": "16:00",
        "end": "16:10",
        "vendor_id": "kopi-a",
        "products": "K01",
        "title": "",
    }
    return {**base, **changes}


def check(values: dict[str, str], original: Slot | None = None, event: Event | None = None):
    return check_slot(values, event or make_event(), NOW, editing.scheduled_lock, original)


def test_new_slot_times_are_read_in_the_event_zone_and_stored_in_utc():
    """15:40 WIB on the form becomes 08:40 UTC, and the id follows the import's scheme."""
    result = check(form(start="16:10", end="16:25"))
    assert result.ok, result.errors
    assert result.value.start == datetime(2027, 2, 15, 9, 10, tzinfo=UTC)
    assert result.value.end == datetime(2027, 2, 15, 9, 25, tzinfo=UTC)
    assert result.value.id == "utama-2027-02-15-1610"


def test_other_timezones_convert_with_zoneinfo():
    """A Makassar event reads 16:10 as WITA (UTC+8)."""
    result = check(form(start="16:10", end="16:20"), event=make_event("Asia/Makassar"))
    assert result.ok, result.errors
    assert result.value.start == datetime(2027, 2, 15, 8, 10, tzinfo=UTC)


def test_end_equal_to_start_is_refused_on_the_end_field():
    """A slot needs a duration."""
    result = check(form(start="16:10", end="16:10"))
    assert not result.ok and "end" in result.errors and result.status == 400


def test_end_before_start_ends_the_next_day_with_a_warning():
    """As in the files, 23:50-00:10 crosses midnight; the organiser is told."""
    result = check(form(start="23:50", end="00:10"))
    assert result.ok
    assert result.value.end - result.value.start == timedelta(minutes=20)
    assert "end" in result.warnings


def test_overlap_with_the_same_channel_is_a_conflict_naming_the_other_slot():
    """A start inside Batik B's 15:50-16:00 is a conflict whose message names that slot."""
    result = check(form(start="15:55", end="16:05"))
    assert result.status == 409 and result.conflict
    assert "Batik B" in result.errors["start"] and "15:50 WIB" in result.errors["start"]


def test_back_to_back_slots_do_not_overlap():
    """A slot may start exactly when the previous one ends."""
    assert check(form(start="16:00", end="16:10")).ok


def test_other_channels_do_not_count_as_overlap():
    """Two channels can air at the same time."""
    assert check(form(channel="kuliner", start="15:40", end="15:50")).ok


def test_editing_a_slot_does_not_overlap_itself():
    """Moving a slot by a few minutes within its own time is fine."""
    kopi = make_event().slots[2]
    result = check(form(start="15:35", end="15:45", products="K01 K02"), original=kopi)
    assert result.ok, result.errors
    assert result.value.id == "kopi"


def test_aired_or_on_air_original_is_locked():
    """Edits to a slot that has started are refused with an Indonesian message."""
    event = make_event()
    for slot, word in ((event.slots[0], "sudah tayang"), (event.slots[1], "sedang tayang")):
        result = check(form(), original=slot)
        assert result.status == 409 and word in result.errors[FORM_LEVEL]


def test_moving_a_slot_into_the_past_is_refused():
    """A new start before now would make the slot aired already."""
    result = check(form(start="14:40", end="14:45"))
    assert result.status == 409 and "sudah lewat" in result.errors["start"]


def test_bad_values_are_all_reported_per_field():
    """Unknown channel, bad date, bad time, unknown vendor and code come back together."""
    result = check(
        form(channel="lain", date="2027-02-30", start="25:00", vendor_id="nope", products="Z9")
    )
    assert set(result.errors) == {"channel", "date", "start", "vendor_id", "products"}
    assert result.status == 400


def test_host_segment_has_no_vendor():
    """An empty vendor makes a host segment."""
    result = check(form(vendor_id="", products="", title="Sapa penonton"))
    assert result.ok and result.value.vendor_id is None and result.value.title == "Sapa penonton"


def test_codes_are_read_as_chat_reads_them_and_foreign_ones_warn():
    """``k1, b01`` resolves to K01 and B01; B01 belongs to another vendor: a warning."""
    result = check(form(products="k1, b01 k1"))
    assert result.ok
    assert result.value.products == ("K01", "B01")
    assert "B01" in result.warnings["products"]


def test_scheduled_lock_uses_the_scheduled_times():
    """Future slots are free; started ones are locked."""
    slot = make_event().slots[2]
    assert editing.scheduled_lock(slot, at("15:39")) is None
    assert "sedang" in editing.scheduled_lock(slot, at("15:40"))
    assert "sudah" in editing.scheduled_lock(slot, at("15:50"))


def test_shifted_form_moves_both_ends():
    """The geser buttons keep the length."""
    values = editing.shifted_form(make_event().slots[2], WIB, -5)
    assert (values["start"], values["end"]) == ("15:35", "15:45")


@pytest.mark.parametrize(
    ("value", "minutes"),
    [
        ("5", 5),
        ("-5", -5),
        ("+10", 10),
        (15, 15),
        ("--5", None),
        ("lima", None),
        (True, None),
        (5.5, None),
        ("99999", None),
        (None, None),
    ],
)
def test_shift_minutes_are_whole_and_bounded(value, minutes):
    """Form text or JSON numbers, never booleans, fractions or more than a day."""
    assert editing.parse_minutes(value) == minutes


def test_slot_form_round_trips_through_check():
    """A slot shown as a form checks back to the same slot."""
    event = make_event()
    kopi = event.slots[2]
    result = check(editing.slot_form(kopi, WIB), original=kopi, event=event)
    assert result.value == kopi


@pytest.mark.parametrize(
    ("price", "expected"),
    [("45000", 45000), ("45.000", 45000), ("Rp 45.000", 45000), ("Rp45.000,-", 45000), ("0", 0)],
)
def test_product_prices_accept_the_ways_people_write_them(price, expected):
    """Whole Rupiah, with dots or ``Rp``."""
    values = {"code": "k3", "vendor_id": "kopi-a", "name": "Kopi Susu", "price": price}
    result = check_product(values, make_event())
    assert result.ok, result.errors
    assert result.value.price_idr == expected and result.value.code == "K3"


def test_product_bad_input_is_reported_per_field():
    """Decimal price, negative stock, http URL and a bad code shape each get a message."""
    values = {
        "code": "KOPI01",
        "vendor_id": "x",
        "name": "",
        "price": "45.5",
        "stock": "-1",
        "order_url": "http://toko.example",
    }
    result = check_product(values, make_event())
    assert set(result.errors) == {"code", "vendor_id", "name", "price", "stock", "order_url"}


def test_product_code_taken_as_chat_reads_it():
    """``k1`` is K01 to the chat parser, so it cannot be a new code."""
    values = {"code": "k1", "vendor_id": "kopi-a", "name": "X", "price": "1000"}
    assert "K01" in check_product(values, make_event()).errors["code"]


def test_product_edit_keeps_its_code_and_accepts_empty_stock_and_url():
    """The code is fixed once created; empty stock means no limit."""
    original = make_event().products[0]
    values = {
        "code": "ZZ9",
        "vendor_id": "kopi-a",
        "name": "Kopi",
        "price": "Rp 50.000",
        "stock": "",
        "order_url": "https://toko.example/kopi",
    }
    result = check_product(values, make_event(), original)
    assert result.value == Product(
        "K01", "kopi-a", "Kopi", 50000, None, "https://toko.example/kopi"
    )


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0812-3456-7890", "+6281234567890"),
        ("+62 812 3456 7890", "+6281234567890"),
        ("+60123456789", "+60123456789"),
        ("", ""),
    ],
)
def test_vendor_whatsapp_numbers_are_normalised(typed, stored):
    """Indonesian 08/62/+62 numbers become +62...; other countries keep their +."""
    result = check_vendor({"name": "Toko Baru", "whatsapp": typed}, make_event())
    assert result.ok, result.errors
    assert result.value.whatsapp == stored and result.value.id == "toko-baru"


def test_vendor_bad_input_is_reported_per_field():
    """Bad slug, empty name and a bad number are all reported."""
    result = check_vendor({"id": "Toko Baru!", "name": "", "whatsapp": "12345"}, make_event())
    assert set(result.errors) == {"id", "name", "whatsapp"}


def test_vendor_id_must_be_new_but_stays_on_edit():
    """A new vendor cannot take an id; an edit keeps its own."""
    event = make_event()
    assert "id" in check_vendor({"id": "kopi-a", "name": "Lain"}, event).errors
    edited = check_vendor({"id": "other", "name": "Kopi A+"}, event, event.vendors[0])
    assert edited.value.id == "kopi-a" and edited.value.name == "Kopi A+"


def test_aired_changes_lists_only_started_slots_that_change():
    """Re-uploading with an aired slot changed is caught; future changes are not."""
    old = make_event()
    same = replace(old, slots=[replace(s, id=s.id + "-x") for s in old.slots])
    assert editing.aired_changes(old, same, NOW, editing.scheduled_lock) == []
    changed = replace(old, slots=[replace(old.slots[0], title="Baru"), *old.slots[1:3]])
    problems = editing.aired_changes(old, changed, NOW, editing.scheduled_lock)
    assert len(problems) == 1 and "14:00 WIB" in problems[0]


def test_schedule_view_groups_by_channel_and_local_day():
    """A slot at 06:30 WIB is on its WIB day although that is the previous UTC day."""
    event = make_event()
    event.slots.append(Slot("early", "kuliner", at("06:30", 16), at("06:45", 16)))
    view = {c.id: c for c in schedule_view.schedule_view(event, {"aired": "terkunci"})}
    assert [d.label for d in view["kuliner"].days] == ["Selasa, 16 Februari 2027"]
    assert view["kuliner"].title == "Kuliner" and view["utama"].count == 4
    assert [d.anchor for d in view["utama"].days] == ["hari-utama-2027-02-15"]
    assert [c.id for c in schedule_view.schedule_view(event, {}, "kuliner")] == ["kuliner"]


def test_schedule_rows_hold_formatted_text():
    """Times with the zone, vendor names, prices in Rupiah, locks and safe URL parts."""
    event = make_event()
    event.slots.append(Slot("a b/c", "kuliner", at("19:00"), at("19:15"), None, ("Z9",)))
    rows = {
        r.id: r
        for c in schedule_view.schedule_view(event, {"aired": "terkunci"})
        for d in c.days
        for r in d.rows
    }
    kopi = rows["kopi"]
    assert (kopi.start, kopi.end, kopi.vendor, kopi.css) == ("15:40 WIB", "15:50 WIB", "Kopi A", "")
    assert kopi.products[0] == ("K01", "Kopi Bubuk", "Rp 45.000")
    assert rows["aired"].lock == "terkunci" and rows["aired"].css == " locked"
    assert rows["a b/c"].href == "a%20b%2Fc" and rows["a b/c"].css == " host"
    assert rows["a b/c"].products[0][0] == "Z9"


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("vendors.csv", True),
        ("C:\\Users\\x\\jadwal.CSV", True),
        ("acara.yaml", True),
        ("../../etc/passwd", False),
        (".hidden.csv", False),
        ("data.xlsx", False),
    ],
)
def test_upload_names(name, ok):
    """Only spreadsheet text and YAML files are accepted, by their own base name."""
    assert (editing.upload_problems([name]) == []) is ok
    assert "/" not in editing.upload_name(name) and "\\" not in editing.upload_name(name)


def test_two_uploads_with_one_name_are_refused():
    """A second schedule.csv (from another folder) would overwrite the first."""
    problems = editing.upload_problems(["a/schedule.csv", "b/schedule.csv", "vendors.csv"])
    assert len(problems) == 1 and problems[0].startswith("schedule.csv:")


QRIS = (
    "00020101021126660016ID.CO.SHOPEE.WWW0119936009180798148443302122797734340510303UKE"
    "51440014ID.CO.QRIS.WWW0215ID10689308501530303UKE5204549953033605802ID5921KOPI RAKYAT"
    " SIDOMULYO6006JEMBER61056811162070703A01630492F9"
)
PAID = Vendor(
    "kopi-a", "Kopi A", qris=QRIS, bank="BCA", bank_account="0841336179",
    bank_account_name="Bu Sri", hold_hours=48, pickup=True,
)  # fmt: skip


def test_vendor_form_round_trips_payments_hold_and_pickup():
    """Editing a vendor shows every checkout field and saving it unchanged keeps them all."""
    shown = editing.vendor_form(PAID)
    assert (shown["pickup"], shown["hold_hours"], shown["qris"]) == ("ya", "48", QRIS)
    assert check_vendor(shown, make_event(), PAID).value == PAID
    plain = editing.vendor_form(Vendor("kopi-a", "Kopi A"))
    assert check_vendor(plain, make_event(), PAID).value == Vendor("kopi-a", "Kopi A")


def test_vendor_payment_fields_follow_the_sheets_rules():
    """Bad QRIS, a lettered account, 0 hours and 'maybe' are errors on their own fields."""
    values = {**editing.vendor_form(PAID), "qris": QRIS[:-1] + "0", "bank_account": "08AB"}
    values |= {"hold_hours": "0", "pickup": "mungkin"}
    errors = check_vendor(values, make_event(), PAID).errors
    assert set(errors) == {"qris", "bank_account", "hold_hours", "pickup"}
    assert errors["qris"].startswith("CRC QRIS salah")


def test_vendor_account_typed_with_dashes_is_kept_as_digits_and_needs_its_bank():
    """'0841-336-179' is stored 0841336179; without the bank's name it is refused there."""
    values = {**editing.vendor_form(PAID), "bank_account": "0841-336-179"}
    assert check_vendor(values, make_event(), PAID).value.bank_account == "0841336179"
    errors = check_vendor({**values, "bank": ""}, make_event(), PAID).errors
    assert list(errors) == ["bank"] and "bersama-sama" in errors["bank"]


def test_product_form_round_trips_weight_and_limit():
    """A product's weight and per-buyer limit survive the form; bad ones are refused."""
    product = Product("K01", "kopi-a", "Kopi Bubuk", 45000, 10, None, 250, 3)
    shown = editing.product_form(product)
    assert (shown["weight_g"], shown["max_per_buyer"]) == ("250", "3")
    assert check_product(shown, make_event(), product).value == product
    bad = check_product({**shown, "weight_g": "0,25", "max_per_buyer": "0"}, make_event(), product)
    assert set(bad.errors) == {"weight_g", "max_per_buyer"}
