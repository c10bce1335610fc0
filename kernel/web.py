"""Page rendering all three rooms share: one Jinja environment, asset versions, ``render``.

The app factory says which package folders hold ``templates/`` and ``static/``; the
kernel names none of them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web

from kernel.formatting import kilograms, local_date, local_time, rupiah
from kernel.keys import CSRF_TOKEN, ROLE, STATIC_VERSION, TEMPLATES


def make_templates(package_dirs: Sequence[Path]) -> jinja2.Environment:
    """Build one autoescaping Jinja environment over every package's ``templates/``."""
    loaders = [jinja2.FileSystemLoader(str(d / "templates")) for d in package_dirs]
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["rupiah"] = rupiah
    env.filters["kg"] = kilograms
    env.filters["local_time"] = local_time
    env.filters["local_date"] = local_date
    return env


def static_version(package_dirs: Sequence[Path]) -> str:
    """Hash every static file so browsers (and OBS) fetch new assets after an upgrade."""
    digest = hashlib.sha256()
    for package in package_dirs:
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
