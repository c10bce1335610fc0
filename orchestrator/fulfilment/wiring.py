"""The vendor's desk in the app: its start-up after the checkout, and its routes.

Only the app factory imports this module.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from kernel.keys import CLOCK, FULFILMENT, ORDER_DESK, PUBLISHER, SCHEDULE, SETTINGS, STORE
from orchestrator.fulfilment import organiser, pages
from orchestrator.fulfilment.service import Fulfilment


async def fulfilment_ctx(app: web.Application) -> AsyncIterator[None]:
    """Start once the order desk runs (cancels go through it) and the checkout's tables exist."""
    proofs = app[SETTINGS].db.resolve().parent / "bukti-bayar"
    app[FULFILMENT] = Fulfilment(app[STORE], app[PUBLISHER], app[SCHEDULE], app[CLOCK],
                                 app[ORDER_DESK], proofs)  # fmt: skip
    yield


def setup(app: web.Application) -> None:
    """Add the vendors' desks and the organisers' receipt and link routes."""
    app.cleanup_ctx.append(fulfilment_ctx)
    app.router.add_get("/v/{token}", pages.desk_page)
    app.router.add_get("/v/{token}/paket/events", pages.desk_events)
    app.router.add_post(r"/v/{token}/paket/{parcel_id:\d+}/{action:[a-z]+}", pages.act)
    app.router.add_get(r"/v/{token}/bukti/{payment_id:\d+}", pages.proof)
    app.router.add_get("/v/{token}/label", pages.labels_page)
    app.router.add_get(r"/orders/bukti/{payment_id:\d+}", organiser.proof)
    app.router.add_get("/orders/paket", organiser.sales_page)
    app.router.add_get("/orders/paket.csv", organiser.sales_csv)
    app.router.add_post("/orders/vendor-links/{vendor_id}/reissue", organiser.reissue_link)
