"""A product's photo in the editor: an organiser uploads one, or removes it.

The upload rides on the product form (multipart, with its CSRF token, checked like every
editor post). It is made into its sizes in a thread and stored before the product is
saved; the product then names it ``foto:<id>``, which an export writes and an import into
this service reads back. A bad file is an error on the form's photo field.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Mapping
from dataclasses import dataclass, replace

from aiohttp import web

from kernel.keys import PHOTOS
from schedules.editing import Checked
from schedules.model import Product
from schedules.photo_store import PhotoStore
from schedules.photos import STORED_PREFIX, PhotoError, check_size, make_photo, photo_url

FILE_FIELD = "photo_file"
REMOVE_FIELD = "remove_photo"


@dataclass(frozen=True)
class PhotoChange:
    """What the form asks of the photo: a new one, none, or (``None`` here) no change."""

    photo: str = ""
    photo_id: str = ""
    error: str = ""


async def read_photo_change(request: web.Request, form: Mapping[str, object]) -> PhotoChange | None:
    """Store an uploaded photo's sizes (in a thread); ``None`` when the photo stays as it is."""
    upload = form.get(FILE_FIELD)
    if isinstance(upload, web.FileField) and upload.filename:
        try:
            photo = await asyncio.to_thread(
                _store_upload, request.config_dict[PHOTOS].store, upload
            )
        except PhotoError as err:
            return PhotoChange(error=f"Foto tidak dipakai: {err}")
        return PhotoChange(f"{STORED_PREFIX}{photo}", photo)
    if form.get(REMOVE_FIELD) == "1":
        return PhotoChange()
    return None


def _store_upload(store: PhotoStore, upload: web.FileField) -> str:
    upload.file.seek(0, io.SEEK_END)
    check_size(upload.file.tell())  # before reading it into memory
    upload.file.seek(0)
    photo = make_photo(upload.file.read())
    if not store.has(photo.id):
        store.put(photo)
    return photo.id


def with_photo(checked: Checked[Product], change: PhotoChange | None) -> Checked[Product]:
    """Put the form's photo change into a checked product (or its error onto the form)."""
    if change is None:
        return checked
    if change.error:
        return replace(checked, errors={**checked.errors, "photo": change.error})
    if checked.value is None:
        return checked
    return replace(
        checked, value=replace(checked.value, photo=change.photo, photo_id=change.photo_id)
    )


def photo_preview(product: Product | None) -> str:
    """The address of a product's stored thumbnail for the form, or ``""``."""
    return photo_url(product.photo_id, "card") if product and product.photo_id else ""
