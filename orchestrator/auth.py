"""Logins for organisers and hosts: access tokens, a signed session cookie, CSRF checks.

Tokens come from settings or are generated at first start and kept in the database, so
the login links printed at start-up stay valid across restarts. Organisers can do all a
host can; hosts cannot edit the schedule.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from urllib.parse import quote

from aiohttp import web
from sqlite_utils import Database

from kernel.db import apply_migrations
from kernel.errors import Forbidden, wants_json
from kernel.keys import CSRF_TOKEN, ROLE, TOKENS
from kernel.web import render

COOKIE = "pasar_session"
SESSION_SECONDS = 7 * 24 * 3600
ORGANISER, HOST = "organiser", "host"

# Longest prefix first; a path that matches none needs a host or organiser login.
_PUBLIC = ("/healthz", "/metrics", "/o/", "/overlay/", "/static/", "/webhooks/", "/login",
           "/logout", "/v/", "/favicon.ico", "/qr/")  # fmt: skip
_ORGANISER_ONLY = ("/editor", "/api/editor")
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass(frozen=True)
class Tokens:
    """The secrets a running service holds: who may log in, and how cookies are signed."""

    organiser: str
    host: str
    cookie_key: bytes

    def role_for(self, token: str) -> str | None:
        if token and hmac.compare_digest(token, self.organiser):
            return ORGANISER
        if token and hmac.compare_digest(token, self.host):
            return HOST
        return None


def _secrets_table(db: Database) -> None:
    db["app_secrets"].create({"name": str, "value": str}, pk="name")


def ensure_tokens(db: Database, organiser: str = "", host: str = "") -> Tokens:
    """Use the configured tokens, else the stored ones, else make and store new ones."""
    apply_migrations(db, "auth", [_secrets_table])
    with db.atomic():
        stored = {r["name"]: r["value"] for r in db.query("SELECT * FROM app_secrets")}
        for name in ("organiser", "host", "cookie_key"):
            if name not in stored:
                stored[name] = secrets.token_urlsafe(18)
                db["app_secrets"].insert({"name": name, "value": stored[name]})
    return Tokens(
        organiser=organiser or stored["organiser"],
        host=host or stored["host"],
        cookie_key=stored["cookie_key"].encode(),
    )


def make_cookie(tokens: Tokens, role: str, now: float | None = None) -> str:
    """Sign ``role`` and a fresh CSRF token into one cookie value."""
    body = {"role": role, "csrf": secrets.token_urlsafe(16), "iat": int(now or time.time())}
    raw = base64.urlsafe_b64encode(json.dumps(body).encode()).decode()
    return f"{raw}.{_sign(tokens, raw)}"


def read_cookie(tokens: Tokens, value: str, now: float | None = None) -> dict | None:
    """Return the session in a cookie when its signature holds and it has not expired."""
    raw, _, signature = value.partition(".")
    if not raw or not hmac.compare_digest(signature, _sign(tokens, raw)):
        return None
    try:
        body = json.loads(base64.urlsafe_b64decode(raw.encode()))
    except (ValueError, UnicodeDecodeError):
        return None
    if int(now or time.time()) - int(body.get("iat", 0)) > SESSION_SECONDS:
        return None
    return body


def _sign(tokens: Tokens, raw: str) -> str:
    return hmac.new(tokens.cookie_key, raw.encode(), hashlib.sha256).hexdigest()


def required_roles(path: str) -> set[str] | None:
    """Say who may open ``path``; ``None`` means anyone."""
    if path == "/" or not path.startswith(_PUBLIC):
        if path.startswith(_ORGANISER_ONLY):
            return {ORGANISER}
        return {ORGANISER, HOST}
    return None


@web.middleware
async def auth_middleware(request: web.Request, handler):
    """Let a request through only with the right role, and unsafe ones only with CSRF."""
    needed = required_roles(request.path)
    if needed is None and not request.path.startswith(("/login", "/logout")):
        return await handler(request)  # viewers' pages: no session to read
    tokens = request.config_dict[TOKENS]
    session = read_cookie(tokens, request.cookies.get(COOKIE, ""))
    if session:
        request[ROLE], request[CSRF_TOKEN] = session["role"], session["csrf"]
    if needed is None:
        return await handler(request)
    if not session:
        return _login_needed(request)
    if session["role"] not in needed:
        raise Forbidden("Halaman ini hanya untuk penyelenggara (organisers only).")
    if request.method in _UNSAFE and not await _csrf_ok(request, session["csrf"]):
        raise Forbidden("Token CSRF salah atau tidak ada; muat ulang halaman.")
    return await handler(request)


async def _csrf_ok(request: web.Request, expected: str) -> bool:
    sent = request.headers.get("X-CSRF-Token", "")
    if not sent and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        form = await request.post()
        sent = str(form.get("csrf_token", ""))
    return bool(sent) and hmac.compare_digest(sent, expected)


def _login_needed(request: web.Request) -> web.StreamResponse:
    if wants_json(request):
        return web.json_response({"error": "login needed", "login": "/login"}, status=401)
    raise web.HTTPFound(f"/login?next={quote(request.path_qs)}")


def _safe_next(target: str, role: str) -> str:
    """Only ever redirect to a local path, never to an address taken from the request."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/editor" if role == ORGANISER else "/"


async def login(request: web.Request) -> web.StreamResponse:
    """Log in from the start-up link (``?token=``) or the form."""
    if request.method == "POST":
        form = await request.post()
        token, target = str(form.get("token", "")), str(form.get("next", ""))
    else:
        token, target = request.query.get("token", ""), request.query.get("next", "")
    if not token:
        return render(request, "login.html", error="", next=target)
    role = request.config_dict[TOKENS].role_for(token.strip())
    if role is None:
        return render(
            request, "login.html", status=401, error="Token salah (wrong token).", next=target
        )
    response = web.HTTPFound(_safe_next(target, role))
    response.set_cookie(
        COOKIE,
        make_cookie(request.config_dict[TOKENS], role),
        max_age=SESSION_SECONDS,
        httponly=True,
        samesite="Lax",
        path="/",
    )
    raise response


async def logout(request: web.Request) -> web.StreamResponse:
    """Log out with a POST carrying the CSRF token, so no other site can log anyone out."""
    session = read_cookie(request.config_dict[TOKENS], request.cookies.get(COOKIE, ""))
    if session and not await _csrf_ok(request, session["csrf"]):
        raise Forbidden("Token CSRF salah atau tidak ada; muat ulang halaman.")
    response = web.HTTPFound("/login")
    response.del_cookie(COOKIE, path="/")
    raise response


def login_links(tokens: Tokens, base_url: str) -> dict[str, str]:
    """The links printed at start-up, one per role."""
    return {
        ORGANISER: f"{base_url}/login?token={quote(tokens.organiser)}&next=/editor",
        HOST: f"{base_url}/login?token={quote(tokens.host)}&next=/",
    }
