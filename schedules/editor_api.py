"""Organiser editor's JSON API: create, change, move and delete slots.

Answers carry errors per field (400 for bad input, 409 for overlaps and locked slots),
the same checks the HTML forms use.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

from kernel.forms import read_json_object
from schedules import editing
from schedules.editing import Checked
from schedules.editor import delete_slot, save_slot
from schedules.model import Event, Slot


async def _json_body(request: web.Request) -> dict[str, Any]:
    body = await read_json_object(request)
    if isinstance(body.get("products"), list):
        body["products"] = " ".join(str(c) for c in body["products"])
    return body


def _json_answer(checked: Checked, event: Event | None, status: int = 200) -> web.Response:
    if not checked.ok:
        body = {"errors": checked.errors, "warnings": checked.warnings}
        return web.json_response(body, status=checked.status)
    answer: dict[str, Any] = {"revision": checked.revision, "warnings": checked.warnings}
    if isinstance(checked.value, Slot) and event is not None:
        answer["slot"] = editing.slot_json(checked.value, event.tz)
    return web.json_response(answer, status=status)


async def api_slot_create(request: web.Request) -> web.Response:
    """Add a slot from JSON; answer 201 with it, or the errors per field (400/409)."""
    body = await _json_body(request)
    checked, event = await save_slot(request, None, lambda _o, _tz: body)
    return _json_answer(checked, event, status=201)


async def api_slot_update(request: web.Request) -> web.Response:
    """Change some fields of a slot (PATCH); the ones left out stay as they are."""
    return await _api_edit(request, editing.SLOT_FIELDS)


async def api_slot_move(request: web.Request) -> web.Response:
    """Move a slot: new channel/date/start/end, or ``{"minutes": -5}`` to shift it."""
    return await _api_edit(request, ("channel", "date", "start", "end"))


async def _api_edit(request: web.Request, allowed: tuple[str, ...]) -> web.Response:
    body = await _json_body(request)
    minutes = editing.parse_minutes(body["minutes"]) if "minutes" in body else None
    if "minutes" in body and minutes is None:
        errors = {"minutes": editing.MINUTES_HINT}
        return web.json_response({"errors": errors, "warnings": {}}, status=400)

    def make_form(original: Slot | None, tz: ZoneInfo) -> Mapping[str, object]:
        if minutes is not None:
            return editing.shifted_form(original, tz, minutes)
        return {**editing.slot_form(original, tz), **{k: body[k] for k in allowed if k in body}}

    checked, event = await save_slot(request, request.match_info["slot_id"], make_form)
    return _json_answer(checked, event)


async def api_slot_delete(request: web.Request) -> web.Response:
    """Delete a slot that has not aired yet."""
    checked, event = await delete_slot(request, request.match_info["slot_id"])
    return _json_answer(checked, event)
