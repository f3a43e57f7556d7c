"""periods.py: English and Chinese period forms, spans, year to date, as-of dates."""

from __future__ import annotations

import datetime as dt

import pytest

from sectornotes.proof.periods import as_of_states, period_stated

SOURCE_DATE = dt.date(2025, 2, 5)


@pytest.mark.parametrize(("period", "text"), [
    ("2024-Q3", "In Q3 2024 the four giants"), ("2024-Q3", "the third quarter of 2024"),
    ("2024-Q3", "3Q24 results"), ("2025-Q1", "in 1Q25"), ("2024-Q3", "24Q3 capex"),
    ("2025-Q1", "in 2025Q1 was"), ("2024-Q3", "2024年三季度"), ("2024-Q3", "2024 年第 3 季度"),
    ("2024-Q3", "and in Q3 of 2024"), ("2024-Q2/2024-Q3", "from Q2 to Q3 of 2024"),
    ("2025-H1", "H1 2025"), ("2023-H2", "from 2H23"), ("2025-H1", "the first half of 2025"),
    ("2025-H1", "2025年上半年"), ("FY2025", "FY2025 guidance"), ("FY2025", "in fiscal year 2025"),
    ("FY2025", "2025 财年"), ("FY2025-Q3", "Q3 FY2025 revenue"), ("FY2025-Q3", "FY25 Q3"),
    ("2025", "25年"), ("2023-05", "in May 2023"), ("2023-05", "2023年5月"),
    ("2020-01", "at the beginning of 2020"), ("2025-05-27", "As of May 27, 2025"),
    ("2025-05-27", "on 27 May 2025"), ("2025-01-22", "从 1 月 22 日的 201 名"),
    ("2025-01-01/2025-05-27", "As of May 27, 2025, the index returned"),
    ("2025-01-01/2025-05-27", "year to date as of 27 May 2025"),
    ("1965/2025", "过去 60 年，每 10 年计算成本降低约 1000 倍"),
    ("2023-02/2023-06", "from the high in February 2023 to June 2023"),
])
def test_stated(period, text):
    assert period_stated(period, text, SOURCE_DATE)


@pytest.mark.parametrize(("period", "text"), [
    ("2024-Q3", "In Q2 2024 the four giants"), ("2024-Q3", "Q3 2023"),
    ("2025", "in 2024 and 2026"), ("2025-H1", "the second half of 2025"),
    ("2023-05", "in June 2023"), ("2024-01-22", "1 月 22 日"),  # the source is of 2025
    ("2025-01-01/2025-05-27", "the index returned 15%"), ("2024-Q3", "the latest quarter"),
    # a fiscal year is never silently a calendar one, nor the reverse
    ("2025", "FY2025 guidance"), ("2025", "in fiscal year 2025"), ("2025", "2025 财年"),
    ("FY2025", "in 2025"), ("FY2025-Q3", "Q3 2025"),
])
def test_not_stated(period, text):
    assert not period_stated(period, text, SOURCE_DATE)


def test_as_of_states_its_year_and_spans_ending_on_it():
    as_of = dt.date(2025, 5, 27)
    assert as_of_states("2025", as_of) and as_of_states("2025-01-01/2025-05-27", as_of)
    assert as_of_states("2025-05-27", as_of)
    assert not as_of_states("2024", as_of) and not as_of_states("2025-Q1", as_of)


@pytest.mark.parametrize(("period", "fiscal_end", "start"), [
    ("FY2025", "06-30", dt.date(2024, 7, 1)), ("FY2025-Q3", "06-30", dt.date(2025, 1, 1)),
    ("FY2025-H2", "06-30", dt.date(2025, 1, 1)), ("FY2025", "12-31", dt.date(2025, 1, 1)),
    ("FY2026", "03-31", dt.date(2025, 4, 1)), ("2025-Q3", None, dt.date(2025, 7, 1)),
])
def test_fiscal_periods_start_where_the_fiscal_year_does(period, fiscal_end, start):
    from sectornotes.model.figures import period_start

    assert period_start(period, fiscal_end) == start
