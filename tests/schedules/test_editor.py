"""The organiser editor over HTTP: pages, forms, upload, export and the JSON API."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiohttp import FormData

from kernel.clock import ManualClock
from kernel.db import open_db
from kernel.keys import STORE
from orchestrator.app import create_app
from schedules import store
from schedules.loader import load_paths
from schedules.model import Channel, Event, Product, Slot, Vendor
from tests.conftest import login
from tests.schedules.test_editing import form

WIB = ZoneInfo("Asia/Jakarta")
NOW = datetime(2027, 2, 15, 8, 0, tzinfo=UTC)  # Monday 15:00 WIB


def at(hhmm: str, day: int = 15) -> datetime:
    hour, minute = map(int, hhmm.split(":"))
    return datetime(2027, 2, day, hour, minute, tzinfo=WIB).astimezone(UTC)


def small_event() -> Event:
    return Event(
        name="Pasar Uji",
        channels=[Channel("utama", "Utama"), Channel("kuliner", "Kuliner")],
        vendors=[
            Vendor("kopi-a", "Kopi Arjasa", "kopi", whatsapp="+628123000001"),
            Vendor("batik-b", "Batik Bu Endang", "batik"),
        ],
        products=[
            Product("K01", "kopi-a", "Kopi Robusta 250 g", 45000, 10),
            Product("K02", "kopi-a", "Drip Bag isi 10", 33000),
            Product("B01", "batik-b", "Kain Batik Tulis", 250000),
        ],
        slots=[
            Slot("aired", "utama", at("14:00"), at("14:30"), "kopi-a", ("K01",)),
            Slot("onair", "utama", at("14:50"), at("15:10"), title="Sapa penonton"),
            Slot("kopi", "utama", at("15:40"), at("15:50"), "kopi-a", ("K01", "K02")),
            Slot("batik", "utama", at("15:50"), at("16:00"), "batik-b", ("B01",)),
            Slot("malam", "kuliner", at("19:30"), at("19:45"), title="Kuliner malam"),
        ],
    )


def seed(path: Path, event: Event) -> None:
    db = open_db(path)
    store.migrate(db)
    store.save_event(db, event)
    db.close()


async def make_client(aiohttp_client, settings, now: datetime):
    """The app on a manual clock: the editor and the rotation agree on what has aired."""
    seed(settings.db, small_event())
    test_client = await aiohttp_client(create_app(settings, clock=ManualClock(now)))
    return test_client


@pytest.fixture
async def client(aiohttp_client, settings):
    return await make_client(aiohttp_client, settings, NOW)


@pytest.fixture
async def organiser(client):
    client.csrf = await login(client, "organiser")
    return client


async def stored(client) -> tuple[Event, int]:
    the_store = client.server.app[STORE]
    return await the_store.run(store.load_event), await the_store.run(store.schedule_revision)


def slot_of(event: Event, slot_id: str) -> Slot | None:
    return next((s for s in event.slots if s.id == slot_id), None)


async def post(client, path: str, **fields: str):
    data = {"csrf_token": client.csrf, **fields}
    return await client.post(path, data=data, allow_redirects=False)


def slot_fields(**changes: str) -> dict[str, str]:
    return form(**changes)


# --- access ---------------------------------------------------------------------------


async def test_editor_needs_a_login(client):
    """Without a session /editor redirects to the login page."""
    resp = await client.get("/editor", allow_redirects=False)
    assert resp.status == 302 and resp.headers["Location"].startswith("/login?next=/editor")


async def test_hosts_cannot_open_the_editor(client):
    """A host login gets 403 on the editor pages and the editor API."""
    await login(client, "host")
    assert (await client.get("/editor")).status == 403
    assert (await client.post("/api/editor/slots", json={})).status == 403


async def test_posts_need_the_csrf_token(organiser):
    """A form without csrf_token and an API call without X-CSRF-Token are refused."""
    resp = await organiser.post("/editor/slots/new", data=slot_fields(), allow_redirects=False)
    assert resp.status == 403
    resp = await organiser.post("/api/editor/slots", json=slot_fields())
    assert resp.status == 403
    event, revision = await stored(organiser)
    assert len(event.slots) == 5 and revision == 1


# --- the schedule page ----------------------------------------------------------------


async def test_schedule_shows_local_times_dates_vendors_and_products(organiser):
    """Times in WIB, the day in Indonesian, vendor names, codes, names and Rupiah prices."""
    page = await (await organiser.get("/editor")).text()
    assert "15:40 WIB" in page and "Senin, 15 Februari 2027" in page
    assert "Kopi Arjasa" in page and "Kopi Robusta 250 g" in page and "Rp 45.000" in page
    assert 'id="slot-kopi"' in page and 'action="/editor/slots/kopi/shift"' in page
    assert 'action="/editor/slots/aired/shift"' not in page  # aired: no edit buttons


async def test_schedule_can_show_one_channel(organiser):
    """``?kanal=`` keeps only that channel's section."""
    page = await (await organiser.get("/editor?kanal=kuliner")).text()
    assert 'id="kanal-kuliner"' in page and 'id="kanal-utama"' not in page


