"""`sectornotes find TEXT`: search the sources, print ready-to-paste claim skeletons."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..proof.meaning import problem_with_number
from ..proof.numbers import numbers_in
from ..proof.registry import ClaimRegistry, Source
from ..proof.units import UNITS
from ..sources.quotes import normalize

# Sentences end at . ! ? before whitespace, at Chinese end punctuation, or at a blank
# line; a single line break inside a sentence is only wrapping.
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|(?<=[。！？；])|\n\s*\n")
# Units to try, most specific first, when guessing how a number is written.
_GUESS_ORDER = ["USD bn", "USD m", "USD tn", "EUR bn", "RMB bn", "RMB m", "RMB 100m",
                "USD 100m", "%", "pp", "x", "bn", "m", "k", "10k", "100m", "count"]


@dataclass
class Match:
    """A sentence of a source containing the searched text."""

    source: Source
    sentence: str
    line: int
    col: int
    page: int | None = None  # PDF sources


def find_in_sources(registry: ClaimRegistry, text: str, limit: int = 20) -> list[Match]:
    """Sentences containing `text` (case-insensitive, whitespace-normalised)."""
    wanted = normalize(text).casefold()
    matches = []
    for source in registry.sources.values():
        if not source.document.quotable:
            continue  # a spreadsheet is cited by cell, not by quote
        original = source.text.text
        start = 0
        for piece in _SENTENCE_BREAK.split(original):
            offset = original.find(piece, start)
            start = offset + len(piece)
            if wanted and wanted in normalize(piece).casefold():
                at = offset + len(piece) - len(piece.lstrip())
                line, col = source.text.line_col(at)
                matches.append(Match(source, " ".join(piece.split()), line, col,
                                     source.document.page_at(at)))
                if len(matches) >= limit:
                    return matches
    return matches


def guess_unit(sentence: str, value: float) -> str:
    """The most specific unit whose marker follows the number in the sentence."""
    numbers = numbers_in(sentence)
    for unit in _GUESS_ORDER:
        if problem_with_number(sentence, value, unit, numbers) is None:
            return unit
    return "count"


def skeleton(match: Match) -> str:
    """YAML for a new claim quoting the sentence, with one data point per number."""
    sentence = match.sentence
    quote = sentence.replace("\\", "\\\\").replace('"', '\\"')
    where = (f"{match.source.text_path} p. {match.page}" if match.page
             else f"{match.source.text_path}:{match.line}:{match.col}")
    lines = [f"# {where}",
             "  - id: new-claim-id", "    text: TODO one sentence in your words",
             "    kind: fact"]
    data = []
    for number in numbers_in(sentence):
        value = float(number.value) * (-1 if number.negative else 1)
        if 1900 <= value <= 2100 and value == int(value):
            continue  # most four-digit years are periods, not values
        if re.match(r"\s*[年月日号]", sentence[number.end:]):
            continue  # a date written in Chinese is a period too
        unit = guess_unit(sentence, value)
        shown = f"{value:g}" if abs(value) < 1e15 else str(value)
        data.append(f"      - {{metric: TODO, entity: TODO, period: TODO, value: {shown}, "
                    f"unit: {_yaml_unit(unit)}}}")
    if data:
        lines += ["    data:", *data]
    lines += ["    source:", f'      quote: "{quote}"']
    if match.page:
        lines.append(f"      page: {match.page}")
    lines.append("    tags: []")
    return "\n".join(lines)


def _yaml_unit(unit: str) -> str:
    return f'"{unit}"' if unit in ("%",) or not unit[0].isalpha() else unit


assert set(_GUESS_ORDER) <= set(UNITS)
