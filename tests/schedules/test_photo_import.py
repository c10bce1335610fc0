"""Photos into an event: from a file or a loopback web server, each bad input a clear
error on its row, and an import that stays whole when one photo fails."""

from __future__ import annotations

import asyncio
import io
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from aiohttp import web
from PIL import Image
from sqlite_utils import Database

from schedules.commands import check_command, import_command
from schedules.loader import load_paths
from schedules.photo_import import PhotoImport, attach_photos
from schedules.photo_sources import FetchRules
from schedules.photo_store import PhotoStore
from schedules.photos import SIZES, make_photo, photo_id
from schedules.store import load_event, migrate
from tests.schedules.photo_samples import jpeg, jpeg_with_exif, png_bomb

FIXTURES = Path(__file__).parents[1] / "fixtures"
LOOPBACK = FetchRules(schemes=frozenset({"http"}), timeout_s=5.0)


def event_folder(tmp_path: Path, photos: dict[str, str]) -> Path:
    """The fixture sheets with a ``photo`` column filled for the given codes."""
    folder = tmp_path / "acara"
    folder.mkdir()
    for name in ("vendors.csv", "schedule.csv"):
        shutil.copy(FIXTURES / name, folder / name)
    lines = (FIXTURES / "products.csv").read_text(encoding="utf-8").splitlines()
    out = [lines[0] + ",photo"]
    for line in lines[1:]:
        code = line.split(",", 1)[0]
        out.append(f"{line},{photos.get(code, '')}")
    (folder / "products.csv").write_text("\n".join(out) + "\n", encoding="utf-8")
    return folder


def row_of(folder: Path, code: str) -> int:
    lines = (folder / "products.csv").read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if line.startswith(f"{code},"))


def first_codes(n: int) -> list[str]:
    lines = (FIXTURES / "products.csv").read_text(encoding="utf-8").splitlines()[1 : n + 1]
    return [line.split(",", 1)[0] for line in lines]


def test_import_with_a_local_file_stores_every_size(tmp_path: Path) -> None:
    """A photo named in products.csv is stored in each size and its id saved on the product."""
    code = first_codes(1)[0]
    folder = event_folder(tmp_path, {code: "foto/produk.jpg"})
    (folder / "foto").mkdir()
    (folder / "foto/produk.jpg").write_bytes(jpeg_with_exif())
    db, photos = Database(memory=True), PhotoStore(tmp_path / "data/foto")
    out = io.StringIO()
    assert import_command(db, [folder], out, PhotoImport(photos)) == 0, out.getvalue()
    product = load_event(db).product(code)
    assert product.photo == "foto/produk.jpg"
    assert product.photo_id == photo_id(jpeg_with_exif())
    assert photos.has(product.photo_id)
    stored = sorted(p.name for p in photos.folder.iterdir())
    assert stored == sorted(f"{product.photo_id}-{s}.webp" for s in SIZES)


def test_a_missing_file_is_an_error_on_its_row(tmp_path: Path) -> None:
    """A photo file that is not there fails the import on its row; nothing is saved."""
    code = first_codes(1)[0]
    folder = event_folder(tmp_path, {code: "foto/tidak-ada.jpg"})
    db = Database(memory=True)
    migrate(db)
    out = io.StringIO()
    assert import_command(db, [folder], out, PhotoImport(PhotoStore(tmp_path / "f"))) == 1
    expected = f"{folder / 'products.csv'}:{row_of(folder, code)}: photo: error: file foto"
    assert expected in out.getvalue()
    assert "tidak ditemukan" in out.getvalue() and load_event(db) is None


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"ini bukan gambar", "bukan file gambar"),
        (png_bomb(), "terlalu besar untuk dibuka"),
        (b"\xff\xd8\xff" + bytes(50 * 2**20), "foto 50 MB, paling besar 10 MB"),
    ],
    ids=["not-an-image", "bomb", "50-mb"],
)
def test_bad_files_fail_whole_and_change_nothing(tmp_path: Path, data: bytes, words: str) -> None:
    """One bad photo among good ones: its row says why, and the stored event stays as it was."""
    good, bad = first_codes(2)
    folder = event_folder(tmp_path, {good: "baik.jpg", bad: "buruk.jpg"})
    (folder / "baik.jpg").write_bytes(jpeg())
    (folder / "buruk.jpg").write_bytes(data)
    db = Database(memory=True)
    import_command(db, [FIXTURES / n for n in ("vendors.csv", "products.csv", "schedule.csv")],
                   io.StringIO(), PhotoImport())  # fmt: skip
    before = load_event(db)
    out = io.StringIO()
    assert import_command(db, [folder], out, PhotoImport(PhotoStore(tmp_path / "f"))) == 1
    line = next(ln for ln in out.getvalue().splitlines() if ": photo: " in ln)
    assert line.startswith(f"{folder / 'products.csv'}:{row_of(folder, bad)}: photo: error: ")
    assert words in line
    assert load_event(db) == before


