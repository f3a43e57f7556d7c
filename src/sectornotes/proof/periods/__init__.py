"""Periods: whether the quote (or its context passage, or its source's as-of date) states
the period a data point gives, and whether it is the period of that point's number.

- `grammar`: every period a text writes (calendar and fiscal quarters, halves, years,
  nine-month, year-to-date and trailing-twelve-month spans, "quarter ended <date>",
  multi-year ranges; English and Chinese; any order);
- `relative`: "a year ago", 去年同期, "the previous quarter" … resolved against the text's
  own frame, and the period a number is tied to;
- `calendars`: each entity's fiscal calendar (MM-DD or a 52/53-week rule, inherited by
  segments) and the real dates of fiscal periods;
- `stated`: the checks `check` runs.

The forms, and how a claim writes each, are in docs/claims.md.
"""

from __future__ import annotations

import datetime as dt
from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .calendars import FiscalCalendar, Span, claim_span, entity_calendars
    from .grammar import Mention
    from .stated import MONTHS, period_problem, period_stated, read_periods

__all__ = ["MONTHS", "FiscalCalendar", "Mention", "Span", "as_of_states", "claim_span",
           "entity_calendars", "is_fiscal", "period_problem", "period_stated", "read_periods"]

# The grammar loads when first used: figures import is_fiscal, and a no-op build reads no
# period.
_LAZY = {"FiscalCalendar": "calendars", "Span": "calendars", "claim_span": "calendars",
         "entity_calendars": "calendars", "Mention": "grammar", "MONTHS": "stated",
         "period_problem": "stated", "period_stated": "stated", "read_periods": "stated"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def is_fiscal(period: str) -> bool:
    """FY periods belong to an entity's fiscal calendar, never silently to the calendar one."""
    return any(part.startswith("FY") for part in period.split("/"))


def as_of_states(period: str, as_of: dt.date) -> bool:
    """Whether a source's as-of date states the period: a year, or a span ending on it."""
    parts = period.split("/")
    if len(parts) == 2:
        return parts[1] == as_of.isoformat()
    return period == str(as_of.year) or period == as_of.isoformat()
