"""The reference syntax of note prose, shared by `check` and the renderer.

- `[@claim-id]`, `[@a; @b]`: cite claims (endnotes, links to the source quote).
- `[@fig:figure-id]`: refer to a figure ("Figure 3" / "图 3").
- `{claim-id}`: the claim's first number, formatted for the note's language;
  `{claim-id.value}` the bare number; `{claim-id.metric-name}` the number of
  that metric; `{claim-id.2}` the claim's second data point.
- `{rating}`, `{previous-rating}`: the note's rating labels in its language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ID = r"[a-z0-9]+(?:-[a-z0-9]+)*"
# Values of the note itself that prose may interpolate: "we rate the sector {rating}".
NOTE_VALUES = ("rating", "previous-rating")
SERIES_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
CITATION = re.compile(rf"\[(@(?:fig:)?{_ID}(?:\s*;\s*@(?:fig:)?{_ID})*)\]")
INTERPOLATION = re.compile(rf"(?<!\\)\{{({_ID})(?:\.({_ID}))?\}}")
_UNCITED_NUMBER = re.compile(
    r"(?<![\w.])(?!(?:19|20)\d{2}(?![\d.,%]))[+\-]?\d[\d,]*(?:\.\d+)?(?:\s*(?:%|％|bn|billion|m\b|"
    r"million|万|亿|x\b|times))?"
)
# A sentence ends at . ! ? followed by whitespace (so "43.4%" is not an end) or at
# Chinese end punctuation.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])")


@dataclass(frozen=True)
class Reference:
    """One reference found in prose: what it names and the exact text written."""

    kind: str  # 'claim', 'figure', 'value' or 'series' (a series' value on a date)
    target: str
    written: str
    field: str | None = None  # for values: 'value' or a metric name


def references_in(prose: str) -> list[Reference]:
    """Every citation, figure reference and interpolation in a piece of prose."""
    found = []
    for match in CITATION.finditer(prose):
        for item in match.group(1).split(";"):
            target = item.strip().removeprefix("@")
            if target.startswith("fig:"):
                found.append(Reference("figure", target.removeprefix("fig:"), match.group(0)))
            else:
                found.append(Reference("claim", target, match.group(0)))
    for match in INTERPOLATION.finditer(prose):
        # {series-id.2025-05-27}: a price or index series' value on that date
        kind = "series" if match.group(2) and SERIES_DATE.fullmatch(match.group(2)) else "value"
        found.append(Reference(kind, match.group(1), match.group(0), match.group(2)))
    return found


def uncited_numbers(prose: str) -> list[tuple[str, int]]:
    """Numbers typed into prose in a sentence that cites no claim (for --strict).

    Each is returned with its occurrence index in the prose, to report its exact place.
    """
    # Citations and values become digit-free markers so that neither their ids nor the
    # ';' between several citations confuse sentence splitting.
    marked = INTERPOLATION.sub("\u2060V\u2060", CITATION.sub("\u2060C\u2060", prose))
    problems: list[tuple[str, int]] = []
    seen: dict[str, int] = {}
    for sentence in _SENTENCE_END.split(marked):
        cited = "\u2060C\u2060" in sentence
        for match in _UNCITED_NUMBER.finditer(sentence):
            number = match.group(0).strip()
            occurrence = seen.get(number, 0)
            seen[number] = occurrence + 1
            if not cited:
                problems.append((number, occurrence))
    return problems