def test_check_reports_the_same_problem_without_storing(tmp_path: Path) -> None:
    """``pasar-live check`` names a bad photo on its row and writes no photo anywhere."""
    code = first_codes(1)[0]
    folder = event_folder(tmp_path, {code: "buruk.jpg"})
    (folder / "buruk.jpg").write_bytes(b"GIF89a bukan")
    out = io.StringIO()
    assert check_command([folder], out) == 1
    assert f"products.csv:{row_of(folder, code)}: photo: error: bukan file gambar" in out.getvalue()
    (folder / "buruk.jpg").write_bytes(jpeg())
    out = io.StringIO()
    assert check_command([folder], out) == 0, out.getvalue()
    assert sorted(p.name for p in folder.iterdir()) == [
        "buruk.jpg", "products.csv", "schedule.csv", "vendors.csv"
    ]  # fmt: skip


def test_a_photo_named_by_two_products_is_read_once(tmp_path: Path) -> None:
    """Two products with one photo share its id (and its files)."""
    first, second = first_codes(2)
    folder = event_folder(tmp_path, {first: "sama.jpg", second: "sama.jpg"})
    (folder / "sama.jpg").write_bytes(jpeg())
    store = PhotoStore(tmp_path / "f")
    result = attach_photos(load_paths([folder]), PhotoImport(store))
    ids = {p.code: p.photo_id for p in result.event.products if p.photo}
    assert ids == {first: photo_id(jpeg()), second: photo_id(jpeg())}
    assert len(list(store.folder.iterdir())) == len(SIZES)


def test_a_new_photo_gets_a_new_id(tmp_path: Path) -> None:
    """Replacing the file under the same name gives the product a new id (a new address)."""
    code = first_codes(1)[0]
    folder = event_folder(tmp_path, {code: "p.jpg"})
    store = PhotoStore(tmp_path / "f")
    ids = []
    for colour in ("red", "green"):
        (folder / "p.jpg").write_bytes(jpeg(colour=colour))
        ids.append(attach_photos(load_paths([folder]), PhotoImport(store)).event.product(code))
    assert ids[0].photo_id != ids[1].photo_id
    assert store.has(ids[0].photo_id) and store.has(ids[1].photo_id)


# ---- web addresses, served by a real loopback server -------------------------------------


