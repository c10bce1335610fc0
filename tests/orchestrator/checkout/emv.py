"""A reader of EMVCo merchant-presented QR payloads, written for the tests alone.

It shares nothing with ``kernel/qris.py`` (the code under test): the TLV walk and the
CRC are written here again from the EMVCo text, so a mistake there cannot hide here.
"""

from __future__ import annotations


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: polynomial 0x1021, start 0xFFFF, no reflection, no final xor."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def tlv(payload: str) -> dict[str, str]:
    """The top-level fields: two-digit tag, two-digit length, value; in order, no repeats."""
    fields: dict[str, str] = {}
    at = 0
    while at < len(payload):
        tag, length = payload[at : at + 2], int(payload[at + 2 : at + 4])
        value = payload[at + 4 : at + 4 + length]
        assert len(value) == length, f"field {tag} is cut short"
        assert tag not in fields, f"field {tag} twice"
        fields[tag] = value
        at += 4 + length
    return fields


def crc_ok(payload: str) -> bool:
    """Whether the last field is ``63`` and holds the CRC of everything before its value."""
    body, written = payload[:-4], payload[-4:]
    return payload[-8:-4] == "6304" and f"{crc16_ccitt_false(body.encode()):04X}" == written
