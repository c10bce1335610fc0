"""Orders CSV: BOM, commas, CRLF, WIB and UTC times, plain and formatted Rupiah; the CLI."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

from kernel.keys import ORDER_DESK, STORE
from orchestrator.cli import main
from orchestrator.orders.export import HEADER
from schedules import store as schedule_store
from tests.conftest import login
from tests.orchestrator.orders.helpers import chat


async def fill(client) -> None:
    await client.app[ORDER_DESK].ingest(
        [chat(1, "K01 2", "a1", name="Budi Ñandú"), chat(2, "=1+1 mau K02", "a2", name="@Sari"),
         chat(3, "K01 1", "a3")]
    )  # fmt: skip


def rows(data: bytes) -> list[dict]:
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    return list(csv.DictReader(io.StringIO(text, newline="")))


async def test_csv_for_all_and_for_one_vendor(client):
    """The export holds every order, or one vendor's, in spreadsheet-friendly form."""
    await fill(client)
    await login(client, "host")
    resp = await client.get("/orders/export.csv")
    assert resp.headers["Content-Type"].startswith("text/csv")
    assert 'filename="pesanan.csv"' in resp.headers["Content-Disposition"]
    everything = rows(await resp.read())
    assert [r["pesanan_id"] for r in everything] == ["1", "2", "3"]
    first = everything[0]
    assert (first["waktu_wib"], first["waktu_utc"]) == ("2027-02-15 15:30", "2027-02-15T08:30:01Z")
    assert (first["harga_satuan"], first["harga_satuan_rp"]) == ("40000", "Rp 40.000")
    assert (first["total"], first["total_rp"], first["penonton"]) == (
        "80000",
        "Rp 80.000",
        "Budi Ñandú",
    )
    one = rows(await (await client.get("/orders/export.csv?vendor=v1")).read())
    assert [(r["kode"], r["penjual"]) for r in one] == [("K02", "Penjual 1")]


async def test_formula_looking_text_is_defused(client):
    """Viewer text starting with = or @ is written with a leading apostrophe."""
    await fill(client)
    await login(client, "host")
    (row,) = rows(await (await client.get("/orders/export.csv?vendor=v1")).read())
    assert (row["pesan"], row["penonton"]) == ("'=1+1 mau K02", "'@Sari")


async def test_every_text_cell_is_defused(client):
    """Product and vendor names and message ids a payload controls are defused too."""

    def rename(db) -> None:
        event = schedule_store.load_event(db)
        products = [replace(p, name='=HYPERLINK("http://evil")') for p in event.products]
        vendors = [replace(v, name="+cmd") for v in event.vendors]
        schedule_store.save_event(db, replace(event, products=products, vendors=vendors))

    await client.app[STORE].run(rename)
    await client.app[ORDER_DESK].ingest([chat(4, "K01 1", "a4")._replace(message_id="@evil")])
    await login(client, "host")
    data = await (await client.get("/orders/export.csv")).read()
    text = data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text
    assert "'@evil" in text and "'+cmd" in text


async def test_vendor_export_by_private_link(client):
    """A vendor downloads only their own orders through their link, without a login."""
    await fill(client)
    token = client.app[ORDER_DESK].vendor_links["v0"]
    resp = await client.get(f"/v/{token}/export.csv")
    assert resp.status == 200
    assert {r["penjual_id"] for r in rows(await resp.read())} == {"v0"}


async def test_cli_writes_the_same_csv(client, settings, tmp_path, capsys):
    """``pasar-live orders export --vendor v0 --out FILE --db DB`` writes the vendor's CSV."""
    await fill(client)
    await login(client, "host")
    served = await (await client.get("/orders/export.csv?vendor=v0")).read()
    out = tmp_path / "out" / "v0.csv"
    argv = ["orders", "export", "--vendor", "v0", "--out", str(out), "--db", str(settings.db)]
    assert main(argv) == 0
    assert out.read_bytes() == served
    assert list(rows(out.read_bytes())[0]) == list(HEADER)
    assert "2 pesanan" in capsys.readouterr().err


def test_cli_refuses_a_missing_database(tmp_path, capsys):
    """A --db that does not exist is an error that names the file, not an empty CSV."""
    assert main(["orders", "export", "--db", str(tmp_path / "nope.db")]) == 2
    assert "nope.db" in capsys.readouterr().err
