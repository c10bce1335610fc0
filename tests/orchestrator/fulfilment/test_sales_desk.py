"""The organisers' sales desk: filters, money per vendor and in total, buyers by province
and kabupaten/kota, who may see buyers' details, and the parcels' CSV for Excel."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

from orchestrator.checkout.model import Details
from orchestrator.cli import main
from orchestrator.fulfilment.sales import (
    ABROAD_PLACE,
    PICKUP_PLACE,
    ParcelFact,
    SalesFilter,
    by_place,
    filtered,
    parse_filter,
    summarise_facts,
)
from tests.conftest import login
from tests.orchestrator.checkout.conftest import ADDRESS
from tests.orchestrator.fulfilment.conftest import act, buyer

T = datetime(2027, 2, 15, 8, 30, tzinfo=UTC)
MALANG = {**ADDRESS, "name": "Sari", "whatsapp": "0813 1111 2222", "regency": "Kota Malang",
          "district": "Klojen", "postal_code": "65111", "street": "Jl. Ijen 9"}  # fmt: skip
FORMULA = '=HYPERLINK("http://evil.example","klik")'


def fact(i, vendor="v0", status="paid", idr=10_000, confirmed=None, day=0, **buyer) -> ParcelFact:
    details = Details(**{"province": "Jawa Timur", "regency": "Kabupaten Jember", **buyer})
    return ParcelFact(i, vendor, status, idr, "qris", None, None,
                      T + timedelta(days=day), confirmed, details)  # fmt: skip


def test_unknown_filter_values_are_dropped():
    """A vendor, status or day we do not know, or a 'late' that is not 1, filters nothing."""
    query = {"vendor": "zz", "status": "bogus", "day": "2027-13-01", "late": "yes"}
    assert parse_filter(query, ["v0"]) == SalesFilter()
    query = {"vendor": "v0", "status": "paid", "day": "2027-02-16", "late": "1"}
    assert parse_filter(query, ["v0"]) == SalesFilter("v0", "paid", date(2027, 2, 16), True)


def test_filters_pick_by_vendor_status_day_and_late():
    """Each filter keeps only its parcels; 'late' keeps paid parcels confirmed before the
    cut-off, and the money of what is kept adds up per vendor and in total."""
    before = T + timedelta(days=3)
    facts = [fact(1, confirmed=T), fact(2, status="claimed", idr=7), fact(3, "v1", day=1),
             fact(4, "v1", "cancelled", 9, day=1), fact(5, "v1", "shipped", confirmed=T),
             fact(6, "v0", "expired", 5)]  # fmt: skip
    assert [f.id for f in filtered(facts, SalesFilter(vendor="v1"), before)] == [3, 4, 5]
    assert [f.id for f in filtered(facts, SalesFilter(status="paid"), before)] == [1, 3]
    assert [f.id for f in filtered(facts, SalesFilter(day=date(2027, 2, 16)), before)] == [3, 4]
    assert [f.id for f in filtered(facts, SalesFilter(late_only=True), before)] == [1]
    vendors, total = summarise_facts({"v0": "A", "v1": "B"}, facts, before)
    assert [(v.vendor_id, v.late) for v in vendors] == [("v0", 1), ("v1", 0)]
    assert (total.paid_idr, total.claimed_idr, total.cancelled_idr, total.expired_idr) == (
        30_000, 7, 9, 5)  # fmt: skip


def test_places_count_provinces_then_regencies_with_stand_ins():
    """Parcels and paid Rupiah per province, most paid first; within a province per
    kabupaten/kota; pickup and abroad get their own named rows."""
    facts = [fact(1), fact(2, status="unpaid"), fact(3, regency="Kota Malang", idr=50_000),
             fact(4, delivery="ambil"), fact(5, country="Malaysia", street="Jalan 1"),
             fact(6, province="Bali", regency="Kota Denpasar", status="expired")]  # fmt: skip
    provinces = {p.name: (p.parcels, p.paid, p.paid_idr) for p in by_place(facts)}
    assert provinces == {"Jawa Timur": (3, 2, 60_000), PICKUP_PLACE: (1, 1, 10_000),
                         ABROAD_PLACE: (1, 1, 10_000), "Bali": (1, 0, 0)}  # fmt: skip
    assert by_place(facts)[0].name == "Jawa Timur"
    regencies = [(p.name, p.parcels) for p in by_place(facts, "Jawa Timur")]
    assert regencies == [("Kota Malang", 1), ("Kabupaten Jember", 2)]


async def _two_buyers(client):
    """Budi in Jember pays v0 (confirmed); Sari in Malang claims from v1 and has not paid."""
    paid = await buyer(client, "a1", 1)
    await act(client, "v0", paid.parcel_id, "confirm", "claimed")
    await buyer(client, "a2", 10, order="K02 1", address=MALANG, pay=None)
    return paid


async def test_filters_money_and_provinces_on_the_page(client):
    """/orders/paket filters by vendor and status, sums the Rupiah of what is kept, lists
    buyers by province and, on demand, by kabupaten/kota, with the buyer's name escaped."""
    await _two_buyers(client)
    await login(client, "organiser")
    page = await (await client.get("/orders/paket")).text()
    assert 'data-vendor="v0"' in page and 'data-vendor="v1"' in page
    assert '<tr data-province="Jawa Timur"' in page and '<td class="num">2</td>' in page
    assert "&lt;script&gt;alert(1)" in page and "<script>alert" not in page
    assert "6281234567890" in page  # organisers see the buyer's WhatsApp per parcel
    page = await (await client.get("/orders/paket?vendor=v1")).text()
    assert 'data-vendor="v0"' not in page and 'data-vendor="v1"' in page
    assert 'data-money="paid">Rp 0<' in page and "Sari" in page and "Budi" not in page
    page = await (await client.get("/orders/paket?status=paid")).text()
    assert 'data-money="paid">Rp 88.000<' in page and 'data-vendor="v1"' not in page
    page = await (await client.get("/orders/paket?province=Jawa+Timur")).text()
    assert 'data-regency="Kabupaten Jember"' in page and 'data-regency="Kota Malang"' in page
    assert 'href="/orders/paket.csv?province=Jawa+Timur"' in page


