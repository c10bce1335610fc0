"""What the service may say back in chat: batched confirmations and unknown-code replies.

Pure: texts are built here and queued; the platform side drains the queue and sends
when its quota allows. A live chat moves fast and every YouTube insert costs 20 quota
units, so confirmations are batched ("Tercatat: @Budi K01x2, @Sari M12x1"), each
message stays within 200 characters, and one queue gives out at most one message every
``every_s`` seconds.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

MAX_CHARS = 200
MAX_NAME = 30
MAX_PENDING = 200
CONFIRM_PREFIX = "Tercatat: "


@dataclass(frozen=True, slots=True, eq=False)
class Confirmation:
    """One order to confirm: who, which code, how many, and whether it waits for stock.

    Compared by identity: ``ReplyQueue.say`` looks for a text among up to 200 of these,
    and a dataclass ``__eq__`` would be a Python call for each.
    """

    name: str
    code: str
    qty: int
    waiting: bool = False


def mention(name: str) -> str:
    """Write ``@Name`` from a display name: one line, no control characters, not too long."""
    clean = " ".join("".join(ch for ch in name if ch.isprintable()).split())
    if len(clean) > MAX_NAME:
        clean = clean[: MAX_NAME - 1] + "…"
    return "@" + (clean or "kak")


def _item(entry: Confirmation) -> str:
    return f"{entry.code}x{entry.qty}" + (" (antre)" if entry.waiting else "")


def _parts(entries: Sequence[Confirmation]) -> list[tuple[int, str]]:
    """One part per run of a viewer's entries: ``@Budi K01x2 M12x1``, with how many it uses."""
    parts: list[tuple[int, str]] = []
    i = 0
    while i < len(entries):
        j = i
        while j < len(entries) and entries[j].name == entries[i].name:
            j += 1
        items = " ".join(_item(e) for e in entries[i:j])
        parts.append((j - i, f"{mention(entries[i].name)} {items}"))
        i = j
    return parts


def confirmation_texts(
    entries: Sequence[Confirmation], max_chars: int = MAX_CHARS, tail: str = ""
) -> list[tuple[int, str]]:
    """Pack confirmations into messages of at most ``max_chars``; each with how many it holds.

    ``tail`` ends every message (where to pay: `` Bayar: pasar.id/bayar``).
    """
    if tail:
        packed = confirmation_texts(entries, max_chars - len(tail))
        return [(count, text + tail) for count, text in packed]
    messages: list[tuple[int, str]] = []
    used, text = 0, ""
    for count, part in _parts(entries):
        candidate = f"{text}, {part}" if text else CONFIRM_PREFIX + part
        if text and len(candidate) > max_chars:
            messages.append((used, text))
            used, candidate = 0, CONFIRM_PREFIX + part
        used, text = used + count, _cut(candidate, max_chars)
    if text:
        messages.append((used, text))
    return messages


def _cut(text: str, max_chars: int) -> str:
    return text if len(text) <= max_chars else text[: max_chars - 1] + "…"


def unknown_code_reply(
    codes: Sequence[str], on_air: Sequence[str], name: str | None = None, max_chars: int = MAX_CHARS
) -> str:
    """Tell a viewer politely that a code does not exist, and which codes are on air now."""
    head = f"{mention(name)} " if name else ""
    text = f"{head}Maaf kak, kode {', '.join(codes[:5])} tidak ada."
    if on_air:
        shown: list[str] = []
        for code in on_air:
            candidate = f"{text} Yang tayang sekarang: {', '.join([*shown, code])}"
            if len(candidate) > max_chars:
                break
            shown.append(code)
        if shown:
            return f"{text} Yang tayang sekarang: {', '.join(shown)}"
    return _cut(f"{text} Lihat kode produk di layar ya.", max_chars)


class ReplyQueue:
    """Replies waiting to be sent in one chat, given out at most one every ``every_s``.

    During a rush the oldest confirmations are dropped beyond ``max_pending``: a
    confirmation minutes late helps nobody, and the orders page has them all.
    """

    def __init__(
        self, every_s: float = 10.0, max_pending: int = MAX_PENDING, tail: str = ""
    ) -> None:
        self.every = timedelta(seconds=every_s)
        self.tail = tail
        self.items: deque[Confirmation | str] = deque(maxlen=max_pending)
        self.last_given: datetime | None = None

    def __len__(self) -> int:
        return len(self.items)

    def confirm(self, entries: Iterable[Confirmation]) -> None:
        """Queue orders to confirm; they are batched when taken."""
        self.items.extend(entries)

    def say(self, text: str) -> None:
        """Queue a ready reply, unless the same text is already waiting."""
        if text not in self.items:
            self.items.append(text)

    def take(self, now: datetime, limit: int = 1) -> list[str]:
        """Give out up to ``limit`` messages if the last one went ``every_s`` ago or more."""
        if self.last_given is not None and now - self.last_given < self.every:
            return []
        given: list[str] = []
        while self.items and len(given) < limit:
            front = self.items[0]
            if isinstance(front, str):
                given.append(self.items.popleft())
                continue
            batch = []
            for item in self.items:
                if not isinstance(item, Confirmation):
                    break
                batch.append(item)
            count, text = confirmation_texts(batch, tail=self.tail)[0]
            for _ in range(count):
                self.items.popleft()
            given.append(text)
        if given:
            self.last_given = now
        return given
