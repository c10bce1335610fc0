"""The checkout in the app: its start-up after the order desk, and the buyer's routes.

Only the app factory imports this module.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from kernel.keys import CHECKOUT, CLOCK, ORDER_DESK, PUBLISHER, SCHEDULE, SETTINGS, STORE
from orchestrator.checkout import binding, pages
from orchestrator.checkout.service import Checkout


async def checkout_ctx(app: web.Application) -> AsyncIterator[None]:
    """Start once the desk runs: the checkout listens to it and ingests link orders."""
    settings = app[SETTINGS]
    proofs = settings.db.resolve().parent / "bukti-bayar"
    checkout = Checkout(app[STORE], app[PUBLISHER], app[SCHEDULE], app[CLOCK], app[ORDER_DESK],
                        proofs)  # fmt: skip
    await checkout.start()
    app[CHECKOUT] = checkout
    yield
    await checkout.stop()


async def commands_ctx(app: web.Application) -> AsyncIterator[None]:
    """Give the desk the chat's ``BAYAR`` command before any chat page arrives."""
    app[ORDER_DESK].commands = binding.bind_messages
    yield


def setup(app: web.Application) -> None:
    """Add the checkout after the order desk (its context starts after the desk's)."""
    app.cleanup_ctx.append(commands_ctx)
    app.cleanup_ctx.append(checkout_ctx)
    app.router.add_get("/bayar", pages.checkout_page)
    app.router.add_get("/bayar/events", pages.checkout_events)
    app.router.add_post("/bayar/data", pages.save_details)
    app.router.add_post(r"/bayar/paket/{parcel_id:\d+}/sudah-bayar", pages.paid)
    app.router.add_get(r"/bayar/paket/{parcel_id:\d+}/qris.svg", pages.qris_image)
    app.router.add_get("/bayar/pesan/{code}", pages.order_form)
    app.router.add_post("/bayar/pesan/{code}", pages.order_here)
    app.router.add_get("/api/wilayah", pages.regions_json)
