"""Logins for organisers and hosts: access tokens, server-side sessions, CSRF and Origin.

Tokens come from settings or are generated at first start and kept in the database, so
the login links printed at start-up stay valid across restarts. A login makes a new
session (``sessions``); its id is the cookie, so logout ends it for good. Organisers can
do all a host can; hosts cannot edit the schedule. Failed logins are limited per client
address (``login_guard``); unsafe requests need the page's CSRF token and, when the
browser names one, our own origin.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote

from aiohttp import web
from sqlite_utils import Database

from kernel.db import apply_migrations
from kernel.errors import Forbidden, wants_json
from kernel.forms import read_form
from kernel.keys import CSRF_TOKEN, LOGIN_LIMITER, ROLE, SESSIONS, SETTINGS, STORE, TOKENS
from kernel.secret import same_secret
from kernel.web import render
from orchestrator import sessions
from orchestrator.login_guard import safe_next
from orchestrator.origins import client_address, is_https, same_origin

COOKIE = "pasar_session"
ORGANISER, HOST = "organiser", "host"

# Public pages: the path itself or anything under it ("/o/" anything under it only); a
# path that matches none needs a host or organiser login.
_PUBLIC = ("/healthz", "/metrics", "/o/", "/overlay/", "/static/", "/webhooks/", "/login",
           "/logout", "/v/", "/favicon.ico", "/qr/", "/bayar", "/api/wilayah",
           "/jadwal", "/foto/", "/pasar", "/sitemap.xml", "/live")  # fmt: skip
_ORGANISER_ONLY = ("/editor", "/api/editor", "/sessions", "/laporan")
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
_CSRF_TEXT = "Token CSRF salah atau tidak ada; muat ulang halaman."
_ORIGIN_TEXT = "Permintaan dari situs lain ditolak (cross-site request refused)."


@dataclass
class Tokens:
    """Who may log in. Mutable only by ``rotate`` ("log out everywhere")."""

    organiser: str
    host: str
    fixed: bool = False  # set in the settings: rotating them is the operator's job

    def role_for(self, token: str) -> str | None:
        if token and same_secret(token, self.organiser):
            return ORGANISER
        if token and same_secret(token, self.host):
            return HOST
        return None


def _secrets_table(db: Database) -> None:
    db["app_secrets"].create({"name": str, "value": str}, pk="name")


def ensure_tokens(db: Database, organiser: str = "", host: str = "") -> Tokens:
    """Use the configured tokens, else the stored ones, else make and store new ones."""
    apply_migrations(db, "auth", [_secrets_table])
    with db.atomic():
        stored = {r["name"]: r["value"] for r in db.query("SELECT * FROM app_secrets")}
        for name in ("organiser", "host"):
            if name not in stored:
                stored[name] = secrets.token_urlsafe(18)
                db["app_secrets"].insert({"name": name, "value": stored[name]})
    return Tokens(
        organiser=organiser or stored["organiser"],
        host=host or stored["host"],
        fixed=bool(organiser or host),
    )


def rotate_tokens(db: Database) -> tuple[str, str]:
    """Store new login tokens (the old links stop working) and return them."""
    new = (secrets.token_urlsafe(18), secrets.token_urlsafe(18))
    with db.atomic():
        for name, value in zip(("organiser", "host"), new, strict=True):
            db["app_secrets"].upsert({"name": name, "value": value}, pk="name")
    return new


def required_roles(path: str) -> set[str] | None:
    """Say who may open ``path``; ``None`` means anyone."""
    if not _is_public(path):
        if path.startswith(_ORGANISER_ONLY):
            return {ORGANISER}
        return {ORGANISER, HOST}
    return None


def _is_public(path: str) -> bool:
    """A public page, or under one: ``/pasar`` and ``/pasar/v1``, never ``/pasarku``
    (a later private page must not turn public because its name starts like one)."""
    for prefix in _PUBLIC:
        if path == prefix or path.startswith(prefix if prefix.endswith("/") else prefix + "/"):
            return True
    return False


def _trusted(request: web.Request) -> frozenset[str]:
    return request.config_dict[SETTINGS].trusted_proxy_set


def _from_our_site(request: web.Request) -> bool:
    settings = request.config_dict[SETTINGS]
    return same_origin(request, settings.public_url, settings.trusted_proxy_set)


def _session(request: web.Request) -> sessions.Session | None:
    book = request.config_dict[SESSIONS]
    return book.find(request.cookies.get(COOKIE, ""), datetime.now(UTC))


@web.middleware
async def auth_middleware(request: web.Request, handler):
    """Let a request through only with the right role; unsafe ones need CSRF and our origin."""
    needed = required_roles(request.path)
    if needed is None and not request.path.startswith(("/login", "/logout")):
        return await handler(request)  # viewers' pages: no session to read
    session = _session(request)
    if session:
        request[ROLE], request[CSRF_TOKEN] = session.role, session.csrf
    if needed is None:
        return await handler(request)
    if not session:
        return _login_needed(request)
    if session.role not in needed:
        raise Forbidden("Halaman ini hanya untuk penyelenggara (organisers only).")
    if request.method in _UNSAFE:
        if not _from_our_site(request):
            raise Forbidden(_ORIGIN_TEXT)
        if not await _csrf_ok(request, session.csrf):
            raise Forbidden(_CSRF_TEXT)
    return await handler(request)


async def _csrf_ok(request: web.Request, expected: str) -> bool:
    sent = request.headers.get("X-CSRF-Token", "")
    if not sent and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        form = await read_form(request)
        sent = str(form.get("csrf_token", ""))
    return bool(sent) and same_secret(sent, expected)


def _login_needed(request: web.Request) -> web.StreamResponse:
    if wants_json(request):
        return web.json_response({"error": "login needed", "login": "/login"}, status=401)
    raise web.HTTPFound(f"/login?next={quote(request.path_qs)}")


async def login(request: web.Request) -> web.StreamResponse:
    """Log in from the start-up link (``?token=``) or the form."""
    if request.method == "POST":
        if not _from_our_site(request):
            raise Forbidden(_ORIGIN_TEXT)
        form = await read_form(request)
        token, target = str(form.get("token", "")), str(form.get("next", ""))
    else:
        token, target = request.query.get("token", ""), request.query.get("next", "")
    if not token:
        return render(request, "login.html", error="", next=target)
    limiter, address = (
        request.config_dict[LOGIN_LIMITER],
        client_address(request, _trusted(request)),
    )
    wait = limiter.retry_after(address, time.monotonic())
    if wait is not None:
        text = f"Terlalu banyak percobaan; coba lagi {wait} detik lagi (too many attempts)."
        response = render(request, "login.html", status=429, error=text, next=target)
        response.headers["Retry-After"] = str(wait)
        return response
    role = request.config_dict[TOKENS].role_for(token.strip())
    if role is None:
        limiter.failed(address, time.monotonic())
        return render(
            request, "login.html", status=401, error="Token salah (wrong token).", next=target
        )
    limiter.succeeded(address)
    default = "/editor" if role == ORGANISER else "/"
    response = web.HTTPFound(safe_next(target, default))
    await _end_session(request)  # a login never keeps an id someone else may have planted
    await _start_session(request, response, role)
    raise response


async def _start_session(request: web.Request, response: web.StreamResponse, role: str) -> None:
    now = datetime.now(UTC)
    session_id, session = sessions.new_session(role, now)
    await request.config_dict[STORE].run(sessions.save_session, session, now)
    request.config_dict[SESSIONS].add(session)
    settings = request.config_dict[SETTINGS]
    response.set_cookie(
        COOKIE,
        session_id,
        max_age=sessions.SESSION_DAYS * 24 * 3600,
        httponly=True,
        samesite="Lax",
        path="/",
        secure=is_https(request, settings.public_url, settings.trusted_proxy_set),
    )


async def _end_session(request: web.Request) -> None:
    session = _session(request)
    if session is not None:
        request.config_dict[SESSIONS].drop(session.key)
        await request.config_dict[STORE].run(sessions.delete_session, session.key)


async def logout(request: web.Request) -> web.StreamResponse:
    """Log out with a POST carrying the CSRF token; the session ends on the server too."""
    session = _session(request)
    if session and not (_from_our_site(request) and await _csrf_ok(request, session.csrf)):
        raise Forbidden(_CSRF_TEXT)
    await _end_session(request)
    response = web.HTTPFound("/login")
    response.del_cookie(COOKIE, path="/")
    raise response


async def logout_everywhere(request: web.Request) -> web.StreamResponse:
    """End every session, make new login links unless the settings fix them, show them."""
    the_store, tokens = request.config_dict[STORE], request.config_dict[TOKENS]
    ended = request.config_dict[SESSIONS].clear()
    await the_store.run(sessions.delete_all_sessions)
    if not tokens.fixed:
        tokens.organiser, tokens.host = await the_store.run(rotate_tokens)
    settings = request.config_dict[SETTINGS]
    base = (settings.public_url or f"{request.scheme}://{request.host}").rstrip("/")
    links = login_links(tokens, base) if not tokens.fixed else {}
    response = render(request, "logged_out.html", ended=ended, links=links, fixed=tokens.fixed)
    await _start_session(request, response, ORGANISER)
    response.headers["Cache-Control"] = "no-store"
    return response


def login_links(tokens: Tokens, base_url: str) -> dict[str, str]:
    """The links printed at start-up, one per role."""
    return {
        ORGANISER: f"{base_url}/login?token={quote(tokens.organiser)}&next=/editor",
        HOST: f"{base_url}/login?token={quote(tokens.host)}&next=/",
    }
