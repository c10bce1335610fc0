"""Stored product photos, served to be cached for a year.

A stored file's name holds its content's hash, so it never changes: browsers, OBS and
any proxy may keep it for good (``immutable``), and a new photo is a new address. The
file response answers ``If-None-Match``/``If-Modified-Since`` with 304 by itself.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from aiohttp import web

from kernel.errors import NotFound
from kernel.keys import PHOTOS

CACHE_FOREVER = "public, max-age=31536000, immutable"
ROUTE = "/foto/{name:[0-9a-f]{16}-[a-z]+\\.webp}"
SHARE_ROUTE = "/foto/{name:[0-9a-f]{16}-share\\.jpg}"


async def photo_file(request: web.Request) -> web.StreamResponse:
    """Serve one stored size of a photo, cacheable for a year (its name is its content)."""
    path = request.config_dict[PHOTOS].store.path(request.match_info["name"])
    return _forever(path, "image/webp")


async def share_file(request: web.Request) -> web.StreamResponse:
    """Serve a photo's link preview JPEG (made once, off the loop), cacheable for a year."""
    store = request.config_dict[PHOTOS].store
    path = await asyncio.to_thread(store.share_path, request.match_info["name"])
    return _forever(path, "image/jpeg")


def _forever(path: Path | None, content_type: str) -> web.StreamResponse:
    if path is None:
        raise NotFound("Foto tidak ada (photo not found).")
    headers = {"Cache-Control": CACHE_FOREVER, "Content-Type": content_type}
    return web.FileResponse(path, headers=headers)
