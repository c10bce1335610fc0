"""Getting a photo's bytes from where an organiser points: a file in the event's folder or
a web address, fetched once at import.

A web address is fetched with limits, each a clear error on the product's row: only the
schemes the rules allow (``https`` in production; a test may allow ``http`` to serve an
image from a loopback server), at most ``MAX_BYTES``, a deadline for the whole fetch, and
redirects only within the same host (a redirect elsewhere is refused: the organiser
should name the real address). What we assume of the web server: it answers 200 with the
image's bytes, may send ``Content-Length``, and may redirect with 301/302/303/307/308.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from schedules.photos import MAX_BYTES, PhotoError, check_size

CHUNK = 64 * 1024


@dataclass(frozen=True)
class FetchRules:
    """What a photo's web address may be and how long its fetch may take."""

    schemes: frozenset[str] = field(default_factory=lambda: frozenset({"https"}))
    timeout_s: float = 15.0
    max_bytes: int = MAX_BYTES
    max_redirects: int = 3


def read_file(folder: Path, reference: str, max_bytes: int = MAX_BYTES) -> bytes:
    """Read a photo named relative to the event's folder; never a file outside it."""
    base = folder.resolve()
    path = (base / reference).resolve()
    if not path.is_relative_to(base):
        raise PhotoError(f"file foto '{reference}' harus berada di folder acara (outside folder)")
    try:
        size = path.stat().st_size
    except OSError as err:
        raise PhotoError(
            f"file foto '{reference}' tidak ditemukan di {base.name}/; periksa nama dan"
            " foldernya (photo file not found)"
        ) from err
    check_size(size, max_bytes)
    try:
        return path.read_bytes()
    except OSError as err:
        raise PhotoError(f"file foto '{reference}' tidak bisa dibaca: {err} (unreadable)") from err


def fetch_url(url: str, rules: FetchRules) -> bytes:
    """Fetch a photo's bytes once, within the rules; a ``PhotoError`` says what went wrong."""
    _check_scheme(url, rules)
    host = urlsplit(url).hostname
    opener = urllib.request.build_opener(_SameHost(host, rules))
    request = urllib.request.Request(url, headers={"User-Agent": "pasar-live-foto/1"})
    deadline = time.monotonic() + rules.timeout_s
    try:
        with opener.open(request, timeout=rules.timeout_s) as response:
            return _read_limited(response, rules, deadline)
    except PhotoError:
        raise
    except urllib.error.HTTPError as err:
        err.close()
        raise PhotoError(
            f"alamat foto menjawab HTTP {err.code}; buka alamatnya di peramban untuk"
            " memeriksa (photo URL answered an error)"
        ) from err
    except (TimeoutError, urllib.error.URLError, OSError) as err:
        reason = getattr(err, "reason", err)
        if isinstance(reason, TimeoutError) or isinstance(err, TimeoutError):
            raise _timeout(rules) from err
        if isinstance(reason, PhotoError):
            raise reason from err
        raise PhotoError(
            f"alamat foto tidak bisa dihubungi ({reason}); periksa alamatnya (photo URL"
            " unreachable)"
        ) from err


def _timeout(rules: FetchRules) -> PhotoError:
    seconds = f"{rules.timeout_s:g}".replace(".", ",")
    return PhotoError(
        f"alamat foto tidak menjawab dalam {seconds} detik; coba lagi atau simpan fotonya"
        " di folder acara (photo URL timed out)"
    )


def _check_scheme(url: str, rules: FetchRules) -> None:
    parts = urlsplit(url)
    if parts.scheme.lower() not in rules.schemes or not parts.hostname:
        allowed = " atau ".join(f"{s}://" for s in sorted(rules.schemes))
        raise PhotoError(f"alamat foto harus diawali {allowed} (photo URL must be {allowed})")


def _read_limited(response, rules: FetchRules, deadline: float) -> bytes:
    length = response.headers.get("Content-Length")
    if length and length.isdigit():
        check_size(int(length), rules.max_bytes)
    chunks, total = [], 0
    while chunk := response.read(CHUNK):
        total += len(chunk)
        check_size(total, rules.max_bytes)
        if time.monotonic() > deadline:  # a server that trickles bytes forever
            raise _timeout(rules)
        chunks.append(chunk)
    return b"".join(chunks)


class _SameHost(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to the same host, with an allowed scheme, a few times."""

    def __init__(self, host: str | None, rules: FetchRules) -> None:
        self.host, self.rules = host, rules
        self.max_redirections = rules.max_redirects

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        target = urlsplit(newurl)
        if target.hostname != self.host or target.scheme.lower() not in self.rules.schemes:
            fp.close()  # the redirect's own answer, never read: free its socket
            if target.hostname == self.host:
                _check_scheme(newurl, self.rules)
            raise PhotoError(
                f"alamat foto dialihkan ke host lain ({target.hostname}); tulis alamat"
                " gambar yang sebenarnya (photo URL redirects to another host)"
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)
