"""Reading a posted form; a body the parser cannot read is the sender's error, not ours."""

from __future__ import annotations

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from multidict import MultiDictProxy

from kernel.errors import BadInput


async def read_form(request: web.Request) -> MultiDictProxy:
    """The posted fields (and files); a 400 that says so when the body is malformed."""
    try:
        return await request.post()
    except (ValueError, HttpProcessingError) as err:
        raise BadInput(
            "formulir tidak bisa dibaca (malformed form); muat ulang halaman lalu coba lagi"
        ) from err
