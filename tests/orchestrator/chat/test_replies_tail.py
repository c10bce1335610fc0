"""Confirmations end with where to pay, and still fit a chat message."""

from __future__ import annotations

from orchestrator.chat.replies import MAX_CHARS, Confirmation, confirmation_texts


def test_every_message_ends_with_the_tail_and_fits() -> None:
    entries = [Confirmation(f"Pembeli Nomor {i}", f"K{i:02d}", 2) for i in range(40)]
    tail = " · Bayar: pasar.example/bayar"
    packed = confirmation_texts(entries, tail=tail)
    assert len(packed) > 1
    assert all(text.endswith(tail) and len(text) <= MAX_CHARS for _, text in packed)
    assert sum(count for count, _ in packed) == 40
