"""Charts as inline SVG: no scripts, no external files; they scale to a phone and print.

Each function takes plain numbers and labels and returns one ``<svg>`` element as text,
every label escaped. Colours are fixed, with a text label beside every mark, so a chart
also reads in black and white on paper.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape

WIDTH = 640
ROW = 22
LABEL_W = 190
BAR_W = WIDTH - LABEL_W - 110
SCHEDULED, AIRED, SECOND = "#c9ced6", "#1f7a4d", "#e0a526"


@dataclass(frozen=True)
class Bar:
    """One row of a bar chart: a label, the main value and an optional second one."""

    label: str
    value: int
    second: int | None = None
    text: str = ""  # what is written after the bar; the value when empty


def bars(title: str, rows: Sequence[Bar], legend: tuple[str, str] | None = None) -> str:
    """A horizontal bar chart; with ``second`` values a thinner bar under each main one."""
    top = 28 + (18 if legend else 0)
    height = top + ROW * max(len(rows), 1) + 8
    most = max([r.value for r in rows] + [r.second or 0 for r in rows] + [1])
    parts = [_head(title, height)]
    if legend:
        parts.append(_legend(legend, 34))
    for i, row in enumerate(rows):
        y = top + i * ROW
        parts.append(_label(row.label, y + 14))
        width = round(BAR_W * row.value / most)
        parts.append(f'<rect x="{LABEL_W}" y="{y + 3}" width="{width}" height="10" '
                     f'fill="{AIRED}"/>')  # fmt: skip
        if row.second is not None:
            second = round(BAR_W * row.second / most)
            parts.append(f'<rect x="{LABEL_W}" y="{y + 14}" width="{second}" height="5" '
                         f'fill="{SECOND}"/>')  # fmt: skip
        text = escape(row.text or str(row.value))
        parts.append(f'<text x="{LABEL_W + width + 6}" y="{y + 13}" font-size="11">{text}</text>')
    if not rows:
        parts.append(f'<text x="10" y="{top + 14}" font-size="12">(belum ada data)</text>')
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class Span:
    """One slot on a timeline: its label, scheduled and aired times (aired may be None)."""

    label: str
    scheduled: tuple[datetime, datetime]
    aired: tuple[datetime, datetime] | None


def timeline(title: str, spans: Sequence[Span], start: datetime, end: datetime,
             ticks: Sequence[tuple[datetime, str]] = ()) -> str:  # fmt: skip
    """Scheduled (grey) against aired (green) per slot, on one time axis."""
    top = 46
    height = top + ROW * max(len(spans), 1) + 8
    total = max((end - start).total_seconds(), 1.0)
    span_w = WIDTH - LABEL_W - 10

    def x(moment: datetime) -> float:
        return LABEL_W + span_w * max(0.0, min(1.0, (moment - start).total_seconds() / total))

    parts = [_head(title, height), _legend(("jadwal (scheduled)", "tayang (aired)"), 34,
                                           (SCHEDULED, AIRED))]  # fmt: skip
    for moment, text in ticks:
        parts.append(f'<line x1="{x(moment):.1f}" y1="{top - 4}" x2="{x(moment):.1f}" '
                     f'y2="{height - 6}" stroke="#eee"/>'
                     f'<text x="{x(moment):.1f}" y="{top - 6}" font-size="9" '
                     f'text-anchor="middle">{escape(text)}</text>')  # fmt: skip
    for i, span in enumerate(spans):
        y = top + i * ROW
        parts.append(_label(span.label, y + 14))
        a, b = span.scheduled
        parts.append(f'<rect x="{x(a):.1f}" y="{y + 3}" width="{max(x(b) - x(a), 1):.1f}" '
                     f'height="8" fill="{SCHEDULED}"/>')  # fmt: skip
        if span.aired is not None:
            a, b = span.aired
            parts.append(f'<rect x="{x(a):.1f}" y="{y + 11}" width="{max(x(b) - x(a), 1):.1f}" '
                         f'height="8" fill="{AIRED}"/>')  # fmt: skip
    parts.append("</svg>")
    return "".join(parts)


def _head(title: str, height: int) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}" font-family="sans-serif">'
        f"<title>{escape(title)}</title>"
        f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>'
    )


def _label(text: str, y: int) -> str:
    short = text if len(text) <= 28 else text[:27] + "…"
    return f'<text x="0" y="{y}" font-size="11">{escape(short)}</text>'


def _legend(names: tuple[str, str], y: int, colours: tuple[str, str] = (AIRED, SECOND)) -> str:
    first, second = names
    return (
        f'<rect x="0" y="{y - 9}" width="10" height="10" fill="{colours[0]}"/>'
        f'<text x="14" y="{y}" font-size="11">{escape(first)}</text>'
        f'<rect x="200" y="{y - 9}" width="10" height="10" fill="{colours[1]}"/>'
        f'<text x="214" y="{y}" font-size="11">{escape(second)}</text>'
    )
