"""CSV cells: formula-looking text is defused, and our importer reads it back exactly."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kernel.csv_cells import read_cell, safe_cell


def test_formula_starts_get_an_apostrophe():
    """=, +, -, @, tab and CR at the start are defused; other text and numbers are not."""
    assert [safe_cell(t) for t in ("=1+1", "+62", "-5", "@x", "\tx", "\rx")] == [
        "'=1+1", "'+62", "'-5", "'@x", "'\tx", "'\rx",
    ]  # fmt: skip
    assert (safe_cell("Kopi"), safe_cell(""), safe_cell(-5), safe_cell("'")) == (
        "Kopi",
        "",
        -5,
        "'",
    )


@given(st.text(alphabet="'=+-@ab\t", max_size=8))
def test_read_cell_undoes_safe_cell(text):
    """Whatever the text, reading back what we wrote gives the text; nothing written starts
    with a formula character."""
    written = safe_cell(text)
    assert read_cell(written) == text
    assert written[:1] not in ("=", "+", "-", "@", "\t", "\r")
