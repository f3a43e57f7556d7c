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

from .calendars import FiscalCalendar, Span, claim_span, entity_calendars
from .grammar import Mention
from .stated import (
    MONTHS,
    as_of_states,
    is_fiscal,
    period_problem,
    period_stated,
    read_periods,
)

__all__ = ["MONTHS", "FiscalCalendar", "Mention", "Span", "as_of_states", "claim_span",
           "entity_calendars", "is_fiscal", "period_problem", "period_stated", "read_periods"]