# --- slots through the forms ----------------------------------------------------------


async def test_add_slot_through_the_form(organiser):
    """A new slot is saved in UTC, the revision goes up, and the page says so."""
    resp = await post(organiser, "/editor/slots/new", **slot_fields(start="16:10", end="16:20"))
    assert resp.status == 303 and "ok=" in resp.headers["Location"]
    event, revision = await stored(organiser)
    added = slot_of(event, "utama-2027-02-15-1610")
    assert added is not None and added.start == datetime(2027, 2, 15, 9, 10, tzinfo=UTC)
    assert revision == 2
    page = await (await organiser.get(resp.headers["Location"])).text()
    assert "Slot disimpan" in page


async def test_edit_and_move_slot_through_the_form(organiser):
    """Changing channel, times and vendor keeps the slot's id."""
    fields = slot_fields(
        channel="kuliner",
        start="17:00",
        end="17:15",
        vendor_id="batik-b",
        products="B01",
        title="Batik sore",
    )
    resp = await post(organiser, "/editor/slots/kopi", **fields)
    assert resp.status == 303, await resp.text()
    moved = slot_of((await stored(organiser))[0], "kopi")
    assert (moved.channel, moved.start, moved.end) == ("kuliner", at("17:00"), at("17:15"))
    assert (moved.vendor_id, moved.products, moved.title) == ("batik-b", ("B01",), "Batik sore")


async def test_geser_buttons_shift_by_five_minutes(organiser):
    """+5 moves both ends; the redirect lands on the slot."""
    resp = await post(organiser, "/editor/slots/malam/shift", minutes="5")
    assert resp.status == 303 and resp.headers["Location"].endswith("#slot-malam")
    moved = slot_of((await stored(organiser))[0], "malam")
    assert (moved.start, moved.end) == (at("19:35"), at("19:50"))


async def test_redirect_messages_are_shown_only_when_signed(organiser):
    """The message after a save comes back; the same words in a crafted link do not."""
    resp = await post(organiser, "/editor/slots/malam/shift", minutes="5")
    shown = await (await organiser.get(resp.headers["Location"].split("#")[0])).text()
    assert "Slot digeser +5 menit." in shown
    crafted = "Sesi habis, kirim token Anda ke 0812"
    for query in (f"?err={crafted}", f"?err={crafted}&sig=0123456789abcdef0123456789abcdef"):
        page = await (await organiser.get("/editor" + query)).text()
        assert crafted not in page
    tampered = resp.headers["Location"].split("#")[0].replace("%2B5", "%2B9")
    assert "+9 menit" not in await (await organiser.get(tampered)).text()


