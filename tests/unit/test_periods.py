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


# Every form docs/claims.md documents (the real sentences are in tests/corpus/periods.yaml).
JUNE = "06-30"
JANUARY = "01-31"


@pytest.mark.parametrize(("period", "text", "year_end"), [
    ("2025", "full-year 2025", None), ("2025", "今年", None),
    ("FY2025", "fiscal 2025", None), ("FY2025", "2025财政年度", None), ("FY2025", "FY25", None),
    ("2025-Q3", "2025年Q3", None), ("2025-Q3", "2025Q3", None), ("2025-Q3", "25Q3", None),
    ("2025-Q3", "2025年三季度", None), ("FY2025-Q3", "fiscal third quarter 2025", None),
    ("FY2025-Q3", "fiscal 2025 third-quarter", None), ("FY2025-Q3", "third quarter fiscal 2025", None),
    ("FY2025-Q4", "the fourth quarter of fiscal year 2025", None), ("FY2025-Q3", "FQ3-25", None),
    ("FY2025-Q3", "fiscal Q3 2025", None), ("FY2025-Q3", "2025财年第三财季", None),
    ("FY2025-Q3", "2025财年第三季度", None), ("2025-H1", "2025上半年", None),
    ("FY2025-H1", "1H FY25", None), ("FY2025-H1", "1HFY2025", None),
    ("FY2025-H1", "first half of fiscal 2025", None), ("FY2025-H1", "2025财年上半年", None),
    ("2025-Q1/2025-Q3", "first nine months of 2025", None), ("2025-Q1/2025-Q3", "9M25", None),
    ("2025-Q1/2025-Q3", "first three quarters of 2025", None),
    ("2025-01/2025-09", "2025年前三季度", None),
    ("FY2025-Q1/FY2025-Q3", "9M FY25", None),
    ("2024-Q4/2025-Q3", "trailing twelve months ended September 30, 2025", None),
    ("2024-Q4/2025-Q3", "TTM Q3 2025", None),
    ("2025-Q1", "three months ended March 31, 2025", None),
    ("FY2025-Q3", "three months ended March 31, 2025", JUNE),
    ("FY2025-Q3", "截至2025年3月31日止三个月", JUNE),
    ("FY2026-H1", "six months ended July 31, 2025", JANUARY),
    ("2025-02/2025-07", "six months ended July 31, 2025", None),
    ("2024-07/2025-03", "nine months ended March 31, 2025", None),
    ("FY2025", "fiscal year ended June 30, 2025", JUNE),
    ("FY2025-Q4", "the period ended June 30, 2025", JUNE),
    ("FY2025", "the period ended June 30, 2025", JUNE), ("2023-01", "2023年初", None),
    ("2025-05-27", "2025年5月27日", None), ("2026", "2025-2027年营业收入分别为1、2、3亿元", None),
    ("2025-Q3", "fiscal Q4 2025 is the third calendar quarter", None),
])
def test_every_documented_form(period, text, year_end):
    from sectornotes.proof.periods import FiscalCalendar

    calendar = FiscalCalendar(year_end) if year_end else None
    assert period_stated(period, text, dt.date(2025, 11, 5), calendar)


@pytest.mark.parametrize(("period", "text", "year_end"), [
    # a calendar reading never passes for a fiscal claim, nor the reverse
    ("2025-Q3", "fiscal third quarter 2025", None), ("2025", "2025财政年度", None),
    ("2025-Q1", "fiscal third quarter ended March 31, 2025", JUNE),
    ("2025-Q3", "third quarter ended October 26, 2025", None),
    ("FY2025-Q3", "third quarter 2025", JUNE),
    ("2025", "fiscal year ended June 30, 2025", JUNE),
    # a span is not one of its parts, nor a half a quarter
    ("2025-Q3", "2025年前三季度", None), ("FY2025-Q3", "nine months ended March 31, 2025", JUNE),
    ("FY2026-Q2", "six months ended July 31, 2025", JANUARY),
    ("2025-Q3", "trailing twelve months ended September 30, 2025", None),
    # 2025-2027 states 2026 only with 分别 / respectively
    ("2026", "2025-2027年营业收入为", None),
])
def test_what_the_grammar_does_not_read(period, text, year_end):
    from sectornotes.proof.periods import FiscalCalendar

    calendar = FiscalCalendar(year_end) if year_end else None
    assert not period_stated(period, text, dt.date(2025, 11, 5), calendar)


