"""Read a viewer's chat message as an order, a cancel or nothing, by ORDER-GRAMMAR.md.

Pure: a message and the event's catalog in, a ``ParseResult`` out. No I/O, and no ``str``
makes it raise, so the chat pollers can call it on anything a platform sends. The rule
numbers in the comments are the contract's.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

MAX_CHARS = 2000
MAX_QTY = 99

Kind = Literal["order", "cancel", "none"]


def _vocabulary(words: str) -> frozenset[str]:
    """Read a space-separated word list as the contract prints it."""
    return frozenset(words.split())


QUESTION_WORDS = _vocabulary(
    "berapa apa apakah gimana bagaimana kapan dimana mana kenapa masih tanya info ready ada bisa"
)
CANCEL_WORDS = _vocabulary("batal cancel")
# "gak jadi" and friends: a negation followed by "jadi", or the two glued.
NEGATIONS = _vocabulary("gak ga gk nggak tidak ngga enggak")
GLUED_CANCELS = frozenset(neg + "jadi" for neg in NEGATIONS)
ORDER_WORDS = _vocabulary(
    "order pesan pesen beli mau ambil keep booking book checkout co minta tambah sold buy"
)
UNITS = _vocabulary(
    "pcs pc biji buah bh bungkus bks box pack pak toples botol btl lembar potong porsi set "
    "paket pasang lusin"
)
FILLERS = _vocabulary(
    "kak ka kakak min admin ya yah yaa dong deh aja nih sis gan bang mbak mba mas bu pak om "
    "tante please pls plz ok oke okay siap makasih terima kasih thanks thx yg yang sama dan "
    "and juga lagi"
)
NUMBER_WORDS = {
    **dict.fromkeys(["satu", "one"], 1),
    **dict.fromkeys(["dua", "two"], 2),
    **dict.fromkeys(["tiga", "three"], 3),
    **dict.fromkeys(["empat", "four"], 4),
    **dict.fromkeys(["lima", "five"], 5),
    **dict.fromkeys(["enam", "six"], 6),
    **dict.fromkeys(["tujuh", "seven"], 7),
    **dict.fromkeys(["delapan", "eight"], 8),
    **dict.fromkeys(["sembilan", "nine"], 9),
    **dict.fromkeys(["sepuluh", "ten"], 10),
    **dict.fromkeys(("se" + unit for unit in UNITS), 1),  # sebungkus, sepaket...
}

# Token tags. Only _CODE, _NUM and _SKIP matter to rule 6; any other tag stands between
# a number and a code and keeps them apart.
_CODE, _NUM, _SKIP, _OTHER, _ORDER, _CANCEL, _NEG, _JADI, _QUESTION = range(9)
_TALK = (1 << _OTHER) | (1 << _NEG) | (1 << _JADI)  # words that make rule 5 say "none"

_OTHER_TOKEN: tuple[int, Any] = (_OTHER, None)
# Talk too, but shaped like a code the catalog lacks (``Z99``): worth a polite reply.
_ABSENT_CODE: tuple[int, Any] = (_OTHER, "absent")
_VOCAB: dict[str, tuple[int, Any]] = {
    "x": (_SKIP, None),  # the "x" of "x 2" or "2 x k01"
    **dict.fromkeys(UNITS | FILLERS, (_SKIP, None)),
    **{word: (_NUM, value) for word, value in NUMBER_WORDS.items()},
    **dict.fromkeys(ORDER_WORDS, (_ORDER, None)),
    **dict.fromkeys(CANCEL_WORDS | GLUED_CANCELS, (_CANCEL, None)),
    **dict.fromkeys(NEGATIONS, (_NEG, None)),
    "jadi": (_JADI, None),
    **dict.fromkeys(QUESTION_WORDS, (_QUESTION, None)),
    # The usual ways of writing 0..100, so numbers skip the regex too.
    **{
        form: (_NUM, n)
        for n in range(101)
        for form in (str(n), f"x{n}", f"{n}x", *(f"{n}{unit}" for unit in UNITS))
    },
}

# Rule 1: a word is a run of letters and digits; everything else (but "?") separates.
_WORD = re.compile(r"[^\W_]+")
_X_THEN_DIGIT = re.compile(r"(?<=\d)x(?=\d)")  # k01x2 -> k01 x2
_X_THEN_LETTER = re.compile(r"(?<=\d)x(?=[^\W\d_])")  # 2xk01 -> 2x k01
_CODE_SHAPE = re.compile(r"([^\W\d_]{1,3})(\d{1,3})")
# Rule 3 before rule 6: a code shape first (x2 is a code if the catalog has X02), then
# 2 / 2x / 2pcs, then x2.
_UNIT_ALTERNATIVES = "|".join(sorted(UNITS, key=len, reverse=True))
_SHAPES = re.compile(rf"([^\W\d_]{{1,3}})(\d{{1,3}})|(\d+)(?:x|{_UNIT_ALTERNATIVES})?|x(\d+)")


def _code_key(letters: str, digits: str) -> str:
    """Key a code by lower-case letters and the digits' value: k1, K01 and k001 meet."""
    return letters + str(int(digits))