async def test_delete_slot(organiser):
    """A future slot can be deleted."""
    resp = await post(organiser, "/editor/slots/batik/delete")
    assert resp.status == 303
    assert slot_of((await stored(organiser))[0], "batik") is None


async def test_overlap_is_refused_with_the_input_kept(organiser):
    """409, the message next to the start field, the typed values still in the form."""
    fields = slot_fields(start="15:45", end="15:58", title="Judul saya")
    resp = await post(organiser, "/editor/slots/new", **fields)
    assert resp.status == 409
    page = await resp.text()
    assert "Bertabrakan" in page and 'id="e-start"' in page
    assert 'value="15:45"' in page and 'value="15:58"' in page and 'value="Judul saya"' in page
    assert (await stored(organiser))[1] == 1


async def test_bad_input_shows_every_field_error(organiser):
    """Unknown product code and end == start come back as 400 with both messages."""
    resp = await post(organiser, "/editor/slots/new", **slot_fields(end="16:00", products="Z99"))
    assert resp.status == 400
    page = await resp.text()
    assert 'id="e-end"' in page and 'id="e-products"' in page and 'value="Z99"' in page


async def test_aired_and_on_air_slots_cannot_be_changed(organiser):
    """Editing, shifting or deleting a started slot is refused in Indonesian; nothing changes."""
    resp = await post(organiser, "/editor/slots/aired", **slot_fields(start="16:30", end="16:40"))
    assert resp.status == 409 and "sudah tayang" in await resp.text()
    resp = await post(organiser, "/editor/slots/onair/shift", minutes="5")
    assert resp.status == 303 and "err=" in resp.headers["Location"]
    resp = await post(organiser, "/editor/slots/onair/delete")
    assert "err=" in resp.headers["Location"]
    page = await (await organiser.get(resp.headers["Location"])).text()
    assert "sedang tayang" in page
    event, revision = await stored(organiser)
    assert revision == 1 and event == small_event()


async def test_locked_slot_form_is_read_only(organiser):
    """Opening an aired slot shows why and offers no save button."""
    page = await (await organiser.get("/editor/slots/aired")).text()
    assert "sudah tayang" in page and "<fieldset disabled>" in page and "Simpan" not in page


async def test_unknown_slot_is_404(organiser):
    """A slot id that does not exist answers 404 on the page and the API."""
    assert (await organiser.get("/editor/slots/nope")).status == 404
    resp = await organiser.delete(
        "/api/editor/slots/nope", headers={"X-CSRF-Token": organiser.csrf}
    )
    assert resp.status == 404


# --- vendors and products -------------------------------------------------------------


async def test_vendor_bad_input_is_refused_and_kept(organiser):
    """A bad WhatsApp number returns 400 with the typed number still in the field."""
    resp = await post(organiser, "/editor/vendors/kopi-a", name="Kopi Arjasa", whatsapp="12-34")
    assert resp.status == 400
    page = await resp.text()
    assert 'value="12-34"' in page and 'id="e-whatsapp"' in page
    assert (await stored(organiser))[1] == 1


async def test_vendor_edit_and_add(organiser):
    """An edit normalises the number; a new vendor gets an id from its name."""
    resp = await post(
        organiser, "/editor/vendors/kopi-a", name="Kopi Arjasa", whatsapp="0812 1111 2222"
    )
    assert resp.status == 303
    resp = await post(organiser, "/editor/vendors/new", name="Tape Manis Bu Har", whatsapp="")
    assert resp.status == 303
    event, revision = await stored(organiser)
    assert event.vendor("kopi-a").whatsapp == "+6281211112222"
    assert event.vendor("tape-manis-bu-har") is not None and revision == 3


QRIS = (
    "00020101021126660016ID.CO.SHOPEE.WWW0119936009180798148443302122797734340510303UKE"
    "51440014ID.CO.QRIS.WWW0215ID10689308501530303UKE5204549953033605802ID5921KOPI RAKYAT"
    " SIDOMULYO6006JEMBER61056811162070703A01630492F9"
)
PAYMENT = {"qris": QRIS, "bank": "BCA", "bank_account": "0841 336 179"}


