"""meaning.py over real quote forms of the five seeds: lists, ranges, respectively/分别,
万/亿, Chinese numerals, signed lists, qualifiers."""

from __future__ import annotations

import pytest

from sectornotes.inputs.schema import DataPoint
from sectornotes.proof.meaning import bind, number_chain, qualifier_at, written
from sectornotes.proof.numbers import numbers_in
from sectornotes.sources.quotes import normalize


def point(unit: str, value: float | None = None, **extra) -> DataPoint:
    return DataPoint(metric="m", entity="e", period="2025", unit=unit, value=value, **extra)


@pytest.mark.parametrize(("quote", "value", "unit", "chain"), [
    ("the Hang Seng Technology Index/Golden Dragon China Index/Nasdaq Index/Philadelphia "
     "Semiconductor Index were +15%/+6%/-3%/-6% respectively", -3, "%", "+15/+6/-3/-6"),
    ("Alibaba/Tencent invested 246/27.5 billion yuan in capital expenditure respectively, an "
     "increase of 141%/91% year-on-year", 27.5, "RMB bn", "246/27.5"),
    ("changes in gross margins of -0.3 percentage points and -0.5 percentage points "
     "respectively from Q2 to Q3", -0.5, "pp", "-0.3/-0.5"),
    ("腾讯、阿里分别增长 91%、141%", 141, "%", "91/141"),
    ("Total capital expenditure increased to 58.86 billion USD, year-on-year +59.1%", 59.1, "%",
     ""),
])
def test_lists_bind_each_number_with_its_place(quote, value, unit, chain):
    binding, problem = bind(normalize(quote), point(unit, value), value)
    assert problem is None
    assert "/".join(written(normalize(quote), n) for n in binding.chain) == chain


@pytest.mark.parametrize(("quote", "low", "high", "unit"), [
    ("META estimating its 2025 capital expenditures at 60-65 billion USD", 60, 65, "USD bn"),
    ("products in the 100,000-200,000 yuan and above 200,000 yuan ranges", 100000, 200000, "RMB"),
    ("个股相对市场基准指数涨幅介于-10%与 10%之间", -10, 10, "%"),
    ("主流模型的 MOE 专家模型停留在 8~16 个", 8, 16, "count"),
])
def test_both_ends_of_a_range_bind_together(quote, low, high, unit):
    quote = normalize(quote)
    range_point = DataPoint(metric="m", entity="e", period="2025", unit=unit, low=low, high=high)
    low_binding, low_problem = bind(quote, range_point, low, field="low")
    high_binding, high_problem = bind(quote, range_point, high, field="high")
    assert low_problem is None and high_problem is None
    assert low_binding.number.end < high_binding.number.start


@pytest.mark.parametrize(("quote", "value", "unit"), [
    ("国内汽车销量预计达到 3,344万辆", 3344, "10k"),
    ("资本开支 588.6亿美元", 588.6, "USD 100m"),
    ("DeepSeek 每个 MoE 层包含 1 个共享专家和 256 个路由专家", 256, "count"),
    ("迅速在 1 月 27 日登顶第一名", 1, "rank"),
])
def test_chinese_units_and_numerals(quote, value, unit):
    extra = {"at": "登顶第一名"} if unit == "rank" else {}
    binding, problem = bind(normalize(quote), point(unit, value, **extra), value)
    assert problem is None and binding is not None


@pytest.mark.parametrize(("quote", "number", "expected"), [
    ("ByteDance plans to invest over $12.3 billion in AI", "12.3", "over"),
    ("Microsoft expected to invest about 80 billion USD", "80", "about"),
    ("the ratio reached nearly 30% in 2013", "30", "nearly"),
    ("the Wind AI Index rose by as much as 45.4% from", "45.4", "up-to"),
    ("每 10 年计算成本降低约 1000 倍", "1000", "about"),
    ("个股相对市场基准指数涨幅在 20%以上", "20", "over"),
    ("行业整体回报低于市场基准指数-5%以下", "5", "under"),
    ("capex rose to 58.86 billion USD", "58.86", None),
    ("Apple in 2012, only 8 mainland companies made the list", "8", None),
])
def test_qualifiers_at_the_number(quote, number, expected):
    quote = normalize(quote)
    found = next(n for n in numbers_in(quote) if str(n.value) == number)
    assert qualifier_at(quote, found) == expected


def test_a_number_not_in_a_list_has_no_chain():
    quote = normalize("revenue of 1.2 billion USD, up 39% year on year")
    numbers = numbers_in(quote)
    assert number_chain(quote, numbers, numbers[0]) == ()


@pytest.mark.parametrize(("formula", "values", "expected"), [
    ("a / b * 100", {"a": "1", "b": "3"}, "33.33333333333333333333333333"),
    ("(a - b) / b * 100", {"a": "345", "b": "251.8"}, "37.013502779984"),
    ("-a + 2", {"a": "0.5"}, "1.5"),
])
def test_derived_formulas_are_exact_decimal_arithmetic(formula, values, expected):
    from decimal import Decimal

    from sectornotes.proof.derived import evaluate

    result = evaluate(formula, {k: Decimal(v) for k, v in values.items()})
    assert str(result).startswith(expected)
