"""Chat replies: batched confirmations, unknown-code answers, the paced queue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from orchestrator.chat.replies import (
    MAX_CHARS,
    Confirmation,
    ReplyQueue,
    confirmation_texts,
    mention,
    unknown_code_reply,
)

NOW = datetime(2027, 2, 15, 8, 30, tzinfo=UTC)


def test_confirmations_batch_into_one_line():
    """Two viewers' orders read as the product asks: ``Tercatat: @Budi K01x2, @Sari M12x1``."""
    texts = confirmation_texts([Confirmation("Budi", "K01", 2), Confirmation("Sari", "M12", 1)])
    assert texts == [(2, "Tercatat: @Budi K01x2, @Sari M12x1")]


def test_one_viewers_items_share_one_mention_and_waiting_is_said():
    """A viewer's consecutive items go after one mention; a waiting one says so."""
    entries = [Confirmation("Budi", "K01", 2), Confirmation("Budi", "M12", 1, waiting=True)]
    assert confirmation_texts(entries) == [(2, "Tercatat: @Budi K01x2 M12x1 (antre)")]


def test_confirmations_split_at_200_chars():
    """Many orders make several messages, none over 200 characters, none lost."""
    entries = [Confirmation(f"Penonton Nomor {i}", "K01", 1) for i in range(40)]
    texts = confirmation_texts(entries)
    assert len(texts) > 1
    assert all(len(text) <= MAX_CHARS for _, text in texts)
    assert sum(count for count, _ in texts) == 40


def test_mention_cleans_names():
    """Control characters and runs of spaces go; a very long name is cut."""
    assert mention("Budi\n\u0000  Santoso") == "@Budi Santoso"
    assert len(mention("x" * 80)) == 31
    assert mention("") == "@kak"


def test_unknown_code_reply_names_codes_on_air():
    """The polite reply names the missing code and what is on air now."""
    text = unknown_code_reply(["Z99"], ["K01", "K02"])
    assert text == "Maaf kak, kode Z99 tidak ada. Yang tayang sekarang: K01, K02"


def test_unknown_code_reply_without_anything_on_air():
    """With nothing on air the reply points at the screen instead."""
    text = unknown_code_reply(["Z99"], [], name="Budi")
    assert text == "@Budi Maaf kak, kode Z99 tidak ada. Lihat kode produk di layar ya."


def test_unknown_code_reply_stays_short():
    """A long list of codes on air is cut to fit 200 characters."""
    text = unknown_code_reply(["Z99"], [f"K{i:02d}" for i in range(90)])
    assert len(text) <= MAX_CHARS
    assert text.startswith("Maaf kak, kode Z99 tidak ada. Yang tayang sekarang: K00, K01, K02")


def test_queue_paces_messages():
    """The queue gives one message, then nothing until ``every_s`` passed."""
    queue = ReplyQueue(every_s=10)
    queue.confirm([Confirmation("Budi", "K01", 1)])
    queue.say("Maaf kak, kode Z99 tidak ada.")
    assert queue.take(NOW) == ["Tercatat: @Budi K01x1"]
    assert queue.take(NOW + timedelta(seconds=5)) == []
    assert queue.take(NOW + timedelta(seconds=10)) == ["Maaf kak, kode Z99 tidak ada."]
    assert len(queue) == 0


def test_queue_says_the_same_reply_once():
    """The same unknown-code reply queued twice is sent once."""
    queue = ReplyQueue(every_s=0)
    queue.say("Maaf kak, kode Z99 tidak ada.")
    queue.say("Maaf kak, kode Z99 tidak ada.")
    assert queue.take(NOW, limit=5) == ["Maaf kak, kode Z99 tidak ada."]


def test_queue_drops_oldest_in_a_rush():
    """Beyond ``max_pending`` the oldest confirmations are dropped, not the newest."""
    queue = ReplyQueue(every_s=0, max_pending=3)
    queue.confirm([Confirmation(f"P{i}", "K01", 1) for i in range(5)])
    assert queue.take(NOW) == ["Tercatat: @P2 K01x1, @P3 K01x1, @P4 K01x1"]
