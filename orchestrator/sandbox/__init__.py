"""Loopback fakes of the YouTube Data API v3 and Zoom API v2 for tests and rehearsals.

One aiohttp app serves both services from one shared `SandboxState`, so a Zoom meeting
that starts streaming to a sandbox YouTube ingestion address makes that stream active.
"""

from .audience import Audience, SentMessage, make_message
from .faults import Faults
from .server import Sandbox, create_app, start_sandbox
from .state import SandboxConfig, SandboxState
from .zoom_webhook import sign_zoom_webhook, url_validation_token

__all__ = [
    "Audience",
    "Faults",
    "Sandbox",
    "SandboxConfig",
    "SandboxState",
    "SentMessage",
    "create_app",
    "make_message",
    "sign_zoom_webhook",
    "start_sandbox",
    "url_validation_token",
]
