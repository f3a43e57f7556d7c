"""Periods: whether the quote (or its context passage, or its source's as-of date) states
the period a data point gives.

Recognised: years (2025, FY2025, 25年), quarters (Q3 2024, 3Q24, 24Q3, 2025Q1, third
quarter of 2024, 2024年三季度), halves (H1 2025, 2H23, first half of 2025, 上半年),
months (May 2023, 2023年5月), days (May 27, 2025; 27 May 2025; 1 月 22 日 — the year
then comes from the source's date) and spans A/B whose two ends are stated, or
year-to-date ("as of May 27, 2025", "year to date", 年初至今, 截至).
"""

from __future__ import annotations

import datetime as dt
import re

MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december"]
_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth"}
_ZH_DIGITS = {1: "一", 2: "二", 3: "三", 4: "四"}
_YTD = re.compile(r"year to date|year-to-date|\bytd\b|since the start of|as of|年初至今|年初以来|截至|"
                  r"截止", re.IGNORECASE)


def _year_forms(year: int) -> list[str]:
    short = f"{year % 100:02d}"
    return [rf"(?<!\d){year}(?!\d)", rf"FY{short}(?!\d)", rf"(?<!\d){short}\s*年"]


def _year_stated(text: str, year: int) -> bool:
    """A calendar year: written, but not as a fiscal year ("fiscal year 2025", "2025 财年")."""
    for form in _year_forms(year):
        for match in re.finditer(form, text, re.IGNORECASE):
            before, after = text[:match.start()], text[match.end():]
            if re.search(r"(?:fiscal(?: year)?|FY)\s*$", before, re.IGNORECASE) or \
                    re.match(r"\s*财年", after) or match.group(0).upper().startswith("FY"):
                continue
            return True
    return False


def _fiscal_year_stated(text: str, year: int) -> bool:
    short = f"{year % 100:02d}"
    forms = [rf"FY\s*(?:{year}|{short})(?!\d)", rf"fiscal(?: year)?\s+{year}(?!\d)",
             rf"{year}\s*财年", rf"(?:{short})\s*财年"]
    return any(re.search(form, text, re.IGNORECASE) for form in forms)


def _fiscal_stated(period: str, text: str) -> bool:
    """FY2025, FY2025-Q3, FY2025-H1 as fiscal periods: 'Q3 FY2025', 'fiscal Q3 2025' …"""
    year = int(period[2:6])
    if not _fiscal_year_stated(text, year) and not re.search(
            rf"fiscal\s+(?:Q[1-4]|H[12])\s+{year}", text, re.IGNORECASE):
        return False
    rest = period[7:]
    if not rest:
        return True
    kind, number = rest[0], int(rest[1])
    zh = _ZH_DIGITS[number] + ("季度" if kind == "Q" else "")
    return bool(re.search(rf"(?<![\w]){kind}{number}(?!\d)|(?<!\d){number}{kind}(?![\w])|第?{zh}",
                          text, re.IGNORECASE))


def _quarter_stated(text: str, year: int, quarter: int) -> bool:
    short = f"{year % 100:02d}"
    forms = [rf"Q{quarter}[\s,-]*(?:of\s+)?(?:FY)?{year}", rf"{year}\s*-?\s*Q{quarter}(?!\d)",
             rf"(?<!\d){quarter}Q\s*(?:{year}|{short})(?!\d)", rf"(?<!\d){short}Q{quarter}(?!\d)",
             rf"{_ORDINALS[quarter]}\s+quarter\s+of\s+(?:fiscal\s+(?:year\s+)?)?{year}",
             rf"{year}\s*年\s*(?:第)?\s*(?:{quarter}|{_ZH_DIGITS[quarter]})\s*季度",
             rf"(?:{short}|{year})\s*年\s*Q{quarter}"]
    if any(re.search(form, text, re.IGNORECASE) for form in forms):
        return True
    # "Q3" or "三季度" alone, with the year written elsewhere in the same text
    alone = rf"(?<![\w])Q{quarter}(?!\d)|(?:第)?{_ZH_DIGITS[quarter]}季度|{_ORDINALS[quarter]} quarter"
    return bool(re.search(alone, text, re.IGNORECASE)) and _year_stated(text, year)


