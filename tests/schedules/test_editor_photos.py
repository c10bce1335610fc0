"""A product's photo in the editor: upload, keep, replace, remove; who may; and the sheet
upload with photos beside it, whose export reads back to the same photos."""

from __future__ import annotations

import io

import pytest
from aiohttp import FormData
from PIL import Image

from kernel.keys import PHOTOS
from schedules.export import export_yaml
from schedules.photos import SIZES, photo_id
from tests.conftest import login
from tests.schedules.photo_samples import jpeg, jpeg_with_exif
from tests.schedules.test_editor import NOW, at, make_client, stored

K01 = {"vendor_id": "kopi-a", "name": "Kopi Robusta 250 g", "price": "45000", "stock": "10"}


@pytest.fixture
async def organiser(aiohttp_client, settings):
    client = await make_client(aiohttp_client, settings, NOW)
    client.csrf = await login(client, "organiser")
    return client


def product_form(csrf: str, photo: bytes | None = None, **fields: str) -> FormData:
    form = FormData()
    form.add_field("csrf_token", csrf)
    for name, value in {**K01, **fields}.items():
        form.add_field(name, value)
    if photo is not None:
        form.add_field("photo_file", photo, filename="kopi.jpg", content_type="image/jpeg")
    return form


async def save(client, form: FormData, **headers: str):
    return await client.post(
        "/editor/products/K01", data=form, allow_redirects=False, headers=headers
    )


async def test_an_organiser_uploads_a_photo(organiser) -> None:
    """The upload is stored in every size, the product names it foto:<id>, the form shows it."""
    resp = await save(organiser, product_form(organiser.csrf, jpeg_with_exif()))
    assert resp.status == 303, await resp.text()
    event, _ = await stored(organiser)
    pid = photo_id(jpeg_with_exif())
    assert (event.product("K01").photo, event.product("K01").photo_id) == (f"foto:{pid}", pid)
    assert organiser.server.app[PHOTOS].store.has(pid)
    card = await organiser.get(f"/foto/{pid}-card.webp")
    image = Image.open(io.BytesIO(await card.read()))
    assert image.size == (SIZES["card"],) * 2 and not image.getexif()
    page = await (await organiser.get("/editor/products/K01")).text()
    assert f'<img class="product-photo" src="/foto/{pid}-card.webp"' in page


async def test_editing_other_fields_keeps_the_photo(organiser) -> None:
    """Saving the form without a file changes the price and keeps the photo."""
    await save(organiser, product_form(organiser.csrf, jpeg()))
    resp = await save(organiser, product_form(organiser.csrf, price="47000"))
    assert resp.status == 303
    event, _ = await stored(organiser)
    assert event.product("K01").price_idr == 47000
    assert event.product("K01").photo_id == photo_id(jpeg())


async def test_a_photo_can_be_removed(organiser) -> None:
    """Ticking "Hapus foto" leaves the product without a photo."""
    await save(organiser, product_form(organiser.csrf, jpeg()))
    form = product_form(organiser.csrf)
    form.add_field("remove_photo", "1")
    assert (await save(organiser, form)).status == 303
    event, _ = await stored(organiser)
    assert (event.product("K01").photo, event.product("K01").photo_id) == ("", "")


async def test_a_bad_upload_is_a_form_error_and_saves_nothing(organiser) -> None:
    """A file that is not a photo is named on the form's photo field; the product is as it was."""
    before = await stored(organiser)
    resp = await save(organiser, product_form(organiser.csrf, b"%PDF-1.4 bukan foto", price="1"))
    page = await resp.text()
    assert resp.status == 400
    assert 'id="e-photo">Foto tidak dipakai: bukan file gambar' in page
    assert await stored(organiser) == before


async def test_only_an_organiser_with_the_token_from_our_site_may_upload(organiser) -> None:
    """A host, a missing CSRF token and another site's form are all refused; nothing changes."""
    before = await stored(organiser)
    assert (await save(organiser, product_form("salah", jpeg()))).status == 403
    foreign = await save(organiser, product_form(organiser.csrf, jpeg()),
                         Origin="https://evil.example")  # fmt: skip
    assert foreign.status == 403
    await organiser.post("/logout", data={"csrf_token": organiser.csrf})
    host_csrf = await login(organiser, "host")
    assert (await save(organiser, product_form(host_csrf, jpeg()))).status == 403
    assert await stored(organiser) == before
    assert not organiser.server.app[PHOTOS].store.folder.exists()


async def test_sheet_upload_with_photos_and_its_export_round_trip(
    aiohttp_client, settings, fixtures_dir
) -> None:
    """products.csv naming K01.jpg, uploaded together with it, gives K01 its photo; the
    exported YAML names foto:<id> and uploading it again keeps the same photo."""
    client = await make_client(aiohttp_client, settings, at("13:00"))
    client.csrf = await login(client, "organiser")
    files = {p.name: p.read_bytes() for p in sorted(fixtures_dir.glob("*.csv"))}
    lines = files["products.csv"].decode("utf-8").splitlines()
    code = lines[1].split(",", 1)[0]
    lines = [lines[0] + ",photo", f"{lines[1]},{code}.jpg", *(f"{ln}," for ln in lines[2:])]
    files["products.csv"] = ("\n".join(lines) + "\n").encode()
    form = FormData()
    form.add_field("csrf_token", client.csrf)
    for name, data in files.items():
        form.add_field("files", data, filename=name, content_type="text/csv")
    form.add_field("files", jpeg(), filename=f"{code}.jpg", content_type="image/jpeg")
    resp = await client.post("/editor/upload", data=form)
    assert resp.status == 200, await resp.text()
    event, _revision = await stored(client)
    assert event.product(code).photo_id == photo_id(jpeg())
    exported = export_yaml(event)
    assert f"photo: foto:{photo_id(jpeg())}" in exported
    again = FormData()
    again.add_field("csrf_token", client.csrf)
    again.add_field("files", exported.encode(), filename="acara.yaml", content_type="text/yaml")
    assert (await client.post("/editor/upload", data=again)).status == 200
    reloaded, _ = await stored(client)
    assert reloaded.product(code) == event.product(code)
