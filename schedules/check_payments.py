"""Checks for what checkout needs from the sheets: payments, weights, limits and tariffs.

The written rules (shared by CSV, YAML and the editor, like those in ``schedules.check``):

- **QRIS** is the text of the vendor's static merchant QR (scan it with any QR app and
  copy the text). Its CRC must be right, and it must be Indonesian (``58`` = ``ID``,
  Rupiah ``53`` = ``360``), static (no ``54`` amount, not point of initiation ``12``) and
  name the merchant (``59``). Empty is allowed.
- **Bank accounts**: ``bank``, ``bank_account`` and ``bank_account_name`` are filled all
  three or none. The account number may be typed with spaces, dashes or dots
  (``0841-3361-7902``); only its 6-20 digits are kept.
- **Weights** (``weight_g``, grams), **``max_per_buyer``** and **``hold_hours``** are whole
  numbers above 0 (``1.200`` is 1200, as for prices); empty means none (no weight known,
  no limit, the event's hold).
- **Pickup**: ``ya``/``tidak``, ``yes``/``no``, ``1``/``0``, ``true``/``false``; empty is no.
- **Tariffs** (``shipping.csv``): ``destination`` is a province (``Jawa Timur``) or a
  kabupaten/kota (``Kabupaten Jember``), once each; a bare name that is both (``Bengkulu``)
  is the province, so write ``Kota Bengkulu`` for the city. A regency's row wins over its
  province's, so it needs its province's row as the default. Money is whole Rupiah, 0 or
  more. A province without any row is only a warning: its buyers wait for the vendor's
  quote, like buyers abroad.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kernel.qris import QrisError, read_static
from schedules import regions
from schedules.check import WARNING, BadValue, Origins, Problem, Where, parse_whole
from schedules.model import Event, ShippingRate

BANK_FIELDS = ("bank", "bank_account", "bank_account_name")
_YES = {"ya", "y", "yes", "1", "true", "benar"}
_NO = {"tidak", "t", "no", "n", "0", "false", "salah", ""}


def parse_qris(text: str) -> str:
    """Check a vendor's static QRIS; empty stays empty (the vendor takes no QRIS)."""
    payload = text.strip()
    if not payload:
        return ""
    try:
        read_static(payload)
    except QrisError as err:
        raise BadValue(f"{err}; salin ulang teks QR statis penjual") from None
    return payload


def parse_bank_account(text: str) -> str:
    """Keep only the digits of an account number typed with spaces, dashes or dots."""
    t = text.strip()
    digits = re.sub(r"[\s.-]", "", t)
    if not digits:
        return ""
    if re.fullmatch(r"\d+(\.\d+)?[eE]\+?\d+", t):
        raise BadValue(
            f"nomor rekening '{t}' ditulis Excel sebagai angka ilmiah; format kolomnya sebagai"
            " Teks lalu ketik ulang (account number turned into a number by Excel)"
        )
    if not digits.isascii() or not digits.isdigit() or not 6 <= len(digits) <= 20:
        raise BadValue(
            f"nomor rekening '{t}' harus 6-20 angka (boleh dengan spasi atau -),"
            " mis. 0841 3361 7902 (account number must be digits)"
        )
    return digits


def bank_problem(bank: str, account: str, name: str) -> tuple[str, str] | None:
    """(field, message) when the three bank columns are not all filled or all empty."""
    filled = dict(zip(BANK_FIELDS, (bank, account, name), strict=True))
    if all(filled.values()) or not any(filled.values()):
        return None
    missing = next(field for field, value in filled.items() if not value)
    return missing, (
        f"kolom '{missing}' kosong; isi bank, bank_account dan bank_account_name"
        " bersama-sama, atau kosongkan ketiganya (bank details incomplete)"
    )


def _positive(text: str, what: str) -> int | None:
    if not text.strip():
        return None
    value = parse_whole(text, what)
    if value == 0:
        raise BadValue(
            f"{what} harus lebih dari 0, mis. 250; kosongkan bila tidak ada (must be > 0)"
        )
    return value


def parse_weight(text: str) -> int | None:
    """Read a packed weight in whole grams; empty means not known."""
    return _positive(text, "berat (gram)")


def parse_max_per_buyer(text: str) -> int | None:
    """Read how many units one buyer may hold; empty means no limit."""
    return _positive(text, "batas per pembeli")


def parse_hold_hours(text: str) -> int | None:
    """Read how many hours an unpaid claim holds stock; empty means the event's default."""
    return _positive(text, "lama tahan (jam)")


def parse_pickup(text: str) -> bool:
    """Read whether buyers may collect in person: ya/tidak and the like; empty is no."""
    t = text.strip().lower()
    if t in _YES:
        return True
    if t in _NO:
        return False
    raise BadValue(f"'{text.strip()}' harus ya atau tidak (must be yes or no)")


def parse_money(text: str) -> int:
    """Read a tariff in whole Rupiah, 0 or more (``8000``, ``Rp 8.000``)."""
    if not text.strip():
        raise BadValue("ongkir wajib diisi, mis. 8000 (tariff is required)")
    return parse_whole(text, "ongkir", rupiah=True)


def parse_destination(text: str) -> str:
    """Name a tariff's destination as ``schedules.regions`` does: a province, else a regency."""
    province = regions.find_province(text)
    if province:
        return province
    regency = regions.find_regency(text)
    if regency:
        return regency.name
    raise BadValue(
        f"tujuan '{text.strip()}' bukan provinsi atau kabupaten/kota yang dikenal; tulis"
        " mis. Jawa Timur, Kabupaten Jember atau Kota Malang (unknown province or regency)"
    )


def check_shipping(event: Event, origins: Origins | None = None) -> list[Problem]:
    """Check the tariff rows together: one row a destination, every regency's province too."""
    rows = (origins or Origins.unknown(event)).shipping
    problems: list[Problem] = []
    seen: dict[str, Where] = {}
    for rate, at in zip(event.shipping, rows, strict=True):
        if "destination" in at.bad:
            continue
        if rate.destination in seen:
            message = (
                f"tujuan '{rate.destination}' sudah ada di baris {seen[rate.destination].row};"
                " satu baris untuk setiap tujuan (duplicate destination)"
            )
            problems.append(at.problem("destination", message))
        else:
            seen[rate.destination] = at
    problems += _regencies_without_default(seen)
    if seen:
        problems += _provinces_without_tariff(event.shipping, rows[0])
    return problems


def _regencies_without_default(seen: dict[str, Where]) -> Iterator[Problem]:
    for destination, at in seen.items():
        regency = regions.find_regency(destination)
        if regency and regions.find_province(destination) is None and regency.province not in seen:
            yield at.problem(
                "destination",
                f"'{destination}' ada di {regency.province}, tetapi provinsi itu tidak punya"
                f" baris; tambahkan baris {regency.province} sebagai ongkir bawaannya"
                " (regency without its province's default tariff)",
            )


def _provinces_without_tariff(rates: list[ShippingRate], first: Where) -> Iterator[Problem]:
    covered = set()
    for rate in rates:
        regency = regions.find_regency(rate.destination)
        covered.add(regions.find_province(rate.destination) or (regency and regency.province))
    missing = [p for p in regions.provinces() if p not in covered]
    if missing:
        yield Problem(
            first.file,
            0,
            "destination",
            f"provinsi tanpa ongkir: {', '.join(missing)}; pembeli di sana menunggu ongkir dari"
            " penjual, seperti pembeli luar negeri (provinces without a tariff)",
            WARNING,
        )