async def test_hosts_see_no_buyers_details(client):
    """Hosts are refused the sales desk and its CSV, and their /orders shows no buyer's
    WhatsApp number or address."""
    await _two_buyers(client)
    await login(client, "host")
    for path in ("/orders/paket", "/orders/paket.csv", "/orders/paket?vendor=v0"):
        resp = await client.get(path)
        body = await resp.text()
        assert resp.status == 403, path
        assert "1234567890" not in body and "Kalimantan" not in body and "Ijen" not in body
    body = await (await client.get("/orders")).text()
    assert "1234567890" not in body and "3111122" not in body
    assert "Kalimantan" not in body and "Ijen" not in body


def _read(data: bytes) -> list[dict]:
    assert data.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
    return list(csv.DictReader(io.StringIO(data[3:].decode("utf-8"), newline="")))


async def test_csv_defuses_formulas_and_round_trips_rupiah(client):
    """The parcels' CSV opens in Python's csv reader with one row per parcel, whole
    Rupiah as integers, the buyer's WhatsApp and address, and a buyer named like a
    formula defused with an apostrophe; the page's filters apply."""
    await _two_buyers(client)
    await buyer(client, "a3", 20, order="K01 1", address={**MALANG, "name": FORMULA}, pay=None)
    await login(client, "organiser")
    resp = await client.get("/orders/paket.csv")
    assert resp.headers["Content-Type"].startswith("text/csv")
    assert 'filename="paket.csv"' in resp.headers["Content-Disposition"]
    rows = _read(await resp.read())
    assert [r["penjual_id"] for r in rows] == ["v0", "v1", "v0"]
    budi, sari, evil = rows
    assert (int(budi["total"]), budi["total_rp"], budi["status"]) == (88_000, "Rp 88.000", "paid")
    assert budi["isi"] == "K01 Kopi 0 x2" and int(budi["jumlah_barang"]) == 2
    assert budi["whatsapp"] == "6281234567890" and budi["alamat"] == ADDRESS["street"]
    assert (budi["metode"], budi["terlambat_kirim"]) == ("QRIS", "tidak")
    assert (sari["kabupaten_kota"], sari["provinsi"], sari["status"]) == (
        "Kota Malang", "Jawa Timur", "unpaid")  # fmt: skip
    assert isinstance(int(sari["total"]), int)
    assert evil["pembeli"] == "'" + FORMULA
    assert all(not v.startswith(("=", "+", "@")) for r in rows for v in r.values())
    rows = _read(await (await client.get("/orders/paket.csv?vendor=v1")).read())
    assert [r["pembeli"] for r in rows] == ["Sari"]


async def test_cli_writes_the_parcels_csv(client, settings, tmp_path, capsys):
    """``pasar-live orders export --parcels`` writes the same bytes as /orders/paket.csv."""
    await _two_buyers(client)
    await login(client, "organiser")
    served = await (await client.get("/orders/paket.csv?vendor=v0")).read()
    out = tmp_path / "paket.csv"
    argv = ["orders", "export", "--parcels", "--vendor", "v0", "--out", str(out),
            "--db", str(settings.db)]  # fmt: skip
    assert main(argv) == 0
    assert out.read_bytes() == served
    assert "1 paket" in capsys.readouterr().err
