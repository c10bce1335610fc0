"""The chat order grammar against ORDER-GRAMMAR.md: the dev examples, then rule by rule."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orchestrator.chat.grammar import (
    CANCEL_WORDS,
    FILLERS,
    GLUED_CANCELS,
    MAX_CHARS,
    NEGATIONS,
    NUMBER_WORDS,
    ORDER_WORDS,
    QUESTION_WORDS,
    UNITS,
    Catalog,
    Item,
    ParseResult,
    code_like_words,
    parse,
    parse_with_absent,
)

FIXTURES = Path(__file__).parents[1] / "fixtures"
EXAMPLES = [
    json.loads(line)
    for line in (FIXTURES / "chat-dev.jsonl").read_text(encoding="utf-8").splitlines()
    if line.strip()
]
with (FIXTURES / "products.csv").open(encoding="utf-8-sig", newline="") as _file:
    PRODUCT_CODES = [row["code"] for row in csv.DictReader(_file)]
EXAMPLE_CODES = [item["code"] for example in EXAMPLES for item in example["items"]]
# The examples' catalog is products.csv; codes the examples expect but it lacks are added,
# so a fixture drifting from the other does not fail every example at once.
DEV_CATALOG = Catalog.from_codes(
    PRODUCT_CODES + [c for c in EXAMPLE_CODES if c not in PRODUCT_CODES]
)
CATALOG = Catalog.from_codes(["K01", "K02", "M12", "M03", "B10", "H02"])


def read(text: str, catalog: Catalog = CATALOG) -> tuple[str, list[tuple[str, int]]]:
    """Parse ``text`` and return its kind and (code, qty) pairs, for compact tables."""
    result = parse(text, catalog)
    return result.kind, [(item.code, item.qty) for item in result.items]


def assert_well_formed(result: ParseResult, catalog: Catalog) -> None:
    """Check what every result must be, whatever the message."""
    assert result.kind in {"order", "cancel", "none"}
    assert bool(result.items) == (result.kind != "none")
    codes = [item.code for item in result.items]
    assert len(codes) == len(set(codes))
    lowest = 0 if result.kind == "cancel" else 1
    for item in result.items:
        assert item.code in catalog.codes
        assert lowest <= item.qty <= 99


def test_examples_use_only_catalog_codes() -> None:
    """Every code the dev examples expect is a code of products.csv."""
    assert sorted(set(EXAMPLE_CODES) - set(PRODUCT_CODES)) == []


@pytest.mark.parametrize("example", EXAMPLES, ids=[e["text"] for e in EXAMPLES])
def test_dev_example(example: dict) -> None:
    """Each line of chat-dev.jsonl parses to its expected kind and items."""
    result = parse(example["text"], DEV_CATALOG)
    assert result.to_json() == {"kind": example["kind"], "items": example["items"]}


RULE_1_NORMALISE = [
    ("Ｋ０１　２", [("K01", 2)]),  # full-width letters, digits and space
    ("K01*2", [("K01", 2)]),
    ("k01_2", [("K01", 2)]),
    ("#K01:2!", [("K01", 2)]),
    ("K01\u00a02", [("K01", 2)]),  # no-break space
    ("K01×2", [("K01", 2)]),  # the multiplication sign is not a letter
    ("k01x2", [("K01", 2)]),
    ("K01X2", [("K01", 2)]),
    ("2xk01", [("K01", 2)]),
    ("ｋ０１ｘ２", [("K01", 2)]),
    ("k01x2 m12x3", [("K01", 2), ("M12", 3)]),
]


@pytest.mark.parametrize(("text", "items"), RULE_1_NORMALISE)
def test_rule_1_normalises_and_splits(text: str, items: list) -> None:
    """NFKC and case are ignored, non-alphanumerics separate, and an x parts k01x2 / 2xk01."""
    assert read(text) == ("order", items)


@pytest.mark.parametrize("text", ["k01 taxi", "max2 k01", "k01 xl", "k01 xx2"])
def test_rule_1_splits_only_an_x_after_a_digit(text: str) -> None:
    """An x inside a word, or after a letter, does not split it: the word stays talk."""
    assert read(text) == ("none", [])


QUESTIONS = [
    "k01 2?",
    "?k01 2",
    "k01？2",  # full-width question mark
    "mau k01 berapa",
    "ada k01",
    "K01 bisa",
    "apa k01 2",
    "info K01",
    "beli k01 gimana",
    "batal k01 kenapa",
]


@pytest.mark.parametrize("text", QUESTIONS)
def test_rule_2_questions_are_not_orders(text: str) -> None:
    """A ? anywhere, or a question word, makes any message none, even with an order word."""
    assert read(text) == ("none", [])


def test_rule_2_question_words_are_whole_words() -> None:
    """Words that merely start like a question word (apaan, adalah) are not questions."""
    assert read("mau k01 apaan") == ("order", [("K01", 1)])
    assert read("beli k01 adalah") == ("order", [("K01", 1)])


@pytest.mark.parametrize(
    ("text", "code"),
    [("k1", "K01"), ("K01", "K01"), ("k001", "K01"), ("K001", "K01"), ("m3", "M03"), ("h2", "H02")],
)
def test_rule_3_codes_compare_by_letters_and_value(text: str, code: str) -> None:
    """Case does not count and digits compare by value: k1, K01 and k001 are K01."""
    assert read(text) == ("order", [(code, 1)])


@pytest.mark.parametrize(
    "text", ["Z99 2", "mau z99", "K0001", "kk01", "abcd1", "k01a", "01k", "pesan dua ya"]
)
def test_rule_3_no_catalog_code_is_none(text: str) -> None:
    """Unknown codes, words of the wrong shape and code-less messages are none."""
    assert read(text) == ("none", [])


def test_rule_3_unknown_code_is_talk_without_order_word() -> None:
    """A code the catalog lacks is ignored after an order word, and is talk without one."""
    assert read("mau k01 z99") == ("order", [("K01", 1)])
    assert read("k01 z99") == ("none", [])


def test_rule_3_digits_of_other_scripts_count_by_value() -> None:
    """Arabic-Indic digits are digits: k٠١ is K01 and ٢ is 2."""
    assert read("k٠١ ٢") == ("order", [("K01", 2)])


def test_rule_3_catalog_spelling_is_kept() -> None:
    """Items carry the catalog's spelling, however the viewer wrote the code."""
    catalog = Catalog.from_codes(["a7", "Kopi1"])  # Kopi1 has four letters: not a code
    assert read("A007", catalog) == ("order", [("a7", 1)])
    assert catalog.codes == frozenset({"a7"})


