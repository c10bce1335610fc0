"""QRIS payloads: read a vendor's static QRIS and make the dynamic one for an exact amount.

A QRIS is an EMVCo merchant-presented QR payload: fields of a two-digit id, a two-digit
length and the value, ending with the CRC field ``63`` (CRC-16/CCITT-FALSE over all that
comes before its value, four upper-case hex digits). The vendor's printed QR is static
(point of initiation ``01`` = ``11``, no amount); for one parcel we set ``01`` to ``12``,
add the amount as field ``54`` and compute the CRC again. Any banking or e-wallet app
then shows the amount already filled in.
"""

from __future__ import annotations

import binascii
from dataclasses import dataclass

STATIC, DYNAMIC = "11", "12"
MAX_AMOUNT_DIGITS = 13  # field 54 holds at most 13 characters


class QrisError(ValueError):
    """A QRIS payload we cannot use; the message says what is wrong with it."""


@dataclass(frozen=True)
class Merchant:
    """What a static QRIS says about its merchant, for the organiser to check."""

    name: str
    city: str
    issuer: str


def crc(text: str) -> str:
    """The CRC field value for ``text`` (everything up to and including ``6304``)."""
    return f"{binascii.crc_hqx(text.encode('utf-8'), 0xFFFF):04X}"


def fields(payload: str) -> list[tuple[str, str]]:
    """Split a payload into (id, value) pairs, in order; refuse a cut or malformed one."""
    out, at = [], 0
    while at < len(payload):
        head = payload[at : at + 4]
        if len(head) < 4 or not head.isdigit():
            raise QrisError(f"QRIS terpotong atau rusak di karakter {at + 1} (truncated)")
        size = int(head[2:])
        value = payload[at + 4 : at + 4 + size]
        if len(value) < size:
            raise QrisError(f"QRIS terpotong di field {head[:2]} (truncated)")
        out.append((head[:2], value))
        at += 4 + size
    return out


def _join(pairs: list[tuple[str, str]]) -> str:
    return "".join(f"{tag}{len(value):02d}{value}" for tag, value in pairs)


def _checked_fields(payload: str) -> list[tuple[str, str]]:
    payload = payload.strip()
    if not payload:
        raise QrisError("QRIS kosong: tempel isi QR statis penjual (empty payload)")
    pairs = fields(payload)
    if not pairs or pairs[-1][0] != "63" or len(pairs[-1][1]) != 4:
        raise QrisError("QRIS tanpa CRC di akhir (no CRC field 63 at the end)")
    if crc(payload[:-4]) != pairs[-1][1].upper():
        raise QrisError("CRC QRIS salah: string tidak utuh atau salah salin (wrong CRC)")
    return pairs


def read_static(payload: str) -> Merchant:
    """Check a vendor's static QRIS and say whose it is; refuse what cannot be made dynamic."""
    values = dict(_checked_fields(payload))
    if values.get("01") == DYNAMIC:
        raise QrisError("QRIS ini sudah dinamis; pakai QRIS statis dari stiker toko (dynamic)")
    if "54" in values:
        raise QrisError("QRIS ini sudah berisi nominal; pakai QRIS statis tanpa nominal (amount)")
    if values.get("58") != "ID":
        raise QrisError("QRIS bukan dari Indonesia: field 58 harus ID (country must be ID)")
    if values.get("53") != "360":
        raise QrisError("mata uang QRIS harus Rupiah: field 53 harus 360 (currency)")
    name = values.get("59", "").strip()
    if not name:
        raise QrisError("QRIS tanpa nama merchant (field 59 missing)")
    return Merchant(name, values.get("60", "").strip(), _issuer(values))


def _issuer(values: dict[str, str]) -> str:
    """The first merchant account's globally unique id (``ID.CO.SHOPEE.WWW``...)."""
    for tag in (f"{n:02d}" for n in range(26, 46)):
        if tag in values:
            try:
                inner = dict(fields(values[tag]))
            except QrisError:
                continue
            if inner.get("00") and inner["00"] != "ID.CO.QRIS.WWW":
                return inner["00"]
    return ""


def dynamic(payload: str, amount: int) -> str:
    """The payload for exactly ``amount`` Rupiah: ``01`` = 12, ``54`` = amount, new CRC."""
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise QrisError(f"nominal harus bilangan bulat Rupiah lebih dari 0, bukan {amount!r}")
    if len(str(amount)) > MAX_AMOUNT_DIGITS:
        raise QrisError("nominal terlalu besar untuk QRIS (amount too large)")
    read_static(payload)
    pairs = [(tag, value) for tag, value in _checked_fields(payload) if tag not in ("54", "63")]
    pairs = [(tag, DYNAMIC if tag == "01" else value) for tag, value in pairs]
    if all(tag != "01" for tag, _ in pairs):
        pairs.insert(1, ("01", DYNAMIC))
    # Field 54 goes in id order among the top-level fields, right after 53 (currency).
    at = next((i for i, (tag, _) in enumerate(pairs) if tag > "54"), len(pairs))
    pairs.insert(at, ("54", str(amount)))
    body = _join(pairs) + "6304"
    return body + crc(body)