async def test_vendor_payment_and_pickup_are_saved_and_shown_back(organiser):
    """QRIS, bank, hold and pickup typed in the form are stored and shown when editing again."""
    resp = await post(
        organiser,
        "/editor/vendors/kopi-a",
        name="Kopi Arjasa",
        **PAYMENT,
        bank_account_name="Bu Sri",
        hold_hours="48",
        pickup="ya",
    )
    assert resp.status == 303
    vendor = (await stored(organiser))[0].vendor("kopi-a")
    assert (vendor.qris, vendor.bank_account, vendor.hold_hours, vendor.pickup) == (
        QRIS,
        "0841336179",
        48,
        True,
    )
    page = await (await organiser.get("/editor/vendors/kopi-a")).text()
    assert QRIS in page and 'value="0841336179"' in page and 'value="48"' in page
    assert '<option value="ya" selected>' in page


async def test_vendor_payment_errors_are_shown_per_field(organiser):
    """An account without its holder's name is refused on that field, the input kept."""
    resp = await post(organiser, "/editor/vendors/kopi-a", name="Kopi Arjasa", **PAYMENT)
    assert resp.status == 400
    page = await resp.text()
    assert 'id="e-bank_account_name"' in page and 'value="0841 336 179"' in page
    assert (await stored(organiser))[0].vendor("kopi-a").bank == ""


async def test_product_weight_and_limit_are_saved_and_shown_back(organiser):
    """Weight and per-buyer limit go through the product form and come back in it."""
    fields = {"vendor_id": "kopi-a", "name": "Kopi", "price": "45000", "stock": "10"}
    resp = await post(
        organiser, "/editor/products/K01", **fields, weight_g="1.200", max_per_buyer="2"
    )
    assert resp.status == 303
    product = (await stored(organiser))[0].product("K01")
    assert (product.weight_g, product.max_per_buyer) == (1200, 2)
    page = await (await organiser.get("/editor/products/K01")).text()
    assert 'value="1200"' in page and 'value="2"' in page


async def test_product_bad_input_is_refused_and_kept(organiser):
    """Decimal price, negative stock and an http link: 400 with each message and the input."""
    resp = await post(
        organiser,
        "/editor/products/K01",
        vendor_id="kopi-a",
        name="Kopi",
        price="45,5",
        stock="-3",
        order_url="http://x.example",
    )
    assert resp.status == 400
    page = await resp.text()
    for name in ("price", "stock", "order_url"):
        assert f'id="e-{name}"' in page
    assert 'value="45,5"' in page and 'value="http://x.example"' in page
    assert (await stored(organiser))[0].product("K01").price_idr == 45000


async def test_product_add_accepts_rupiah_notation(organiser):
    """``Rp 45.000`` is stored as 45000 and shown back as Rp 45.000."""
    resp = await post(
        organiser,
        "/editor/products/new",
        code="k3",
        vendor_id="kopi-a",
        name="Kopi Susu",
        price="Rp 45.000",
        stock="",
        order_url="",
    )
    assert resp.status == 303
    product = (await stored(organiser))[0].product("K3")
    assert product == Product("K3", "kopi-a", "Kopi Susu", 45000, None, None)
    page = await (await organiser.get("/editor/products?vendor=kopi-a")).text()
    assert "Kopi Susu" in page and "Rp 45.000" in page


async def test_user_text_is_escaped(organiser):
    """A vendor named with a script tag shows as text on every page that lists it."""
    name = "<script>alert(1)</script>"
    resp = await post(organiser, "/editor/vendors/kopi-a", name=name, whatsapp="")
    assert resp.status == 303
    for path in ("/editor", "/editor/vendors", "/editor/vendors/kopi-a", "/editor/slots/kopi"):
        page = await (await organiser.get(path)).text()
        assert name not in page, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, path


