"""Relative periods, resolved against the text's own frame, and the period of each number.

"compared with $18.1 billion a year ago", "the prior-year quarter", 去年同期, 上季度 name a
period by its distance from the one the text reports on (its frame: the absolute period
written nearest before, else after, that is not itself a comparison base). A year back
is the same part of the year before (FY2025-Q3 → FY2024-Q3); a quarter back, the
quarter before.

A number has its own period when the text ties it to one: a base of comparison
("compared with net income of $1.734 billion … for the quarter ended July 28, 2024",
"from $19.31 billion … in the year-ago period", "相较 2024 年同期的人民币 365.18 亿元"), or
a relative period right after it ("$7.75 billion for the same period last year") or,
in Chinese, right before it (去年同期为 90 亿元). Growth bases state nothing about the
growth figure ("up 94% from a year ago" is this quarter's growth), nor do adverbs
("up 17% sequentially", 环比下降).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from .calendars import Span, add_months
from .grammar import Lazy, Mention, trailing_year

_YEAR4 = r"(?:19|20)\d{2}"
# (months back, pattern); "adverb" cues are a growth basis, never a number's period.
_RELATIVE: list[tuple[int, bool, Lazy]] = [
    (months, adverb, Lazy(pattern, re.IGNORECASE)) for months, adverb, pattern in [
        (12, False, r"(?:the\s+)?same\s+(?:fiscal\s+)?(?:quarter|period|periods|half|months?)"
                    r"\s+(?:of\s+|in\s+)?(?:the\s+)?(?:prior|previous|last|preceding)\s+"
                    r"(?:fiscal\s+)?year"),
        (12, False, r"(?:the\s+)?same\s+(?:quarter|period)\s+(?:a\s+)?year\s+(?:ago|earlier)"),
        (12, False, r"(?:the\s+)?(?:prior|previous)[\s-]+(?:fiscal[\s-]+)?year(?:'s)?"
                    r"(?:\s+(?:fiscal\s+)?(?:quarter|period|periods|half))?"),
        (12, False, r"(?:the\s+)?year[\s-]+(?:ago|earlier)(?:\s+(?:quarter|period|half))?"),
        (12, False, r"\ba\s+year\s+(?:ago|earlier|before)|\bthe\s+year\s+before|"
                    r"\blast\s+(?:fiscal\s+)?year\b|prior\s+corresponding\s+period"),
        (12, True, r"\b(?:on\s+)?pcp\b"),  # "up 19.4% on pcp": the growth's basis
        (12, False, r"去年同期|上年同期|上年同季|上年|去年"),
        (3, False, r"(?:the\s+)?(?:previous|prior|preceding|last)\s+(?:fiscal\s+)?quarter|"
                   r"上一?季度|上个季度|上季(?!度)"),
        (3, True, r"\bsequentially\b|环比|環比"),
        (12, True, r"\byear[\s-]+(?:over|on)[\s-]+year\b|\by/y\b"),
    ]]
_SAME_PERIOD_OF = Lazy(rf"same\s+(?:quarter|period|periods)\s+(?:of|in)\s+(?P<y>{_YEAR4})"
                             rf"|(?P<z>{_YEAR4})\s*年\s*同期", re.IGNORECASE)
_COMPARISON = Lazy(r"\b(?:compared\s+(?:with|to)|versus|vs\.?|from|against|than|"
                         r"relative\s+to)(?![a-z])|相较于?|相比|(?<!比)较|对比", re.IGNORECASE)
# A full stop ends a sentence, unless it ends an abbreviation ("Oct. 27", "vs. $9.3 billion").
# "+6.4% over the same period last year", "up 19.4% on the prior year": a growth's basis.
_GROWTH_OVER = Lazy(r"\b(?:over|on|above|below)\b", re.IGNORECASE)
_DIRECT = Lazy(r"\s*(?:the|a|an|in|for|during|of)?\s*(?:the\s+)?", re.IGNORECASE)
_SPAN_TO = Lazy(r"\s*(?:to|through|until|till|-|–|至|到)(?![a-z])", re.IGNORECASE)
_CJK = Lazy(r"[\u4e00-\u9fff]")
_GROWTH_ZH = Lazy(r"[增降升减涨跌滑]|持平|提高|回落")  # 较上年同期增长 10%: a growth
_SENTENCE_END = Lazy(r"(?<!\bvs)(?<!\b[A-Z][a-z])(?<!\b[A-Z][a-z]{2})(?<!\bSept)"
                           r"[.!?](?=\s|$)|[;。；！？\n]")
# An amount: digits that are not a year (2024 in "February 2024" is a period, not an amount).
_AMOUNT = Lazy(r"(?<![\d.])(?!(?:19|20)\d{2}(?!\d))\d")


def relative_mentions(text: str) -> list[Mention]:
    """The relative periods a text writes, longest first where they overlap."""
    found: list[Mention] = []
    for match in _SAME_PERIOD_OF.finditer(text):
        year = int(match["y"] or match["z"])
        found.append(Mention(match.start(), match.end(), match.group(0), (), shift=-year))
    for months, adverb, pattern in _RELATIVE:
        for match in pattern.finditer(text):
            if not any(m.start <= match.start() < m.end for m in found):
                found.append(Mention(match.start(), match.end(), match.group(0), (),
                                     shift=months, adverb=adverb))
    return sorted(found, key=lambda m: m.start)


def is_base(text: str, mention: Mention) -> bool:
    """Whether the mention is a comparison base: of amounts ("compared with $1.734 billion
    … for the quarter ended …") or of a growth ("up 100 basis points from Q3 FY 2024").
    "Revenue from cloud services in Q3 2025" compares nothing: words, not an amount,
    stand between "from" and the period."""
    before = _SENTENCE_END.split(text[max(0, mention.start - 90):mention.start])[-1]
    comparisons = list(_COMPARISON.finditer(before))
    if not comparisons:
        return False
    between = before[comparisons[-1].end():]
    if _AMOUNT.search(between):
        return True
    # "from July to September 2013" is a span, not a base
    spans_to = _SPAN_TO.match(text, mention.end) and comparisons[-1].group(0).lower() == "from"
    return bool(_DIRECT.fullmatch(between)) and not spans_to


def resolve(text: str, absolute: list[Mention], relative: list[Mention],
            source_date: dt.date | None = None) -> list[Mention]:
    """Each relative mention with the spans of its frame moved back (a year, a quarter).

    With no period written to count from, the frame is the quarter (or year) of the
    source's date: 上季 in a note of 25 November 2025 is 2025-Q3.
    """
    frames = [m for m in absolute if not is_base(text, m)] or absolute
    resolved = []
    for mention in relative:
        before = [m for m in frames if m.end <= mention.start]
        after = [m for m in frames if m.start >= mention.end]
        frame = before[-1] if before else (after[0] if after else _dated_frame(
            mention, source_date))
        if frame is None:
            continue
        if mention.trailing:  # "on a trailing twelve-month basis": up to the frame's end
            resolved.append(replace(mention, spans=tuple(
                trailing_year(span) for span in frame.spans[1 if frame.dated_lengths else 0:]),
                dated_lengths=(365,) if frame.dated_lengths else (),
                fiscal_word=frame.fiscal_word))
            if frame.dated_lengths:
                resolved[-1] = replace(resolved[-1], spans=(frame.spans[0],
                                                            *resolved[-1].spans))
            continue
        spans = tuple(_moved(span, mention.shift) for span in frame.spans)
        resolved.append(replace(mention, spans=tuple(s for s in spans if s is not None),
                                dated_lengths=frame.dated_lengths,
                                fiscal_word=frame.fiscal_word, years=(), alone=frame.alone))
    return resolved


def _dated_frame(mention: Mention, source_date: dt.date | None) -> Mention | None:
    """The source date's own quarter (a quarter back) or year (a year back), as a frame."""
    if source_date is None or mention.trailing or mention.shift < 0:
        return None
    if mention.shift == 3:
        first = dt.date(source_date.year, (source_date.month - 1) // 3 * 3 + 1, 1)
        end = add_months(first, 3, start=True) - dt.timedelta(days=1)
    else:
        first, end = dt.date(source_date.year, 1, 1), dt.date(source_date.year, 12, 31)
    return Mention(0, 0, "", (Span.days(first, end),))


def _moved(span: Span, shift: int) -> Span | None:
    if shift > 0:
        return span.shifted(shift)
    year = -shift  # "the same period of 2024": the frame's part, in that year
    if span.basis == "fiscal":
        return span.shifted(12 * (span.first // 12 - year))
    return span.shifted(12 * (span.start_date.year - year))


def own_period(text: str, start: int, end: int, mentions: list[Mention]) -> Mention | None:
    """The mention the text ties the number at text[start:end] to, or None."""
    ordered = sorted(mentions, key=lambda m: m.start)
    after = [m for m in ordered if m.start >= end]
    before = [m for m in ordered if m.end <= start and not m.adverb]
    if after:
        nearest = after[0]  # an adverb only as a base: "up from $2.83 billion year over year"
        gap = text[end:nearest.start]
        if len(gap) <= 100 and not _SENTENCE_END.search(gap) and not _COMPARISON.search(gap):
            lead = _SENTENCE_END.split(text[max(0, start - 90):start])[-1]
            comparison = list(_COMPARISON.finditer(lead))
            between_mentions = [m for m in before if m.end > start - len(lead) + (
                comparison[-1].end() if comparison else 0)]
            if comparison and not between_mentions:
                return nearest  # "compared with $1.734 billion … for the quarter ended …"
            if nearest.adverb:
                return None
            if (nearest.shift or nearest.trailing) and len(gap) <= 45 and not _AMOUNT.search(
                    gap) and not (_GROWTH_OVER.search(gap) and not nearest.trailing) and \
                    not _CJK.search(nearest.text):  # 去年同期 comes before its number
                return nearest  # "$7.75 billion for the same period last year"
    if before:
        nearest = before[-1]
        gap = text[nearest.end:start]
        if (nearest.shift or nearest.trailing or is_base(text, nearest)) and re.fullmatch(
                r"\s*[\u4e00-\u9fff]{0,4}?\s*(?:的|为|是|:|：|分别为|达)?\s*(?:人民币|RMB|US\$|\$|约)?\s*",
                gap) and not _GROWTH_ZH.search(gap):
            return nearest  # 去年同期为 90 亿元; 相较 2024 年同期的人民币 365.18 亿元
    return None
