"""The sandbox app's typed keys, declared in one place."""

from __future__ import annotations

from aiohttp import web

from .state import SandboxState

STATE_KEY = web.AppKey("sandbox_state", SandboxState)
