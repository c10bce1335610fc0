"""Organiser editor: uploading spreadsheets or a YAML file, and downloading the export.

An upload is checked first and applied whole or not at all; it may not rewrite slots
that already aired unless the organiser confirms it.
"""

from __future__ import annotations

import asyncio
import io
import os
import zipfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any, TypeVar

from aiohttp import web

from kernel.forms import read_form
from kernel.keys import CLOCK, PHOTOS, SCHEDULE, SLOT_LOCK, STORE
from schedules import editing, export, store
from schedules.commands import summary as summary_of
from schedules.editor import back, current_event, page, snapshot
from schedules.loader import LoadResult, load_paths
from schedules.model import Event
from schedules.photo_import import PhotoImport, attach_photos

T = TypeVar("T")


async def upload_page(request: web.Request) -> web.Response:
    """Show the upload form; on POST check the files and replace the event only if clean."""
    if request.method == "GET":
        return _upload_result(request, 200)
    form = await read_form(request)
    files = [f for f in form.values() if isinstance(f, web.FileField) and f.filename]
    if not files:
        return _upload_result(request, 400, problems=["Pilih file YAML atau file CSV dulu."])
    problems = editing.upload_problems([f.filename for f in files])
    if problems:
        return _upload_result(request, 400, problems=problems)
    current, _ = snapshot(request)
    photos = request.config_dict[PHOTOS]
    result = await asyncio.to_thread(_load_uploads, files, photos, current)
    warnings = [str(p) for p in result.warnings]
    if result.errors or result.event is None:
        problems = [str(p) for p in result.errors] or ["File tidak berisi acara (no event)."]
        return _upload_result(request, 400, problems=problems, warnings=warnings)
    now, lock = request.config_dict[CLOCK].now(), request.config_dict[SLOT_LOCK]
    if form.get("force") != "1" and (
        aired := editing.aired_changes(current, result.event, now, lock)
    ):
        return _upload_result(request, 409, problems=aired, warnings=warnings, ask_force=True)
    revision = await request.config_dict[STORE].run(store.save_event, result.event)
    await request.config_dict[SCHEDULE].reload()
    summary = (
        f"Acara “{result.event.name}” dipasang (revisi {revision}): {summary_of(result.event)}."
    )
    return _upload_result(request, 200, summary=summary, warnings=warnings)


def _upload_result(request: web.Request, status: int, **context: Any) -> web.Response:
    context = {"problems": [], "warnings": [], "summary": "", "ask_force": False, **context}
    return page(request, "editor_upload.html", status=status, **context)


def _load_uploads(
    files: list[web.FileField], photos: PhotoImport, current: Event | None
) -> LoadResult:
    """Save the uploads under their own names in a temp dir and run the loader on them
    (photos uploaded with the sheets sit beside them, where their names point);
    problems name the organiser's file, not the temp path."""
    with TemporaryDirectory(prefix="pasar-upload-") as tmp:
        paths = []
        for upload in files:
            path = Path(tmp) / editing.upload_name(upload.filename)
            path.write_bytes(upload.file.read())
            if not path.name.lower().endswith(editing.PHOTO_SUFFIXES):
                paths.append(path)
        result = attach_photos(load_paths(paths), photos, known=current, rename=True)
    folder = f"{tmp}{os.sep}"
    problems = [replace(p, file=p.file.removeprefix(folder)) for p in result.problems]
    return replace(result, problems=problems)


def _download(body: bytes, filename: str, content_type: str) -> web.Response:
    disposition = f'attachment; filename="{filename}"'
    return web.Response(
        body=body, content_type=content_type, headers={"Content-Disposition": disposition}
    )


async def export_yaml(request: web.Request) -> web.Response:
    """Download the event as one YAML file, the format ``pasar-live check`` reads back."""
    event = current_event(request)
    text = _exported(request, export.export_yaml, event)
    return _download(text.encode(), f"{_file_stem(event)}.yaml", "application/yaml")


async def export_zip(request: web.Request) -> web.Response:
    """Download the event as a zip of CSV files (with event.csv and channels.csv, so an
    import of it gives back the same event)."""
    event = current_event(request)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for kind, text in _exported(request, export.csv_tables, event).items():
            archive.writestr(f"{kind}.csv", text.encode("utf-8-sig"))
    return _download(buffer.getvalue(), f"{_file_stem(event)}-csv.zip", "application/zip")


def _exported(request: web.Request, write: Callable[[Event], T], event: Event) -> T:
    try:
        return write(event)
    except export.ExportError as err:
        raise back(request, "/editor/upload", err=f"Ekspor gagal (export failed): {err}") from err


def _file_stem(event: Event) -> str:
    return editing.slugify(event.name) or "acara"
