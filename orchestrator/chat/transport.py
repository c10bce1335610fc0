"""How each channel's YouTube chat is read: streaming (streamList) or polling (list).

Pure: the pollers ask ``choose`` before starting a reader and tell ``fell_back`` when a
stream kept failing. Streaming is the default (orders within a second, on the same
quota); ``PASAR_YOUTUBE_CHAT=poll`` switches it off. A channel whose streams failed
repeatedly (``UNAVAILABLE``, ``UNIMPLEMENTED``, ``PERMISSION_DENIED``) is polled for
``retry_stream_s`` and then streamed again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from kernel.times import JAKARTA

STREAM, POLL = "stream", "poll"
MODES = (STREAM, POLL)
# Why a channel reads the way it does (the panel's words for each).
DEFAULT, SETTING, FALLBACK = "default", "setting", "fallback"
# gRPC statuses after which polling may work where streaming does not.
FALLBACK_CODES = frozenset({"UNAVAILABLE", "UNIMPLEMENTED", "PERMISSION_DENIED"})


@dataclass(frozen=True)
class Choice:
    """One channel's transport now, why, and until when a fallback lasts."""

    transport: str
    why: str
    detail: str = ""
    until: datetime | None = None

    def text(self) -> str:
        """Say it for the host, in Indonesian."""
        if self.transport == STREAM:
            return "Chat dibaca lewat streaming (streamList): pesanan masuk dalam hitungan detik."
        if self.why == SETTING:
            return "Chat dibaca dengan polling (PASAR_YOUTUBE_CHAT=poll)."
        at = self.until.astimezone(JAKARTA).strftime("%H:%M") if self.until else "-"
        return (
            f"Streaming chat gagal berulang kali ({self.detail}); sementara dibaca dengan "
            f"polling, streaming dicoba lagi pukul {at} WIB."
        )


@dataclass
class Transports:
    """Every channel's transport: the setting, and the fallbacks in force."""

    mode: str = STREAM
    retry_stream_s: float = 600.0
    _fallbacks: dict[str, Choice] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"youtube_chat must be stream or poll, got {self.mode!r}")

    def choose(self, channel: str, now: datetime) -> Choice:
        """How to read ``channel``'s chat from ``now``."""
        if self.mode == POLL:
            return Choice(POLL, SETTING)
        fallback = self._fallbacks.get(channel)
        if fallback is not None and fallback.until is not None and now < fallback.until:
            return fallback
        self._fallbacks.pop(channel, None)
        return Choice(STREAM, DEFAULT)

    def fell_back(self, channel: str, now: datetime, detail: str) -> Choice:
        """Streaming kept failing on ``channel``: poll it for a while."""
        until = now + timedelta(seconds=self.retry_stream_s)
        choice = self._fallbacks[channel] = Choice(POLL, FALLBACK, detail, until)
        return choice
