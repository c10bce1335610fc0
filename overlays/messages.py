"""Every message on the overlay socket, in one place (like NodeCG's ``socket-protocol.ts``).

Server to page, as JSON text frames:

- ``{"type": "snapshot", "rev": N, "now": ms, "state": {...}}``: the channel's whole state.
  Sent first on every connection and in answer to ``resync``.
- ``{"type": "update", "rev": N, "now": ms, "state": {...}}``: the next revision. It also
  carries the whole state (a few kilobytes), so applying it is replacing; ``rev`` lets a page
  notice that it missed one.
- ``{"type": "reload"}``: reload the page (the host pushed new static files or OBS is stale).

Page to server:

- ``{"type": "resync"}``: "I saw a revision gap, send me a snapshot".

``now`` is the server's clock in Unix milliseconds: pages work out which product shows from
absolute times in the state, so they correct their own clock by it.
"""

from __future__ import annotations

import json
from typing import Any

SNAPSHOT = "snapshot"
UPDATE = "update"
RELOAD = "reload"
RESYNC = "resync"

# What a page may ask for in ``?layout=``; the first is the default.
LAYOUTS = ("full", "lower", "card", "ticker")

# Pages send only tiny control messages; anything bigger is a mistake or abuse.
MAX_CLIENT_MESSAGE = 1024


def encode_state(state: dict[str, Any]) -> str:
    """Serialise a state once so every connection and revision can reuse the text."""
    return json.dumps(state, ensure_ascii=False, separators=(",", ":"))


def revision(kind: str, rev: int, now_ms: int, state_json: str) -> str:
    """Wrap an encoded state as a ``snapshot`` or ``update`` message without re-encoding it."""
    if kind not in (SNAPSHOT, UPDATE):
        raise ValueError(f"not a revision message: {kind!r}")
    return f'{{"type":"{kind}","rev":{int(rev)},"now":{int(now_ms)},"state":{state_json}}}'


def reload() -> str:
    """Tell pages to reload themselves."""
    return json.dumps({"type": RELOAD})


def resync() -> str:
    """Ask the server for a fresh snapshot (what a page sends after a gap)."""
    return json.dumps({"type": RESYNC})


def parse_client(raw: str | bytes) -> str | None:
    """Return the type of a page's message, or ``None`` when it is not one we know."""
    if len(raw) > MAX_CLIENT_MESSAGE:
        return None
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    kind = data.get("type") if isinstance(data, dict) else None
    return kind if kind == RESYNC else None


def parse_server(raw: str | bytes) -> dict[str, Any]:
    """Decode a server message (for tests, the bench and tools); raise on garbage."""
    data = json.loads(raw)
    if not isinstance(data, dict) or data.get("type") not in (SNAPSHOT, UPDATE, RELOAD):
        raise ValueError(f"not an overlay message: {raw[:80]!r}")
    return data


def parse_state(state_json: str) -> dict[str, Any]:
    """Decode an encoded state into a fresh dict (callers may change it freely)."""
    return json.loads(state_json)
