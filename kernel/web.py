"""Web plumbing all three packages share: app keys for the store and templates, rendering.

It lives in ``schedules`` because that is the lowest layer: ``overlays`` and
``orchestrator`` may import it, and it imports neither.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web

from kernel.formatting import local_date, local_time, rupiah
from kernel.keys import CSRF_TOKEN, ROLE, STATIC_VERSION, TEMPLATES

PACKAGE_DIRS = [Path(__file__).resolve().parent.parent / name for name in
                ("orchestrator", "overlays", "schedules")]  # fmt: skip


def make_templates() -> jinja2.Environment:
    """Build one autoescaping Jinja environment over every package's ``templates/``."""
    loaders = [jinja2.FileSystemLoader(str(d / "templates")) for d in PACKAGE_DIRS]
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["rupiah"] = rupiah
    env.filters["local_time"] = local_time
    env.filters["local_date"] = local_date
    return env


def static_version() -> str:
    """Hash every static file so browsers (and OBS) fetch new assets after an upgrade."""
    digest = hashlib.sha256()
    for package in PACKAGE_DIRS:
        for path in sorted((package / "static").glob("*")):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def render(request: web.Request, name: str, status: int = 200, **context: Any) -> web.Response:
    """Render a template with what every page needs: CSRF token, role, asset version."""
    app = request.config_dict
    page = (
        app[TEMPLATES]
        .get_template(name)
        .render(
            csrf_token=request.get(CSRF_TOKEN, ""),
            role=request.get(ROLE),
            static_version=app[STATIC_VERSION],
            request_path=request.path,
            **context,
        )
    )
    return web.Response(text=page, status=status, content_type="text/html", charset="utf-8")
