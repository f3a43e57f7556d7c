"""numbers.py: numbers written in quotes, and whether a value with its unit is written there."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sectornotes.proof.meaning import problem_with_number
from sectornotes.proof.numbers import as_decimal, numbers_in


@pytest.mark.parametrize(("quote", "expected"), [
    ("capex rose to 58.86 billion USD", [("58.86", False)]),
    ("sales of 3,344万辆", [("3344", False)]),
    ("margins changed by -0.3 percentage points", [("0.3", True)]),
    ("A/B/C were +15%/+6%/-3%", [("15", False), ("6", False), ("3", True)]),
    ("54.6%-67.5%", [("54.6", False), ("67.5", False)]),  # a range dash, not a minus
    ("2009-2010", [("2009", False), ("2010", False)]),
    ("第三名", [("3", False)]),
    ("二十一家", [("21", False)]),
    ("一二", []),  # not a number
    ("no numbers here", []),
])
def test_numbers_in_finds_value_and_sign(quote, expected):
    found = [(str(n.value), n.negative) for n in numbers_in(quote)]
    assert found == expected


def test_numbers_in_reports_positions():
    number = numbers_in("up 59.1% yoy")[0]
    assert (number.start, number.end) == (3, 7)


@pytest.mark.parametrize(("value", "expected"), [
    (58.86, Decimal("58.86")), (0.1, Decimal("0.1")), (3344, Decimal("3344")),
    (float("nan"), None)])
def test_as_decimal_keeps_the_written_digits(value, expected):
    result = as_decimal(value)
    assert result.is_nan() if expected is None else result == expected


@pytest.mark.parametrize(("quote", "value", "unit"), [
    ("increased to 58.86 billion USD", 58.86, "USD bn"),
    ("capex of $58.86bn", 58.86, "USD bn"),
    ("year-on-year +59.1%", 59.1, "%"),
    ("changed by -0.3 percentage points", -0.3, "pp"),
    ("margins decreased by 0.3 percentage points", -0.3, "pp"),
    ("国内汽车销量预计达到 3,344万辆", 3344, "10k"),
    ("资本开支 588.6亿美元", 588.6, "USD 100m"),
    ("trading at 20.6x trailing earnings", 20.6, "x"),
    ("Meta expects 60-65 billion USD", 60, "USD bn"),
    ("Meta expects 60-65 billion USD", 65, "USD bn"),
])
def test_a_value_written_with_its_unit_is_accepted(quote, value, unit):
    assert problem_with_number(quote, value, unit) is None


@pytest.mark.parametrize(("quote", "value", "unit", "problem"), [
    ("increased to 58.86 billion USD", 58.68, "USD bn",
     "58.68 is not written in the quote; the numbers written with unit 'USD bn' are 58.86"),
    ("up 59.1% and 60 billion USD", 58.1, "%",
     "58.1 is not written in the quote; the numbers written with unit '%' are 59.1"),
    ("increased to 58.86 million USD", 58.86, "USD bn",
     "58.86 is in the quote but not followed by its unit 'USD bn' (expected 'billion' or 'bn' "
     "or 'b'); check the unit"),
    ("increased to 58.86 billion", 58.86, "USD bn",
     "the quote does not name the currency of unit 'USD bn'; use a unit without currency "
     "(e.g. 'bn') or quote the currency"),
    ("changed by 0.3 percentage points", -0.3, "pp",
     "the value is negative but the quote writes 0.3 without a minus sign or a word of "
     "decline at that number"),
    ("margins fell in Q3; capex grew 0.3 percentage points", -0.3, "pp",
     "the value is negative but the quote writes 0.3 without a minus sign or a word of "
     "decline at that number"),  # a decline word elsewhere in the quote proves nothing
    ("revenue fell 3%", 3, "%",
     "the quote says 'fell' next to 3, but the value is positive; write it as a negative "
     "number"),
    ("changed by -0.3 percentage points", 0.3, "pp",
     "the quote writes -0.3 but the value is positive; add the minus sign"),
])
def test_a_value_not_written_so_is_refused_with_a_reason(quote, value, unit, problem):
    assert problem_with_number(quote, value, unit) == problem
