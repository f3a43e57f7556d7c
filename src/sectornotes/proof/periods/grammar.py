"""The period grammar: every period a text writes, as `Mention`s.

A text is read in two steps. Words are tokens — a year (2025, FY25, 25年), a part of a
year (Q3, third quarter, 3Q, H1, first half, 上半年, 第三季度, nine months, 前三季度,
TTM), the word fiscal (财年, 财政年度, 财季) or calendar, "ended"/截至, a date, a
multi-year range (2025-2027年) or a relative period ("a year ago", 去年同期). Tokens
that follow each other with only filler between ("of", "the", "-", 年, 第 …) form one
phrase, in any order: "fiscal third quarter 2025", "the fourth quarter of fiscal year
2025", "Q3 FY25" and "2025财年第三季度" are the same four tokens in different orders.

A phrase means one period:
- with "fiscal" (or FY, 财年, 财季) a fiscal one, with "calendar" a calendar one, and
  with neither a calendar one unless the entity's calendar is fiscal-only;
- a part without a year ("the third quarter") takes each year the text writes;
- "<part> ended <date>" (or 截至<date>止<part>) is dated: it states whatever period of
  that length ends on that date, fiscal or calendar alike (fiscal only, if the phrase
  says fiscal);
- a relative phrase is resolved later against the text's own frame (`relative.py`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from ...inputs.lexicon import MONTH_NAMES
from .calendars import Span, add_months

_ZH_NUMBER = {"一": 1, "二": 2, "三": 3, "四": 4, "六": 6, "九": 9, "十二": 12}
_WORD_NUMBER = {"one": 1, "two": 2, "three": 3, "four": 4, "six": 6, "nine": 9, "twelve": 12,
                "first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2,
                "3rd": 3, "4th": 4}
_MON = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_LENGTH_WORD = r"(?:three|six|nine|twelve|3|6|9|12)"
_YEAR4 = r"(?:19|20)\d{2}"



class Lazy:
    """A regular expression compiled when first used: `import` stays cheap (a no-op build
    imports this package through the figures, and never reads a period)."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern, self.flags = pattern, flags
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:
        if self._compiled is None:
            self._compiled = re.compile(self.pattern, self.flags)
        return getattr(self._compiled, name)


