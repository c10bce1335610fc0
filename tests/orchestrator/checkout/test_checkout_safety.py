"""Safety of the checkout over HTTP: escaped user text, receipt uploads, what the QR is."""

from __future__ import annotations

import asyncio
import io
import json
import re
import struct
import zlib
from dataclasses import replace

import pytest
from aiohttp import FormData

from kernel.keys import ORDER_DESK, STORE
from orchestrator.app import create_app
from tests.orchestrator.checkout.conftest import ADDRESS, form_value, page_code, paying_event
from tests.orchestrator.checkout.emv import crc16_ccitt_false, tlv
from tests.orchestrator.helpers import save
from tests.orchestrator.orders.helpers import chat

EVIL = "<script>alert(1)</script>"


def evil_qris(static: str) -> str:
    """The vendor's static QRIS with a merchant name that is markup (and a right CRC)."""
    fields = tlv(static)
    fields["59"] = f"TOKO {EVIL}"[:25]
    fields.pop("63")
    body = "".join(f"{tag}{len(value):02d}{value}" for tag, value in fields.items()) + "6304"
    return body + f"{crc16_ccitt_false(body.encode()):04X}"


@pytest.fixture
async def evil_client(aiohttp_client, settings, clock):
    """The paying event with markup in the first vendor's name and QRIS merchant name."""
    event = paying_event()
    first = event.vendors[0]
    vendors = [replace(first, name=f"Penjual {EVIL}", qris=evil_qris(first.qris)),
               *event.vendors[1:]]  # fmt: skip
    save(settings.db, replace(event, vendors=vendors))
    return await aiohttp_client(create_app(settings, clock=clock))


async def addressed(client, author: str = "a1", chat_name: str = "Budi") -> tuple[str, int]:
    """A buyer bound to ``author``'s claim of K01 x2, with an address; CSRF and parcel id."""
    desk = client.app[ORDER_DESK]
    await desk.ingest([chat(1, "K01 2", author, name=chat_name)])
    code = page_code(await (await client.get("/bayar")).text())
    await desk.ingest([chat(2, f"BAYAR {code}", author, name=chat_name)])
    page = await (await client.get("/bayar")).text()
    csrf = form_value(page, "csrf_token")
    resp = await client.post("/bayar/data", data={**ADDRESS, "csrf_token": csrf},
                             allow_redirects=False)  # fmt: skip
    assert resp.status == 303
    page = await (await client.get("/bayar")).text()
    return csrf, int(re.search(r"/bayar/paket/(\d+)/qris.svg", page)[1])


