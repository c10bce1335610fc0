"""A simulated audience that types Indonesian live-selling chat and remembers what it meant."""

from __future__ import annotations

import asyncio
import random
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from .errors import SandboxError
from .state import SandboxState

JAKARTA = ZoneInfo("Asia/Jakarta")
DEFAULT_UNKNOWN_CODES = ("Z99", "Q07", "W15")
# At high clock speeds the audience types several due messages per wake-up, waking at most
# this often in real time: 300 messages a real second at 600x would otherwise be 300 timers.
WAKE_EVERY_REAL_S = 0.01
# A backlog longer than both of these means the clock skipped hours nobody watched (a
# busy event loop only ever stalls for a moment of real time): the audience starts again
# from now instead of typing those hours all at once.
MAX_BACKLOG = timedelta(minutes=5)
MAX_STALL_REAL_S = 2.0
QTY_WORDS = ("satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan")

# Templates and what ORDER-GRAMMAR.md says they mean. In the quantity column, "q" is the
# digit quantity, "w" the word quantity, and a number is a fixed quantity.
ORDERS: tuple[tuple[str, Any], ...] = (
    ("{c} {q}", "q"),
    ("{c}", 1),
    ("mau {c} ya kak", 1),
    ("{q} bungkus {c}", "q"),
    ("{c}x{q}", "q"),
    ("{q}x {c}", "q"),
    ("keep {c}", 1),
    ("beli {c} {w} ya", "w"),
    ("pesan {c} {q}", "q"),
    ("order {c} x {q}", "q"),
    ("{c} {q}pcs", "q"),
    ("mau sebungkus {c} dong", 1),
    ("ambil {c} {q} box", "q"),
    ("{c} {q} kak makasih", "q"),
    ("co {c} {q}pcs", "q"),
    ("🙏 {c} {q} 🙏", "q"),
    ("{c} = {q}", "q"),
    ("Mau order {c}, {q} toples!", "q"),
    ("{w} {c}", "w"),
    ("booking {c}", 1),
    ("minta {c} sepaket", 1),
)
PAIRS = ("{c} {q} {d} {r}", "{q} {c} {r} {d}", "mau {c} {q} pcs sama {d} {r} pcs")
CANCELS: tuple[tuple[str, Any], ...] = (
    ("batal {c}", 0),
    ("{c} gak jadi kak", 0),
    ("gajadi {c}", 0),
    ("tidak jadi {c}", 0),
    ("cancel {q} {c}", "q"),
    ("nggak jadi {c} {q}", "q"),
)
QUESTIONS = (
    "{c} berapa kak?",
    "{c} harganya berapa?",
    "{c} masih ada kak",
    "ready {c}?",
    "{c} bisa cod?",
    "mau tanya {c} bahannya",
)
CHATTER = ("{c} enak banget kemarin", "{c} bagus kak warnanya")
GREETINGS = (
    "halo kak",
    "{daypart} semua 🙏",
    "semangat jualannya kak",
    "hadir kak",
    "salam dari Jember",
)
EMOJI = ("😍😍😍", "🔥🔥", "👍", "❤️❤️", "👏👏👏")
UNKNOWN = ("{u} 2", "mau {u} ya")
FIRST_NAMES = ("Budi", "Siti", "Ayu", "Dewi", "Rina", "Agus", "Wati", "Putri", "Eko", "Joko")
LAST_NAMES = ("Santoso", "Lestari", "Wijaya", "Hidayat", "Kusuma", "Rahayu", "Saputra")

NONE: dict[str, Any] = {"kind": "none", "items": []}


def spell(rng: random.Random, code: str) -> str:
    """Write a catalog code the ways viewers do: `K01`, `k01`, `k1` or `k001`."""
    letters = code.rstrip(string.digits)
    number = int(code[len(letters) :])
    return rng.choice((code, code.lower(), f"{letters.lower()}{number}", f"{letters}{number:03d}"))


def _expected(kind: str, items: list[tuple[str, int]]) -> dict[str, Any]:
    """Write a parse result in the shape of the chat fixtures."""
    return {"kind": kind, "items": [{"code": c, "qty": q} for c, q in items]}


