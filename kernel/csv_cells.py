"""Cells of the CSV files we write, safe to open in Excel or Google Sheets.

Text that starts like a formula (``=``, ``+``, ``-``, ``@``, tab, CR) would run as one
(``=HYPERLINK(...)``); a leading apostrophe makes a spreadsheet show it as text. Our
own importer takes that apostrophe off again, so an exported schedule reads back the same.
"""

from __future__ import annotations

from collections.abc import Iterable

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_FIRST = frozenset(_FORMULA_START)


def _looks_like_formula(text: str) -> bool:
    """Starts with a formula character, perhaps behind apostrophes we added before."""
    return text.lstrip("'")[:1] in _FORMULA_FIRST and text.lstrip("'") != ""


def safe_cell(value: object) -> object:
    """Return ``value`` with an apostrophe before text that starts like a formula."""
    if isinstance(value, str) and _looks_like_formula(value):
        return "'" + value
    return value


def safe_row(values: Iterable[object]) -> list[object]:
    """Every text cell of a row made safe; numbers stay numbers."""
    return [safe_cell(v) for v in values]


def read_cell(text: str) -> str:
    """Undo ``safe_cell`` on a cell read back from one of our files."""
    if text[:1] == "'" and _looks_like_formula(text):
        return text[1:]
    return text