CANCELS = [
    ("batal K01", [("K01", 0)]),
    ("cancel k01 2", [("K01", 2)]),
    ("gajadi k01", [("K01", 0)]),
    ("k01 gakjadi ya", [("K01", 0)]),
    ("gkjadi m12 3", [("M12", 3)]),
    ("nggakjadi k01", [("K01", 0)]),
    ("tidakjadi m12", [("M12", 0)]),
    ("gk jadi k01", [("K01", 0)]),
    ("ngga-jadi k01", [("K01", 0)]),
    ("enggak jadi K02", [("K02", 0)]),
    ("batal mau k01", [("K01", 0)]),  # cancel wins over the order word
    ("batal k01 2 m12", [("K01", 2), ("M12", 0)]),
    ("2 k01 batal", [("K01", 2)]),
    ("batal k01 k01 2", [("K01", 0)]),  # all of it plus two is still all of it
    ("batal k01 100 m12", [("M12", 0)]),
]


@pytest.mark.parametrize(("text", "items"), CANCELS)
def test_rule_4_cancels(text: str, items: list) -> None:
    """Cancel words, split or glued, cancel the named codes; no number means 0 (all)."""
    assert read(text) == ("cancel", items)


@pytest.mark.parametrize("text", ["jadi k01", "gak k01", "batal z99", "batal k01 0", "gajadi"])
def test_rule_4_not_cancels(text: str) -> None:
    """Jadi or a negation alone is talk; a cancel needs a catalog code and a valid quantity."""
    assert read(text) == ("none", [])


ORDER_WORD_CHATTER = [
    ("mau k01 warna merah", [("K01", 1)]),
    ("co k01 kirim ke jember", [("K01", 1)]),
    ("sold k01", [("K01", 1)]),
    ("buy 2 k01 for my mom", [("K01", 2)]),
    ("Checkout M12 3 sekarang", [("M12", 3)]),
]


@pytest.mark.parametrize(("text", "items"), ORDER_WORD_CHATTER)
def test_rule_5_order_word_with_chatter_is_an_order(text: str, items: list) -> None:
    """With an order word, any other talk in the message does not matter."""
    assert read(text) == ("order", items)


FILLER_ONLY = [
    ("kak k01 ya dong makasih", [("K01", 1)]),
    ("K01 2 pcs", [("K01", 2)]),
    ("min k01 x 2 aja", [("K01", 2)]),
    ("k01 lagi", [("K01", 1)]),
    ("M12 sama K02 juga", [("M12", 1), ("K02", 1)]),
]


