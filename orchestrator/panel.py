"""The host's control panel: the page, its live feed (Server-Sent Events) and its actions.

The page gets the whole panel state on connect and again on every change; the browser
counts down by itself from the effective end time, so nothing ticks on the server.
"""

from __future__ import annotations

from datetime import datetime

from aiohttp import web

from kernel.errors import BadInput
from kernel.formatting import rupiah
from kernel.forms import read_json_object
from kernel.keys import PANEL_EXTRAS, PUBLISHER, ROLE, ROTATION, STORE
from kernel.publisher import Message
from kernel.times import iso_z
from kernel.web import render
from orchestrator import live
from orchestrator.rotation import records
from orchestrator.rotation.service import TOPIC, Rotation
from schedules.model import Event, Slot

_ACTION_TEXT = {
    "next": "berikutnya (next)",
    "extend": "ubah durasi {minutes:+g} menit",
    "hold": "tahan (hold)",
    "resume": "lanjutkan (resume)",
    "skip": "lewati {slot}",
    "jump": "tayangkan sekarang {slot}",
    "back": "ulang slot sebelumnya {minutes:g} menit",
    "undo": "batalkan aksi terakhir (undo)",
}


def _iso(moment: datetime | None) -> str | None:
    return iso_z(moment) if moment else None


def _slot_name(event: Event, slot: Slot | None) -> str:
    if slot is None:
        return ""
    vendor = event.vendor(slot.vendor_id) if slot.vendor_id else None
    return vendor.name if vendor else (slot.title or "Segmen host")


def slot_view(event: Event, slot: Slot | None) -> dict | None:
    """Describe a slot for people: vendor name, title, products with prices."""
    if slot is None:
        return None
    vendor = event.vendor(slot.vendor_id) if slot.vendor_id else None
    products = [event.product(code) for code in slot.products]
    return {
        "id": slot.id,
        "title": slot.title,
        "vendor_id": slot.vendor_id,
        "vendor_name": vendor.name if vendor else "",
        "products": [
            {"code": p.code, "name": p.name, "price": rupiah(p.price_idr)} for p in products if p
        ],
    }


def channel_view(rotation: Rotation, channel: str, log_rows: list[dict]) -> dict:
    """Everything the panel shows for one channel, as JSON-ready data."""
    event, state = rotation.event, rotation.state(channel)
    title = next((c.title for c in event.channels if c.id == channel), "") or channel
    return {
        "id": channel,
        "title": title,
        "status": state.status,
        "slot": slot_view(event, state.slot),
        "start": _iso(state.start),
        "end": _iso(state.end),
        "remaining_s": state.remaining.total_seconds() if state.remaining else None,
        "next": _next_view(event, state),
        "day_ends_at": _iso(state.day_ends_at),
        "delay_s": state.day_delay.total_seconds() if state.day_delay else 0,
        "timeline": [_timeline_row(event, row) for row in _today(state, event.tz)],
        "notes": list(state.notes),
        "log": [_log_row(row) for row in reversed(log_rows[-50:])],
        "catalog": _catalog(event, channel),
    }


def _catalog(event: Event, channel: str) -> list[dict]:
    """Products of the vendors who appear on this channel, for the host's card picker."""
    vendors = {s.vendor_id for s in event.slots if s.channel == channel and s.vendor_id}
    return [{"code": p.code, "name": p.name} for p in event.products if p.vendor_id in vendors]


def _next_view(event: Event, state) -> dict | None:
    if state.next_slot is None:
        return None
    name = _slot_name(event, state.next_slot)
    return {"id": state.next_slot.id, "name": name, "start": _iso(state.next_start)}


def _today(state, tz) -> list:
    """The timeline rows of the channel's current day: the one on air, or the next one."""
    days = sorted({row.slot.start.astimezone(tz).date() for row in state.timeline})
    day = next((d for d in days if d >= state.day), days[-1] if days else None)
    return [row for row in state.timeline if row.slot.start.astimezone(tz).date() == day]


def _timeline_row(event: Event, row) -> dict:
    return {
        "id": row.slot.id,
        "name": _slot_name(event, row.slot),
        "scheduled_start": _iso(row.slot.start),
        "scheduled_end": _iso(row.slot.end),
        "start": _iso(row.start),
        "end": _iso(row.end),
        "status": row.status,
    }


def _log_row(row: dict) -> dict:
    text = _ACTION_TEXT.get(row["kind"], row["kind"])
    text = text.format(minutes=row["minutes"] or 0, slot=row["slot_id"] or "")
    return {"at": _iso(row["at"]), "by": row["by"], "kind": row["kind"], "text": text}


async def panel_state(app: web.Application) -> dict:
    """The whole panel: every channel, with the server's clock for the countdowns."""
    rotation = app[ROTATION]
    rows = await app[STORE].run(records.load_actions, None)
    by_channel: dict[str, list[dict]] = {}
    for row in rows:
        by_channel.setdefault(row["channel"], []).append(row)
    return {
        "server_time": _iso(rotation.clock.now()),
        "event": rotation.event.name,
        "timezone": rotation.event.timezone,
        "channels": [
            _with_extras(app, channel_view(rotation, c, by_channel.get(c, [])))
            for c in rotation.channels
        ],
    }


def _with_extras(app: web.Application, view: dict) -> dict:
    """Merge what other capabilities add to a channel's view (see ``PANEL_EXTRAS``)."""
    for extra in app.get(PANEL_EXTRAS, ()):
        view.update(extra(app, view["id"]))
    return view


async def panel_page(request: web.Request) -> web.Response:
    rotation = request.config_dict[ROTATION]
    return render(request, "panel.html", timezone=rotation.event.timezone)


async def panel_json(request: web.Request) -> web.Response:
    return web.json_response(await panel_state(request.app))


async def panel_events(request: web.Request) -> web.StreamResponse:
    """Stream the panel state now and after every change, until the browser leaves."""

    def wanted(message: Message) -> bool:
        return message.topic == TOPIC or message.topic.startswith("panel")

    return await live.event_stream(
        request,
        request.config_dict[PUBLISHER],
        lambda: panel_state(request.app),
        wanted,
        "state",
    )


async def post_action(request: web.Request) -> web.Response:
    """Apply one host action to a channel, e.g. ``{"kind": "extend", "minutes": 5}``."""
    body = await read_json_object(request)
    kind = str(body.get("kind", ""))
    minutes = body.get("minutes")
    if minutes is not None:
        try:
            minutes = float(minutes)
        except (TypeError, ValueError) as err:
            raise BadInput("minutes harus angka (must be a number)") from err
    rotation = request.config_dict[ROTATION]
    await rotation.act(
        request.match_info["channel"], kind, by=request.get(ROLE, "host"),
        slot_id=body.get("slot_id"), minutes=minutes,
    )  # fmt: skip
    return web.json_response(channel_view(rotation, request.match_info["channel"], []), status=200)