def _number(digits: str) -> int:
    """Read a run of digits; a long run is simply too big (and int() has a length cap)."""
    if len(digits) > 6:
        digits = digits.lstrip("0") or "0"
        if len(digits) > 6:
            return MAX_QTY + 1
    return int(digits)


class Item(NamedTuple):
    """One product of a message and how many; qty 0 in a cancel means all of it.

    Items and results are NamedTuples: immutable, and cheaper to build than frozen
    dataclasses (the parser makes one or two per order message)."""

    code: str
    qty: int


class ParseResult(NamedTuple):
    """What a message asks for: an order, a cancel, or nothing (then with no items)."""

    kind: Kind
    items: tuple[Item, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """Return the plain-data form the CLI prints and the service logs."""
        return {
            "kind": self.kind,
            "items": [{"code": item.code, "qty": item.qty} for item in self.items],
        }


NONE = ParseResult("none")


@dataclass(frozen=True, slots=True, eq=False)
class Catalog:
    """The event's product codes, found by their normalised form, kept in their spelling.

    Build it with ``from_codes``; the fields are its look-up tables.
    """

    # Normalised key (``k1``) -> catalog spelling (``K01``).
    by_key: dict[str, str] = field(default_factory=dict)
    # Every word the grammar knows for this event, codes in all their usual spellings
    # (k1, k01, k001), so most words cost parse() one dict look-up.
    words: dict[str, tuple[int, Any]] = field(default_factory=lambda: dict(_VOCAB), repr=False)
    # Every code in its catalog spelling.
    codes: frozenset[str] = frozenset()

    @classmethod
    def from_codes(cls, codes: Iterable[str]) -> Catalog:
        """Build once per event; codes not shaped like a code are skipped, first spelling wins.

        Codes not shaped 1-3 letters + 1-3 digits could never be typed as one, so loading a
        catalog should check them (the CLI's loader does).
        """
        by_key: dict[str, str] = {}
        words = dict(_VOCAB)
        for code in codes:
            match = _CODE_SHAPE.fullmatch(_fold(code))
            if match is None or not match[1].isalpha():
                continue
            letters, value = match[1], int(match[2])
            spelling = by_key.setdefault(letters + str(value), code.strip())
            for width in range(len(str(value)), 4):
                form = f"{letters}{value:0{width}d}"
                if words.get(form, _OTHER_TOKEN)[0] != _CODE:  # a code beats x2 (rule 3)
                    words[form] = (_CODE, spelling)
        return cls(by_key, words, frozenset(by_key.values()))

    def lookup(self, word: str) -> str | None:
        """Return the catalog spelling of ``word`` (``k1`` -> ``K01``), or None."""
        key = code_key(word)
        return None if key is None else self.by_key.get(key)

    def __len__(self) -> int:
        return len(self.by_key)


def code_key(word: str) -> str | None:
    """Return the form codes compare in (``K001`` -> ``k1``); None if not shaped like a code."""
    match = _CODE_SHAPE.fullmatch(_fold(word))
    if match is None or not match[1].isalpha():
        return None
    return _code_key(match[1], match[2])


def _fold(word: str) -> str:
    """Normalise one word the way rule 1 normalises a message."""
    return unicodedata.normalize("NFKC", word).strip().lower()


def _normalise(text: str) -> str:
    """Cut, NFKC and lower-case a message (rule 1); ASCII is already NFKC."""
    text = text[:MAX_CHARS]
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return text.lower()


def _words(text: str) -> list[str]:
    """Split normalised text into words, parting codes and numbers glued by an x (rule 1).

    An x glued between a digit and a letter or digit is inside one word, so only the
    few words holding an x (past their first letter) need the look-around patterns.
    """
    words = _WORD.findall(text)
    if "x" not in text:
        return words
    parted: list[str] = []
    for word in words:
        if "x" in word[1:-1] and not word.isalpha():
            parted += _X_THEN_LETTER.sub("x ", _X_THEN_DIGIT.sub(" x", word)).split()
        else:
            parted.append(word)
    return parted


def _classify(word: str, by_key: dict[str, str]) -> tuple[int, Any]:
    """Tag a word the vocabulary does not know: a catalog code, a number, or talk."""
    match = _SHAPES.fullmatch(word)
    if match is None:
        return _OTHER_TOKEN
    letters, digits, number, x_number = match.groups()
    if letters is not None:
        code = by_key.get(_code_key(letters, digits))
        if code is not None:
            return _CODE, code
        if letters == "x":
            return _NUM, int(digits)
        return _ABSENT_CODE if letters.isalpha() else _OTHER_TOKEN
    return _NUM, _number(number if number is not None else x_number)


def _tokens(
    words: list[str], catalog: Catalog, absent: list[str] | None = None
) -> tuple[list[tuple[int, Any]], int]:
    """Tag every word; the int has bit ``1 << tag`` set for each tag seen.

    A question word returns no tokens (rule 2); "jadi" after a negation is a cancel word.
    Code-shaped words the catalog lacks go to ``absent`` (upper-cased, each once).
    """
    tokens: list[tuple[int, Any]] = []
    seen = 0
    previous = _OTHER
    known = catalog.words.get
    by_key = catalog.by_key
    for word in words:
        token = known(word)
        if token is None:
            # Letters alone are never a code or a number: skip the regex for plain talk.
            token = _OTHER_TOKEN if word.isalpha() else _classify(word, by_key)
            if token is _ABSENT_CODE and absent is not None and word.upper() not in absent:
                absent.append(word.upper())
        tag = token[0]
        if tag == _QUESTION:
            if absent is not None:
                _find_absent(words, catalog, absent)  # the words after it too
            return [], 0
        if tag == _JADI and previous == _NEG:
            tag = _CANCEL
        seen |= 1 << tag
        tokens.append(token)
        previous = tag
    return tokens, seen


def _find_absent(words: list[str], catalog: Catalog, absent: list[str]) -> None:
    """Add the code-shaped words of ``words`` the catalog lacks to ``absent`` (once each)."""
    known = catalog.words.get
    for word in words:
        if word.isalpha():
            continue
        token = known(word) or _classify(word, catalog.by_key)
        if token is _ABSENT_CODE and word.upper() not in absent:
            absent.append(word.upper())


def _quantity(tokens: list[tuple[int, Any]], at: int, step: int) -> int | None:
    """Return the number beside the code at ``at``, looking past units and fillers (rule 6).

    ``step`` is -1 to look before the code, 1 to look after it; None when a word of any
    other kind, or the end, comes first.
    """
    end = len(tokens)
    at += step
    while 0 <= at < end and tokens[at][0] == _SKIP:
        at += step
    if 0 <= at < end and tokens[at][0] == _NUM:
        return tokens[at][1]
    return None


def _items(tokens: list[tuple[int, Any]], default: int) -> tuple[Item, ...]:
    """Give each code its quantity (rule 6), drop invalid ones and sum repeats (rule 7)."""
    step = 1
    for tag, _ in tokens:
        if tag == _CODE:
            break
        if tag == _NUM:
            step = -1  # a number before the first code: numbers come before their codes
            break
    totals: dict[str, int] = {}
    for at, (tag, code) in enumerate(tokens):
        if tag != _CODE:
            continue
        qty = _quantity(tokens, at, step)
        if qty is None:
            qty = default
        elif not 0 < qty <= MAX_QTY:
            continue
        before = totals.get(code)
        # In a cancel, 0 is "all of it", and all plus some is still all.
        totals[code] = qty if before is None else (before and qty and before + qty)
    return tuple(Item(code, qty) for code, qty in totals.items() if qty <= MAX_QTY)


def parse(text: str, catalog: Catalog) -> ParseResult:
    """Read one chat message against the catalog, applying ORDER-GRAMMAR.md's rules in order."""
    return _read(text, catalog, None)


def parse_with_absent(text: str, catalog: Catalog) -> tuple[ParseResult, list[str]]:
    """``parse``, and for a message that orders nothing, the code-shaped words it names
    that the catalog lacks (``code_like_words`` less the catalog's), in one reading."""
    absent: list[str] = []
    result = _read(text, catalog, absent)
    return result, (absent if result is NONE else [])


def _read(text: str, catalog: Catalog, absent: list[str] | None) -> ParseResult:
    """``parse``; with ``absent``, also collect the code-shaped words the catalog lacks."""
    text = _normalise(text)
    if "?" in text:
        if absent is not None:
            _find_absent(_words(text), catalog, absent)
        return NONE
    tokens, seen = _tokens(_words(text), catalog, absent)
    if not seen & (1 << _CODE):
        return NONE
    if seen & (1 << _CANCEL):
        kind: Kind = "cancel"
        items = _items(tokens, default=0)
    elif seen & (1 << _ORDER) or not seen & _TALK:
        kind = "order"
        items = _items(tokens, default=1)
    else:
        return NONE
    return ParseResult(kind, items) if items else NONE


def code_like_words(text: str) -> list[str]:
    """Return the words shaped like a code (``Z99``), upper-cased, each once, in order.

    They may be missing from the catalog: the service compares them with it to answer a
    viewer who typed a code that is not on air. ``x2`` is a quantity, so it is left out.
    """
    found: list[str] = []
    for word in _words(_normalise(text)):
        match = _CODE_SHAPE.fullmatch(word)
        if match is None or match[1] == "x" or not match[1].isalpha():
            continue
        upper = word.upper()
        if upper not in found:
            found.append(upper)
    return found
