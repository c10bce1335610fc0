"""What the desk tells one buyer in chat about their claim: moved up, or cut by a limit.

Pure: texts only; the desk queues them on the chat's ``ReplyQueue``. Times are shown in
the event's zone (``4 Des 20:00 WIB``): the buyer pays by that clock.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from kernel.formatting import local_time
from orchestrator.chat.replies import MAX_CHARS, mention

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")


def deadline_text(moment: datetime, tz: ZoneInfo) -> str:
    """A deadline as a buyer reads it: ``4 Des 20:00 WIB``."""
    local = moment.astimezone(tz)
    return f"{local.day} {_MONTHS[local.month - 1]} {local_time(moment, tz)}"


def _cut(text: str) -> str:
    return text if len(text) <= MAX_CHARS else text[: MAX_CHARS - 1] + "…"


def moved_up_reply(name: str, code: str, qty: int, until: datetime | None, tz: ZoneInfo) -> str:
    """Tell a buyer their waiting claim now has stock, and until when to pay."""
    first = (name.split() or [""])[0]
    who = f"Kak {mention(first)[1:]}" if first else "Kak"
    text = f"{who}, stok {code} sekarang tersedia untuk Anda ({qty})."
    if until is not None:
        text += f" Selesaikan pembayaran sebelum {deadline_text(until, tz)}."
    return _cut(text)


def limited_reply(name: str, code: str, allowed: int, limit: int) -> str:
    """Tell a buyer the per-buyer limit cut their claim (``allowed`` 0: refused)."""
    head = f"{mention(name)} maaf, {code} maks {limit} per pembeli"
    if allowed <= 0:
        return _cut(f"{head}; pesanan Anda sudah mencapai batas.")
    return _cut(f"{head}; tercatat {allowed}.")
