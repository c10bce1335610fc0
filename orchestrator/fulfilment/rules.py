"""What a vendor may do to a parcel, and the couriers' resi numbers. Pure: no I/O, no clock.

A parcel walks menunggu pembayaran → menunggu konfirmasi → dibayar → dikemas → dikirim →
diterima, or ends kedaluwarsa / dibatalkan. The vendor moves it with the actions below;
each is allowed from the statuses ``ALLOWED`` names and nowhere else, so a form posted
twice (or from a stale page) is refused rather than done again.

The resi check is loose on purpose: couriers change their number formats, so a number
that does not look like the courier's usual one is a warning for the vendor, never a
block. The formats and tracking pages are our reading of what couriers printed on their
receipts and sites in 2024-2025, not anything they publish as a contract.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from orchestrator.checkout.model import (
    CANCELLED,
    CLAIMED,
    PACKED,
    PAID,
    RECEIVED,
    SHIPPED,
    UNPAID,
)

CONFIRM, REJECT, PACK, SHIP = "confirm", "reject", "pack", "ship"
DELIVERED, QUOTE, CANCEL = "delivered", "quote", "cancel"
ACTIONS = (CONFIRM, REJECT, PACK, SHIP, DELIVERED, QUOTE, CANCEL)
# action -> (statuses it is allowed from, the status it leads to)
ALLOWED: dict[str, tuple[frozenset[str], str]] = {
    CONFIRM: (frozenset({CLAIMED}), PAID),
    REJECT: (frozenset({CLAIMED}), UNPAID),
    PACK: (frozenset({PAID}), PACKED),
    SHIP: (frozenset({PAID, PACKED}), SHIPPED),
    DELIVERED: (frozenset({SHIPPED}), RECEIVED),
    QUOTE: (frozenset({UNPAID}), UNPAID),
    CANCEL: (frozenset({UNPAID, CLAIMED, PAID, PACKED}), CANCELLED),
}
ACTION_LABELS = {
    CONFIRM: "Konfirmasi pembayaran",
    REJECT: "Tolak pembayaran",
    PACK: "Sudah dikemas",
    SHIP: "Kirim",
    DELIVERED: "Sudah diterima",
    QUOTE: "Simpan ongkir",
    CANCEL: "Batalkan paket",
}
MAX_REASON = 200
MAX_QUOTE_IDR = 10_000_000


# -- the desk's groups: what the vendor has to do next ------------------------------------

TO_CONFIRM, TO_PACK, TO_SHIP, SHIPPED_GROUP = "confirm", "pack", "ship", "shipped"
WAITING_GROUP, CLOSED_GROUP = "waiting", "closed"
GROUPS = (TO_CONFIRM, TO_PACK, TO_SHIP, SHIPPED_GROUP, WAITING_GROUP, CLOSED_GROUP)
GROUP_LABELS = {
    TO_CONFIRM: "Perlu dikonfirmasi (to confirm)",
    TO_PACK: "Perlu dikemas (to pack)",
    TO_SHIP: "Siap dikirim (to ship)",
    SHIPPED_GROUP: "Sudah dikirim (shipped)",
    WAITING_GROUP: "Menunggu pembayaran pembeli",
    CLOSED_GROUP: "Selesai / batal / kedaluwarsa",
}
_GROUP_OF = {CLAIMED: TO_CONFIRM, PAID: TO_PACK, PACKED: TO_SHIP, SHIPPED: SHIPPED_GROUP,
             RECEIVED: SHIPPED_GROUP, UNPAID: WAITING_GROUP}  # fmt: skip


def group_of(status: str) -> str:
    """The desk's group of a parcel in ``status`` (expired and cancelled ones are closed)."""
    return _GROUP_OF.get(status, CLOSED_GROUP)


def refusal(action: str, status: str, *, tariff_known: bool = False) -> str | None:
    """Say why ``action`` cannot be done to a parcel in ``status``; None when it can.

    ``tariff_known``: the event's shipping table prices this parcel, so the vendor has
    no quote to give (a quote is only for buyers abroad or without a tariff row).
    """
    if action not in ALLOWED:
        return f"Aksi {action!r} tidak dikenal (unknown action)."
    sources, _ = ALLOWED[action]
    if status not in sources:
        return f"Paket berstatus {status} tidak bisa '{ACTION_LABELS[action]}' (not allowed now)."
    if action == QUOTE and tariff_known:
        return "Ongkir paket ini sudah dari tabel ongkir acara; tidak perlu penawaran."
    return None