def _half_stated(text: str, year: int, half: int) -> bool:
    short = f"{year % 100:02d}"
    word = "first" if half == 1 else "second"
    zh = "上半年" if half == 1 else "下半年"
    forms = [rf"H{half}[\s,-]*{year}", rf"{year}\s*-?\s*H{half}(?!\d)",
             rf"(?<!\d){half}H\s*(?:{year}|{short})(?!\d)", rf"{word} half of {year}",
             rf"(?:{short}|{year})\s*年\s*{zh}", rf"{year}\s*{zh}"]
    if any(re.search(form, text, re.IGNORECASE) for form in forms):
        return True
    alone = rf"(?<![\w])H{half}(?!\d)|(?<!\d){half}H(?![\w])|{word} half|{zh}"
    return bool(re.search(alone, text, re.IGNORECASE)) and _year_stated(text, year)


def _month_stated(text: str, year: int, month: int, source_date: dt.date | None) -> bool:
    name = MONTHS[month - 1]
    year_known = _year_stated(text, year) or (source_date is not None and
                                              source_date.year == year)
    forms = [rf"\b{name[:3]}\w*\.?\s*(?:\d{{1,2}},?\s*)?{year}", rf"{year}\s*年\s*{month}\s*月",
             rf"{year}-{month:02d}"]
    if month == 1:  # "at the beginning of 2020", "early 2020", "2020 年初"
        forms += [rf"(?:beginning|start) of {year}", rf"early {year}", rf"{year}\s*年初"]
    if any(re.search(form, text, re.IGNORECASE) for form in forms):
        return True
    alone = rf"\b{name[:3]}\w*\b|(?<!\d){month}\s*月"
    return bool(re.search(alone, text, re.IGNORECASE)) and year_known


def _day_stated(text: str, day: dt.date, source_date: dt.date | None) -> bool:
    name = MONTHS[day.month - 1][:3]
    year_known = _year_stated(text, day.year) or (source_date is not None and
                                                  source_date.year == day.year)
    forms = [rf"\b{name}\w*\.?\s+{day.day}(?!\d)", rf"(?<!\d){day.day}\s+{name}\w*",
             rf"(?<!\d){day.month}\s*月\s*{day.day}\s*日", day.isoformat()]
    return year_known and any(re.search(form, text, re.IGNORECASE) for form in forms)


def _single_stated(part: str, text: str, source_date: dt.date | None) -> bool:
    if part.startswith("FY"):
        return _fiscal_stated(part, text)
    year = int(part[:4])
    rest = part[5:]
    if not rest:
        return _year_stated(text, year)
    if rest.startswith("Q"):
        return _quarter_stated(text, year, int(rest[1]))
    if rest.startswith("H"):
        return _half_stated(text, year, int(rest[1]))
    if len(rest) == 2:
        return _month_stated(text, year, int(rest), source_date)
    return _day_stated(text, dt.date.fromisoformat(part), source_date)


def period_stated(period: str, text: str, source_date: dt.date | None = None) -> bool:
    """Whether `text` states `period` (a span: both ends, or year to date up to its end)."""
    parts = period.split("/")
    if len(parts) == 1:
        return _single_stated(period, text, source_date)
    start, end = parts
    if _single_stated(start, text, source_date) and _single_stated(end, text, source_date):
        return True
    ytd = start.endswith("-01-01") and start[:4] == end[:4] and bool(_YTD.search(text))
    if ytd and _single_stated(end, text, source_date):
        return True
    # "over the past 60 years" / "过去 60 年", counted back from a stated (or the source's) year
    years = re.search(r"(?:past|last)\s+(\d+)\s+years|过去\s*(\d+)\s*年", text, re.IGNORECASE)
    if years and len(start) == len(end) == 4:
        count = int(years.group(1) or years.group(2))
        end_known = _year_stated(text, int(end)) or (source_date is not None and
                                                     source_date.year == int(end))
        return end_known and int(end) - int(start) == count
    return False


def is_fiscal(period: str) -> bool:
    """FY periods belong to an entity's fiscal calendar, never silently to the calendar one."""
    return any(part.startswith("FY") for part in period.split("/"))


def as_of_states(period: str, as_of: dt.date) -> bool:
    """Whether a source's as-of date states the period: a year, or a span ending on it."""
    parts = period.split("/")
    if len(parts) == 2:
        return parts[1] == as_of.isoformat()
    return period == str(as_of.year) or period == as_of.isoformat()