def _fill(rng: random.Random, pattern: str, qty_rule: Any, code: str) -> tuple[str, int]:
    """Render a one-code template and return its text and quantity."""
    qty = rng.randint(1, 5)
    word = rng.randint(1, len(QTY_WORDS))
    text = pattern.format(c=spell(rng, code), q=qty, w=QTY_WORDS[word - 1])
    value = {"q": qty, "w": word}.get(qty_rule, qty_rule)
    return text, int(value)


def _usable(pattern: str, code: str) -> bool:
    """Skip `x` quantity forms for codes containing an `x`, which the grammar cannot split."""
    return "x" not in code.lower() or "x" not in pattern.replace("{c}", "")


def make_order(rng: random.Random, codes: Sequence[str]) -> tuple[str, dict[str, Any]]:
    """Type an order for one or two codes on air."""
    if len(codes) > 1 and rng.random() < 0.15:
        first, second = rng.sample(list(codes), 2)
        q, r = rng.randint(1, 5), rng.randint(1, 5)
        pattern = rng.choice(PAIRS)
        text = pattern.format(c=spell(rng, first), d=spell(rng, second), q=q, r=r)
        return text, _expected("order", [(first, q), (second, r)])
    code = rng.choice(list(codes))
    pattern, rule = rng.choice([t for t in ORDERS if _usable(t[0], code)])
    text, qty = _fill(rng, pattern, rule, code)
    return text, _expected("order", [(code, qty)])


def make_cancel(rng: random.Random, code: str) -> tuple[str, dict[str, Any]]:
    """Type a cancel of one code."""
    pattern, rule = rng.choice(CANCELS)
    text, qty = _fill(rng, pattern, rule, code)
    return text, _expected("cancel", [(code, qty)])


def _daypart(now: datetime) -> str:
    """Greet by the time of day in Jakarta."""
    hour = now.astimezone(JAKARTA).hour
    part = "pagi" if hour < 11 else "siang" if hour < 15 else "sore" if hour < 18 else "malam"
    return f"selamat {part}"


def make_message(
    rng: random.Random,
    codes_on_air: Sequence[str],
    now: datetime,
    unknown_codes: Sequence[str] = DEFAULT_UNKNOWN_CODES,
) -> tuple[str, dict[str, Any]]:
    """Type one viewer message and say how the order grammar must read it."""
    roll = rng.random()
    if codes_on_air and roll < 0.50:
        return make_order(rng, codes_on_air)
    if codes_on_air and roll < 0.55:
        return make_cancel(rng, rng.choice(list(codes_on_air)))
    if codes_on_air and roll < 0.70:
        pattern = rng.choice(QUESTIONS + CHATTER)
        return pattern.format(c=spell(rng, rng.choice(list(codes_on_air)))), dict(NONE)
    if unknown_codes and roll < 0.78:
        return rng.choice(UNKNOWN).format(u=rng.choice(list(unknown_codes))), dict(NONE)
    if roll < 0.90:
        return rng.choice(GREETINGS).format(daypart=_daypart(now)), dict(NONE)
    return rng.choice(EMOJI), dict(NONE)


@dataclass(frozen=True)
class SentMessage:
    """One message the audience typed, with the parse result it expects."""

    message_id: str
    live_chat_id: str
    author_channel_id: str
    display_name: str
    published_at: str
    text: str
    event_type: str
    expected: dict[str, Any]
    amount_micros: int | None = None


@dataclass
class Viewer:
    """A member of the audience, who remembers what they have ordered."""

    channel_id: str
    display_name: str
    open_codes: list[str] = field(default_factory=list)