def actions_for(status: str, *, tariff_known: bool = True) -> list[str]:
    """The actions the desk offers for a parcel in ``status``, in the order shown."""
    return [a for a in ACTIONS if refusal(a, status, tariff_known=tariff_known) is None]


def next_status(action: str) -> str:
    return ALLOWED[action][1]


def clean_reason(text: str) -> str:
    """One line of the vendor's reason, squeezed and cut to ``MAX_REASON`` characters."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())[:MAX_REASON]


def read_quote(text: str) -> int | None:
    """A shipping quote typed as ``45000``, ``45.000`` or ``Rp 45.000``; None if not one."""
    digits = text.strip().lower().removeprefix("rp").strip().replace(".", "").replace(" ", "")
    if not digits.isdigit():
        return None
    value = int(digits)
    return value if value <= MAX_QUOTE_IDR else None


# -- couriers and resi numbers ----------------------------------------------------------


@dataclass(frozen=True)
class Courier:
    """A courier the vendor can pick: its usual resi shapes and public tracking page."""

    code: str
    name: str
    patterns: tuple[str, ...] = ()  # full-match regexes of its usual resi numbers
    example: str = ""
    tracking: str = ""  # URL with ``{resi}``; empty when no public page takes the number


COURIERS: tuple[Courier, ...] = (
    Courier("jne", "JNE", (r"[A-Z]{0,4}\d{10,16}",), "CGK1234567890123",
            "https://cekresi.com/?noresi={resi}"),
    Courier("jnt", "J&T Express", (r"J[A-Z]\d{10}", r"\d{12}"), "JP1234567890",
            "https://jet.co.id/track?awb={resi}"),
    Courier("sicepat", "SiCepat", (r"00\d{10}", r"\d{12}"), "001234567890",
            "https://cekresi.com/?noresi={resi}"),
    Courier("anteraja", "AnterAja", (r"1\d{13}", r"[A-Z]{2,4}\d{8,14}"), "10001234567890",
            "https://cekresi.com/?noresi={resi}"),
    Courier("pos", "POS Indonesia", (r"[A-Z]{2}\d{9}[A-Z]{2}", r"P\d{10,14}"), "RR123456789ID",
            "https://www.posindonesia.co.id/id/tracking/{resi}"),
    Courier("ninja", "Ninja Xpress", (r"(NLID|NV|NJV)[A-Z0-9]{6,16}",), "NLIDAA1234567",
            "https://cekresi.com/?noresi={resi}"),
    Courier("idexpress", "ID Express", (r"IDE\d{9,12}",), "IDE700123456789",
            "https://cekresi.com/?noresi={resi}"),
    Courier("tiki", "TIKI", (r"\d{12}",), "030012345678", "https://cekresi.com/?noresi={resi}"),
    Courier("lion", "Lion Parcel", (r"\d{2}-\d{2}-\d{6,10}", r"[A-Z]{2,4}\d{8,14}"),
            "11-22-12345678", ""),
    Courier("gosend", "GoSend / GrabExpress (instan)", (), "", ""),
    Courier("sendiri", "Diantar sendiri / lainnya", (), "", ""),
)  # fmt: skip
COURIER_BY_CODE = {c.code: c for c in COURIERS}
MAX_RESI = 40


def clean_resi(text: str) -> str:
    """The resi as couriers print it: capitals, no spaces (dashes kept), at most 40 chars."""
    return "".join(text.split()).upper()[:MAX_RESI]


def resi_warning(courier_code: str, resi: str) -> str | None:
    """A warning when ``resi`` does not look like ``courier_code``'s usual numbers; else None.

    Never a refusal: formats change, and the vendor holds the receipt in their hand.
    """
    courier = COURIER_BY_CODE.get(courier_code)
    if courier is None or not courier.patterns:
        return None
    if any(re.fullmatch(p, resi) for p in courier.patterns):
        return None
    hint = f" (contoh {courier.example})" if courier.example else ""
    return f"Nomor resi {resi} tidak seperti resi {courier.name} biasanya{hint}; periksa lagi."


def tracking_url(courier_code: str | None, resi: str | None) -> str | None:
    """The courier's public tracking page for ``resi``, when it has one."""
    courier = COURIER_BY_CODE.get(courier_code or "")
    if courier is None or not courier.tracking or not resi:
        return None
    return courier.tracking.format(resi=quote(resi, safe=""))


def courier_name(courier_code: str | None) -> str:
    """How the pages name a stored courier (its code when unknown)."""
    courier = COURIER_BY_CODE.get(courier_code or "")
    return courier.name if courier else (courier_code or "")
