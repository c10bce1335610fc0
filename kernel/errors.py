"""Our named errors and the one middleware that turns them into HTTP answers."""

from __future__ import annotations

import logging

from aiohttp import web

from kernel.web import render

log = logging.getLogger(__name__)


class PasarError(Exception):
    """Base of the errors a person can act on; ``status`` is its HTTP code."""

    status = 400
    title = "Gagal"


class StartupError(PasarError):
    """The service cannot start with what it was given."""


class NotFound(PasarError):
    """The thing asked for does not exist."""

    status = 404
    title = "Tidak ada"


class Forbidden(PasarError):
    """The caller's role may not do this (or its CSRF token is wrong)."""

    status = 403
    title = "Ditolak"


class Conflict(PasarError):
    """The request clashes with the current state (e.g. a slot already aired)."""

    status = 409


class BadInput(PasarError):
    """The request's data is wrong; the message says where and what to do."""

    status = 400


def wants_json(request: web.Request) -> bool:
    """Whether the caller is a program (API, webhook, fetch) rather than a person's page."""
    path = request.path
    return (
        path.startswith("/api/")
        or path.startswith("/webhooks/")
        or "application/json" in request.headers.get("Accept", "")
    )


@web.middleware
async def error_middleware(request: web.Request, handler):
    """Answer our errors with their message, as JSON for programs and a page otherwise."""
    try:
        return await handler(request)
    except PasarError as err:
        if wants_json(request):
            return web.json_response({"error": str(err)}, status=err.status)
        return render(request, "message.html", status=err.status, title=err.title, message=str(err))
