"""Numbers as a reader sees them: "$58.86bn", "59.1%", "3,344 万", "588.6 亿美元".

Values are scaled with Decimal, so a formatted number is exactly the claimed
number in another unit, never a rounded approximation.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from ..inputs.schema import DataPoint
from ..proof.numbers import as_decimal
from ..proof.units import UNITS

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable

    from ..inputs.schema import SourceMeta

# (prefix, suffix) per unit and language; scale changes noted in _RESCALE.
_EN = {
    "%": ("", "%"), "pp": ("", "pp"), "x": ("", "x"),
    "USD": ("$", ""), "USD m": ("$", "m"), "USD bn": ("$", "bn"), "USD tn": ("$", "tn"),
    "USD 100m": ("$", "bn"), "EUR bn": ("€", "bn"), "RMB": ("RMB", ""), "RMB m": ("RMB", "m"),
    "RMB bn": ("RMB", "bn"), "RMB 100m": ("RMB", "bn"), "HKD": ("HK$", ""),
    "HKD bn": ("HK$", "bn"),
    "count": ("", ""), "k": ("", "k"), "m": ("", "m"), "bn": ("", "bn"),
    "10k": ("", "m"), "100m": ("", "bn"), "rank": ("No. ", ""), "year": ("", ""),
}
_ZH = {
    "%": ("", "%"), "pp": ("", " 个百分点"), "x": ("", " 倍"),
    "USD": ("", " 美元"), "USD m": ("", " 万美元"), "USD bn": ("", " 亿美元"),
    "USD tn": ("", " 万亿美元"), "USD 100m": ("", " 亿美元"), "EUR bn": ("", " 亿欧元"), "RMB": ("", " 元"),
    "RMB m": ("", " 万元"), "RMB bn": ("", " 亿元"), "RMB 100m": ("", " 亿元"),
    "HKD": ("", " 港元"), "HKD bn": ("", " 亿港元"),
    "count": ("", ""), "k": ("", " 千"), "m": ("", " 万"), "bn": ("", " 亿"),
    "10k": ("", " 万"), "100m": ("", " 亿"), "rank": ("第 ", " 名"), "year": ("", " 年"),
}
# Units shown in a different scale: value multiplied by the factor.
_RESCALE = {
    ("en", "RMB 100m"): Decimal("0.1"), ("en", "USD 100m"): Decimal("0.1"), ("en", "10k"): Decimal("0.01"),
    ("en", "100m"): Decimal("0.1"),
    ("zh", "USD bn"): Decimal(10), ("zh", "EUR bn"): Decimal(10), ("zh", "RMB bn"): Decimal(10),
    ("zh", "bn"): Decimal(10), ("zh", "m"): Decimal(100), ("zh", "USD m"): Decimal(100),
    ("zh", "RMB m"): Decimal(100), ("zh", "HKD bn"): Decimal(10),
}


def format_number(value: float | Decimal, language: str = "en", unit: str | None = None,
                  signed: bool = False, decimals: int | None = None) -> str:
    """A bare number with thousands separators, scaled for the unit if needed.

    With `decimals` (as the source writes the number) the precision is kept: 74.0 stays
    "74.0", and 58.86 USD bn in Chinese is 588.6 亿美元 (one decimal fewer for ×10).
    """
    number = value if isinstance(value, Decimal) else as_decimal(value)
    factor = _RESCALE.get((language, unit), Decimal(1)) if unit is not None else Decimal(1)
    number *= factor
    if decimals is not None:
        places = max(0, decimals - (factor.adjusted()))
        text = f"{number:,.{places}f}"
    else:
        number = number.normalize()
        text = f"{number:,f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    if unit == "year":
        text = text.replace(",", "")
    if signed and number > 0:
        text = "+" + text
    return text


def format_quantity(value: float, unit: str, language: str = "en",
                    decimals: int | None = None) -> str:
    """A number with its unit, in the note's language: '$58.86bn', '588.6 亿美元'."""
    prefix, suffix = (_ZH if language == "zh" else _EN)[unit]
    signed = unit == "pp"
    return f"{prefix}{format_number(value, language, unit, signed, decimals)}{suffix}"


def format_point(point: DataPoint, language: str = "en") -> str:
    """A data point as prose: a value or a range ('$60–65bn', '600–650 亿美元'), with the
    qualifier the source wrote ('over $12.3bn', '约 1,000 倍')."""
    if point.value is not None:
        quantity = format_quantity(point.value, point.unit, language, point.decimals("value"))
        if point.qualifier:
            from .i18n import text

            return text(language, f"qualifier_{point.qualifier}") + quantity
        return quantity
    prefix, suffix = (_ZH if language == "zh" else _EN)[point.unit]
    low_value, high_value = point.bounds()
    low = format_number(low_value, language, point.unit, decimals=point.decimals("low"))
    high = format_number(high_value, language, point.unit, decimals=point.decimals("high"))
    return f"{prefix}{low}–{high}{suffix}"


def unit_label(unit: str, language: str = "en") -> str:
    """An axis label for a unit: 'USD bn', '亿美元'."""
    if language == "zh":
        return _ZH[unit][1].strip() or UNITS[unit].description
    return {"count": "", "rank": "rank", "year": "year", "10k": "m", "100m": "bn",
            "RMB 100m": "RMB bn", "USD 100m": "USD bn"}.get(unit, unit)


_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def format_date(date: dt.date, language: str = "en") -> str:
    """'5 Feb 2025' or '2025 年 2 月 5 日'."""
    if language == "zh":
        return f"{date.year} 年 {date.month} 月 {date.day} 日"
    return f"{date.day} {_MONTHS[date.month - 1]} {date.year}"


def source_line(sources: Iterable[SourceMeta], language: str = "en") -> str:
    """'Source: CSC Securities, 5 Feb 2025; …' from source metadata, never typed by hand."""
    parts = []
    for meta in sources:
        name = meta.publisher_in(language)
        digest_of = meta.digest_of_in(language)
        if digest_of and meta.digest_of != meta.publisher:
            name = (f"{name}，援引{digest_of}" if language == "zh" else f"{name}, citing {digest_of}")
        separator = "，" if language == "zh" else ", "
        parts.append(f"{name}{separator}{format_date(meta.date, language)}")
    if language == "zh":
        return "资料来源：" + "；".join(parts)
    return "Source: " + "; ".join(parts)
