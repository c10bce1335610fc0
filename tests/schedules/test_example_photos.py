"""The example event ships a drawn photo per product, and the demo's first start shows them."""

from __future__ import annotations

import io
import threading
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image
from sqlite_utils import Database

from schedules.commands import check_command
from schedules.demo_photos import make_photos, missing_photos
from schedules.loader import load_paths
from schedules.photo_import import PhotoImport
from schedules.photo_store import PhotoStore
from schedules.startup import EXAMPLE_EVENT, load_startup_event
from schedules.store import fill_photo_ids, load_event, migrate, schedule_revision, upsert_product


def test_every_example_product_names_a_small_square_photo() -> None:
    """212 products, each with its own WebP beside the YAML: square, a few KB."""
    event = load_paths([EXAMPLE_EVENT]).event
    assert len(event.products) == 212
    for product in event.products:
        assert product.photo == f"foto/{product.code}.webp"
        data = (EXAMPLE_EVENT.parent / product.photo).read_bytes()
        assert len(data) < 8 * 1024, product.code
        image = Image.open(io.BytesIO(data))
        assert image.format == "WEBP" and image.width == image.height >= 640


def test_the_example_checks_clean_with_its_photos() -> None:
    """``pasar-live check`` on the example opens every photo and finds nothing wrong."""
    out = io.StringIO()
    assert check_command([EXAMPLE_EVENT], out) == 0, out.getvalue()


def test_the_demo_start_names_the_photos_but_does_not_make_them(tmp_path: Path) -> None:
    """The first start stores the example at once: every photo named, none made yet."""
    db = Database(tmp_path / "pasar.db")
    migrate(db)
    photos = PhotoImport(PhotoStore.beside(tmp_path / "pasar.db"))
    load_startup_event(db, None, True, 60, datetime.now(UTC), photos)
    event = load_event(db)
    assert all(p.photo and not p.photo_id for p in event.products)
    assert not (tmp_path / "foto").exists()
    assert len(missing_photos(db)) == 212


@pytest.mark.slow
def test_the_background_step_makes_every_photo_and_names_it(tmp_path: Path) -> None:
    """make_photos + fill_photo_ids give every product its stored sizes, bumping once."""
    db = Database(tmp_path / "pasar.db")
    migrate(db)
    photos = PhotoImport(PhotoStore.beside(tmp_path / "pasar.db"))
    load_startup_event(db, None, True, 60, datetime.now(UTC), photos)
    before = schedule_revision(db)
    ids = make_photos(missing_photos(db), EXAMPLE_EVENT.parent, photos, threading.Event())
    assert fill_photo_ids(db, ids) == 212
    assert schedule_revision(db) == before + 1
    event = load_event(db)
    assert all(p.photo_id and photos.store.has(p.photo_id) for p in event.products)
    assert missing_photos(db) == [] and fill_photo_ids(db, ids) == 0


def test_a_product_changed_meanwhile_keeps_its_photo(tmp_path: Path) -> None:
    """An id arriving late does not overwrite a photo an organiser set in the meantime."""
    db = Database(memory=True)
    migrate(db)
    load_startup_event(db, None, True, 60, datetime.now(UTC))
    first = load_event(db).products[0]
    upsert_product(db, replace(first, photo="foto:0123456789abcdef", photo_id="0123456789abcdef"))
    assert fill_photo_ids(db, {first.photo: "fedcba9876543210"}) == 0
    assert load_event(db).products[0].photo_id == "0123456789abcdef"
    stopped = threading.Event()
    stopped.set()
    assert make_photos(["foto/K01.webp"], EXAMPLE_EVENT.parent, PhotoImport(), stopped) == {}
