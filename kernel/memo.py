"""One value kept with the key it was made from, made again only when the key changes.

The viewers' public pages are the same for every reader between two changes (a schedule
revision, a host's action, a turn starting): a key sums up what the value depends on,
the first read after the key moves makes it, and every other read is one comparison.
Only the last value is kept, so it holds no more memory than the pages it serves.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Memo(Generic[K, V]):
    """The last value made and its key."""

    def __init__(self) -> None:
        self._kept: tuple[K, V] | None = None

    def get(self, key: K, make: Callable[[], V]) -> V:
        """The kept value when ``key`` equals the kept key, else ``make()``, kept with ``key``.

        A ``make`` that raises keeps the old value and key: the next read tries again.
        """
        if self._kept is None or self._kept[0] != key:
            self._kept = (key, make())
        return self._kept[1]
