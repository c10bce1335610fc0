"""What the chat pollers need of their collaborators, and nothing more.

The YouTube adapter is a ``ChatSource``, the order desk an ``OrderSink``, the rotation a
``ShowSchedule``; the pollers' shared quota plan is each poller's ``QuotaPlanner``. A
test passes a small fake that does exactly this, and nothing it does not.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo

from orchestrator.orders.model import ChatMessage, Cursor, IngestResult
from orchestrator.platforms.quota_plan import Plan
from orchestrator.rotation.engine import ChannelState

if TYPE_CHECKING:  # the adapter module loads the google client; only its page type is needed
    from orchestrator.platforms.youtube import ChatPage


class QuotaTally(Protocol):
    """The adapter's count of today's YouTube units."""

    @property
    def used(self) -> int:
        """Units spent today."""
        ...

    def left(self) -> int:
        """Units left today."""
        ...


class ChatSource(Protocol):
    """Reads a live chat page by page and posts into it (the YouTube adapter)."""

    @property
    def quota(self) -> QuotaTally: ...

    async def list_chat(
        self, live_chat_id: str, page_token: str | None, max_results: int
    ) -> ChatPage:
        """Read the page after ``page_token``."""
        ...

    async def insert_chat(self, live_chat_id: str, text: str) -> object:
        """Post ``text`` as the channel."""
        ...


class OrderSink(Protocol):
    """Stores chat pages as orders with the cursor to resume from (the order desk)."""

    async def load_cursor(self, platform: str, chat_id: str) -> Cursor | None:
        """The cursor saved with the chat's last stored page."""
        ...

    async def ingest(self, messages: Sequence[ChatMessage], cursor: Cursor) -> IngestResult:
        """Store one page and its cursor in one transaction."""
        ...

    def pending_replies(self, channel: str, platform: str, limit: int) -> list[str]:
        """Take the confirmations due in the channel's chat."""
        ...


class AiringChannel(Protocol):
    """One channel as the rotation last worked it out."""

    @property
    def state(self) -> ChannelState | None: ...


class ShowSchedule(Protocol):
    """The rotation's reads the quota plan needs: every channel's state, the event's zone."""

    @property
    def channels(self) -> Mapping[str, AiringChannel]: ...

    @property
    def tz(self) -> ZoneInfo: ...


class QuotaPlanner(Protocol):
    """The quota plan every poller shares: asked before each read and each reply."""

    @property
    def quota_left(self) -> int: ...

    def plan(self, platform_ms: int | None) -> Plan:
        """The wait before the next read."""
        ...

    def may_reply(self, platform_ms: int | None) -> bool:
        """Tell whether one chat message fits the quota now."""
        ...

    def replied(self) -> None:
        """Count one chat message sent."""
        ...
