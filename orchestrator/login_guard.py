"""Pure rules around logging in: where a login may lead, and how often one may fail.

Both take plain values (a target string, an address and ``now``) so they are tested
without a server; ``auth`` applies them to requests.
"""

from __future__ import annotations

import re
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from yarl import URL

# Control characters (browsers and yarl drop tab, CR and LF from URLs), backslashes
# (browsers read "/\evil" as "//evil"), in the raw target or once decoded.
_UNSAFE_CHARS = re.compile(r"[\x00-\x1f\x7f\\]")


def safe_next(target: str, default: str) -> str:
    """Return ``target`` if it is a path on this site, else ``default``.

    Decided on what a browser would follow: the raw text, its percent-decoded form and
    the URL aiohttp would put in ``Location`` must all be a plain local path.
    """
    for text in (target, unquote(target)):
        if _UNSAFE_CHARS.search(text) or not _is_local_path(text):
            return default
    try:
        location = str(URL(target))
    except ValueError:
        return default
    return location if _is_local_path(location) and not _UNSAFE_CHARS.search(location) else default


def _is_local_path(text: str) -> bool:
    if not text.startswith("/") or text.startswith("//"):
        return False
    parts = urlsplit(text)
    return not parts.scheme and not parts.netloc


@dataclass
class LoginLimiter:
    """Count failed logins per client address; refuse more than ``limit`` per ``window_s``.

    Memory stays bounded: at most ``max_addresses`` addresses are remembered, the
    least recently failing ones forgotten first.
    """

    limit: int = 10
    window_s: float = 300.0
    max_addresses: int = 10_000
    _failures: OrderedDict[str, deque[float]] = field(default_factory=OrderedDict)

    def retry_after(self, address: str, now: float) -> int | None:
        """Seconds this address must wait before trying again, or None if it may try."""
        failures = self._recent(address, now)
        if len(failures) < self.limit:
            return None
        return max(1, int(failures[0] + self.window_s - now + 0.999))

    def failed(self, address: str, now: float) -> None:
        """Record one failed attempt from ``address``."""
        failures = self._recent(address, now)
        failures.append(now)
        self._failures[address] = failures
        self._failures.move_to_end(address)
        while len(self._failures) > self.max_addresses:
            self._failures.popitem(last=False)

    def succeeded(self, address: str) -> None:
        """Forget the address's failures once it logs in."""
        self._failures.pop(address, None)

    def _recent(self, address: str, now: float) -> deque[float]:
        failures = self._failures.get(address) or deque()
        while failures and failures[0] <= now - self.window_s:
            failures.popleft()
        return failures
