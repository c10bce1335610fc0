"""Orders as plain data: chat messages in, orders and what a page of chat did out.

Chat messages and orders are NamedTuples: as immutable as frozen dataclasses, but a
busy page builds thousands of them and a frozen dataclass costs five times as much.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

NEW, CONFIRMED, PAID, SHIPPED = "new", "confirmed", "paid", "shipped"
CANCELLED, WAITING, EXPIRED = "cancelled", "waiting", "expired"
STATUSES = (NEW, CONFIRMED, PAID, SHIPPED, WAITING, CANCELLED, EXPIRED)
# Orders holding stock: a product's stock is used by the qty of these.
HOLDS_STOCK = frozenset({NEW, CONFIRMED, PAID, SHIPPED})
# Orders a viewer can still cancel from chat; paid and shipped ones only the host can.
CHAT_CANCELLABLE = frozenset({NEW, CONFIRMED, WAITING})
# Orders whose hold runs out at ``hold_until``: only unpaid claims nobody acted on.
# A confirmed order (the host confirmed it, or the buyer said they paid and the vendor
# is checking), a paid one and a shipped one never expire; a waiting one holds nothing
# and gets its deadline when it moves up.
EXPIRES = frozenset({NEW})
# Orders that are over: nothing moves them any more, not even the host.
FINAL = frozenset({CANCELLED, EXPIRED})

STATUS_LABELS = {
    NEW: "baru",
    CONFIRMED: "dikonfirmasi",
    PAID: "dibayar",
    SHIPPED: "dikirim",
    WAITING: "antre (stok habis)",
    CANCELLED: "batal",
    EXPIRED: "kedaluwarsa",
}


class ChatMessage(NamedTuple):
    """One viewer message as a platform gave it; (platform, message_id) is the dedupe key."""

    platform: str  # "youtube" | "zoom"
    message_id: str
    channel: str  # our channel id (utama, kuliner)
    author_id: str  # YouTube authorDetails.channelId / Zoom sender_session_id or name
    author_name: str
    text: str
    published_at: datetime  # aware UTC
    kind: str = "text"  # "text" | "superchat" | other
    amount_micros: int | None = None
    currency: str | None = None


@dataclass(frozen=True)
class Cursor:
    """Where a chat poller stands: the next page token, saved with the page it follows."""

    platform: str
    chat_id: str
    page_token: str | None
    polling_ms: int | None = None
    quota_spent: int | None = None


class Order(NamedTuple):
    """One product ordered by one viewer from one chat message."""

    id: int
    code: str
    vendor_id: str
    channel: str
    slot_id: str | None
    qty: int
    status: str
    platform: str
    author_id: str
    author_name: str
    message_id: str
    text: str
    created_at: datetime  # when the message was published (UTC)
    price_idr: int  # the unit price when the order was taken
    amount_micros: int | None = None  # a Super Chat's amount (the whole message's)
    currency: str | None = None
    updated_at: datetime | None = None
    hold_until: datetime | None = None  # a new order expires then unless it moves on

    @property
    def total_idr(self) -> int:
        return self.price_idr * self.qty

    @property
    def first_name(self) -> str:
        return (self.author_name.split() or [""])[0]


@dataclass(frozen=True)
class IngestResult:
    """What one page of chat did; ``orders`` holds the orders it created (new or waiting)."""

    new_messages: int = 0
    duplicates: int = 0
    orders: list[Order] = field(default_factory=list)
    cancelled: list[Order] = field(default_factory=list)  # as they are after (maybe reduced)
    waiting: list[Order] = field(default_factory=list)  # the created orders that wait
    promoted: list[Order] = field(default_factory=list)  # waiting orders that moved up
    limited: list[tuple[ChatMessage, str, int]] = field(default_factory=list)  # code, units cut
    unknown_codes: list[tuple[ChatMessage, list[str]]] = field(default_factory=list)
