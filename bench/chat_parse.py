"""How many chat messages a second the order grammar reads on one core.

A busy live sale gets a few hundred chat messages a minute; the parser should never be
the reason a poller falls behind, so the goal is over 50,000 messages/s. The corpus is
the dev examples plus synthetic chat built from the grammar's own words (orders, cancels,
questions, chatter, the odd long message), from a fixed seed. A baseline in the same run,
NFKC + lower + split over the same corpus, shows what the machine itself manages.

    python bench/chat_parse.py [--messages 200000] [--repeat 3] [--seed 7]

The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import statistics
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
try:
    from orchestrator.chat.grammar import Catalog, parse
except ModuleNotFoundError:  # a checkout without `pip install -e .`
    sys.path.insert(0, str(ROOT))
    from orchestrator.chat.grammar import Catalog, parse

FIXTURES = ROOT / "tests" / "fixtures"
TARGET_MSGS_PER_S = 50_000

ORDER_WORDS = ["mau", "pesan", "beli", "order", "keep", "co", "ambil", "minta", "sold", ""]
FILLERS = ["kak", "ya", "ya kak", "dong", "min", "aja", "sis", "makasih kak", "🙏", "", ""]
QUANTITIES = ["2", "x2", "2x", "x 2", "3pcs", "1", "dua", "tiga", "sebungkus", "2 bks", "5"]
CHATTER_TEXT = (
    "halo kak salam dari surabaya bagus banget produknya wah mantap semangat terus ya "
    "kak suaranya putus putus hadir kak nonton dari bandung enak banget kemarin udah sampai "
    "kapan live lagi gratis ongkir ga kak warnanya cantik 😍 🔥 👍 wkwk hehe"
)
CHATTER = CHATTER_TEXT.split()
QUESTIONS = ["berapa harganya kak?", "masih ada?", "bisa cod?", "ready kak", "info harga"]
CANCELS = ["batal", "gak jadi", "gajadi", "cancel", "tidak jadi"]


def spell(rng: random.Random, code: str) -> str:
    """Write a catalog code the ways viewers do: K01, k1, k001."""
    letters = code.rstrip("0123456789")
    value = int(code[len(letters) :])
    return rng.choice([code, code.lower(), f"{letters.lower()}{value}", f"{letters}{value:03d}"])


def order(rng: random.Random, codes: list[str]) -> str:
    """Write one to three items with an optional order word, quantities and fillers."""
    parts = [rng.choice(ORDER_WORDS)]
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        parts.append(spell(rng, rng.choice(codes)))
        if rng.random() < 0.7:
            parts.append(rng.choice(QUANTITIES))
    parts.append(rng.choice(FILLERS))
    return " ".join(p for p in parts if p)


def message(rng: random.Random, codes: list[str], examples: list[str]) -> str:
    """Draw one message with roughly the mix of a live sale's chat."""
    roll = rng.random()
    if roll < 0.10:
        return rng.choice(examples)
    if roll < 0.40:
        return order(rng, codes)
    if roll < 0.45:
        return f"{rng.choice(CANCELS)} {spell(rng, rng.choice(codes))} {rng.choice(FILLERS)}"
    if roll < 0.55:
        return f"{spell(rng, rng.choice(codes))} {rng.choice(QUESTIONS)}"
    if roll < 0.98:
        return " ".join(rng.choices(CHATTER, k=rng.randint(1, 12)))
    long = rng.choices([*CHATTER, spell(rng, rng.choice(codes))], k=rng.randint(60, 300))
    return " ".join(long)


def corpus(count: int, seed: int, codes: list[str]) -> list[str]:
    """Build the deterministic corpus of ``count`` messages."""
    lines = (FIXTURES / "chat-dev.jsonl").read_text(encoding="utf-8").splitlines()
    examples = [json.loads(line)["text"] for line in lines if line.strip()]
    rng = random.Random(seed)
    return [message(rng, codes, examples) for _ in range(count)]


def rate(work: Callable[[str], object], texts: list[str], repeat: int) -> float:
    """Return the median messages/s of ``repeat`` timed passes over ``texts``."""
    rates = []
    for _ in range(repeat):
        start = time.perf_counter()
        for text in texts:
            work(text)
        rates.append(len(texts) / (time.perf_counter() - start))
    return statistics.median(rates)


def baseline(text: str) -> list[str]:
    return unicodedata.normalize("NFKC", text).lower().split()


def main(argv: list[str] | None = None) -> dict[str, object]:
    """Run the benchmark and print its figures, JSON last."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):  # one core, and always the same one
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    with (FIXTURES / "products.csv").open(encoding="utf-8-sig", newline="") as file:
        codes = [row["code"] for row in csv.DictReader(file)]
    catalog = Catalog.from_codes(codes)
    texts = corpus(args.messages, args.seed, codes)
    kinds = Counter(parse(text, catalog).kind for text in texts)
    parser_rate = rate(lambda text: parse(text, catalog), texts, args.repeat)
    baseline_rate = rate(baseline, texts, args.repeat)
    figures = {
        "messages": len(texts),
        "corpus_chars": sum(map(len, texts)),
        "parser_msgs_per_s": round(parser_rate),
        "parser_us_per_msg": round(1e6 / parser_rate, 2),
        "baseline_msgs_per_s": round(baseline_rate),
        "baseline_us_per_msg": round(1e6 / baseline_rate, 2),
        "target_msgs_per_s": TARGET_MSGS_PER_S,
        "meets_target": parser_rate > TARGET_MSGS_PER_S,
        "orders": kinds["order"],
        "cancels": kinds["cancel"],
        "nones": kinds["none"],
        "repeat": args.repeat,
        "seed": args.seed,
        "python": platform.python_version(),
    }
    print(f"{len(texts):,} messages, median of {args.repeat} passes, one core")
    print(f"parser   {parser_rate:12,.0f} msgs/s  {1e6 / parser_rate:6.2f} us/msg")
    print(f"baseline {baseline_rate:12,.0f} msgs/s  {1e6 / baseline_rate:6.2f} us/msg")
    print(json.dumps(figures))
    return figures


if __name__ == "__main__":
    main()