class Audience:
    """Types chat into one live chat at `rate` messages per simulated second."""

    def __init__(
        self,
        state: SandboxState,
        live_chat_id: str,
        codes_on_air: Callable[[], Sequence[str]] | Sequence[str],
        rate: float = 1.0,
        seed: int = 0,
        *,
        viewers: int = 40,
        unknown_codes: Sequence[str] = DEFAULT_UNKNOWN_CODES,
        super_chat_share: float = 0.03,
        regret_share: float = 0.08,
    ) -> None:
        if rate <= 0:
            raise ValueError(f"audience rate must be positive, got {rate}")
        self.state = state
        self.live_chat_id = live_chat_id
        self._codes = codes_on_air if callable(codes_on_air) else (lambda: codes_on_air)
        self.rate = rate
        self.unknown_codes = tuple(unknown_codes)
        self.super_chat_share = super_chat_share
        self.regret_share = regret_share
        self.rng = random.Random(seed)
        self.viewers = [self._new_viewer() for _ in range(viewers)]
        self.sent: list[SentMessage] = []
        # Called with each message as it is typed (the simulated buyers follow their viewers).
        self.listeners: list[Callable[[SentMessage], None]] = []
        self._origin = state.clock.now()
        self._timed = 0
        self._changed = asyncio.Event()

    def _new_viewer(self) -> Viewer:
        """Invent a viewer with a stable channel id."""
        alphabet = string.ascii_letters + string.digits + "-_"
        channel = "UC" + "".join(self.rng.choices(alphabet, k=22))
        name = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"
        return Viewer(channel, name)

    def emit(self, n: int = 1, published_at: datetime | None = None) -> list[SentMessage]:
        """Type `n` messages now (or at `published_at`) and return what was sent."""
        return [self._emit_one(published_at) for _ in range(n)]

    def _emit_one(self, published_at: datetime | None) -> SentMessage:
        """Choose a viewer and a message, post it, and remember it."""
        when = published_at or self.state.clock.now()
        viewer, text, expected = self._compose(when)
        amount = None
        if expected["kind"] == "order" and self.rng.random() < self.super_chat_share:
            amount = self.rng.choice((10_000, 20_000, 50_000, 100_000))
        message = self.state.add_chat_message(
            self.live_chat_id,
            text,
            author_channel_id=viewer.channel_id,
            display_name=viewer.display_name,
            super_chat_idr=amount,
            published_at=when,
        )
        self._remember(viewer, expected)
        record = SentMessage(
            message_id=message["id"],
            live_chat_id=self.live_chat_id,
            author_channel_id=viewer.channel_id,
            display_name=viewer.display_name,
            published_at=message["snippet"]["publishedAt"],
            text=text,
            event_type=message["snippet"]["type"],
            expected=expected,
            amount_micros=None if amount is None else amount * 1_000_000,
        )
        self.sent.append(record)
        for listener in self.listeners:
            listener(record)
        self._changed.set()
        return record

    def _compose(self, when: datetime) -> tuple[Viewer, str, dict[str, Any]]:
        """Pick who speaks and what; some viewers take back an earlier order."""
        regretful = [v for v in self.viewers if v.open_codes]
        if regretful and self.rng.random() < self.regret_share:
            viewer = self.rng.choice(regretful)
            text, expected = make_cancel(self.rng, self.rng.choice(viewer.open_codes))
            return viewer, text, expected
        viewer = self.rng.choice(self.viewers)
        codes = list(self._codes())
        text, expected = make_message(self.rng, codes, when, self.unknown_codes)
        return viewer, text, expected

    @staticmethod
    def _remember(viewer: Viewer, expected: dict[str, Any]) -> None:
        """Track the viewer's open orders so a later cancel names a real one."""
        codes = [item["code"] for item in expected["items"]]
        if expected["kind"] == "order":
            viewer.open_codes.extend(c for c in codes if c not in viewer.open_codes)
        elif expected["kind"] == "cancel":
            viewer.open_codes = [c for c in viewer.open_codes if c not in codes]

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Type at `rate` in the clock's time until stopped or the chat closes.

        Message k is due `k / rate` simulated seconds after the audience was made and is
        published at that moment; the loop sleeps on the clock until the next batch is due.
        """
        clock = self.state.clock
        batch = max(1, round(clock.speed * WAKE_EVERY_REAL_S * self.rate))
        backlog = max(MAX_BACKLOG, timedelta(seconds=clock.speed * MAX_STALL_REAL_S))
        while stop is None or not stop.is_set():
            try:
                self._type_due(clock.now(), backlog)
            except SandboxError:
                return
            await clock.sleep_until(self._due(self._timed + batch), wake=stop)

    def _due(self, k: int) -> datetime:
        """When message k is due, in simulated time."""
        return self._origin + timedelta(seconds=k / self.rate)

    def _type_due(self, now: datetime, backlog: timedelta) -> None:
        """Type every message due by `now`, each published at its own due time."""
        if now - self._due(self._timed + 1) > backlog:
            self._origin, self._timed = now, 0
        while (due := self._due(self._timed + 1)) <= now:
            self._timed += 1
            self._emit_one(due)

    async def wait_sent(self, count: int) -> list[SentMessage]:
        """Wait until at least `count` messages have been typed."""
        while len(self.sent) < count:
            self._changed.clear()
            await self._changed.wait()
        return self.sent
