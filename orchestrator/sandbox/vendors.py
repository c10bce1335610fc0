"""Simulated vendors: when each works its desk, and what it types there. Pure.

One simulated vendor per event vendor keeps its desk (``/v/<token>``) open; when the
desk changes it comes back after a seeded delay and confirms each claimed payment,
packs the parcel, ships it with a courier from the desk's list and a resi of that
courier's usual shape, and quotes shipping where a parcel waits for a quote. Every
choice is a function of a seeded ``random.Random`` and plain inputs (no clock, no I/O);
the HTTP side is ``vendor_desks``. The rehearsal judges a paid parcel left unshipped
against ``WORK_AFTER``'s upper end, as it judges holds against their deadlines.
"""

from __future__ import annotations

import random
import string
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

CONFIRM, PACK, SHIP, QUOTE = "confirm", "pack", "ship", "quote"
# The order a vendor works its desk in: a parcel confirmed is packed, then shipped.
WORK_ORDER = (CONFIRM, PACK, SHIP, QUOTE)
WORK_AFTER = (timedelta(minutes=2), timedelta(minutes=20))  # after the desk changed
# Resi shapes we print for the couriers whose usual numbers we know (see the desk's
# rules.COURIERS): "#" a digit, "A" a capital letter.
RESI_SHAPES = {
    "jne": "CGK#############",
    "jnt": "JP##########",
    "sicepat": "00##########",
    "anteraja": "1#############",
    "pos": "RR#########ID",
    "ninja": "NLIDAA#######",
    "idexpress": "IDE############",
    "tiki": "############",
    "lion": "##-##-########",
}
QUOTE_IDR = (15_000, 150_000)  # a plausible courier price for one parcel, whole thousands


@dataclass
class VendorRecord:
    """One simulated vendor's work, for the rehearsal's report."""

    vendor_id: str
    delay: timedelta  # how long after a change it comes back to its desk
    done: dict[str, int] = field(default_factory=lambda: dict.fromkeys(WORK_ORDER, 0))
    refused: int = 0  # actions the desk refused (a stale page: someone else moved first)
    errors: list[str] = field(default_factory=list)


def work_delay(rng: random.Random) -> timedelta:
    """How long a vendor takes to come back to its desk after something changed."""
    low, high = WORK_AFTER
    return low + (high - low) * rng.random()


def choose_courier(rng: random.Random, offered: Sequence[str]) -> str | None:
    """A courier from the desk's list whose resi shape we know (None when none is)."""
    known = [c for c in offered if c in RESI_SHAPES]
    return rng.choice(known) if known else None


def resi(rng: random.Random, courier: str) -> str:
    """A resi number of ``courier``'s usual shape (digits and capitals at random)."""
    return "".join(
        str(rng.randint(0, 9)) if ch == "#" else rng.choice(string.ascii_uppercase)
        if ch == "A" else ch
        for ch in RESI_SHAPES[courier]
    )  # fmt: skip


def quote_idr(rng: random.Random) -> int:
    """A shipping quote in whole thousands of Rupiah."""
    low, high = QUOTE_IDR
    return rng.randint(low // 1000, high // 1000) * 1000


def fields_for(action: str, rng: random.Random, couriers: Sequence[str]) -> dict[str, str] | None:
    """What a vendor types into an action's form besides its hidden fields (None: skip it)."""
    if action in (CONFIRM, PACK):
        return {}
    if action == SHIP:
        courier = choose_courier(rng, couriers)
        return None if courier is None else {"courier": courier, "resi": resi(rng, courier)}
    if action == QUOTE:
        return {"quote": str(quote_idr(rng))}
    return None  # reject, cancel: a simulated vendor takes every honest payment
