"""Our named errors and the one middleware that turns them into HTTP answers."""

from __future__ import annotations

import logging

from aiohttp import web

from kernel.web import render

log = logging.getLogger(__name__)


class PasarError(Exception):
    """Base of the errors a person can act on; ``status`` is its HTTP code."""

    status = 400


class StartupError(PasarError):
    """The service cannot start with what it was given."""


class NotFound(PasarError):
    """The thing asked for does not exist."""

    status = 404


class Conflict(PasarError):
    """The request clashes with the current state (e.g. a slot already aired)."""

    status = 409


class BadInput(PasarError):
    """The request's data is wrong; the message says where and what to do."""

    status = 400


@web.middleware
async def error_middleware(request: web.Request, handler):
    """Answer our errors with their message, as JSON for the API and a page otherwise."""
    try:
        return await handler(request)
    except PasarError as err:
        if request.path.startswith("/api/") or request.path.startswith("/webhooks/"):
            return web.json_response({"error": str(err)}, status=err.status)
        return render(request, "message.html", status=err.status, title="Gagal", message=str(err))