# kind → pattern, tried over the whole text; overlaps go to the longest match.
_TOKENS: list[tuple[str, Lazy]] = [(kind, Lazy(pattern, re.IGNORECASE)) for
                                   kind, pattern in [
    ("range", rf"(?<![\d.])(?P<a>{_YEAR4})\s*[-–~～至到]\s*(?P<b>{_YEAR4}|\d{{2}})(?![\d%])"
              r"(?:\s*(?:年|E\b))?"),
    ("fyear", r"(?<![a-z])F(?:iscal\s*)?Y\s*'?(?P<y>\d{4}|\d{2})(?![\d])"),
    ("fquarter", r"(?<![a-z])FQ(?P<n>[1-4])[\s\-']*(?P<y>\d{4}|\d{2})(?!\d)"),
    ("quarter_year", r"(?<![A-Za-z0-9.])(?P<n>[1-4])Q\s*(?P<f>FY\s*)?(?P<y>\d{4}|\d{2})(?!\d)"),
    ("year_quarter", rf"(?<![A-Za-z0-9.])(?P<y>{_YEAR4}\s*-?\s*|\d{{2}})Q(?P<n>[1-4])(?!\d)"),
    ("half_year", r"(?<![A-Za-z0-9.])(?P<n>[12])H\s*(?P<f>FY\s*)?(?P<y>\d{4}|\d{2})(?!\d)"),
    ("year_half", rf"(?<![A-Za-z0-9.])(?P<y>{_YEAR4}\s*-?\s*|\d{{2}})H(?P<n>[12])(?!\d)"),
    ("months_year", r"(?<![A-Za-z0-9.])(?P<n>9|6)M\s*(?P<f>FY\s*)?(?P<y>\d{4}|\d{2})(?!\d)"),
    ("quarter", r"(?<![A-Za-z0-9])Q(?P<n>[1-4])(?!\d)"),
    ("half", r"(?<![A-Za-z0-9])H(?P<n>[12])(?!\d)"),
    ("quarters", r"first\s+(?P<n>two|three)\s+(?:fiscal\s+)?quarters"),
    ("quarter", r"(?P<w>first|second|third|fourth|1st|2nd|3rd|4th)(?:(?P<f>[\s-]+fiscal)|"
                r"(?P<c>[\s-]+calendar))?[\s-]+quarters?\b"),
    ("half", r"(?P<w>first|second|1st|2nd)(?P<f>[\s-]+fiscal)?[\s-]+half\b"),
    ("ttm", r"\b(?:TTM|LTM)\b|(?:trailing|last|past|rolling)[\s-]+(?:twelve|12)[\s-]+months?|"
            r"trailing[\s-]+(?:four|4)[\s-]+quarters|近\s*12\s*个月|近四个季度|过去四个季度|"
            r"滚动\s*12\s*个月"),
    ("months", rf"(?:first\s+)?(?P<n>{_LENGTH_WORD}(?:-?\s*(?:,|and|&)\s*{_LENGTH_WORD})*)"
               r"[\s-]+months?\b(?:[\s-]+periods?)?"),
    ("weeks", r"(?<![\d.])(?P<n>\d{1,2})[\s-]+weeks?\b"),
    ("months", r"(?P<zn>三|六|九|十二|3|6|9|12)\s*(?:个|個)\s*月"),
    ("quarters", r"前三季度|前三个季度|一至三季度|1\s*[-～~]\s*3\s*季度|1-3Q"),
    ("quarter", r"第?(?P<z>[一二三四1-4])\s*(?P<zf>财季|財季|季度|季)(?!报|報)"),
    ("half", r"(?P<zh>上|下)半(?:年|财年|年度)"),
    ("fiscal", r"\bfiscal(?:\s+year)?\b|\bfinancial\s+year\b|财年|財年|财政年度|財政年度|会计年度"),
    ("calendar", r"\bcalendar(?:\s+year)?\b|自然年"),
    ("short_year", r"(?<![\d.])(?P<y>\d{2})\s*(?=年|财年|財年)"),
    ("this_year", r"今年|本年度|\bthis\s+year\b"),
    ("year", rf"(?<![\d.$])(?<!\d,)(?P<y>{_YEAR4})(?![\d]|[.,]\d|\s*%)"),
    ("date", rf"\b(?P<m>{_MON})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?!\d)(?:,?\s*(?P<y>{_YEAR4}))?"),
    ("date", rf"(?<![\d.])(?P<d>\d{{1,2}})\s+(?P<m>{_MON})(?:,?\s*(?P<y>{_YEAR4}))?"),
    ("date", rf"(?:(?P<y>{_YEAR4})\s*年\s*)?(?P<mz>\d{{1,2}})\s*月\s*(?P<d>\d{{1,2}})\s*日"),
    ("date", rf"(?P<iso>{_YEAR4}-\d{{2}}-\d{{2}})"),
    ("month", rf"\b(?P<m>{_MON}),?\s+(?P<y>{_YEAR4})"),
    ("month", rf"(?P<y>{_YEAR4})\s*年\s*(?P<mz>\d{{1,2}})\s*月(?!\s*\d)"),
    ("month", rf"(?P<y>{_YEAR4})-(?P<mz>0[1-9]|1[0-2])(?![\d-])"),
    ("month", r"(?<![\d.])(?P<mz>\d{1,2})\s*月(?!\s*\d)"),
    ("month", r"\b(?P<m>January|February|March|April|June|July|August|September|October|"
              r"November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b"),
    ("year_start", rf"(?:beginning|start)\s+of\s+(?P<y>{_YEAR4})|early\s+(?P<y2>{_YEAR4})|"
                   rf"(?P<y3>{_YEAR4})\s*年初"),
    ("ended", r"\b(?:ended|ending|ends)\b|截至|截止"),
    ("quarter_word", r"\bquarters?\b|季度"),
    ("year_word", r"\byears?\b"),
    ("period_word", r"\bperiods?\b"),
]]
_FILLER = Lazy(r"(?:[\s,\-–—'’]|\bof\b|\bthe\b|\bin\b|\bfor\b|\bfull\b|\bits\b|年|第|度|"
                     r"单|止|的)*", re.IGNORECASE)
_PART_KINDS = {"quarter", "half", "quarters", "months", "weeks", "ttm", "quarter_word",
               "year_word", "period_word"}


@dataclass(frozen=True)
class Token:
    kind: str
    start: int
    end: int
    groups: dict[str, str | None]
    text: str


