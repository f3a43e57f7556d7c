"""Fiscal calendars: when an entity's fiscal year ends, and the real dates of its periods.

A fiscal year is named by the calendar year it ends in (FY2025 of a June year end runs
from July 2024 to June 2025). It ends on a fixed day (`06-30`) or, for a 52/53-week
year, on a weekday rule ("last Sunday of January", "Saturday nearest October 31"); the
quarters of a week-based year are 13 weeks each unless `quarter_weeks` says otherwise
(Costco: 12, 12, 12 and 16), the last one ending with the year.

Periods are compared as `Span`s: a calendar span is a range of days, a fiscal span a
range of months of the fiscal calendar (fiscal year × 12 + month of that year, from 0).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ...inputs.lexicon import FISCAL_YEAR_END, MONTH_NAMES, WEEKDAY_NAMES

if TYPE_CHECKING:
    from ...inputs.schema import House


@dataclass(frozen=True)
class Span:
    """A period as an interval: days (calendar) or fiscal months (fiscal), both inclusive."""

    basis: str  # "calendar" | "fiscal"
    first: int  # calendar: date ordinal; fiscal: fiscal year * 12 + month index
    last: int

    @staticmethod
    def days(start: dt.date, end: dt.date) -> Span:
        return Span("calendar", start.toordinal(), end.toordinal())

    @property
    def start_date(self) -> dt.date:
        return dt.date.fromordinal(self.first)

    @property
    def end_date(self) -> dt.date:
        return dt.date.fromordinal(self.last)

    def shifted(self, months: int) -> Span:
        """The same span `months` earlier (a year ago: 12; the previous quarter: 3)."""
        if self.basis == "fiscal":
            return Span("fiscal", self.first - months, self.last - months)
        return Span.days(add_months(self.start_date, -months, start=True),
                         add_months(self.end_date, -months, start=False))

    def notation(self) -> str:
        """How a claim writes this span (FY2024-Q3, 2025-Q1/2025-Q3, 2025 …)."""
        if self.basis == "fiscal":
            return _fiscal_notation(self.first, self.last)
        return _calendar_notation(self.start_date, self.end_date)


def add_months(day: dt.date, months: int, start: bool) -> dt.date:
    """`day` moved by whole months; a month's last day stays its month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = _month_end(year, month + 1).day
    if not start and day == _month_end(day.year, day.month):
        return dt.date(year, month + 1, last)
    return dt.date(year, month + 1, min(day.day, last))


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)


def _part(first: int, last: int, unit: int, letter: str) -> str | None:
    if first % unit == 0 and (last + 1) % unit == 0 and last - first + 1 == unit:
        return f"{letter}{first % 12 // unit + 1}"
    return None


def _fiscal_notation(first: int, last: int) -> str:
    year = first // 12
    if last - first == 11 and first % 12 == 0:
        return f"FY{year}"
    for unit, letter in ((3, "Q"), (6, "H")):
        part = _part(first, last, unit, letter)
        if part:
            return f"FY{year}-{part}"
    if first % 3 == 0 and (last + 1) % 3 == 0:
        return f"FY{first // 12}-Q{first % 12 // 3 + 1}/FY{last // 12}-Q{last % 12 // 3 + 1}"
    return f"FY{first // 12}-M{first % 12 + 1}/FY{last // 12}-M{last % 12 + 1}"


def _calendar_notation(start: dt.date, end: dt.date) -> str:
    if start.day != 1 or end != _month_end(end.year, end.month):
        return start.isoformat() if start == end else f"{start.isoformat()}/{end.isoformat()}"
    first, last = start.year * 12 + start.month - 1, end.year * 12 + end.month - 1
    if first % 12 == 0 and last - first == 11:
        return str(start.year)
    for unit, letter in ((3, "Q"), (6, "H")):
        part = _part(first, last, unit, letter)
        if part:
            return f"{start.year}-{part}"
    if first == last:
        return f"{start.year}-{start.month:02d}"
    if first % 3 == 0 and (last + 1) % 3 == 0:
        return f"{start.year}-Q{start.month // 3 + 1}/{end.year}-Q{(end.month - 1) // 3 + 1}"
    return f"{start.year}-{start.month:02d}/{end.year}-{end.month:02d}"


