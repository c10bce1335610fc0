"""What the order desk says back in each chat: one reply queue per (platform, channel).

Confirmations (ending with where to pay), unknown codes, per-buyer limits and "stock is
yours now" notices are queued here as the desk's pages and sweeps decide them; the
platform side takes them when its quota allows.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from orchestrator.chat.replies import MAX_PENDING, Confirmation, ReplyQueue, unknown_code_reply
from orchestrator.orders import notices, writes
from orchestrator.orders.model import NEW, WAITING
from schedules.model import Event


class DeskReplies:
    """The desk's chat replies; ``event`` gives the event in force (for its base URL)."""

    def __init__(self, every_s: float, event: Callable[[], Event | None]) -> None:
        self.every_s = every_s
        self._event = event
        self._queues: dict[tuple[str, str], ReplyQueue] = {}

    def queue(self, platform: str, channel: str) -> ReplyQueue:
        key = (platform, channel)
        if key not in self._queues:
            self._queues[key] = ReplyQueue(self.every_s, tail=pay_tail(self._event()))
        return self._queues[key]

    def page(self, outcome: writes.Outcome) -> None:
        """Queue what a page of chat calls for: confirmations, unknown codes, limits."""
        # A queue keeps only its latest entries, so a rush needs only the page's last ones.
        for order in outcome.created[-MAX_PENDING:]:
            if order.status not in (NEW, WAITING):
                continue  # cancelled in the same page: nothing to confirm
            self.queue(order.platform, order.channel).confirm(
                [Confirmation(order.author_name, order.code, order.qty, order.status == WAITING)]
            )
        for unknown in outcome.unknown:
            m = unknown.message
            text = unknown_code_reply(unknown.codes, unknown.on_air, m.author_name)
            self.queue(m.platform, m.channel).say(text)
        for m, cut in outcome.limited[-MAX_PENDING:]:
            text = notices.limited_reply(m.author_name, cut.code, cut.allowed, cut.limit)
            self.queue(m.platform, m.channel).say(text)

    def moved_up(
        self, outcome: writes.Outcome, event: Event | None, tz: ZoneInfo, now: datetime
    ) -> None:
        """Tell each buyer who moved up, while their channel is live, until when to pay."""
        for order in outcome.promoted[-MAX_PENDING:]:
            if order.status != NEW or not live(event, order.channel, now):
                continue
            text = notices.moved_up_reply(
                order.author_name, order.code, order.qty, order.hold_until, tz
            )
            self.queue(order.platform, order.channel).say(text)


def live(event: Event | None, channel: str, now: datetime) -> bool:
    """Is ``channel``'s day of slots under way (its first start to its last end)?"""
    if event is None:
        return False
    slots = [s for s in event.slots if s.channel == channel]
    return bool(slots) and min(s.start for s in slots) <= now < max(s.end for s in slots)


def pay_tail(event: Event | None) -> str:
    """Where a confirmed buyer pays, said after each confirmation: `` · Bayar: host/bayar``."""
    base = event.base_url if event else ""
    host = base.split("://", 1)[-1].rstrip("/")
    return f" · Bayar: {host}/bayar" if host else ""