# --- upload and export ----------------------------------------------------------------


def upload_form(client, files: dict[str, bytes]) -> FormData:
    form = FormData()
    form.add_field("csrf_token", client.csrf)
    for name, data in files.items():
        form.add_field("files", data, filename=name, content_type="text/csv")
    return form


async def test_upload_of_the_fixture_csvs_replaces_the_event(
    aiohttp_client, settings, fixtures_dir
):
    """The three organiser CSVs pass the loader and replace the event in one step."""
    organiser = await make_client(aiohttp_client, settings, at("13:00"))  # nothing aired yet
    organiser.csrf = await login(organiser, "organiser")
    files = {p.name: p.read_bytes() for p in sorted(fixtures_dir.glob("*.csv"))}
    resp = await organiser.post("/editor/upload", data=upload_form(organiser, files))
    page = await resp.text()
    assert resp.status == 200, page
    assert "dipasang" in page and "98 slot" in page
    event, revision = await stored(organiser)
    assert len(event.vendors) == 73 and len(event.slots) == 98 and revision == 2


async def test_broken_upload_changes_nothing(organiser, fixtures_dir):
    """A CSV with a bad price is refused with FILE:ROW: field: message; revision unchanged."""
    files = {p.name: p.read_bytes() for p in sorted(fixtures_dir.glob("*.csv"))}
    files["products.csv"] = files["products.csv"].replace(b",43000,", b",empat puluh,", 1)
    resp = await organiser.post("/editor/upload", data=upload_form(organiser, files))
    page = await resp.text()
    assert resp.status == 400
    assert "<code>products.csv:2: price_idr: error:" in page and "Tidak ada yang diubah" in page
    assert await stored(organiser) == (small_event(), 1)


def raw_upload(csrf: str, files: dict[bytes, bytes]) -> tuple[bytes, dict[str, str]]:
    """A multipart body written by hand: file names no client library would send."""
    boundary = b"pasar-boundary"
    parts = [b'--' + boundary + b'\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
             + csrf.encode() + b"\r\n"]  # fmt: skip
    for name, data in files.items():
        parts.append(b"--" + boundary + b'\r\nContent-Disposition: form-data; name="files";'
                     b' filename="' + name + b'"\r\nContent-Type: text/csv\r\n\r\n' + data
                     + b"\r\n")  # fmt: skip
    body = b"".join(parts) + b"--" + boundary + b"--\r\n"
    return body, {"Content-Type": "multipart/form-data; boundary=pasar-boundary"}


# aiohttp leaves the spooled file of a part it fails to parse for the collector to close.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize(
    "name", [b"x" * 300 + b"-products.csv", b"prod\x00ucts.csv", b"../../" + b"y" * 280 + b".yaml"]
)
async def test_odd_upload_filenames_are_an_answer_not_a_crash(organiser, fixtures_dir, name):
    """A 300-character name or one with a NUL gets a page (checked or refused), never a 500."""
    files = {p.name.encode(): p.read_bytes() for p in sorted(fixtures_dir.glob("*.csv"))}
    files[name] = files.pop(b"products.csv")
    body, headers = raw_upload(organiser.csrf, files)
    resp = await organiser.post("/editor/upload", data=body, headers=headers)
    assert resp.status in (200, 400, 409), (resp.status, await resp.text())
    assert "\x00" not in await resp.text()


async def test_upload_that_rewrites_aired_slots_needs_confirmation(organiser, tmp_path):
    """Dropping an aired slot is refused (409) unless the organiser ticks the box."""
    export = await (await organiser.get("/editor/export.yaml")).text()
    changed = export.replace("Sapa penonton", "Sapa baru")
    resp = await organiser.post(
        "/editor/upload", data=upload_form(organiser, {"a.yaml": changed.encode()})
    )
    assert resp.status == 409 and 'name="force"' in await resp.text()
    form = upload_form(organiser, {"a.yaml": changed.encode()})
    form.add_field("force", "1")
    assert (await organiser.post("/editor/upload", data=form)).status == 200
    assert (await stored(organiser))[0].slots[1].title == "Sapa baru"


