"""formatting.py and units.py: numbers as readers see them, exactly, in each language."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from sectornotes.inputs.schema import DataPoint
from sectornotes.language.formatting import format_date, format_number, format_point, format_quantity
from sectornotes.proof.units import DECLINE_WORDS, UNITS, compatible


@pytest.mark.parametrize(("value", "unit", "language", "expected"), [
    (58.86, "USD bn", "en", "$58.86bn"),
    (58.86, "USD bn", "zh", "588.6 亿美元"),
    (59.1, "%", "en", "59.1%"),
    (-0.3, "pp", "en", "-0.3pp"),
    (0.3, "pp", "en", "+0.3pp"),
    (3344, "10k", "en", "33.44m"),
    (3344, "10k", "zh", "3,344 万"),
    (2.4, "RMB 100m", "en", "RMB0.24bn"),
    (20.6, "x", "zh", "20.6 倍"),
    (2025, "year", "en", "2025"),
    (3, "rank", "zh", "第 3 名"),
])
def test_format_quantity(value, unit, language, expected):
    assert format_quantity(value, unit, language) == expected


def test_scaling_is_exact_not_rounded():
    assert format_number(0.1, "zh", "USD bn") == "1"
    assert format_number(Decimal("1234567.891"), "en") == "1,234,567.891"


@pytest.mark.parametrize(("language", "expected"), [("en", "$60–65bn"), ("zh", "600–650 亿美元")])
def test_format_point_range(language, expected):
    point = DataPoint(metric="capex", entity="Meta", period="2025", unit="USD bn", low=60, high=65)
    assert format_point(point, language) == expected


@pytest.mark.parametrize(("language", "expected"), [("en", "5 Feb 2025"),
                                                    ("zh", "2025 年 2 月 5 日")])
def test_format_date(language, expected):
    assert format_date(dt.date(2025, 2, 5), language) == expected


def test_units_belong_to_dimensions():
    assert compatible("USD bn", "USD m") and not compatible("USD bn", "%")
    assert UNITS["USD 100m"].scale == 1e8 and UNITS["10k"].marker == "万"


@pytest.mark.parametrize("text", ["fell 3%", "下降 3%", "declined", "收窄"])
def test_decline_words(text):
    assert DECLINE_WORDS.search(text)


@pytest.mark.parametrize(("value", "unit", "language", "decimals", "expected"), [
    (74.0, "%", "en", 1, "74.0%"), (74.0, "%", "en", None, "74%"),
    (58.86, "USD bn", "zh", 2, "588.6 亿美元"), (1.20, "USD bn", "en", 2, "$1.20bn"),
    (3344, "10k", "en", 0, "33.44m"), (20.0, "x", "zh", 1, "20.0 倍"),
])
def test_precision_as_the_source_writes_it(value, unit, language, decimals, expected):
    assert format_quantity(value, unit, language, decimals) == expected


def test_a_bound_point_keeps_its_decimals():
    declared = DataPoint(metric="m", entity="e", period="2025", unit="%", value=74.0)
    point = declared.with_decimals({"value": 1})
    assert format_point(point) == "74.0%" and point.stated() == "74.0 %"
    assert format_point(declared) == "74%"  # a new value: the declared point is as it was


def test_a_time_axis_spaces_points_by_their_dates():
    from sectornotes.render.charts import time_positions

    assert time_positions(["2024-01", "2024-02", "2024-12"]) == [0, 31, 335]
    assert time_positions(["2024-Q1", "2024-Q2", "2025"]) == [0, 91, 366]
