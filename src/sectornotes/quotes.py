"""Source texts and locating quotes in them.

Both the source and the quote are compared after Unicode NFKC and whitespace
normalisation, so a quote copied across a line break or with a full-width
comma still matches; positions are reported in the original text.
"""

from __future__ import annotations

import bisect
import difflib
import re
import unicodedata
from dataclasses import dataclass, field


def normalize(text: str) -> str:
    """NFKC, every run of whitespace collapsed to one space, trimmed."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


@dataclass
class SourceText:
    """A source document's text, normalised, with a map back to original offsets."""

    text: str
    normalized: str = field(init=False)
    _origin: list[int] = field(init=False, repr=False)
    _line_starts: list[int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._line_starts = [0] + [i + 1 for i, c in enumerate(self.text) if c == "\n"]
        if unicodedata.is_normalized("NFKC", self.text):
            self._map_whitespace_only()
            return
        pieces: list[str] = []
        origin: list[int] = []
        pending_space = False
        for index, char in enumerate(self.text):
            if char.isspace():
                pending_space = bool(pieces)
                continue
            if pending_space:
                pieces.append(" ")
                origin.append(index - 1)
                pending_space = False
            for normalized_char in unicodedata.normalize("NFKC", char):
                if normalized_char.isspace():  # NFKC of e.g. U+3000 is a space
                    continue
                pieces.append(normalized_char)
                origin.append(index)
        self.normalized = "".join(pieces)
        self._origin = origin

    def _map_whitespace_only(self) -> None:
        # Already NFKC: only whitespace runs collapse, so map whole words at once.
        pieces: list[str] = []
        origin: list[int] = []
        for match in re.finditer(r"\S+", self.text):
            if pieces:
                pieces.append(" ")
                origin.append(match.start() - 1)
            pieces.append(match.group())
            origin.extend(range(match.start(), match.end()))
        self.normalized = "".join(pieces)
        self._origin = origin

    def find(self, quote: str) -> int | None:
        """Offset in the original text where the quote starts, or None."""
        start = self.normalized.find(normalize(quote))
        return None if start < 0 or not quote.strip() else self._origin[start]

    def find_spans(self, quote: str, hyphen_optional: bool = False) -> list[tuple[int, int]]:
        """(start, end) in the original text of every occurrence of the quote. With
        `hyphen_optional`, a hyphen inside a word may be missing from the text (a PDF
        cannot tell 'long-' + 'term' at a line end from a hyphenated 'longterm')."""
        wanted = normalize(quote)
        if not wanted:
            return []
        if not hyphen_optional:
            return [(self._origin[s], self._origin[s + len(wanted) - 1] + 1)
                    for s in self._starts(wanted)]
        pattern = _hyphen_pattern(wanted)
        return [(self._origin[m.start()], self._origin[m.end() - 1] + 1)
                for m in pattern.finditer(self.normalized) if m.end() > m.start()]

    def _starts(self, wanted: str) -> list[int]:
        found, start = [], self.normalized.find(wanted)
        while start >= 0:
            found.append(start)
            start = self.normalized.find(wanted, start + 1)
        return found

    def paragraph(self, line: int) -> int:
        """Which paragraph (a run of non-empty lines) a 1-based line is in, counted from 1.

        Readers are told "¶ 4", never a file path and line number.
        """
        lines = self.text.split("\n")[:line]
        if not re.search(r"\n[ \t]*\n", self.text):  # no blank lines: a line is a paragraph
            return max(sum(1 for text in lines if text.strip()), 1)
        count, inside = 0, False
        for text in lines:
            if text.strip() and not inside:
                count += 1
            inside = bool(text.strip())
        return max(count, 1)

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of an offset in the original text."""
        line_index = bisect.bisect_right(self._line_starts, offset) - 1
        return line_index + 1, offset - self._line_starts[line_index] + 1

    def span(self, quote: str) -> tuple[int, int] | None:
        """(start, end) offsets of the quote in the original text."""
        wanted = normalize(quote)
        start = self.normalized.find(wanted)
        if start < 0 or not wanted:
            return None
        return self._origin[start], self._origin[start + len(wanted) - 1] + 1

    def closest(self, quote: str) -> tuple[int, str]:
        """The passage most like the quote: its original offset and normalised text."""
        wanted = normalize(quote)
        matcher = difflib.SequenceMatcher(None, self.normalized, wanted, autojunk=False)
        match = matcher.find_longest_match(0, len(self.normalized), 0, len(wanted))
        start = max(0, match.a - match.b)
        passage = self.normalized[start:start + len(wanted)]
        return self._origin[min(start, len(self._origin) - 1)] if self._origin else 0, passage


def word_difference(expected: str, found: str) -> tuple[str, str]:
    """The first words where `expected` and `found` differ: (expected's, found's).

    `found` may run on past `expected`'s end; words beyond the last difference are ignored.
    """
    wanted, present = expected.split(), found.split()
    matcher = difflib.SequenceMatcher(None, wanted, present, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if tag == "insert" and i1 == len(wanted):
            break  # the source just goes on
        context = " ".join(wanted[max(0, i1 - 1):i1])
        mine = " ".join(wanted[i1:i2]) or f"(nothing after '{context}')"
        theirs = " ".join(present[j1:j2]) or f"(nothing after '{context}')"
        return mine, theirs
    return "", ""


def first_difference(expected: str, found: str) -> int:
    """Index of the first character where two strings differ."""
    for index, (left, right) in enumerate(zip(expected, found, strict=False)):
        if left != right:
            return index
    return min(len(expected), len(found))


def _hyphen_pattern(wanted: str) -> re.Pattern[str]:
    """The quote as a pattern in which a hyphen between two letters may be absent."""
    parts = re.split(r"(?<=[^\W\d_])-(?=[^\W\d_])", wanted)
    return re.compile("-?".join(re.escape(part) for part in parts))
