"""The report's page in the app. Only the app factory imports this module."""

from __future__ import annotations

from aiohttp import web

from orchestrator.report.pages import report_page


def setup(app: web.Application) -> None:
    app.router.add_get("/laporan", report_page)
