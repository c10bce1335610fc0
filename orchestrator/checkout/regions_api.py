"""The address form's region choices, from ``schedules.regions``: lists and name checks."""

from __future__ import annotations

from orchestrator.checkout.details_form import Regions
from orchestrator.checkout.model import Details
from schedules import regions


def _province(name: str) -> str | None:
    return regions.find_province(name)


def _regency(province: str, name: str) -> str | None:
    found = regions.find_regency(name, province)
    return found.name if found else None


def _district(province: str, regency: str, name: str) -> str | None:
    wanted = " ".join(name.lower().split())
    for district in regions.districts(province, regency):
        if " ".join(district.lower().split()) == wanted:
            return district
    return None


REGIONS = Regions(_province, _regency, _district)


def choices(details: Details) -> dict:
    """What the form's three lists offer for the buyer's current address."""
    province = _province(details.province) if details.province else None
    regency = _regency(province, details.regency) if province and details.regency else None
    return {
        "provinces": regions.provinces(),
        "province": province or "",
        "regencies": regions.regencies(province) if province else [],
        "regency": regency or "",
        "districts": regions.districts(province, regency) if province and regency else [],
        "district": details.district,
    }


def lookup(province: str, regency: str) -> dict:
    """The JSON the form's script asks for: a province's regencies, a regency's districts."""
    found = _province(province) if province else None
    if found is None:
        return {"provinces": regions.provinces()}
    out: dict = {"province": found, "regencies": regions.regencies(found)}
    city = _regency(found, regency) if regency else None
    if city:
        out.update(regency=city, districts=regions.districts(found, city),
                   postal_codes=regions.postal_codes(found, city))  # fmt: skip
    return out
