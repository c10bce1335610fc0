"""Security headers on every answer, so no page is left without them.

A page that needs a different policy (the overlay connects to the hub's websocket; the
viewers' pages allow less) sets its own ``Content-Security-Policy`` and keeps it. Only
the overlay page may be framed (OBS and the panel's preview show it); everything else
says ``frame-ancestors 'none'``.
"""

from __future__ import annotations

from aiohttp import web

# No inline script or style anywhere: every page loads its own /static files.
DEFAULT_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
    " connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none';"
    " frame-ancestors 'none'"
)
FRAMEABLE = ("/overlay/",)


_ALWAYS = (
    ("X-Content-Type-Options", "nosniff"),
    # Login links carry a token in the query: never send the address to other sites.
    ("Referrer-Policy", "same-origin"),
    ("Content-Security-Policy", DEFAULT_CSP),
)
_NOT_FRAMED = (*_ALWAYS, ("X-Frame-Options", "DENY"))


def headers_for(path: str) -> tuple[tuple[str, str], ...]:
    """The security headers an answer on ``path`` must carry, unless it set its own."""
    return _ALWAYS if path.startswith(FRAMEABLE) else _NOT_FRAMED


async def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """``on_response_prepare``: fill in what the handler did not set itself."""
    headers = response.headers  # case-insensitive: "in" finds any spelling
    for name, value in headers_for(request.path):
        if name not in headers:
            headers[name] = value
