"""Messages shown after a redirect ("Slot disimpan"), carried in the query string, signed.

The query keeps the editor stateless and a message survives a reload, but a link anyone
can craft must not put words on an organiser's page ("session expired, send your
token to…"). Each redirect signs its messages with a key made when the app starts, and
a page shows only messages it signed. After a restart old links show no message.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlencode

from aiohttp import web

from kernel.keys import FLASH_KEY
from kernel.secret import same_secret

KINDS = ("ok", "warn", "err")


def setup(app: web.Application) -> None:
    """Give ``app`` the key its redirects sign their messages with."""
    app[FLASH_KEY] = secrets.token_bytes(32)


def _signature(key: bytes, messages: dict[str, str]) -> str:
    raw = "\x1f".join(messages.get(kind, "") for kind in KINDS)
    return hmac.new(key, raw.encode(), hashlib.sha256).hexdigest()[:32]


def redirect(
    request: web.Request, path: str, anchor: str = "", **messages: str
) -> web.HTTPSeeOther:
    """A 303 to ``path`` that shows ``messages`` (ok, warn, err) on the page it leads to."""
    shown = {kind: text for kind, text in messages.items() if text and kind in KINDS}
    if shown:
        shown["sig"] = _signature(request.config_dict[FLASH_KEY], shown)
    query = urlencode(shown)
    return web.HTTPSeeOther(path + (f"?{query}" if query else "") + anchor)


def read(request: web.Request) -> dict[str, str]:
    """The messages this request's query carries, if we signed them; else none."""
    messages = {kind: request.query.get(kind, "") for kind in KINDS}
    if not any(messages.values()):
        return messages
    expected = _signature(request.config_dict[FLASH_KEY], messages)
    if same_secret(request.query.get("sig", ""), expected):
        return messages
    return dict.fromkeys(KINDS, "")
