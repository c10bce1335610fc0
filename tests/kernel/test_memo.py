"""The one-value cache behind the viewers' agenda and catalogue."""

import pytest

from kernel.memo import Memo


def test_a_value_is_made_once_per_key_and_again_when_the_key_moves() -> None:
    """Same key: no new make; a new key makes (and keeps) a new value; going back remakes."""
    made: list[str] = []
    memo: Memo[int, str] = Memo()

    def make(text: str):
        return lambda: made.append(text) or text

    assert memo.get(1, make("a")) == "a"
    assert memo.get(1, make("b")) == "a"
    assert memo.get(2, make("c")) == "c"
    assert memo.get(2, make("d")) == "c"
    assert memo.get(1, make("e")) == "e"
    assert made == ["a", "c", "e"]


def test_keys_are_compared_by_value_and_none_is_a_key_like_any_other() -> None:
    """An equal tuple built anew hits; ``None`` as the first key is made, not taken as unset."""
    memo: Memo[object, int] = Memo()
    assert memo.get(None, lambda: 1) == 1
    assert memo.get(None, lambda: 2) == 1
    assert memo.get((1, ("x",)), lambda: 3) == 3
    assert memo.get((1, ("x",)), lambda: 4) == 3


def test_a_failed_make_keeps_the_old_value_and_the_next_read_tries_again() -> None:
    """A raising ``make`` leaves the last good value under its own key, and keeps no new key."""
    memo: Memo[int, str] = Memo()
    memo.get(1, lambda: "good")

    def broken() -> str:
        raise RuntimeError("template failed")

    with pytest.raises(RuntimeError):
        memo.get(2, broken)
    assert memo.get(1, lambda: "remade") == "good"
    assert memo.get(2, lambda: "fixed") == "fixed"