@pytest.fixture
async def image_server(aiohttp_server):
    """A loopback web server: an image, a same-host redirect, a redirect to another host
    (``localhost`` is another name than ``127.0.0.1``), a page, and one that never answers."""
    never = asyncio.Event()

    async def image(_request: web.Request) -> web.Response:
        return web.Response(body=jpeg_with_exif(), content_type="image/jpeg")

    async def same_host(_request: web.Request) -> web.Response:
        raise web.HTTPFound("/gambar.jpg")

    async def elsewhere(request: web.Request) -> web.Response:
        raise web.HTTPFound(f"http://localhost:{request.url.port}/gambar.jpg")

    async def page(_request: web.Request) -> web.Response:
        return web.Response(text="<html>bukan foto</html>", content_type="text/html")

    async def hang(_request: web.Request) -> web.Response:
        await never.wait()  # until the server closes at the end of the test
        return web.Response()

    async def huge(_request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()  # chunked: no Content-Length to refuse early
        await response.prepare(_request)
        block = bytes(2**20)
        for _ in range(50):
            await response.write(block)
        return response

    app = web.Application()
    routes = {"/gambar.jpg": image, "/pindah": same_host, "/ke-lain": elsewhere,
              "/halaman": page, "/lambat.jpg": hang, "/besar.jpg": huge}  # fmt: skip
    for path, handler in routes.items():
        app.router.add_get(path, handler)
    server = await aiohttp_server(app)
    yield f"http://127.0.0.1:{server.port}"
    never.set()


async def import_urls(tmp_path: Path, urls: dict[str, str], rules: FetchRules = LOOPBACK):
    folder = event_folder(tmp_path, urls)
    store = PhotoStore(tmp_path / "data/foto")
    result = await asyncio.to_thread(attach_photos, load_paths([folder]), PhotoImport(store, rules))
    return folder, store, result


async def test_import_from_a_loopback_url(tmp_path: Path, image_server: str) -> None:
    """A photo fetched over HTTP (allowed by the test's rules) is stored like a file's."""
    code = first_codes(1)[0]
    _, store, result = await import_urls(tmp_path, {code: f"{image_server}/gambar.jpg"})
    assert result.errors == []
    pid = result.event.product(code).photo_id
    assert pid == photo_id(jpeg_with_exif()) and store.has(pid)


async def test_a_redirect_on_the_same_host_is_followed(tmp_path: Path, image_server: str) -> None:
    """A shop's address that moves the picture within its own site still works."""
    code = first_codes(1)[0]
    _, _, result = await import_urls(tmp_path, {code: f"{image_server}/pindah"})
    assert result.errors == [] and result.event.product(code).photo_id


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/ke-lain", "dialihkan ke host lain (localhost)"),
        ("/halaman", "bukan file gambar"),
        ("/tidak-ada.jpg", "HTTP 404"),
        ("/besar.jpg", "paling besar 10 MB"),
    ],
    ids=["redirect-elsewhere", "html-page", "not-found", "too-big-chunked"],
)
async def test_bad_urls_are_errors_on_their_row(
    tmp_path: Path, image_server: str, path: str, words: str
) -> None:
    """Each way a web address can fail is named on its row; the event is not built."""
    code = first_codes(1)[0]
    folder, store, result = await import_urls(tmp_path, {code: f"{image_server}{path}"})
    assert result.event is None
    [problem] = [p for p in result.errors if p.field == "photo"]
    assert (problem.file, problem.row) == (str(folder / "products.csv"), row_of(folder, code))
    assert words in problem.message
    assert not store.folder.exists()


async def test_a_url_that_hangs_times_out(tmp_path: Path, image_server: str) -> None:
    """A server that never answers is given up after the (injected, short) timeout."""
    code = first_codes(1)[0]
    rules = FetchRules(schemes=frozenset({"http"}), timeout_s=0.3)
    _, _, result = await import_urls(tmp_path, {code: f"{image_server}/lambat.jpg"}, rules)
    [problem] = result.errors
    assert problem.field == "photo" and "tidak menjawab dalam 0,3 detik" in problem.message


async def test_production_rules_take_https_only(tmp_path: Path, image_server: str) -> None:
    """With the default rules a plain http address is refused before anything is fetched."""
    code = first_codes(1)[0]
    _, _, result = await import_urls(tmp_path, {code: f"{image_server}/gambar.jpg"}, FetchRules())
    [problem] = result.errors
    assert "harus diawali https://" in problem.message


def test_stored_sizes_decode(tmp_path: Path) -> None:
    """What the store holds opens as WebP at each size."""
    code = first_codes(1)[0]
    folder = event_folder(tmp_path, {code: "p.jpg"})
    (folder / "p.jpg").write_bytes(jpeg())
    store = PhotoStore(tmp_path / "f")
    pid = attach_photos(load_paths([folder]), PhotoImport(store)).event.product(code).photo_id
    for size, side in SIZES.items():
        with Image.open(store.folder / f"{pid}-{size}.webp") as image:
            assert (image.format, image.size) == ("WEBP", (side, side))


async def test_a_stored_url_is_not_fetched_again(tmp_path: Path, image_server: str) -> None:
    """Importing again with the stored event known reuses a fetched address's photo."""
    code = first_codes(1)[0]
    url = f"{image_server}/lambat.jpg"  # would time out if fetched
    folder = event_folder(tmp_path, {code: url})
    store = PhotoStore(tmp_path / "data/foto")
    pid = photo_id(jpeg())
    store.put(make_photo(jpeg()))
    known = replace(load_paths([folder]).event, products=[])
    known.products.append(replace(load_paths([folder]).event.product(code), photo_id=pid))
    rules = FetchRules(schemes=frozenset({"http"}), timeout_s=0.3)
    result = await asyncio.to_thread(
        attach_photos, load_paths([folder]), PhotoImport(store, rules), known
    )
    assert result.errors == [] and result.event.product(code).photo_id == pid
