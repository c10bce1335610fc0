"""The rehearsal's record of how each show day's chat was read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kernel.clock import ManualClock
from kernel.publisher import Message
from kernel.times import JAKARTA
from orchestrator.rehearsal.chat_transport import ChatTransports

DAY1 = datetime(2027, 2, 15, 3, 0, tzinfo=UTC)


def status(channel: str, **data) -> Message:
    return Message("panel.chat", channel, data)


def test_days_keep_transports_reconnects_fallbacks_and_chat_units():
    """Reconnects add up across streamers, a fallback counts once, units split by day."""
    clock = ManualClock(DAY1)
    spent = {"liveChatMessages.streamList": 5, "liveBroadcasts.list": 9}
    record = ChatTransports(clock.now, JAKARTA, lambda: spent)
    record(status("utama", transport="stream", reconnects=0, fallbacks=0))
    record(status("utama", transport="stream", reconnects=2, fallbacks=0))
    record(status("utama", transport="poll", reconnects=2, fallbacks=1))
    spent["liveChatMessages.list"] = 10
    record(status("utama", transport="stream", reconnects=1, fallbacks=1))  # a new streamer
    clock.advance(timedelta(days=1))
    spent["liveChatMessages.streamList"] = 25
    record(status("utama", transport="stream", reconnects=3, fallbacks=1))
    first, second = record.rows()
    assert first == {"date": "2027-02-15", "channel": "utama", "transports": ["poll", "stream"],
                     "reconnects": 3, "fallbacks": 1, "chat_units": 15}  # fmt: skip
    assert (second["reconnects"], second["fallbacks"], second["chat_units"]) == (2, 0, 20)
