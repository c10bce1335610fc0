"""Simulated buyers: who in the audience goes on to pay, how, and what each remembers. Pure.

A share of the viewers who claim in the chat become buyers: they open the checkout, type
their ``BAYAR`` code in the chat as themselves, fill an address and pay the vendor, or
never pay and let their claims expire. A few order through a link instead of the chat.
Every choice here is a function of a seeded ``random.Random`` and plain inputs (no
clock, no I/O), so a rehearsal with the same seed makes the same buyers; the HTTP side is
``shoppers``. Each buyer keeps a ``BuyerRecord``: what it meant to do and what it did,
which the rehearsal holds against the database at the end.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

QRIS, TRANSFER = "qris", "transfer"
COURIER, PICKUP = "kurir", "ambil"
CHAT, LINK = "chat", "link"

PAY_SHARE = 0.7  # of buyers, these pay; the rest bind (or order) and never pay
QRIS_SHARE = 0.6  # of payers, these prefer QRIS when the vendor has one
PICKUP_SHARE = 0.2  # of buyers, these want to collect in the pickup town
LINK_SHARE = 0.04  # of chat orders, one in this many makes a link buyer of a stranger
BIND_AFTER = (timedelta(minutes=1), timedelta(minutes=8))  # after the first claim
PAY_AFTER = (timedelta(minutes=5), timedelta(minutes=40))  # after binding (or ordering)
RETURN_WITHIN = timedelta(minutes=20)  # after a skipped night, buyers come back within this
STREETS = ("Jl. Kalimantan", "Jl. Mastrip", "Jl. Gajah Mada", "Jl. Sudirman", "Gg. Melati")
_POSTAL = re.compile(r"\d{5}")


@dataclass(frozen=True)
class Intent:
    """What a buyer means to do, fixed when it is made."""

    pays: bool
    prefers: str  # QRIS or TRANSFER
    pickup: bool
    act_after: timedelta  # from the claim (chat) or the chosen moment (link) to the checkout
    pay_after: timedelta  # from binding to paying


@dataclass(frozen=True)
class Payment:
    """What the sandbox bank or e-wallet sent: to which parcel, how, and how much."""

    parcel_id: int
    vendor: str
    method: str
    amount_idr: int  # what left the buyer's account
    shown_idr: int  # the amount the page showed beside the QR or the account
    transfer_code: int | None = None  # the 3-digit code a transfer carries
    lines: int = 0  # claims the parcel held when paid


@dataclass
class BuyerRecord:
    """One simulated buyer's intent and outcome, for the rehearsal's funnel."""

    kind: str  # CHAT or LINK
    name: str
    intent: Intent
    author_id: str = ""  # the chat author it types as (CHAT)
    live_chat_id: str = ""
    link_code: str = ""  # what it ordered by link (LINK)
    link_qty: int = 0
    link_request_id: str = ""
    ordered: bool = False  # the link order was accepted
    code_typed: str = ""
    bound: bool = False
    details_saved: bool = False
    delivery: str = ""
    payments: list[Payment] = field(default_factory=list)
    messages: int = 0  # chat messages it typed
    outcome: str = "waiting"
    errors: list[str] = field(default_factory=list)

    @property
    def paid_idr(self) -> int:
        return sum(p.amount_idr for p in self.payments)


def is_buyer(rng: random.Random, share: float) -> bool:
    """Whether a viewer seen claiming for the first time becomes a buyer."""
    return share > 0 and rng.random() < share


def makes_link_buyer(rng: random.Random, share: float) -> bool:
    """Whether a chat order also brings a stranger who orders the code by link."""
    return share > 0 and rng.random() < share * LINK_SHARE


def _between(rng: random.Random, span: tuple[timedelta, timedelta]) -> timedelta:
    low, high = span
    return low + (high - low) * rng.random()


def choose_intent(rng: random.Random) -> Intent:
    """Decide whether the buyer pays, how it prefers to, and when it acts."""
    return Intent(
        pays=rng.random() < PAY_SHARE,
        prefers=QRIS if rng.random() < QRIS_SHARE else TRANSFER,
        pickup=rng.random() < PICKUP_SHARE,
        act_after=_between(rng, BIND_AFTER),
        pay_after=_between(rng, PAY_AFTER),
    )


def return_after(rng: random.Random) -> timedelta:
    """How long after the clock jumped a buyer comes back (they do not all come at once)."""
    return RETURN_WITHIN * rng.random()


def link_quantity(rng: random.Random, limit: int) -> int:
    """How many a link buyer orders: 1 or 2, never over the form's maximum."""
    return max(1, min(limit, rng.choice((1, 1, 2))))


def choose_method(prefers: str, offered: Sequence[str]) -> str | None:
    """The buyer's preferred way to pay if the parcel offers it, else the other one."""
    if prefers in offered:
        return prefers
    return next((m for m in (QRIS, TRANSFER) if m in offered), None)


def pick(rng: random.Random, options: Sequence[str]) -> str | None:
    """One of the choices a form's list offers (None when it offers none)."""
    real = [o for o in options if o.strip()]
    return rng.choice(real) if real else None


def postal_code(rng: random.Random, codes: Sequence[str]) -> str:
    """A postal code the regency really has, else a made-up five-digit one."""
    real = [c for c in codes if _POSTAL.fullmatch(str(c))]
    return str(rng.choice(real)) if real else f"{rng.randint(10000, 99999)}"


def address(rng: random.Random, name: str) -> dict[str, str]:
    """The parts of the form that are typed, not chosen: name, WhatsApp, street."""
    phone = f"08{rng.randint(11, 59)}{rng.randint(10_000_000, 99_999_999)}"
    street = f"{rng.choice(STREETS)} No. {rng.randint(1, 200)}, RT {rng.randint(1, 9):02d}"
    return {"name": name, "whatsapp": phone, "street": street}


def outcome(record: BuyerRecord) -> str:
    """Say in a word how it ended, from what it did."""
    if record.errors and not record.payments:
        return "gagal"
    if record.kind == CHAT and not record.bound:
        return "tidak terhubung"
    if record.kind == LINK and not record.ordered:
        return "tidak memesan"
    if record.payments:
        return "membayar"
    return "tidak membayar"