def png(width: int = 2, height: int = 2) -> bytes:
    """A small, real PNG (grey pixels)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))  # fmt: skip


def paid_form(csrf: str, data: bytes, name: str, content_type: str) -> FormData:
    form = FormData()
    for key, value in {"csrf_token": csrf, "method": "qris", "amount": "88000",
                       "request_id": "r-upload"}.items():  # fmt: skip
        form.add_field(key, value)
    form.add_field("proof", io.BytesIO(data), filename=name, content_type=content_type)
    return form


async def payments(client) -> list[dict]:
    return await client.app[STORE].run(lambda db: list(db.query("SELECT * FROM payments")))


async def test_chat_name_and_merchant_text_are_escaped(evil_client):
    """A chat display name, a vendor name and a QRIS merchant name with <script> show as
    text on the page and in its live feed, never as markup."""
    client = evil_client
    await addressed(client, chat_name=f"Eve {EVIL}")
    page = await (await client.get("/bayar")).text()
    assert EVIL not in page and "<script>" not in page.split("<body", 1)[1].replace(
        '<script src="/static/', ""
    )
    assert "Eve &lt;script&gt;" in page  # the bound chat account
    assert "Penjual &lt;script&gt;" in page  # the vendor, on the parcel and the QR's alt
    assert "TOKO &lt;script&gt;" in page  # the payee as the banking app will name it
    async with client.get("/bayar/events") as feed:  # the live feed's first message
        first = await asyncio.wait_for(feed.content.readuntil(b"\n\n"), 10)
    live = json.loads(first.decode().split("data: ", 1)[1])["html"]
    assert EVIL not in live and "Penjual &lt;script&gt;" in live


async def test_the_qr_is_a_standalone_svg_and_posts_keep_their_origin(client):
    """The QR answers as an SVG document an <img> can show (xmlns), and the page keeps the
    site's same-origin referrer policy so its own posts carry their origin."""
    _, parcel_id = await addressed(client)
    resp = await client.get(f"/bayar/paket/{parcel_id}/qris.svg")
    assert resp.status == 200 and resp.content_type == "image/svg+xml"
    assert (await resp.text()).startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    page = await client.get("/bayar")
    assert page.headers["Referrer-Policy"] == "same-origin"
    assert page.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("data", "name", "content_type", "message"),
    [
        (b"%PDF-1.7 receipt", "bukti.pdf", "application/pdf", "harus foto JPEG, PNG atau WebP"),
        (b"<html>not a photo</html>", "bukti.jpg", "image/jpeg", "harus foto JPEG, PNG atau WebP"),
        (b"\xff\xd8\xff\xe0" + bytes(5 * 2**20), "besar.jpg", "image/jpeg", "terlalu besar"),
    ],
    ids=["not-an-image", "type-lie", "over-5-MB"],
)
async def test_a_bad_receipt_is_refused_and_nothing_is_lost(
    client, settings, data, name, content_type, message
):
    """A non-image, a file that lies about its type, or one over 5 MB is refused with an
    Indonesian message; the parcel stays unpaid, the address stays, no file is kept."""
    csrf, parcel_id = await addressed(client)
    resp = await client.post(f"/bayar/paket/{parcel_id}/sudah-bayar",
                             data=paid_form(csrf, data, name, content_type))  # fmt: skip
    text = await resp.text()
    assert resp.status == 400 and message in text
    assert 'value="Budi Santoso"' in text and "menunggu pembayaran" in text
    assert await payments(client) == []
    proofs = settings.db.parent / "bukti-bayar"
    assert not proofs.exists() or not any(proofs.iterdir())


async def test_a_real_receipt_photo_is_kept_privately(client, settings):
    """A PNG receipt is stored under a random name readable by the service's user only."""
    csrf, parcel_id = await addressed(client)
    resp = await client.post(f"/bayar/paket/{parcel_id}/sudah-bayar",
                             data=paid_form(csrf, png(), "bukti.jpg", "image/jpeg"),
                             allow_redirects=False)  # fmt: skip
    assert resp.status == 303, await resp.text()
    [row] = await payments(client)
    assert row["proof_type"] == "png" and row["amount_idr"] == 88_000
    stored = settings.db.parent / "bukti-bayar" / row["proof_file"]
    assert stored.read_bytes() == png() and stored.stat().st_mode & 0o077 == 0
    assert "bukti" not in row["proof_file"]  # not the name the browser sent
    for path in (f"/bukti-bayar/{row['proof_file']}", f"/static/{row['proof_file']}"):
        again = await client.get(path, allow_redirects=False)  # never served as a file
        assert again.status in (302, 303, 403, 404) and await again.read() != png()


async def test_a_huge_upload_gets_an_indonesian_answer(client):
    """A body past the server's limit (20 MB) is refused in Indonesian, nothing stored."""
    csrf, parcel_id = await addressed(client)
    huge = b"\xff\xd8\xff\xe0" + bytes(21 * 2**20)
    resp = await client.post(f"/bayar/paket/{parcel_id}/sudah-bayar",
                             data=paid_form(csrf, huge, "besar.jpg", "image/jpeg"))  # fmt: skip
    assert resp.status == 413
    assert "terlalu besar" in await resp.text()
    assert await payments(client) == []
