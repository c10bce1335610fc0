"""One organiser's row on its way to a model object: its problems and its unreadable fields.

Each field is read through its written rule (``schedules.check`` and its siblings); a
broken one is reported once, on its row and field, and marked bad so checks across rows
skip it instead of piling up more errors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

from schedules.check import BadValue, Problem, Where
from schedules.csvfiles import FILLED, REQUIRED, Record

T = TypeVar("T")


class Row:
    """One record on its way to a model object: collects its problems and unreadable fields."""

    __slots__ = ("bad", "kind", "problems", "record", "values")

    def __init__(self, record: Record, kind: str, problems: list[Problem]) -> None:
        self.record, self.kind, self.problems = record, kind, problems
        self.values = record.values
        self.bad: set[str] = set()

    def text(self, name: str) -> str:
        """Return a field's text, reporting a required one left empty."""
        value = self.values.get(name)
        if value is None:
            if name in REQUIRED[self.kind]:
                self.bad.add(name)  # the missing column was reported once, at the header
            return ""
        if not value and name in FILLED[self.kind]:
            self.fail(name, f"kolom '{name}' wajib diisi (required field is empty)")
        return value

    def value(self, name: str, rule: Callable[[str], T], fallback: T) -> T:
        """Read a field through its rule; report and return ``fallback`` when it breaks it."""
        text = self.text(name)
        if name in self.bad:
            return fallback
        try:
            return rule(text)
        except BadValue as err:
            self.fail(name, str(err))
            return fallback

    def fail(self, name: str, message: str) -> None:
        self.problems.append(self.record.where.problem(name, message))
        self.bad.add(name)

    @property
    def where(self) -> Where:
        """Where the record sits, with the fields that did not read marked bad."""
        if not self.bad:
            return self.record.where
        return replace(self.record.where, bad=frozenset(self.bad))
