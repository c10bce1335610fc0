"""QRIS: the organisers' 73 static payloads read right; the dynamic one is exact."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kernel.qris import QrisError, crc, dynamic, read_static

FIXTURES = Path(__file__).parents[1] / "fixtures"
with (FIXTURES / "checkout" / "payments.csv").open(encoding="utf-8") as sheet:
    ROWS = list(csv.DictReader(sheet))
SAMPLE = ROWS[0]["qris"]


def ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE bit by bit (poly 0x1021, init 0xFFFF): not the module's code."""
    value = 0xFFFF
    for byte in data:
        value ^= byte << 8
        for _ in range(8):
            value = ((value << 1) ^ 0x1021) if value & 0x8000 else value << 1
            value &= 0xFFFF
    return value


def split(payload: str) -> list[tuple[str, str]]:
    """A second, plain TLV reader for the tests."""
    out = []
    while payload:
        tag, size = payload[:2], int(payload[2:4])
        out.append((tag, payload[4 : 4 + size]))
        payload = payload[4 + size :]
    return out


def test_crc_has_the_published_check_value():
    """CRC-16/CCITT-FALSE of "123456789" is 0x29B1, as the catalogue of CRCs gives it."""
    assert crc("123456789") == "29B1" == f"{ccitt_false(b'123456789'):04X}"


@pytest.mark.parametrize("row", ROWS, ids=[r["vendor_id"] for r in ROWS])
def test_every_example_vendor_qris_reads_as_static(row):
    """Each fixture QRIS has a right CRC (checked bit by bit) and names its merchant."""
    payload = row["qris"]
    assert payload[-4:] == f"{ccitt_false(payload[:-4].encode()):04X}"
    merchant = read_static(payload)
    assert merchant.name and merchant.city == "JEMBER"
    assert merchant.issuer.count(".") >= 2  # a reverse domain: ID.CO.SHOPEE.WWW, COM.NOBUBANK.WWW


def test_dynamic_sets_initiation_amount_and_crc():
    """01 becomes 12, 54 holds the amount after 53, the rest is kept, the CRC is new."""
    out = dynamic(SAMPLE, 45_000)
    before, after = split(SAMPLE), split(out)
    assert dict(after)["01"] == "12" and dict(after)["54"] == "45000"
    tags = [t for t, _ in after]
    assert tags.index("54") == tags.index("53") + 1
    kept = [(t, v) for t, v in before if t not in ("01", "63")]
    assert [(t, v) for t, v in after if t not in ("01", "54", "63")] == kept
    assert out[-8:-4] == "6304" and out[-4:] == f"{ccitt_false(out[:-4].encode()):04X}"


@given(st.integers(min_value=1, max_value=9_999_999_999_999))
def test_any_amount_round_trips(amount):
    """Whatever the amount, the dynamic payload carries exactly it, with a valid CRC."""
    out = dynamic(SAMPLE, amount)
    assert dict(split(out))["54"] == str(amount)
    assert out[-4:] == f"{ccitt_false(out[:-4].encode()):04X}"


def _with(payload: str, tag: str, value: str) -> str:
    pairs = [(t, value if t == tag else v) for t, v in split(payload) if t != "63"]
    body = "".join(f"{t}{len(v):02d}{v}" for t, v in pairs) + "6304"
    return body + f"{ccitt_false(body.encode()):04X}"


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        (SAMPLE[:-1] + ("0" if SAMPLE[-1] != "0" else "1"), "CRC"),
        (SAMPLE[:40], "terpotong"),
        (_with(SAMPLE, "58", "MY"), "Indonesia"),
        (_with(SAMPLE, "53", "840"), "Rupiah"),
        (_with(SAMPLE, "01", "12"), "dinamis"),
        (dynamic(SAMPLE, 1000), "dinamis"),
        (_with(SAMPLE, "59", " "), "nama merchant"),
    ],
)
def test_unusable_payloads_are_refused_with_the_reason(payload, words):
    """Wrong CRC, cut, foreign, not Rupiah, already dynamic, no name: each says why."""
    with pytest.raises(QrisError, match=words):
        read_static(payload)


@pytest.mark.parametrize("amount", [0, -5, 1.5, True, 10**13])
def test_bad_amounts_are_refused(amount):
    """An amount must be a positive whole number of Rupiah that fits field 54."""
    with pytest.raises(QrisError):
        dynamic(SAMPLE, amount)
