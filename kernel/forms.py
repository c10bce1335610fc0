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


async def read_json_object(request: web.Request, empty: bool = False) -> dict:
    """The body as a JSON object; a 400 that says so for anything else (``{}`` if empty)."""
    if empty and not request.can_read_body:
        return {}
    try:
        body = await request.json()
    except ValueError as err:  # also bytes that are not UTF-8
        raise BadInput("badan permintaan harus JSON (body must be JSON)") from err
    if not isinstance(body, dict):
        raise BadInput("badan permintaan harus objek JSON {...} (body must be a JSON object)")
    return body
