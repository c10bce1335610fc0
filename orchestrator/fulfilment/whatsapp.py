"""WhatsApp without an API: a ``wa.me`` link with a message for the parcel's state. Pure.

``https://wa.me/<number>?text=<message>`` opens a chat with the number (international,
digits only, no ``+``) with the message typed in, on the phone's WhatsApp or WhatsApp
Web; the vendor still presses send. That is WhatsApp's documented "click to chat"; no
account, API key or message template is needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

from kernel.formatting import local_date, local_time, rupiah
from orchestrator.checkout.model import (
    CANCELLED,
    CLAIMED,
    PACKED,
    PAID,
    RECEIVED,
    SHIPPED,
    UNPAID,
)


@dataclass(frozen=True)
class Chat:
    """What the message needs to know of one parcel."""

    buyer_name: str
    vendor_name: str
    status: str
    total_idr: int | None
    pay_url: str
    deadline: datetime | None = None
    courier: str = ""
    resi: str = ""
    tracking: str | None = None
    note: str = ""


def wa_number(whatsapp: str) -> str | None:
    """The number as wa.me wants it (``6281234567890``); None when it cannot be one."""
    raw = whatsapp.strip()
    digits = "".join(ch for ch in raw if ch.isdigit())
    if not raw.startswith("+") and digits.startswith("0"):
        digits = "62" + digits[1:]
    return digits if 9 <= len(digits) <= 15 else None


def message(chat: Chat, tz: ZoneInfo) -> str:
    """The message for the parcel's state, in Indonesian, from the vendor to the buyer."""
    hello = f"Halo Kak {chat.buyer_name or 'pembeli'}, ini {chat.vendor_name} dari Pasar Live."
    total = rupiah(chat.total_idr) if chat.total_idr is not None else "(menunggu ongkir)"
    if chat.status == UNPAID:
        until = ""
        if chat.deadline is not None:
            until = f" sebelum {local_date(chat.deadline, tz)} {local_time(chat.deadline, tz)}"
        body = (f"Pesanan Kakak menunggu pembayaran {total}{until}. "
                f"Bayar lewat {chat.pay_url} (QRIS atau transfer).")  # fmt: skip
    elif chat.status == CLAIMED:
        body = f"Terima kasih, kami sedang memeriksa pembayaran {total} Kakak."
    elif chat.status in (PAID, PACKED):
        body = f"Pembayaran {total} sudah kami terima, terima kasih! Paket sedang kami siapkan."
    elif chat.status in (SHIPPED, RECEIVED):
        body = f"Paket Kakak sudah dikirim dengan {chat.courier}, nomor resi {chat.resi}."
        if chat.tracking:
            body += f" Lacak di {chat.tracking}"
    elif chat.status == CANCELLED:
        body = "Mohon maaf, pesanan Kakak kami batalkan"
        body += f": {chat.note}." if chat.note else "."
    else:
        body = "Pesanan Kakak sudah kedaluwarsa karena belum dibayar."
    return f"{hello} {body}"


def wa_link(whatsapp: str, text: str) -> str | None:
    """``https://wa.me/<number>?text=...`` for the buyer; None without a usable number."""
    number = wa_number(whatsapp)
    if number is None:
        return None
    return f"https://wa.me/{number}?text={quote(text, safe='')}"
