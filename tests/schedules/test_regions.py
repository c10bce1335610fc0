"""Regions: the 38 provinces, their regencies and districts, found as people type them."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from schedules import regions

FIXTURES = Path(__file__).parents[1] / "fixtures"


def test_thirty_eight_provinces_with_the_2022_papua_splits() -> None:
    """Kemendagri's 38 provinces, the four new Papua ones among them, named our way."""
    names = regions.provinces()
    assert len(names) == 38 == len(set(names))
    assert {"Papua Selatan", "Papua Tengah", "Papua Pegunungan", "Papua Barat Daya"} <= set(names)
    assert {"DKI Jakarta", "DI Yogyakarta"} <= set(names)


def test_regencies_and_districts_are_complete_enough() -> None:
    """About 514 regencies and 7,200 districts; Jember has its 31 kecamatan."""
    all_regencies = [r for p in regions.provinces() for r in regions.regencies(p)]
    assert len(all_regencies) == 514
    assert "Kabupaten Jember" in regions.regencies("Jawa Timur")
    jember = regions.districts("Jawa Timur", "Kabupaten Jember")
    assert len(jember) == 31 and {"Sumbersari", "Kaliwates", "Patrang"} <= set(jember)
    assert regions.districts("Jawa Tengah", "Kabupaten Jember") == []  # wrong province


def test_postal_codes_of_a_regency_and_a_district() -> None:
    """Jember's codes start 681; a district has a few of them; an unknown one has none."""
    codes = regions.postal_codes("Jawa Timur", "Kabupaten Jember")
    assert codes and all(c.startswith("681") and len(c) == 5 for c in codes)
    district = regions.postal_codes("Jawa Timur", "Kabupaten Jember", "sumbersari")
    assert district and set(district) < set(codes)
    assert regions.postal_codes("Jawa Timur", "Kabupaten Jember", "Nowhere") == []


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("Jawa Timur", "Jawa Timur"),
        ("  jawa   TIMUR ", "Jawa Timur"),
        ("Provinsi Jawa Timur", "Jawa Timur"),
        ("DKI Jakarta", "DKI Jakarta"),
        ("Daerah Khusus Ibukota Jakarta", "DKI Jakarta"),
        ("DAERAH ISTIMEWA YOGYAKARTA", "DI Yogyakarta"),
        ("D.I. Yogyakarta", "DI Yogyakarta"),
        ("Kepulauan Bangka Belitung", "Kepulauan Bangka Belitung"),
        ("Jatim", None),
        ("Kabupaten Jember", None),
    ],
)
def test_find_province(typed: str, found: str | None) -> None:
    """Case, spaces, 'Provinsi' and the special regions' titles do not matter; nicknames do."""
    assert regions.find_province(typed) == found


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("Kabupaten Jember", "Kabupaten Jember"),
        ("Kab. Jember", "Kabupaten Jember"),
        ("kab jember", "Kabupaten Jember"),
        ("Jember", "Kabupaten Jember"),
        ("KOTA MALANG", "Kota Malang"),
        ("Kabupaten Malang", "Kabupaten Malang"),
        ("Malang", None),  # a Kabupaten and a Kota: the word must say which
        ("Kota Jakarta Selatan", "Kota Administrasi Jakarta Selatan"),
        ("Kepulauan Seribu", "Kabupaten Administrasi Kepulauan Seribu"),
        ("Kota Yogyakarta", "Kota Yogyakarta"),
        ("Kota Jember", None),
    ],
)
def test_find_regency(typed: str, found: str | None) -> None:
    """'Kab.'/'Kabupaten'/'Kota'/'Administrasi' are read; a bare name must fit one regency."""
    regency = regions.find_regency(typed)
    assert (regency.name if regency else None) == found


def test_find_regency_knows_its_province_and_narrows_by_it() -> None:
    """The regency comes with its province; a province picks between same-named ones."""
    assert regions.find_regency("Kab. Jember").province == "Jawa Timur"
    assert regions.find_regency("Kabupaten Jember", "Jawa Tengah") is None
    assert regions.find_regency("Sleman").province == "DI Yogyakarta"


def test_every_tariff_destination_in_the_fixtures_is_a_known_name() -> None:
    """The organisers' shipping sheet already uses exactly the names this module gives."""
    with (FIXTURES / "shipping.csv").open(encoding="utf-8") as sheet:
        destinations = [row["destination"] for row in csv.DictReader(sheet)]
    for name in destinations:
        regency = regions.find_regency(name)
        assert regions.find_province(name) == name or (regency and regency.name == name)


def test_only_this_module_imports_the_regions_package() -> None:
    """The data package's names stay behind schedules/regions.py."""
    root = Path(__file__).parents[2]
    sources = [
        p
        for folder in ("kernel", "schedules", "overlays", "orchestrator", "scripts")
        for p in (root / folder).rglob("*.py")
    ]
    importers = {
        p.relative_to(root).as_posix()
        for p in sources
        if any(
            line.startswith(("import lokal", "from lokal"))
            for line in p.read_text(encoding="utf-8").splitlines()
        )
    }
    assert importers == {"schedules/regions.py"}