@pytest.mark.parametrize(("text", "items"), FILLER_ONLY)
def test_rule_5_codes_units_and_fillers_alone_are_an_order(text: str, items: list) -> None:
    """Without an order word, a message of only codes, numbers, units and fillers orders."""
    assert read(text) == ("order", items)


@pytest.mark.parametrize(
    "text", ["k01 mantap", "K01 enak banget", "k01 2 kirim ke jember", "@budi k01", "terima kasih"]
)
def test_rule_5_talk_without_order_word_is_none(text: str) -> None:
    """Without an order word, one word of talk makes the message none."""
    assert read(text) == ("none", [])


QUANTITY_FORMS = [
    "k01 2",
    "k01 x2",
    "k01 2x",
    "k01 x 2",
    "2 x k01",
    "k01 2pcs",
    "k01 2lusin",
    "k01 2 lusin",  # lusin is a unit, not twelve
    "k01 dua",
    "two k01",
    "k01 002",
]


@pytest.mark.parametrize("text", QUANTITY_FORMS)
def test_rule_6_quantity_forms(text: str) -> None:
    """Digits, x2, 2x, x 2, digits glued to a unit, and number words all give 2."""
    assert read(text) == ("order", [("K01", 2)])


@pytest.mark.parametrize(
    ("text", "qty"),
    [
        ("k01 satu", 1),
        ("k01 sepuluh", 10),
        ("ten k01", 10),
        ("k01 tujuh", 7),
        ("sebungkus k01", 1),
        ("k01 sebiji", 1),
        ("selusin k01", 1),
        ("k01 3bks", 3),
        ("k01 99", 99),
    ],
)
def test_rule_6_number_words(text: str, qty: int) -> None:
    """satu..sepuluh, one..ten and se+unit read as their value; selusin is one unit."""
    assert read(text) == ("order", [("K01", qty)])


SIDES = [
    ("2 k01 3 m12", [("K01", 2), ("M12", 3)]),
    ("k01 2 m12 3", [("K01", 2), ("M12", 3)]),
    ("k01 m12 2", [("K01", 1), ("M12", 2)]),
    ("2 k01 m12", [("K01", 2), ("M12", 1)]),
    ("k01 2 3", [("K01", 2)]),  # a number serves one code only
    ("k01 2 m12", [("K01", 2), ("M12", 1)]),
    ("k01 ya kak 2", [("K01", 2)]),
    ("2 pcs ya k01", [("K01", 2)]),
    ("mau k01 warna 2", [("K01", 1)]),  # talk stands between the code and the number
]


@pytest.mark.parametrize(("text", "items"), SIDES)
def test_rule_6_numbers_read_before_or_after_codes(text: str, items: list) -> None:
    """A number before the first code reads forward, else backward, past units and fillers."""
    assert read(text) == ("order", items)


@pytest.mark.parametrize("text", ["k01 100", "k01 0", "k01 x100", "0 k01", "k01 1000000000000"])
def test_rule_6_zero_or_over_99_is_dropped(text: str) -> None:
    """A quantity of 0 or over 99 drops its item; a message left with none is none."""
    assert read(text) == ("none", [])


def test_rule_6_invalid_item_leaves_the_others() -> None:
    """Dropping one invalid item keeps the valid ones."""
    assert read("k01 100 m12 2") == ("order", [("M12", 2)])


def test_rule_6_code_beats_x_number() -> None:
    """Where the catalog has X02, x2 is that code (rule 3 comes before rule 6)."""
    catalog = Catalog.from_codes(["K01", "X02"])
    assert read("k01 x2", catalog) == ("order", [("K01", 1), ("X02", 1)])
    assert read("k01 x3", catalog) == ("order", [("K01", 3)])


REPEATS = [
    ("k01 k01", [("K01", 2)]),
    ("k01 2 k01 3", [("K01", 5)]),
    ("k01 m12 k1", [("K01", 2), ("M12", 1)]),
    ("k01 2 k01", [("K01", 3)]),
    ("k01 60 k01 50 m12", [("M12", 1)]),  # a sum over 99 is as invalid as 100
]


@pytest.mark.parametrize(("text", "items"), REPEATS)
def test_rule_7_repeats_add_up(text: str, items: list) -> None:
    """The same code twice is one item, first-appearance order, quantities summed."""
    assert read(text) == ("order", items)


def test_input_is_cut_at_2000_characters() -> None:
    """Only the first 2,000 characters count: a code or ? past them is not seen."""
    head = "k01" + " " * (MAX_CHARS - 3)
    assert read(head + "m12") == ("order", [("K01", 1)])
    assert read(head + "?") == ("order", [("K01", 1)])
    assert read(head[:-1] + "?") == ("none", [])


