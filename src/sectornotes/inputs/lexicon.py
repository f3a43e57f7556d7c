"""The closed vocabularies a project's YAML may name, with the words a quote uses for each.

Units (`unit:`), qualifiers (`qualifier:`) and metric families (`families:` in
house.yaml) are validated against these tables by the schema, and read in
quotes by the proof (`proof.units`, `proof.meaning`, `proof.vocabulary`).
Adding a unit, a qualifier or a family is one entry here.
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


# Qualifiers a reader must see with the number: (English before it, Chinese before it,
# Chinese after it and its unit).
QUALIFIERS: dict[str, tuple[str, str, str]] = {
    "over": (r"over|more than|above|exceeding|in excess of", r"超过|逾|多于|高于", r"以上|多"),
    "under": (r"under|less than|below", r"不到|不足|少于|低于", r"以下|以内"),
    "nearly": (r"nearly|almost|close to", r"近|接近|将近", ""),
    "about": (r"about|approximately|around|roughly", r"约|大约|~", r"左右"),
    "up-to": (r"up to|as much as|as high as", r"最高|最多|高达", ""),
    "at-least": (r"at least|no less than", r"至少|不低于", ""),
}
QUALIFIER_NAMES = tuple(QUALIFIERS)


# Families whose cue words tell numbers apart, with their cues (English, Chinese).
FAMILY_CUES: dict[str, tuple[str, ...]] = {
    "yoy": ("year-on-year", "year on year", "year over year", "yoy", "y/y", "from a year ago",
            "over the same period last year", "than a year earlier", "同比"),
    "qoq": ("sequential", "sequentially", "quarter-on-quarter", "quarter on quarter", "qoq",
            "q/q", "month-on-month", "month on month", "环比"),
    "margin": ("margin", "margins", "毛利率", "净利率", "利润率"),
    "share": ("share", "penetration", "proportion", "account for", "accounts for", "占比",
              "渗透率", "份额", "市占率"),
    "pe": ("p/e", "pe-ttm", "pe ttm", "price-to-earnings", "市盈率"),
    "rank": ("rank", "ranked", "ranking", "排名"),
}
FAMILIES = tuple(FAMILY_CUES)


# Period words. The period grammar (`proof.periods`) reads these; the schema validates a
# fiscal year end (house.yaml `entities: {X: {fiscal_year_end: …}}`) against FISCAL_YEAR_END.
MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august",
               "september", "october", "november", "december")
WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _either_case(words: tuple[str, ...]) -> str:
    return "|".join(f"[{w[0].upper()}{w[0]}]{w[1:]}" for w in words)


# "06-30"; a 52/53-week year: "last Sunday of January", "Saturday nearest October 31"
# (also "last Saturday in September", "Thursday closest to August 31").
FISCAL_YEAR_END = (
    rf"^(?:(?P<mm>0[1-9]|1[0-2])-(?P<dd>[0-3]\d)"
    rf"|[Ll]ast (?P<last_day>{_either_case(WEEKDAY_NAMES)}) (?:of|in) "
    rf"(?P<last_month>{_either_case(MONTH_NAMES)})"
    rf"|(?P<near_day>{_either_case(WEEKDAY_NAMES)}) (?:nearest|closest to) "
    rf"(?P<near_month>{_either_case(MONTH_NAMES)}) (?P<near_date>[1-9]|[12]\d|3[01]))$")
# The same, without group names: the JSON Schema pattern editors check (ECMA regex).
FISCAL_YEAR_END_PATTERN = re.sub(r"\(\?P<\w+>", "(", FISCAL_YEAR_END)