def test_a_fiscal_only_entity_reads_unmarked_quarters_as_fiscal():
    from sectornotes.proof.periods import FiscalCalendar

    nvidia = FiscalCalendar("last Sunday of January", fiscal_only=True)
    assert period_stated("FY2025-Q3", "Q3 2025", None, nvidia)
    assert not period_stated("2025-Q3", "Q3 2025", None, nvidia)
    assert period_stated("2025-Q3", "the third calendar quarter of 2025", None, nvidia)


FISCAL_Q3 = "third quarter of fiscal 2025"
ZH_Q3 = "2025年第三季度营收"


@pytest.mark.parametrize(("period", "frame", "phrase"), [
    ("FY2024-Q3", FISCAL_Q3, "compared with $1.2 billion in the same quarter of the prior year"),
    ("FY2024-Q3", FISCAL_Q3, "compared with $1.2 billion in the prior-year quarter"),
    ("FY2024-Q3", FISCAL_Q3, "compared with $1.2 billion a year earlier"),
    ("FY2024-Q3", FISCAL_Q3, "compared with $1.2 billion a year ago"),
    ("FY2024-Q3", FISCAL_Q3, "compared with $1.2 billion last year"),
    ("FY2025-Q2", FISCAL_Q3, "compared with $1.2 billion in the previous quarter"),
    ("2024-Q3", ZH_Q3, "去年同期为1.2亿元"), ("2024-Q3", ZH_Q3, "上年同期为1.2亿元"),
    ("2025-Q2", ZH_Q3, "上季度为1.2亿元"),
])
def test_relative_periods_resolve_against_the_frame(period, frame, phrase):
    from sectornotes.inputs.schema import DataPoint
    from sectornotes.proof.periods import period_problem

    unit = "USD bn" if "$" in phrase else "RMB 100m"
    quote = f"{frame} 2.0 {'billion' if unit == 'USD bn' else '亿元'}, {phrase}"
    point = DataPoint(metric="revenue", entity="X", period=period, value=1.2, unit=unit)
    assert period_problem(point, quote, None, None, None, None) is None
    current = DataPoint(metric="revenue", entity="X", period=period, value=2.0, unit=unit)
    assert period_problem(current, quote, None, None, None, None) is not None


def test_a_week_based_fiscal_period_starts_on_its_real_first_day():
    from sectornotes.model.figures import period_start
    from sectornotes.proof.periods import FiscalCalendar

    nvidia = FiscalCalendar("last Sunday of January", fiscal_only=True)
    assert period_start("FY2026", "01-31", nvidia) == dt.date(2025, 1, 27)
    assert period_start("FY2026-Q3", "01-31", nvidia) == dt.date(2025, 7, 28)
    assert period_start("2025-Q3", "01-31", nvidia) == dt.date(2025, 7, 1)


@pytest.mark.parametrize(("period", "value", "quote", "context", "passes"), [
    # "from" that compares nothing: the reported period stays the number's
    ("2025-Q3", 5, "Revenue from cloud services in Q3 2025 was $5 billion", "Fiscal 2025 report",
     True),
    ("2025", 2, "Capex rose to $2 billion in 2025 from $1 billion in 2024", None, True),
    ("2024", 1, "Capex rose to $2 billion in 2025 from $1 billion in 2024", None, True),
    ("2024", 2, "Capex rose to $2 billion in 2025 from $1 billion in 2024", None, False),
    ("2025", 1, "Capex rose to $2 billion in 2025 from $1 billion in 2024", None, False),
    # a span written with "from … to" is no comparison base
    ("2013-07/2013-09", 30, "a ratio of 30 billion from July to September 2013", None, True),
])
def test_a_number_has_the_period_the_quote_ties_it_to(period, value, quote, context, passes):
    from sectornotes.inputs.schema import DataPoint
    from sectornotes.proof.periods import period_problem

    point = DataPoint(metric="capex", entity="X", period=period, value=value, unit="USD bn"
                      if "$" in quote else "bn")
    assert (period_problem(point, quote, context, None, None, None) is None) is passes
