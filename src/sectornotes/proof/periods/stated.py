"""Whether a text states a claim's period, and whether it is the period of the claim's number.

A number tied to a period of its own (a comparison base, a relative period at it, the
i-th year of a "2025-2027 … 分别" list) must have that period; any other number one of
the absolute periods the text reports on (not a comparison base), or the source's
as-of date.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import TYPE_CHECKING

from ...inputs.lexicon import MONTH_NAMES
from . import as_of_states
from .calendars import FiscalCalendar, Span, claim_span
from .grammar import Lazy, Mention, read_mentions
from .relative import is_base, own_period, relative_mentions, resolve

if TYPE_CHECKING:
    from ...inputs.schema import DataPoint
    from ..meaning import Binding

MONTHS = list(MONTH_NAMES)
_YTD = Lazy(r"year to date|year-to-date|\bytd\b|since the start of|as of|年初至今|年初以来|截至|"
                  r"截止", re.IGNORECASE)
_RESPECTIVELY = Lazy(r"respectively|分别|各为|依次", re.IGNORECASE)
_PAST_YEARS = Lazy(r"(?:past|last)\s+(\d+)\s+years|过去\s*(\d+)\s*年", re.IGNORECASE)


def read_periods(text: str, source_date: dt.date | None = None,
                 calendar: FiscalCalendar | None = None) -> tuple[list[Mention], list[Mention]]:
    """(absolute, relative resolved) mentions of a text, for an entity's calendar."""
    absolute, relative = _read_periods(text, source_date, calendar)
    return list(absolute), list(relative)


@lru_cache(maxsize=1024)  # every data point of a claim reads the same quote and context
def _read_periods(text: str, source_date: dt.date | None, calendar: FiscalCalendar | None
                  ) -> tuple[tuple[Mention, ...], tuple[Mention, ...]]:
    relative = relative_mentions(text)
    absolute = read_mentions(text, source_date, calendar.fiscal_only if calendar else False,
                             [(r.start, r.end) for r in relative])
    relative += [m for m in absolute if m.trailing]
    absolute = [m for m in absolute if not m.trailing]
    return tuple(absolute), tuple(resolve(text, absolute, sorted(relative,
                                                                 key=lambda m: m.start),
                                           source_date))


def _states(span: Span, mention: Mention, calendar: FiscalCalendar | None) -> bool:
    if span in mention.spans:
        return True
    if not mention.dated_lengths or (mention.fiscal_word and span.basis != "fiscal"):
        return False
    if span.basis == "fiscal" and calendar is None:
        return False
    days = calendar.dates(span) if calendar is not None else span
    tolerance = 6 if mention.shift else 0  # a year or a quarter back from a dated frame
    if abs(days.last - mention.spans[0].last) > tolerance:
        return False
    length = days.last - days.first + 1
    return any(want is None or abs(length - want) <= want / 4 for want in mention.dated_lengths)


def _stated_by(period: str, mentions: list[Mention], text: str, source_date: dt.date | None,
               calendar: FiscalCalendar | None) -> bool:
    span = claim_span(period)
    if span is None:
        return False
    if any(_states(span, mention, calendar) for mention in mentions):
        return True
    if _RESPECTIVELY.search(text) and span.basis == "calendar" and any(
            span == Span.days(dt.date(year, 1, 1), dt.date(year, 12, 31))
            for mention in mentions if not mention.fiscal_word for year in mention.years):
        return True  # "2025-2027年营业收入分别为 …": each year of the range
    if span.basis == "fiscal" and _RESPECTIVELY.search(text) and any(
            span == Span("fiscal", year * 12, year * 12 + 11)
            for mention in mentions if mention.fiscal_word for year in mention.years):
        return True
    parts = period.split("/")
    if len(parts) != 2:
        return False
    start, end = parts
    if _stated_by(start, mentions, text, source_date, calendar) and _stated_by(
            end, mentions, text, source_date, calendar):
        return True
    if start.endswith("-01-01") and start[:4] == end[:4] and _YTD.search(text) and _stated_by(
            end, mentions, text, source_date, calendar):
        return True
    # "over the past 60 years" / "过去 60 年", counted back from a stated (or the source's) year
    years = _PAST_YEARS.search(text)
    if years and len(start) == len(end) == 4:
        count = int(years.group(1) or years.group(2))
        end_known = _stated_by(end, mentions, text, source_date, calendar) or (
            source_date is not None and source_date.year == int(end))
        return end_known and int(end) - int(start) == count
    return False


def period_stated(period: str, text: str, source_date: dt.date | None = None,
                  calendar: FiscalCalendar | None = None) -> bool:
    """Whether `text` states `period` (a span: as one period, both ends, or year to date)."""
    absolute, _ = read_periods(text, source_date, calendar)
    return _stated_by(period, absolute, text, source_date, calendar)


