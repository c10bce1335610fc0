"""Receipt photos a buyer attaches to "Saya sudah bayar": checked, then kept privately.

Only a JPEG, PNG or WebP of at most ``MAX_BYTES`` is taken, told by its first bytes
(never by the name or the browser's word). It is stored under a random name in the
proofs folder, readable by the service's user only, and never served as a static file:
the vendor's and organisers' pages read it through their own checked routes.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from kernel.errors import BadInput

MAX_BYTES = 5 * 2**20
_KINDS = (
    (b"\xff\xd8\xff", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
)


def image_kind(data: bytes) -> str | None:
    """``jpg``, ``png`` or ``webp`` when the bytes start like one, else None."""
    for magic, kind in _KINDS:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


@dataclass(frozen=True)
class Proof:
    """A receipt photo, checked."""

    data: bytes
    kind: str

    def save(self, folder: Path) -> Path:
        """Write it under a new random name, private to this user; return the path."""
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = folder / f"{secrets.token_urlsafe(16)}.{self.kind}"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(self.data)
            out.flush()
            os.fsync(out.fileno())
        return path


def read_proof(data: bytes | None) -> Proof | None:
    """The proof in an upload, None when none was sent; BadInput when it is not one we take."""
    if not data:
        return None
    if len(data) > MAX_BYTES:
        raise BadInput(f"Foto bukti terlalu besar (maks {MAX_BYTES // 2**20} MB).")
    kind = image_kind(data)
    if kind is None:
        raise BadInput("Bukti bayar harus foto JPEG, PNG atau WebP.")
    return Proof(data, kind)
