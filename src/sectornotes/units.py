"""Units a claim's numbers may carry, and how each is written in a quote.

A unit belongs to a dimension (numbers of one dimension can be converted into
each other by their scale, so a figure may mix `USD bn` and `USD m` but not
`USD bn` and `%`) and has a marker: the words that must follow the number in
the quote, so that "58.86" with unit `USD bn` is only accepted when the quote
says "58.86 billion".
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Unit:
    """One unit: its dimension, scale to the dimension's base, and quote markers."""

    name: str
    dimension: str
    scale: float
    marker: str | None  # regex that must follow the number in the quote
    currency: str | None = None  # regex that must occur somewhere in the quote
    description: str = ""


_USD = r"\$|\bUSD\b|\bUS\$|dollars?\b|美元"
_EUR = r"€|\bEUR\b|\beuros?\b|欧元"
_HKD = r"HK\$|\bHKD\b|Hong Kong dollars?\b|港元|港币"
_RMB = r"\byuan\b|\bRMB\b|\bCNY\b|元|人民币|¥|￥"
_THOUSAND = r"thousand\b|k\b|千"
_MILLION = r"million\b|mn\b|m\b|百万"
_BILLION = r"billion\b|bn\b|b\b"
_TRILLION = r"trillion\b|tn\b"

UNITS: dict[str, Unit] = {unit.name: unit for unit in [
    Unit("%", "percent", 1, r"%|percent\b|per cent\b", description="per cent"),
    Unit("pp", "percentage-points", 1, r"percentage points?\b|pp\b|ppts?\b|pct\b|个百分点",
         description="percentage points"),
    Unit("x", "multiple", 1, r"x\b|times\b|倍", description="multiple, e.g. P/E of 20.6x"),
    Unit("USD", "usd", 1, None, _USD, "US dollars"),
    Unit("USD m", "usd", 1e6, _MILLION, _USD, "millions of US dollars"),
    Unit("USD bn", "usd", 1e9, _BILLION, _USD, "billions of US dollars"),
    Unit("USD tn", "usd", 1e12, _TRILLION, _USD, "trillions of US dollars"),
    Unit("USD 100m", "usd", 1e8, r"亿", _USD, "亿美元, hundreds of millions of US dollars"),
    Unit("EUR bn", "eur", 1e9, _BILLION, _EUR, "billions of euros"),
    Unit("HKD", "hkd", 1, None, _HKD, "Hong Kong dollars"),
    Unit("HKD bn", "hkd", 1e9, _BILLION, _HKD, "billions of Hong Kong dollars"),
    Unit("RMB", "rmb", 1, r"yuan\b|元", _RMB, "yuan"),
    Unit("RMB m", "rmb", 1e6, _MILLION, _RMB, "millions of yuan"),
    Unit("RMB bn", "rmb", 1e9, _BILLION, _RMB, "billions of yuan"),
    Unit("RMB 100m", "rmb", 1e8, r"亿", _RMB, "亿元, hundreds of millions of yuan"),
    Unit("count", "count", 1, None, description="a plain count"),
    Unit("k", "count", 1e3, _THOUSAND, description="thousands"),
    Unit("m", "count", 1e6, _MILLION, description="millions"),
    Unit("bn", "count", 1e9, _BILLION, description="billions (currency not stated)"),
    Unit("10k", "count", 1e4, r"万", description="万, tens of thousands"),
    Unit("100m", "count", 1e8, r"亿", description="亿, hundreds of millions"),
    Unit("rank", "rank", 1, None, description="a position in a ranking"),
    Unit("year", "year", 1, None, description="a calendar year"),
]}

UNIT_NAMES = tuple(UNITS)

# Words that let a quote state a negative value without a minus sign.
DECLINE_WORDS = re.compile(
    r"decreas|declin|fell|fall|falling|drop|down|lower|shrank|shrink|contract|negative|"
    r"reduc|narrow|下降|下滑|减少|回落|下跌|降低|收窄|缩小|负",
    re.IGNORECASE,
)


def compatible(unit_a: str, unit_b: str) -> bool:
    """True when values in the two units can be put on one axis."""
    return UNITS[unit_a].dimension == UNITS[unit_b].dimension
