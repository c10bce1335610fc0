"""The order desk in the app: its start-up and the orders pages' routes.

Only the app factory imports this module.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from kernel.keys import (
    CLOCK,
    ORDER_DESK,
    PUBLISHER,
    ROTATION,
    SCHEDULE,
    SOLD_OUT,
    STORE,
    ZOOM_MEETINGS,
)
from kernel.publisher import Message
from orchestrator.orders.desk import OrderDesk
from orchestrator.orders.pages import (
    change_status,
    export_orders,
    orders_events,
    orders_json,
    orders_page,
    vendor_events,
    vendor_export,
    vendor_page,
)
from orchestrator.platforms.ledger import MEETING_TOPIC


async def desk_ctx(app: web.Application) -> AsyncIterator[None]:
    """Start the desk once the schedule feed, the rotation and the overlay bridge (which
    listens to its ``orders`` messages) run."""
    desk = OrderDesk(
        app[STORE], app[PUBLISHER], feed=app[SCHEDULE], clock=app[CLOCK],
        rotation=app.get(ROTATION), zoom_meetings=app[ZOOM_MEETINGS],
    )  # fmt: skip
    await desk.start()
    app[ORDER_DESK] = desk
    app[SOLD_OUT] = desk.sold_out_codes
    yield
    await desk.stop()


def setup(app: web.Application) -> None:
    """Add the order desk and the orders pages (the host's list, each vendor's link)."""
    # Meeting ids are published by the platform side from the moment each is known, even
    # before the desk starts: keep them from set-up on.
    meetings: dict[str, str] = {}

    def meeting_known(message: Message) -> None:
        meetings[str(message.data)] = message.channel

    app[ZOOM_MEETINGS] = meetings
    app[PUBLISHER].listen(MEETING_TOPIC, meeting_known)
    app.cleanup_ctx.append(desk_ctx)
    app.router.add_get("/orders", orders_page)
    app.router.add_get("/orders/events", orders_events)
    app.router.add_get("/orders/export.csv", export_orders)
    app.router.add_post(r"/orders/{order_id:\d+}/status", change_status)
    app.router.add_get("/api/orders", orders_json)
    app.router.add_post(r"/api/orders/{order_id:\d+}/status", change_status)
    app.router.add_get("/v/{token}/pesanan", vendor_page)
    app.router.add_get("/v/{token}/events", vendor_events)
    app.router.add_get("/v/{token}/export.csv", vendor_export)
