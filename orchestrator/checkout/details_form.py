"""Reading the buyer's details from the checkout form: clean text, or a clear error. Pure.

Names of regions are checked against the regions package (``schedules.regions``) by
the caller-supplied ``regions``; everything else here is shape: a WhatsApp number that
``wa.me`` can open, a five-digit postal code, lengths a label can print.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from orchestrator.checkout.model import COURIER, PICKUP, Details

MAX_TEXT = 120
MAX_STREET = 300
_POSTAL = re.compile(r"\d{5}")


@dataclass(frozen=True)
class Regions:
    """How the form checks region names (canonical name, or None when unknown)."""

    province: Callable[[str], str | None]
    regency: Callable[[str, str], str | None]
    district: Callable[[str, str, str], str | None]


def clean(text: object, limit: int = MAX_TEXT) -> str:
    """One line of printable text, spaces squeezed, at most ``limit`` characters."""
    value = unicodedata.normalize("NFKC", str(text or ""))
    value = "".join(ch if ch.isprintable() else " " for ch in value)
    return " ".join(value.split())[:limit]


def whatsapp_digits(text: str) -> str | None:
    """``0812-3456-789`` or ``+62 812...`` (or a number abroad with ``+``) as digits with the
    country code; None when it cannot be a phone number."""
    raw = text.strip()
    digits = "".join(ch for ch in raw if ch.isdigit())
    if raw.startswith("+"):
        pass
    elif digits.startswith("0"):
        digits = "62" + digits[1:]
    elif digits.startswith("8"):
        digits = "62" + digits
    return digits if 9 <= len(digits) <= 15 else None


def read_details(form: Mapping[str, object], regions: Regions) -> tuple[Details, dict[str, str]]:
    """The details the form holds, and an error per field that is wrong (Indonesian).

    The details come back even when wrong, so the page shows what the buyer typed.
    """
    get = {k: clean(form.get(k, ""), MAX_STREET if k == "street" else MAX_TEXT) for k in (
        "name", "whatsapp", "delivery", "province", "regency", "district", "postal_code",
        "street", "country")}  # fmt: skip
    errors: dict[str, str] = {}
    delivery = get["delivery"] if get["delivery"] in (COURIER, PICKUP) else COURIER
    country = get["country"] or "Indonesia"
    if not get["name"]:
        errors["name"] = "Isi nama penerima."
    phone = whatsapp_digits(get["whatsapp"])
    if phone is None:
        errors["whatsapp"] = "Nomor WhatsApp tidak valid (contoh 0812 3456 7890 atau +60...)."
    details = Details(
        name=get["name"], whatsapp=phone or get["whatsapp"], delivery=delivery,
        province=get["province"], regency=get["regency"], district=get["district"],
        postal_code=get["postal_code"], street=get["street"], country=country,
    )  # fmt: skip
    if delivery == PICKUP:
        return details, errors
    if not details.street:
        errors["street"] = "Isi alamat jalan, nomor rumah, RT/RW."
    if details.abroad:
        return details, errors
    province = regions.province(details.province) if details.province else None
    regency = regions.regency(province, details.regency) if province and details.regency else None
    district = (
        regions.district(province, regency, details.district)
        if province and regency and details.district
        else None
    )
    if province is None:
        errors["province"] = "Pilih provinsi dari daftar."
    elif regency is None:
        errors["regency"] = "Pilih kabupaten/kota dari daftar."
    elif district is None:
        errors["district"] = "Pilih kecamatan dari daftar."
    if not _POSTAL.fullmatch(details.postal_code):
        errors["postal_code"] = "Kode pos 5 angka."
    fixed = Details(**{**details.__dict__, "province": province or details.province,
                       "regency": regency or details.regency,
                       "district": district or details.district})  # fmt: skip
    return fixed, errors
