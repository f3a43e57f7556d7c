"""Numbers as a reader sees them: "$58.86bn", "59.1%", "3,344 万", "588.6 亿美元".

Values are scaled with Decimal, so a formatted number is exactly the claimed
number in another unit, never a rounded approximation. Separators and month names
come from Babel (CLDR) in the language's locale; the house decides the rest: the
decimals the source wrote (CLDR's compact 万/亿 forms would round them), the units
as each language writes them, and its date pattern. Babel is imported when a number
or date is first formatted, never by `check` or a no-op build.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, localcontext
from functools import cache
from typing import TYPE_CHECKING, Any

from ..proof.numbers import as_decimal
from .i18n import text
from .languages import Language, name_in
from .languages import language as language_of

if TYPE_CHECKING:
    from babel import Locale
    from babel.dates import DateTimePattern
    from babel.numbers import NumberPattern

    from ..inputs.schema import DataPoint


def format_number(value: float | Decimal, language: str = "en", unit: str | None = None,
                  signed: bool = False, decimals: int | None = None) -> str:
    """A bare number with the locale's separators, scaled for the unit if needed.

    With `decimals` (as the source writes the number) the precision is kept: 74.0 stays
    "74.0", and 58.86 USD bn in Chinese is 588.6 亿美元 (one decimal fewer for ×10).
    """
    spoken = _language(language)
    number = value if isinstance(value, Decimal) else as_decimal(value)
    factor = spoken.rescale.get(unit, Decimal(1)) if unit is not None else Decimal(1)
    number *= factor
    if decimals is not None:
        places = max(0, decimals - (factor.adjusted()))
    else:  # as many places as the number has, trailing zeros dropped
        places = max(0, -int(number.normalize().as_tuple().exponent))
    pattern = "#,##0" + ("." + "0" * places if places else "")
    if unit == "year":  # 2025, never 2,025
        pattern = pattern.replace("#,##", "")
    # Babel quantizes in the current context: room for every digit, as str.format has.
    with localcontext() as context:
        context.prec = max(context.prec, number.adjusted() + places + 3)
        formatted = str(_number_pattern(pattern).apply(number, _locale(spoken.locale)))
    if signed and number > 0:
        formatted = "+" + formatted
    return formatted


def format_quantity(value: float, unit: str, language: str = "en",
                    decimals: int | None = None) -> str:
    """A number with its unit, in the note's language: '$58.86bn', '588.6 亿美元'."""
    prefix, suffix = _language(language).units[unit]
    signed = unit == "pp"
    return f"{prefix}{format_number(value, language, unit, signed, decimals)}{suffix}"


def format_point(point: DataPoint, language: str = "en") -> str:
    """A data point as prose: a value or a range ('$60–65bn', '600–650 亿美元'), with the
    qualifier the source wrote ('over $12.3bn', '约 1,000 倍')."""
    if point.value is not None:
        quantity = format_quantity(point.value, point.unit, language, point.decimals("value"))
        if point.qualifier:
            return text(language, f"qualifier_{point.qualifier}") + quantity
        return quantity
    prefix, suffix = _language(language).units[point.unit]
    low_value, high_value = point.bounds()
    low = format_number(low_value, language, point.unit, decimals=point.decimals("low"))
    high = format_number(high_value, language, point.unit, decimals=point.decimals("high"))
    return f"{prefix}{low}–{high}{suffix}"


def unit_label(unit: str, language: str = "en") -> str:
    """An axis label for a unit: 'USD bn', '亿美元'."""
    return _language(language).unit_label(unit)


def format_date(date: dt.date, language: str = "en") -> str:
    """'5 Feb 2025' or '2025 年 2 月 5 日': the language's pattern, in its locale."""
    spoken = _language(language)
    return str(_date_pattern(spoken.date_pattern).apply(date, _locale(spoken.locale)))


def source_line(sources: Iterable[Any], language: str = "en") -> str:
    """'Source: CSC Securities, 5 Feb 2025; …' from source metadata, never typed by hand."""
    spoken = _language(language)
    parts = []
    for meta in sources:
        name = name_in(meta, "publisher", language)
        digest_of = name_in(meta, "digest_of", language) if meta.digest_of else None
        if digest_of and meta.digest_of != meta.publisher:
            name = spoken.citing.format(name=name, digest_of=digest_of)
        parts.append(f"{name}{spoken.comma}{format_date(meta.date, language)}")
    return spoken.source_prefix + spoken.semicolon.join(parts)


# Parsed once: a page formats hundreds of numbers, and parsing costs more than applying.
@cache
def _locale(name: str) -> Locale:
    from babel import Locale

    return Locale.parse(name)


@cache
def _number_pattern(pattern: str) -> NumberPattern:
    from babel.numbers import parse_pattern

    return parse_pattern(pattern)


@cache
def _date_pattern(pattern: str) -> DateTimePattern:
    from babel.dates import parse_pattern

    return parse_pattern(pattern)


def _language(code: str) -> Language:
    # The functions' parameter `language` (a code) shadows the registry's lookup.
    return language_of(code)