@dataclass(frozen=True)
class FiscalCalendar:
    """When an entity's fiscal year ends, and whether its sources write only fiscal periods."""

    year_end: str = "12-31"  # MM-DD or a 52/53-week rule (inputs.lexicon.FISCAL_YEAR_END)
    fiscal_only: bool = False  # "third quarter 2025" without "fiscal" means FY2025-Q3
    quarter_weeks: tuple[int, ...] = ()  # a week-based year's quarters, e.g. (12, 12, 12, 16)

    def year_end_date(self, fiscal_year: int) -> dt.date:
        """The last day of fiscal year `fiscal_year`."""
        rule = re.match(FISCAL_YEAR_END, self.year_end)
        if rule is None:
            raise ValueError(f"not a fiscal year end: {self.year_end!r}")
        if rule["mm"]:
            month, day = int(rule["mm"]), int(rule["dd"])
            return dt.date(fiscal_year, month, min(day, _month_end(fiscal_year, month).day))
        if rule["last_day"]:
            weekday = WEEKDAY_NAMES.index(rule["last_day"].lower())
            end = _month_end(fiscal_year, MONTH_NAMES.index(rule["last_month"].lower()) + 1)
            return end - dt.timedelta(days=(end.weekday() - weekday) % 7)
        weekday = WEEKDAY_NAMES.index(rule["near_day"].lower())
        anchor = dt.date(fiscal_year, MONTH_NAMES.index(rule["near_month"].lower()) + 1,
                         int(rule["near_date"]))
        back = (anchor.weekday() - weekday) % 7
        return anchor - dt.timedelta(days=back) if back <= 3 else anchor + dt.timedelta(
            days=7 - back)

    @property
    def week_based(self) -> bool:
        return not re.match(r"^\d\d-\d\d$", self.year_end)

    def month_end(self) -> str:
        """The year end as MM-DD (for a week rule, its month's last day): month-level uses."""
        if not self.week_based:
            return self.year_end
        end = self.year_end_date(2001)
        return _month_end(end.year, end.month).strftime("%m-%d")

    def quarter_dates(self, fiscal_year: int, quarter: int) -> tuple[dt.date, dt.date]:
        """First and last day of a fiscal quarter."""
        year_start = self.year_end_date(fiscal_year - 1) + dt.timedelta(days=1)
        if not self.week_based:
            start = add_months(year_start, 3 * (quarter - 1), start=True)
            return start, add_months(start, 3, start=True) - dt.timedelta(days=1)
        weeks = self.quarter_weeks or (13, 13, 13, 13)
        start = year_start + dt.timedelta(weeks=sum(weeks[:quarter - 1]))
        if quarter == 4:
            return start, self.year_end_date(fiscal_year)
        return start, start + dt.timedelta(weeks=weeks[quarter - 1], days=-1)

    def dates(self, span: Span) -> Span:
        """A fiscal span as real days (a calendar span is returned as it is)."""
        if span.basis == "calendar":
            return span
        if span.first % 3 == 0 and (span.last + 1) % 3 == 0:
            start, _ = self.quarter_dates(span.first // 12, span.first % 12 // 3 + 1)
            _, end = self.quarter_dates(span.last // 12, span.last % 12 // 3 + 1)
            return Span.days(start, end)
        year_start = self.year_end_date(span.first // 12 - 1) + dt.timedelta(days=1)
        start = add_months(year_start, span.first % 12, start=True)
        last_start = add_months(self.year_end_date(span.last // 12 - 1) + dt.timedelta(days=1),
                                span.last % 12, start=True)
        return Span.days(start, add_months(last_start, 1, start=True) - dt.timedelta(days=1))


def claim_span(period: str) -> Span | None:
    """A claim's period (YYYY, YYYY-Qn, YYYY-Hn, YYYY-MM, YYYY-MM-DD, FY…, or A/B) as a Span."""
    parts = [_part_span(part) for part in period.split("/")]
    if any(p is None for p in parts) or len({p.basis for p in parts if p}) != 1:
        return None
    first, last = parts[0], parts[-1]
    assert first is not None and last is not None
    return Span(first.basis, first.first, last.last)


def _part_span(part: str) -> Span | None:
    fiscal = part.startswith("FY")
    body = part[2:] if fiscal else part
    match = re.fullmatch(r"(\d{4})(?:-(?:Q([1-4])|H([12])|(\d{2})(?:-(\d{2}))?))?", body)
    if match is None:
        return None
    year = int(match[1])
    if fiscal:
        if match[4]:
            return None
        base = year * 12
        if match[2]:
            return Span("fiscal", base + 3 * (int(match[2]) - 1), base + 3 * int(match[2]) - 1)
        if match[3]:
            return Span("fiscal", base + 6 * (int(match[3]) - 1), base + 6 * int(match[3]) - 1)
        return Span("fiscal", base, base + 11)
    if match[5]:
        day = dt.date(year, int(match[4]), int(match[5]))
        return Span.days(day, day)
    if match[4]:
        month = int(match[4])
        return Span.days(dt.date(year, month, 1), _month_end(year, month))
    if match[2]:
        quarter = int(match[2])
        return Span.days(dt.date(year, 3 * quarter - 2, 1), _month_end(year, 3 * quarter))
    if match[3]:
        half = int(match[3])
        return Span.days(dt.date(year, 6 * half - 5, 1), _month_end(year, 6 * half))
    return Span.days(dt.date(year, 1, 1), dt.date(year, 12, 31))


def entity_calendars(house: House) -> tuple[dict[str, FiscalCalendar],
                                             list[tuple[tuple[str, ...], str]]]:
    """Each entity's fiscal calendar by every name it has (its aliases too), with what is
    wrong in the declarations as (key path in house.yaml, message).

    A segment (`parent:`) has its parent's calendar, field by field, unless it declares
    its own; `fiscal_year_ends:` entries count as the entity's `fiscal_year_end`.
    """
    problems: list[tuple[tuple[str, ...], str]] = []

    def chain(name: str) -> list[str]:
        names = [name]
        while (parent := house.entity(names[-1]).parent) is not None:
            if parent in names:
                problems.append((("entities", name, "parent"), f"entity '{name}' is its own "
                                 f"ancestor ({' → '.join([*names, parent])})"))
                break
            if parent not in house.entities and parent not in house.fiscal_year_ends:
                problems.append((("entities", names[-1], "parent"), f"unknown parent entity "
                                 f"'{parent}'; declare it under entities"))
                break
            names.append(parent)
        return names

    calendars: dict[str, FiscalCalendar] = {}
    for name in dict.fromkeys([*house.entities, *house.fiscal_year_ends]):
        lineage = chain(name)
        year_end = next((house.entity(n).fiscal_year_end or house.fiscal_year_ends.get(n)
                         for n in lineage if house.entity(n).fiscal_year_end or
                         house.fiscal_year_ends.get(n)), None)
        if year_end is None:
            continue
        fiscal_only = next((f for n in lineage if (f := house.entity(n).fiscal_only)
                            is not None), False)
        weeks = next((tuple(w) for n in lineage if (w := house.entity(n).quarter_weeks)), ())
        calendar = FiscalCalendar(year_end, fiscal_only, weeks)
        for alias in [name, *house.entity(name).aliases]:
            calendars.setdefault(alias, calendar)
    return calendars, list(dict.fromkeys(problems))
