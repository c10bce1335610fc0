"""The product photos' folder beside the database: one WebP file per photo and size.

Files are named by the photo's content id (``schedules.photos``), so a file never changes
once written: a new photo is a new name, and a file left by an import that failed later
is harmless (nothing points at it). Each file is written whole under a temporary name
and then renamed, so a reader never sees half a photo, even after a crash.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from schedules.photos import (
    SHARE_SIZE,
    SIZES,
    Photo,
    file_name,
    parse_file_name,
    parse_share_name,
    share_file_name,
    share_jpeg,
)

FOLDER_NAME = "foto"

log = logging.getLogger(__name__)


class PhotoStore:
    """Read and write the stored sizes of product photos in one folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    @classmethod
    def beside(cls, db_path: Path) -> PhotoStore:
        """The folder next to the database file (``data/foto/`` for ``data/pasar.db``)."""
        return cls(Path(db_path).resolve().parent / FOLDER_NAME)

    def has(self, pid: str) -> bool:
        """Whether every size of this photo is stored already."""
        return all((self.folder / file_name(pid, size)).is_file() for size in SIZES)

    def put(self, photo: Photo) -> None:
        """Write each size that is not there yet."""
        self.folder.mkdir(parents=True, exist_ok=True)
        for size, data in photo.sizes.items():
            path = self.folder / file_name(photo.id, size)
            if not path.is_file():
                self._write(path, data)

    def share_path(self, name: str) -> Path | None:
        """The link preview JPEG by its public name, made from the phone size the first
        time it is asked for; ``None`` for any other name or a photo not stored.
        CPU-bound the first time: call it from a thread."""
        pid = parse_share_name(name)
        if pid is None:
            return None
        path = self.folder / share_file_name(pid)
        if path.is_file():
            return path
        source = self.folder / file_name(pid, SHARE_SIZE)
        if not source.is_file():
            return None
        try:
            data = share_jpeg(source.read_bytes())
        except (OSError, ValueError) as err:  # a stored file damaged on disk
            log.warning("Link preview of photo %s not made: %s", pid, err)
            return None
        self._write(path, data)
        return path

    def _write(self, path: Path, data: bytes) -> None:
        """Write whole under a temporary name, then rename: no reader sees half a file."""
        temporary = self.folder / f".{path.name}.{secrets.token_hex(4)}.tmp"
        with temporary.open("wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)

    def path(self, name: str) -> Path | None:
        """The file of a stored size by its public name; ``None`` for any other name."""
        if parse_file_name(name) is None:
            return None
        path = self.folder / name
        return path if path.is_file() else None
