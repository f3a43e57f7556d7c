"""The reference syntax of note prose, shared by `check` and the renderer.

- `[@claim-id]`, `[@a; @b]`: cite claims (endnotes, links to the source quote).
- `[@fig:figure-id]`: refer to a figure ("Figure 3" / "图 3").
- `{claim-id}`: the claim's first number, formatted for the note's language;
  `{claim-id.value}` the bare number; `{claim-id.metric-name}` the number of
  that metric.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ID = r"[a-z0-9]+(?:-[a-z0-9]+)*"
CITATION = re.compile(rf"\[(@(?:fig:)?{_ID}(?:\s*;\s*@(?:fig:)?{_ID})*)\]")
INTERPOLATION = re.compile(rf"(?<!\\)\{{({_ID})(?:\.({_ID}))?\}}")
_UNCITED_NUMBER = re.compile(
    r"(?<![\w.])(?!(?:19|20)\d{2}(?![\d.,%]))[+\-]?\d[\d,]*(?:\.\d+)?(?:\s*(?:%|％|bn|billion|m\b|"
    r"million|万|亿|x\b|times))?"
)
_SENTENCE_END = re.compile(r"(?<=[.!?。！？；;])\s*")


@dataclass(frozen=True)
class Reference:
    """One reference found in prose: what it names and the exact text written."""

    kind: str  # 'claim', 'figure' or 'value'
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
        found.append(Reference("value", match.group(1), match.group(0), match.group(2)))
    return found


def uncited_numbers(prose: str) -> list[str]:
    """Numbers typed into prose in a sentence that cites no claim (for --strict)."""
    problems = []
    without_values = INTERPOLATION.sub("", prose)
    for sentence in _SENTENCE_END.split(without_values):
        if not sentence.strip() or CITATION.search(sentence):
            continue
        for match in _UNCITED_NUMBER.finditer(CITATION.sub("", sentence)):
            problems.append(match.group(0).strip())
    return problems