@dataclass(frozen=True)
class Mention:
    """One period a text writes: a span, or a dated span ("quarter ended July 27, 2025")."""

    start: int
    end: int
    text: str
    spans: tuple[Span, ...]  # the readings (a part without a year: one per year written)
    dated_lengths: tuple[int | None, ...] = ()  # days, for "<length> ended <date>"
    fiscal_word: bool = False
    alone: bool = False  # a part whose year came from elsewhere in the text
    shift: int = 0  # relative: months before the frame (12 a year ago, 3 the quarter before)
    adverb: bool = False  # "sequentially", 环比: a growth basis, never a number's own period
    years: tuple[int, ...] = field(default=())  # a multi-year range's years (分别)
    trailing: bool = False  # "trailing twelve months" with no period of its own: the frame's


def tokens(text: str) -> list[Token]:
    """Every token, left to right; of two overlapping tokens the longer is kept."""
    found = []
    for priority, (kind, pattern) in enumerate(_TOKENS):
        for match in pattern.finditer(text):
            if match.end() > match.start():
                found.append((match.start(), -(match.end() - match.start()), priority,
                              Token(kind, match.start(), match.end(), match.groupdict(),
                                    match.group(0))))
    found.sort(key=lambda item: item[:3])
    kept: list[Token] = []
    taken_until = -1
    for start, _, _, token in found:
        if start >= taken_until:
            kept.append(token)
            taken_until = token.end
    return kept


def phrases(text: str, found: list[Token]) -> list[list[Token]]:
    """Tokens grouped into phrases: neighbours with only filler between them (or an opening
    parenthesis before "ended": "third-quarter fiscal 2025 (ended July 27)")."""
    groups: list[list[Token]] = []
    for token in found:
        if groups:
            gap = text[groups[-1][-1].end:token.start]
            joins = bool(_FILLER.fullmatch(gap.replace("(", "") if token.kind == "ended" else gap))
            if len(gap) <= 20 and joins and "\n" not in gap:
                groups[-1].append(token)
                continue
        groups.append([token])
    return groups


def _year(value: str) -> int:
    digits = re.sub(r"\D", "", value)
    return int(digits) if len(digits) == 4 else 2000 + int(digits)


def _month(name: str | None, number: str | None) -> int:
    if number:
        return int(number)
    assert name is not None
    return next(i for i, full in enumerate(MONTH_NAMES, 1) if full.startswith(name[:3].lower()))


def _end_of_month(year: int, month: int) -> dt.date:
    return add_months(dt.date(year, month, 1), 1, start=True) - dt.timedelta(days=1)


@dataclass
class _Phrase:
    """What one phrase's tokens say, before it is turned into spans."""

    years: list[tuple[int, bool]] = field(default_factory=list)  # (year, written as fiscal)
    fiscal: bool = False
    calendar: bool = False
    part: tuple[str, int] | None = None  # ("Q", 3), ("H", 1), ("M", 9) first n months, ("T", 12)
    lengths: list[int | None] = field(default_factory=list)  # days, for a dated phrase
    ended: bool = False
    date: tuple[int | None, int, int] | None = None  # (year or None, month, day)
    month: tuple[int | None, int] | None = None
    range_years: tuple[int, int] | None = None
    trailing: bool = False  # TTM: the twelve months ending with the part (or the frame)
    this_year: bool = False  # 今年, "this year": the source's year