def test_to_json_is_plain_data() -> None:
    """to_json gives the kind and a list of code/qty objects, ready for json.dumps."""
    result = ParseResult("order", (Item("K01", 2), Item("M12", 1)))
    expected = {"kind": "order", "items": [{"code": "K01", "qty": 2}, {"code": "M12", "qty": 1}]}
    assert result.to_json() == expected
    assert parse("halo", CATALOG).to_json() == {"kind": "none", "items": []}


def test_catalog_lookup() -> None:
    """The catalog finds a code however it is typed, and skips codes nobody could type."""
    catalog = Catalog.from_codes([" K01 ", "K1", "kopi1", "", "M012"])
    assert catalog.lookup("k001") == "K01"  # first spelling wins over K1
    assert catalog.lookup("m12") == "M012"
    assert catalog.lookup("kopi1") is None
    assert len(catalog) == 2


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Z99 2 dan k1", ["Z99", "K1"]),
        ("k01x2", ["K01"]),  # x2 is a quantity
        ("z99 Z99 z99?", ["Z99"]),
        ("halo kak, abcd1 k0001", []),
        ("ＡＢ１２", ["AB12"]),
    ],
)
def test_code_like_words(text: str, words: list[str]) -> None:
    """Words shaped like a code are listed upper-cased, once, whether in the catalog or not."""
    assert code_like_words(text) == words


@settings(max_examples=300, database=None, deadline=None)
@given(st.text(max_size=3000))
def test_never_raises_on_any_text(text: str) -> None:
    """Any Unicode text parses to a well-formed result, codes from the catalog, qty 0..99."""
    assert_well_formed(parse(text, DEV_CATALOG), DEV_CATALOG)
    assert isinstance(code_like_words(text), list)


VOCABULARY = sorted(
    QUESTION_WORDS
    | CANCEL_WORDS
    | NEGATIONS
    | GLUED_CANCELS
    | ORDER_WORDS
    | UNITS
    | FILLERS
    | set(NUMBER_WORDS)
    | {"jadi", "x", "0", "2", "99", "100", "x3", "4x", "2pcs", "k1", "K001", "m12", "z99"}
    | {"k01x2", "2xk01", "semua", "warna", "??", "🙏", "０７"}
)
SEPARATORS = [" ", "  ", ",", "x", "", "-", "\n", "?", "🙏", "\u3000"]


@settings(max_examples=500, database=None, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(VOCABULARY), st.sampled_from(SEPARATORS)), max_size=12))
def test_never_raises_on_grammar_vocabulary(parts: list[tuple[str, str]]) -> None:
    """Messages built from the grammar's own words and codes always give a sane result."""
    text = "".join(word + sep for word, sep in parts)
    assert_well_formed(parse(text, CATALOG), CATALOG)


def absent_the_long_way(text: str, catalog: Catalog) -> list[str]:
    return [w for w in code_like_words(text) if catalog.lookup(w) is None]


@settings(max_examples=500, database=None, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(VOCABULARY), st.sampled_from(SEPARATORS)), max_size=12)
    | st.text(max_size=60).map(lambda text: [(text, "")])
)
def test_parse_with_absent_agrees_with_parse_and_code_like_words(parts) -> None:
    """The one-pass reading gives parse's result, and for a message ordering nothing the
    code-shaped words the catalog lacks, as listing them the long way does."""
    text = "".join(word + sep for word, sep in parts)
    result, absent = parse_with_absent(text, CATALOG)
    assert result == parse(text, CATALOG)
    assert absent == ([] if result.kind != "none" else absent_the_long_way(text, CATALOG))


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("mau Z99 kak", ["Z99"]),
        ("ada Z99?", ["Z99"]),  # a question stops the grammar, not the list
        ("berapa z1 sama Y2", ["Z1", "Y2"]),
        ("K01 2", []),  # an order: nothing to answer
        ("mau k01x2 z9 z9", []),  # K01 is ordered, so z9 needs no reply
        ("halo abcd1 x5", []),
    ],
)
def test_parse_with_absent_examples(text: str, absent: list[str]) -> None:
    assert parse_with_absent(text, CATALOG)[1] == absent


@settings(max_examples=200, database=None, deadline=None)
@given(
    st.dictionaries(st.sampled_from(sorted(CATALOG.codes)), st.integers(1, 99), min_size=1),
    st.booleans(),
)
def test_written_order_reads_back(wanted: dict[str, int], number_first: bool) -> None:
    """An order written "CODE QTY ..." or "QTY CODE ..." parses back to exactly itself."""
    pairs = [f"{qty} {code}" if number_first else f"{code} {qty}" for code, qty in wanted.items()]
    assert read(" ".join(pairs)) == ("order", list(wanted.items()))
