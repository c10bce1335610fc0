"""The example event ships a drawn photo per product, and the demo's first start shows them."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image
from sqlite_utils import Database

from schedules.commands import check_command
from schedules.loader import load_paths
from schedules.photo_import import PhotoImport
from schedules.photo_store import PhotoStore
from schedules.startup import EXAMPLE_EVENT, load_startup_event
from schedules.store import load_event, migrate


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


@pytest.mark.slow
def test_the_demo_start_stores_every_photo(tmp_path: Path) -> None:
    """The first start with the example makes every product's sizes beside the database."""
    db = Database(tmp_path / "pasar.db")
    migrate(db)
    photos = PhotoImport(PhotoStore.beside(tmp_path / "pasar.db"))
    load_startup_event(db, None, True, 60, datetime.now(UTC), photos, True)
    event = load_event(db)
    assert all(p.photo_id and photos.store.has(p.photo_id) for p in event.products)
    assert (tmp_path / "foto").is_dir()
    skipped = Database(memory=True)
    migrate(skipped)
    load_startup_event(skipped, None, True, 60, datetime.now(UTC), photos, False)
    assert not any(p.photo_id for p in load_event(skipped).products)
