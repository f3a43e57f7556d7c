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
from array import array
from dataclasses import dataclass, field


def normalize(text: str) -> str:
    """NFKC, every run of whitespace collapsed to one space, trimmed."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


@dataclass
class SourceText:
    """A source document's text, normalised, with a map back to original offsets."""

    text: str
    normalized: str = field(init=False)
    # Offsets as machine integers (array): a source of a million characters maps each
    # one, and a list of Python ints would hold 36 bytes for each instead of 8.
    _origin: array[int] = field(init=False, repr=False)
    _line_starts: array[int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._line_starts = array("q", [0])
        self._line_starts.extend(m.end() for m in _NEWLINE.finditer(self.text))
        if unicodedata.is_normalized("NFKC", self.text):
            self._map_whitespace_only()
            return
        pieces: list[str] = []
        origin = array("q")
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
        origin = array("q")
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


# ---------------------------------------------------------------- what a quote shares with its claim

# Words that carry no meaning of their own: sharing them proves nothing.
_FUNCTION_WORDS = frozenset("""
the and for with that this these those are was were has have had from its their his her
our will which who whom but not all any can may such than then also into onto over upon
been being more most very per via about after before while where when what there here
they them she you your yet nor out off own same some each other both few many much
""".split())
_CJK_CHARACTER = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_NEWLINE = re.compile("\n")
_CJK_RUN = re.compile(rf"[{_CJK_CHARACTER}]+")
_WORD = re.compile(rf"(?:(?![{_CJK_CHARACTER}])[^\W\d_])+")
_NUMBER_TOKEN = re.compile(r"\d[\d,]*(?:\.\d+)?")
MIN_SHARED_TOKENS = 3  # words, numbers or CJK character pairs, within one language
MIN_SHARED_ACROSS_LANGUAGES = 2  # names and numbers, when the quote is a translation's source
MIN_OWN_CJK_CHARACTERS = 6


def content_tokens(text: str) -> set[str]:
    """What a text says, as comparable tokens: words of 3+ letters (not function words,
    lower case, a plural 's' and everything past six letters dropped, so 'investments'
    meets 'investing'), numbers of 2+ digits, and each pair of adjacent CJK characters."""
    text = unicodedata.normalize("NFKC", text)
    tokens = {_stem(word) for word in _WORD.findall(text)
              if len(word) >= 3 and word.lower() not in _FUNCTION_WORDS}
    tokens |= {number.replace(",", "") for number in _NUMBER_TOKEN.findall(text)
               if sum(c.isdigit() for c in number) >= 2}
    for run in _CJK_RUN.findall(text):
        tokens |= {run[i:i + 2] for i in range(len(run) - 1)}
    return tokens


def _stem(word: str) -> str:
    word = word.lower()
    return (word[:-1] if len(word) > 3 and word.endswith("s") else word)[:6]


def _cjk_count(text: str) -> int:
    return sum(len(run) for run in _CJK_RUN.findall(text))


def _written_in_cjk(text: str) -> bool:
    letters = sum(len(word) for word in _WORD.findall(text))
    return _cjk_count(text) >= letters


def weak_quote_problem(quote: str, claim_text: str) -> str | None:
    """Why a quote is too weak to prove a claim that has no quoted number, or None.

    Within one language the quote and the claim's text share at least
    MIN_SHARED_TOKENS content tokens. A quote in CJK for a claim written in a Latin
    script (or the other way round) shares the names and numbers that survive translation:
    at least MIN_SHARED_ACROSS_LANGUAGES of them, and a CJK quote holds at least
    MIN_OWN_CJK_CHARACTERS characters.
    """
    shared = sorted(content_tokens(quote) & content_tokens(claim_text))
    if _written_in_cjk(quote) == _written_in_cjk(claim_text):
        if len(shared) >= MIN_SHARED_TOKENS:
            return None
        return (f"the quote shares {_listed(shared)} with the claim's text; a quote proves a "
                f"claim only when it states it: quote the passage that says what the text "
                f"says (at least {MIN_SHARED_TOKENS} of its words, numbers or, in Chinese, "
                "pairs of characters)")
    own_cjk = _cjk_count(quote)
    if len(shared) >= MIN_SHARED_ACROSS_LANGUAGES and (
            own_cjk >= MIN_OWN_CJK_CHARACTERS or not _written_in_cjk(quote)):
        return None
    return (f"the quote is in another language than the claim's text and shares "
            f"{_listed(shared)} with it; quote the passage that states the claim, sharing at "
            f"least {MIN_SHARED_ACROSS_LANGUAGES} names or numbers"
            + (f" and with at least {MIN_OWN_CJK_CHARACTERS} characters of its own"
               if _written_in_cjk(quote) else "")
            + ", or write the claim's text in the quote's language")


def _listed(tokens: list[str]) -> str:
    if not tokens:
        return "no word"
    return f"only {', '.join(repr(token) for token in tokens)}"
