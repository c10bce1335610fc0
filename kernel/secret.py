"""Comparing secrets a request sends with the ones we hold."""

from __future__ import annotations

import hmac


def same_secret(sent: str, expected: str) -> bool:
    """Compare in constant time; any text (non-ASCII, stray surrogates) is just not equal."""
    return hmac.compare_digest(
        sent.encode("utf-8", "surrogateescape"), expected.encode("utf-8", "surrogateescape")
    )