def period_problem(point: DataPoint, quote: str, context: str | None,
                   source_date: dt.date | None, as_of: dt.date | None,
                   calendar: FiscalCalendar | None) -> str | None:
    """Why the (normalised) quote and context do not give this point's period, or None.

    A number tied to a period of its own (a comparison base, a relative period at it) must
    have that period; any other number one of the absolute periods the text reports on.
    """
    text = quote + ("\n" + context if context else "")
    absolute, relative = read_periods(text, source_date, calendar)
    binding = _binding(quote, point)
    where = (binding.number.start, binding.number.end) if binding else None
    own = own_period(text, where[0], where[1], absolute + relative) if where else None
    listed = _listed_year(text, absolute, binding)
    if own is None and listed is not None and claim_span(point.period) != listed[0]:
        return (f"the quote lists {listed[1]} respectively, so {_shown(quote, where)} is "
                f"{listed[0].notation()}'s, not {point.period}: values exchanged?")
    if own is not None and (own.shift or own.trailing or "/" not in point.period):
        if _stated_by(point.period, [own], text, source_date, calendar):
            return None
        readings = ", ".join(dict.fromkeys(_reading(own)))
        return (f"the quote gives {_shown(quote, where)} for '{own.text}'" + (f" ({readings})" if readings
                                                                 else "") +
                f", not {point.period}; file it under that period")
    reported = [m for m in absolute if not is_base(text, m)] or absolute
    if _stated_by(point.period, reported, text, source_date, calendar):
        return None
    if as_of is not None and as_of_states(point.period, as_of):
        return None
    for mention in relative + [m for m in absolute if m not in reported]:
        if _stated_by(point.period, [mention], text, source_date, calendar):
            return (f"{point.period} is the period of '{mention.text}' in the quote, not of "
                    "this number; give the period the quote reports the number for")
    return (f"{point.period} is not stated in the quote" + (" or its context" if context else
                                                            "") +
            "; quote the passage that names it as source.context (it is verified like the "
            "quote), or give the source an as_of date")


def _reading(mention: Mention) -> list[str]:
    """A mention's periods as a claim writes them (a dated one: its length and end)."""
    if mention.dated_lengths:
        ended = mention.spans[0].end_date.isoformat()
        return [f"{'the period' if days is None else f'{round(days / 30.44)} months'} ended "
                f"{ended}" for days in mention.dated_lengths] + [
            span.notation() for span in mention.spans[1:]]
    return [span.notation() for span in mention.spans]


def _shown(quote: str, where: tuple[int, int] | None) -> str:
    return quote[where[0]:where[1]] if where else "this number"


def _binding(quote: str, point: DataPoint) -> Binding | None:
    """Where the point's number is written in the quote (its value, or its range's low)."""
    from ..meaning import bind

    value = point.value if point.value is not None else point.low
    if value is None:
        return None
    binding, _ = bind(quote, point, value, field="value" if point.value is not None else "low")
    return binding


def _listed_year(text: str, absolute: list[Mention], binding: Binding | None
                 ) -> tuple[Span, str] | None:
    """In "2025-2027年营业收入分别为83.2亿元、102.2亿元、118.2亿元" the i-th number after
    分别 / respectively is the i-th year's: (that year, the range as written), or None."""
    from ..numbers import numbers_in

    if binding is None:
        return None
    for word in _RESPECTIVELY.finditer(text):
        ranges = [m for m in absolute if m.years and m.end <= word.start()]
        items = _list_after(text, word.end()) if word.end() <= binding.number.start else []
        if not ranges or binding.number.start >= (items[-1][1] if items else 0):
            continue
        numbers = [n for n in numbers_in(text) if any(s <= n.start < e for s, e in items)]
        years = ranges[-1].years
        if len(numbers) != len(years) or binding.number.start not in [n.start for n in numbers]:
            continue
        year = years[[n.start for n in numbers].index(binding.number.start)]
        span = Span("fiscal", year * 12, year * 12 + 11) if ranges[-1].fiscal_word else \
            Span.days(dt.date(year, 1, 1), dt.date(year, 12, 31))
        return span, f"'{ranges[-1].text}'"
    # English: "… in 2025, 2026 and 2027, respectively" is the meaning module's list binding
    return None


def _list_after(text: str, start: int) -> list[tuple[int, int]]:
    """The stretch of a list that follows 分别 / respectively: up to the clause's end."""
    end = re.search(r"[，;；。\n]|,(?!\s*[+\-]?\d)", text[start:])
    return [(start, start + end.start() if end else len(text))]
