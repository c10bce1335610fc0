"""Where a request really comes from: client address, https, origin; proxies only if trusted.

Behind a TLS proxy the service sees plain HTTP from the proxy's address; the proxy's
``X-Forwarded-For`` / ``X-Forwarded-Proto`` say the truth, but only a proxy named in the
settings may say it: anyone else could write those headers.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from aiohttp import web


def _from_trusted(request: web.Request, trusted: frozenset[str]) -> bool:
    return bool(trusted) and (request.remote or "") in trusted


def client_address(request: web.Request, trusted: frozenset[str]) -> str:
    """The client's IP: the last hop a trusted proxy added, else the socket's peer."""
    if _from_trusted(request, trusted):
        hops = [h.strip() for h in request.headers.get("X-Forwarded-For", "").split(",")]
        if hops and hops[-1]:
            return hops[-1][:64]
    return request.remote or "?"


def is_https(request: web.Request, public_url: str, trusted: frozenset[str]) -> bool:
    """Whether the browser talks https to us (directly, via a trusted proxy, or by config)."""
    if public_url.startswith("https://") or request.secure:
        return True
    proto = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
    return _from_trusted(request, trusted) and proto == "https"


def own_origins(request: web.Request, public_url: str, trusted: frozenset[str]) -> set[str]:
    """The origins a page of ours has: this request's host, and the configured public URL."""
    scheme = "https" if is_https(request, public_url, trusted) else "http"
    origins = {f"{scheme}://{request.host}".lower()}
    if public_url:
        parts = urlsplit(public_url)
        origins.add(f"{parts.scheme}://{parts.netloc}".lower())
    return origins


def same_origin(request: web.Request, public_url: str, trusted: frozenset[str]) -> bool:
    """False when the browser says the request came from another site (Origin or Referer).

    A request with neither header (a program, an old browser) passes: the CSRF token
    is the first guard; this is the second.
    """
    origin = request.headers.get("Origin")
    if origin is None:
        referer = request.headers.get("Referer")
        if not referer:
            return True
        parts = urlsplit(referer)
        origin = f"{parts.scheme}://{parts.netloc}"
    return origin.strip().lower() in own_origins(request, public_url, trusted)
