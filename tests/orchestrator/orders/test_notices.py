"""What the desk tells a buyer in chat: moved up, or cut by the per-buyer limit."""

from __future__ import annotations

from datetime import UTC, datetime

from kernel.times import JAKARTA
from orchestrator.orders.notices import deadline_text, limited_reply, moved_up_reply


def test_moved_up_reply_names_the_code_qty_and_deadline_in_wib():
    """The buyer reads the code, the units and the local deadline."""
    until = datetime(2027, 12, 4, 13, 0, tzinfo=UTC)
    assert deadline_text(until, JAKARTA) == "4 Des 20:00 WIB"
    text = moved_up_reply("Budi Santoso", "K01", 2, until, JAKARTA)
    assert text == (
        "Kak Budi, stok K01 sekarang tersedia untuk Anda (2)."
        " Selesaikan pembayaran sebelum 4 Des 20:00 WIB."
    )
    assert len(moved_up_reply("x" * 500, "K01", 2, until, JAKARTA)) <= 200


def test_limited_reply_says_the_limit_and_what_was_taken():
    """A cut claim says how many were taken; a refused one that the limit is reached."""
    assert "maks 2 per pembeli; tercatat 1." in limited_reply("Sari", "K01", 1, 2)
    assert "sudah mencapai batas" in limited_reply("Sari", "K01", 0, 2)
