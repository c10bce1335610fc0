"""The BAYAR command, read from chat text, and the transfer code's uniqueness."""

from __future__ import annotations

import random

import pytest

from orchestrator.checkout.binding import code_in
from orchestrator.checkout.parcels import pick_transfer_code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("BAYAR 4821", "4821"),
        ("bayar 4821", "4821"),
        ("  Bayar:0042 ", "0042"),
        ("BAYAR #4821!", "4821"),
        ("ＢＡＹＡＲ　４８２１", "4821"),  # wide letters and digits from a phone keyboard
        ("BAYAR4821", "4821"),
    ],
)
def test_code_is_read(text: str, code: str) -> None:
    assert code_in(text) == code


@pytest.mark.parametrize(
    "text",
    ["BAYAR 482", "BAYAR 48211", "sudah bayar 4821 ya", "K01 2", "bayar", "BAYAR 48 21",
     "BAYAR 4821 " + "x" * 40],
)  # fmt: skip
def test_other_text_is_no_code(text: str) -> None:
    assert code_in(text) is None


def test_transfer_code_avoids_every_taken_amount() -> None:
    rng = random.Random(7)
    taken = {100_000 + c for c in range(1, 999)}  # all but 999 are taken
    assert pick_transfer_code(100_000, taken, rng) == 999


def test_transfer_codes_make_distinct_amounts() -> None:
    rng = random.Random(1)
    taken: set[int] = set()
    for _ in range(500):
        code = pick_transfer_code(86_000, taken, rng)
        assert 1 <= code <= 999
        assert 86_000 + code not in taken
        taken.add(86_000 + code)
    assert len(taken) == 500


def test_no_free_code_is_an_error() -> None:
    with pytest.raises(ValueError, match="no free transfer code"):
        pick_transfer_code(5_000, {5_000 + c for c in range(1, 1000)})