def _read(group: list[Token]) -> _Phrase:
    said = _Phrase()
    for token in group:
        g, kind = token.groups, token.kind
        if kind in ("fyear", "fquarter"):
            said.years.append((_year(g["y"] or ""), True))
            said.fiscal = True
            if kind == "fquarter":
                said.part = ("Q", int(g["n"] or 0))
        elif kind in ("quarter_year", "year_quarter", "half_year", "year_half", "months_year"):
            fiscal = bool(g.get("f"))
            said.years.append((_year(g["y"] or ""), fiscal))
            said.fiscal |= fiscal
            letter = {"quarter_year": "Q", "year_quarter": "Q", "half_year": "H",
                      "year_half": "H", "months_year": "M"}[kind]
            said.part = (letter, int(g["n"] or 0))
        elif kind in ("year", "short_year"):
            said.years.append((_year(g["y"] or ""), False))
        elif kind == "this_year":
            said.this_year = True
        elif kind == "range":
            first = int(g["a"] or 0)
            second = _year(g["b"] or "")
            said.range_years = (first, second if second >= first else first // 100 * 100 + second)
        elif kind == "fiscal":
            said.fiscal = True
            if re.search(r"year|年度", token.text, re.IGNORECASE):
                said.lengths.append(365)  # "fiscal year ended June 30, 2025"
        elif kind == "calendar":
            said.calendar = True
        elif kind in _PART_KINDS:
            _read_part(said, token)
        elif kind == "ended":
            said.ended = True
        elif kind == "date":
            said.date = _date_of(g)
        elif kind == "month":
            said.month = (int(g.get("y") or 0) or None, _month(g.get("m"), g.get("mz")))
        elif kind == "year_start":
            said.month = (int(g["y"] or g["y2"] or g["y3"] or 0), 1)
    return said


def _date_of(g: dict[str, str | None]) -> tuple[int | None, int, int]:
    if g.get("iso"):
        day = dt.date.fromisoformat(g["iso"] or "")
        return day.year, day.month, day.day
    return (int(g.get("y") or 0) or None, _month(g.get("m"), g.get("mz")),
            int(g["d"] or 0))


def _read_part(said: _Phrase, token: Token) -> None:
    g, kind = token.groups, token.kind
    if g.get("f") or g.get("zf") in ("财季", "財季"):
        said.fiscal = True
    if g.get("c"):
        said.calendar = True
    if kind == "quarter":
        number = g.get("n") or g.get("w") or g.get("z") or "0"
        said.part = ("Q", _WORD_NUMBER.get(number.lower(), _ZH_NUMBER.get(number, 0)) or
                     int(number))
        said.lengths.append(91)
    elif kind == "half":
        if g.get("zh"):
            said.part = ("H", 1 if g["zh"] == "上" else 2)
        else:
            number = (g.get("n") or g.get("w") or "0").lower()
            said.part = ("H", _WORD_NUMBER.get(number) or int(number))
        said.lengths.append(182)
    elif kind == "quarters":
        count = {"two": 2, "three": 3}.get((g.get("n") or "three").lower(), 3)
        said.part = ("M", 3 * count)
        said.lengths.append(91 * count)
    elif kind == "months":
        counts = [_WORD_NUMBER.get(word.lower()) or _ZH_NUMBER.get(word) or int(word)
                  for word in re.findall(r"three|six|nine|twelve|十二|三|六|九|\d+",
                                         g.get("n") or g.get("zn") or "", re.IGNORECASE)]
        said.lengths += [round(count * 30.44) for count in counts]
        if token.text.lower().startswith("first") and len(counts) == 1:
            said.part = ("M", counts[0])
    elif kind == "weeks":
        said.lengths.append(7 * int(g.get("n") or 0))
    elif kind == "ttm":
        said.trailing = True
        said.lengths.append(365)
    elif kind == "quarter_word":
        said.lengths.append(91)
    elif kind == "year_word":
        said.lengths.append(365)
    elif kind == "period_word":
        said.lengths.append(None)


def _part_span(part: tuple[str, int] | None, year: int, fiscal: bool) -> Span | None:
    """The span of a part of `year` (fiscal: in fiscal months; calendar: in days)."""
    letter, number = part or ("Y", 0)
    if letter in "QH" and number == 0:
        return None
    first, count = {"Y": (0, 12), "Q": (3 * (number - 1), 3), "H": (6 * (number - 1), 6),
                    "M": (0, number)}[letter]
    if fiscal:
        return Span("fiscal", year * 12 + first, year * 12 + first + count - 1)
    return Span.days(dt.date(year, first + 1, 1), _end_of_month(year, first + count))


def trailing_year(span: Span) -> Span:
    """The twelve months that end where `span` ends (TTM)."""
    if span.basis == "fiscal":
        return Span("fiscal", span.last - 11, span.last)
    start = add_months(span.end_date + dt.timedelta(days=1), -12, start=True)
    return Span.days(start, span.end_date)


def read_mentions(text: str, source_date: dt.date | None = None, fiscal_only: bool = False,
                  skip: list[tuple[int, int]] | None = None) -> list[Mention]:
    """Every period the text writes, outside the `skip` stretches (the relative periods,
    which `relative.resolve` reads)."""
    found = [t for t in tokens(text) if not any(s < t.end and t.start < e for s, e in skip or [])]
    groups = phrases(text, found)
    readings = [(group, _read(group)) for group in groups]
    for _, said in readings:
        if said.this_year and source_date is not None and not said.years:
            said.years.append((source_date.year, False))
    year_candidates = _candidate_years(readings, fiscal_only)
    mentions = []
    for group, said in readings:
        mention = _mention(text, group, said, year_candidates, source_date, fiscal_only)
        if mention is not None:
            mentions.append(mention)
    return mentions


def _candidate_years(readings: list[tuple[list[Token], _Phrase]],
                     fiscal_only: bool) -> list[tuple[int, bool]]:
    """The years a part without its own year may belong to: every year the text writes.

    The year of a date counts only where the entity writes fiscal periods alone (Costco's
    "fourth quarter … fiscal year ended August 31, 2025"): for a calendar reading it would
    make Cisco's "fourth quarter … period ended July 26, 2025" calendar Q4 2025.
    """
    years: list[tuple[int, bool]] = []
    for _, said in readings:
        years += [(year, fiscal or said.fiscal) for year, fiscal in said.years]
        if said.date and said.date[0] and (fiscal_only or said.fiscal):
            years.append((said.date[0], True))
        if said.month and said.month[0]:
            years.append((said.month[0], False))
        if said.range_years:
            years += [(said.range_years[0], said.fiscal), (said.range_years[1], said.fiscal)]
    return list(dict.fromkeys(years))


def _mention(text: str, group: list[Token], said: _Phrase,
             year_candidates: list[tuple[int, bool]], source_date: dt.date | None,
             fiscal_only: bool) -> Mention | None:
    start, end = group[0].start, group[-1].end
    words = text[start:end]
    fiscal = said.fiscal or (fiscal_only and not said.calendar)
    if said.date is not None:
        return _dated(words, start, end, said, year_candidates, source_date, fiscal)
    if said.range_years:
        first, last = said.range_years
        spans = [s for s in (_part_span(None, first, fiscal), _part_span(None, last, fiscal))
                 if s]
        whole = Span(spans[0].basis, spans[0].first, spans[-1].last)
        return Mention(start, end, words, (whole, *spans), fiscal_word=said.fiscal,
                       years=tuple(range(first, last + 1)))
    if said.month is not None:
        return _month_mention(words, start, end, said, year_candidates, source_date)
    if said.trailing and not said.years:
        return Mention(start, end, words, (), trailing=True)
    if said.years:
        year = said.years[0][0]
        span = _part_span(said.part, year, fiscal)
        if span and said.trailing:
            span = trailing_year(span)
        return Mention(start, end, words, (span,), fiscal_word=said.fiscal) if span else None
    if said.part is None:
        return None
    readings = tuple(dict.fromkeys(
        s for year, year_fiscal in year_candidates
        if (s := _part_span(said.part, year, (fiscal or year_fiscal) and not said.calendar))
        is not None))
    return Mention(start, end, words, readings, fiscal_word=said.fiscal, alone=True) \
        if readings else None


def _dated(words: str, start: int, end: int, said: _Phrase,
           year_candidates: list[tuple[int, bool]], source_date: dt.date | None,
           fiscal: bool) -> Mention | None:
    assert said.date is not None
    year, month, day = said.date
    if year is None:
        if source_date is not None:
            year = source_date.year if (month, day) <= (source_date.month, source_date.day) \
                else source_date.year - 1
        elif year_candidates:
            year = year_candidates[0][0]
        else:
            return None
    try:
        date = dt.date(year, month, day)
    except ValueError:
        return None
    fiscal_word = said.fiscal
    if said.part and said.part[0] in "QH" and said.part[1] and said.ended and \
            date != _end_of_month(date.year, said.part[1] * (3 if said.part[0] == "Q" else 6)):
        fiscal_word = fiscal = True  # "third quarter ended October 26, 2025" is no calendar Q3
    spans = [Span.days(date, date)]
    if not said.ended:  # "on January 26" also states January
        spans.append(Span.days(dt.date(year, month, 1), _end_of_month(year, month)))
    if said.years and said.part:  # "fiscal 2025 fourth quarter ended September 27, 2025"
        symbolic = _part_span(said.part, said.years[0][0], fiscal)
        if symbolic:
            spans.append(symbolic)
    if not said.ended or not said.lengths:
        return Mention(start, end, words, tuple(spans), fiscal_word=fiscal_word)
    return Mention(start, end, words, tuple(spans), tuple(said.lengths), fiscal_word=fiscal_word)


def _month_mention(words: str, start: int, end: int, said: _Phrase,
                   year_candidates: list[tuple[int, bool]],
                   source_date: dt.date | None) -> Mention | None:
    assert said.month is not None
    year, month = said.month
    years = [year] if year else [y for y, fiscal in year_candidates if not fiscal] + (
        [source_date.year] if source_date else [])
    spans = tuple(dict.fromkeys(Span.days(dt.date(y, month, 1), _end_of_month(y, month))
                                for y in years))
    return Mention(start, end, words, spans, alone=not year) if spans else None


def day_mentions(text: str, source_date: dt.date | None) -> list[Span]:
    """Days written without a year take the source's year ("1 月 22 日")."""
    days = []
    for mention in read_mentions(text, source_date):
        days += [span for span in mention.spans if span.basis == "calendar" and
                 span.first == span.last]
    return days