async def test_export_yaml_reads_back_to_the_same_event(organiser, tmp_path):
    """The downloaded YAML loads back to an equal event."""
    resp = await organiser.get("/editor/export.yaml")
    assert resp.status == 200 and "attachment" in resp.headers["Content-Disposition"]
    path = tmp_path / "pasar.yaml"
    path.write_bytes(await resp.read())
    result = load_paths([path])
    assert result.errors == [] and result.event == (await stored(organiser))[0]


async def test_export_zip_reads_back_to_the_same_event(organiser, tmp_path):
    """The zip of CSVs loads back to an equal event."""
    resp = await organiser.get("/editor/export.zip")
    assert resp.status == 200
    with zipfile.ZipFile(io.BytesIO(await resp.read())) as archive:
        assert {"vendors.csv", "products.csv", "schedule.csv"} <= set(archive.namelist())
        archive.extractall(tmp_path / "csv")
    result = load_paths([tmp_path / "csv"])
    assert result.errors == [] and result.event == (await stored(organiser))[0]


# --- JSON API -------------------------------------------------------------------------


async def api(client, method: str, path: str, body: object):
    resp = await client.request(method, path, json=body, headers={"X-CSRF-Token": client.csrf})
    return resp.status, await resp.json()


async def test_api_create_update_move_delete(organiser):
    """The JSON endpoints add, change, shift and delete a slot, bumping the revision each time."""
    status, body = await api(
        organiser,
        "POST",
        "/api/editor/slots",
        slot_fields(start="16:10", end="16:20", products=["K01", "K02"]),
    )
    assert status == 201 and body["slot"]["start"] == "2027-02-15T09:10:00Z"
    slot_id = body["slot"]["id"]
    status, body = await api(organiser, "PATCH", f"/api/editor/slots/{slot_id}", {"title": "Baru"})
    assert (
        status == 200
        and body["slot"]["title"] == "Baru"
        and body["slot"]["products"] == ["K01", "K02"]
    )
    status, body = await api(
        organiser, "POST", f"/api/editor/slots/{slot_id}/move", {"minutes": -5}
    )
    assert status == 200 and body["slot"]["local"]["start"] == "16:05"
    status, body = await api(
        organiser,
        "POST",
        f"/api/editor/slots/{slot_id}/move",
        {"channel": "kuliner", "start": "18:00", "end": "18:30"},
    )
    assert status == 200 and body["slot"]["channel"] == "kuliner"
    status, body = await api(organiser, "DELETE", f"/api/editor/slots/{slot_id}", None)
    assert status == 200 and body["revision"] == 6


async def test_api_errors_per_field(organiser):
    """Bad input is 400 and an overlap or a locked slot is 409, each with errors per field."""
    status, body = await api(organiser, "POST", "/api/editor/slots", slot_fields(date="kemarin"))
    assert status == 400 and "date" in body["errors"]
    status, body = await api(
        organiser, "POST", "/api/editor/slots/kopi/move", {"start": "15:55", "end": "16:05"}
    )
    assert status == 409 and "Bertabrakan" in body["errors"]["start"]
    status, body = await api(organiser, "PATCH", "/api/editor/slots/aired", {"title": "x"})
    assert status == 409 and "sudah tayang" in body["errors"]["slot"]
    status, body = await api(organiser, "POST", "/api/editor/slots/kopi/move", {"minutes": "lima"})
    assert status == 400 and "minutes" in body["errors"]
    status, _ = await api(organiser, "POST", "/api/editor/slots", ["not", "an", "object"])
    assert status == 400
    assert (await stored(organiser))[1] == 1
