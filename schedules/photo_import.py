"""Photos on their way into an event: each product's photo is read or fetched once,
checked, and (for an import) made into its sizes and stored, with every problem on the
product's row as ``FILE:ROW: photo: ...``.

A check (``pasar-live check``) opens each photo's header only: format, size and pixel
count, which is where bad input shows. An import decodes and resizes too, in a few
threads (Pillow lets go of the GIL while it works). Files are written before the event is
saved; a failed import leaves only unreferenced files behind, and the event unchanged.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from schedules.check import Problem, Where
from schedules.loader import LoadResult
from schedules.model import Event, Product
from schedules.photo_sources import FetchRules, fetch_url, read_file
from schedules.photo_store import PhotoStore
from schedules.photos import (
    STORED_PREFIX,
    PhotoError,
    is_url,
    make_photo,
    open_image,
    photo_id,
    stored_id,
)


@dataclass(frozen=True)
class PhotoImport:
    """Where photos go (``None``: only check them) and the rules for fetching them."""

    store: PhotoStore | None = None
    rules: FetchRules = field(default_factory=FetchRules)
    workers: int = 4


def attach_photos(
    result: LoadResult, photos: PhotoImport, known: Event | None = None, *, rename: bool = False
) -> LoadResult:
    """Give each product with a photo its photo's id; an event with a bad photo fails whole.

    A web address that ``known`` (the stored event) already has a stored photo for is not
    fetched again; files are read again (cheap, and a replaced file is a new photo).
    ``rename`` names a file's photo ``foto:<id>`` instead (an editor upload's files are
    gone after the upload, the stored photo stays).
    """
    event, origins = result.event, result.origins
    if event is None or origins is None or not any(p.photo for p in event.products):
        return result
    ids, problems = resolve_photos(event, origins.products, photos, fetched(known, photos))
    if problems:
        merged = sorted([*result.problems, *problems], key=lambda p: (p.file, p.row))
        return replace(result, event=None, problems=merged)
    products = [_with_id(p, ids.get(p.code, ""), rename) for p in event.products]
    return replace(result, event=replace(event, products=products))


def _with_id(product: Product, pid: str, rename: bool) -> Product:
    if rename and pid and not is_url(product.photo):
        return replace(product, photo=f"{STORED_PREFIX}{pid}", photo_id=pid)
    return replace(product, photo_id=pid)


def fetched(known: Event | None, photos: PhotoImport) -> dict[str, str]:
    """The stored photo id of each web address ``known`` has fetched (and still stored)."""
    if known is None or photos.store is None:
        return {}
    found = {p.photo: p.photo_id for p in known.products if is_url(p.photo) and p.photo_id}
    return {url: pid for url, pid in found.items() if photos.store.has(pid)}


def resolve_photos(
    event: Event, wheres: list[Where], photos: PhotoImport, urls: dict[str, str] | None = None
) -> tuple[dict[str, str], list[Problem]]:
    """Return the photo id per product code, and a problem per photo that failed."""
    jobs: dict[tuple[Path, str], Future[str]] = {}
    urls = urls or {}
    with ThreadPoolExecutor(photos.workers, thread_name_prefix="photo") as pool:
        for product, where in zip(event.products, wheres, strict=True):
            key = (Path(where.file).parent, product.photo)
            if product.photo and key not in jobs:  # one fetch for a photo named twice
                if product.photo in urls:
                    jobs[key] = _done(urls[product.photo])
                else:
                    jobs[key] = pool.submit(_one, *key, photos)
        ids, problems = {}, []
        for product, where in zip(event.products, wheres, strict=True):
            if not product.photo:
                continue
            try:
                ids[product.code] = jobs[(Path(where.file).parent, product.photo)].result()
            except PhotoError as err:
                problems.append(where.problem("photo", str(err)))
    return ids, problems


def _done(value: str) -> Future[str]:
    future: Future[str] = Future()
    future.set_result(value)
    return future


def _one(folder: Path, reference: str, photos: PhotoImport) -> str:
    if pid := stored_id(reference):
        if photos.store is not None and not photos.store.has(pid):
            raise PhotoError(
                f"{reference} tidak ada di folder foto layanan ini; tulis nama file atau"
                " alamat https fotonya (stored photo not found)"
            )
        return pid
    if is_url(reference):
        data = fetch_url(reference, photos.rules)
    else:
        data = read_file(folder, reference, photos.rules.max_bytes)
    pid = photo_id(data)
    if photos.store is None:
        open_image(data)
    elif not photos.store.has(pid):
        photos.store.put(make_photo(data))
    return pid
