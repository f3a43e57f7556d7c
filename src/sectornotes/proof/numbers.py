"""Finding a claim's numbers in its quote, unit-aware.

`58.86` + `USD bn` is accepted only where the quote writes 58.86 followed by
"billion"/"bn" and names the dollar somewhere; `-0.3` + `pp` where it writes
"-0.3 percentage points" or "decreased by 0.3 percentage points". Lists and
ranges ("+15%/+6%/-3%", "60-65 billion", "8~16") share the marker written
after their last number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .units import UNITS

_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"
_ARABIC = re.compile(rf"(?<![A-Za-z0-9.,])(?P<sign>[+\-−–])?(?P<number>{_NUMBER})")
_CHINESE = re.compile(r"[零〇一二两三四五六七八九十百千]+")
_CHAIN = re.compile(
    rf"(?:\s*(?:%|％)?\s*(?:[-−–—~～/、]|\bto\b|至|到)\s*[+\-−]?(?:{_NUMBER}))*\s*"
)
_CHINESE_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
                   "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CHINESE_SCALES = {"十": 10, "百": 100, "千": 1000}


@dataclass(frozen=True)
class NumberInQuote:
    """A number written in a quote: its absolute value, sign and what follows it."""

    value: Decimal
    negative: bool
    start: int
    end: int


def numbers_in(quote: str) -> list[NumberInQuote]:
    """Every number written in the quote, Arabic or simple Chinese numerals."""
    found = []
    for match in _ARABIC.finditer(quote):
        sign = match.group("sign")
        negative = bool(sign) and sign != "+" and _sign_is_minus(quote, match.start())
        value = Decimal(match.group("number").replace(",", ""))
        found.append(NumberInQuote(value, negative, match.start("number"), match.end()))
    for match in _CHINESE.finditer(quote):
        numeral = _chinese_numeral(match.group())
        if numeral is not None:
            found.append(NumberInQuote(Decimal(numeral), False, match.start(), match.end()))
    return found


def _sign_is_minus(quote: str, sign_index: int) -> bool:
    # "54.6%-67.5%" and "2009-2010" use the hyphen as a range dash, not a sign.
    before = quote[sign_index - 1] if sign_index else " "
    return not ((before.isascii() and before.isalnum()) or before in "%％)")


def _chinese_numeral(text: str) -> int | None:
    total, digit = 0, None
    for char in text:
        if char in _CHINESE_DIGITS:
            if digit is not None:
                return None  # "一二" is not a number
            digit = _CHINESE_DIGITS[char]
        else:
            total += (1 if digit is None else digit) * _CHINESE_SCALES[char]
            digit = None
    return total + (digit or 0)


def as_decimal(value: float | int) -> Decimal:
    """The decimal a YAML number stands for (58.86, not 58.8599999…)."""
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return Decimal("NaN")


def occurrences(quote: str, value: float, unit_name: str,
                numbers: list[NumberInQuote] | None = None
                ) -> tuple[list[NumberInQuote], str | None]:
    """Where the quote writes `value` followed by its unit: (occurrences, problem or None)."""
    unit = UNITS[unit_name]
    numbers = numbers_in(quote) if numbers is None else numbers
    wanted = abs(as_decimal(value))
    shown = _plain(wanted)
    same_number = [number for number in numbers if number.value == wanted]
    if not same_number:
        with_unit = sorted({_plain(n.value) for n in numbers
                            if has_marker(quote, n, unit.marker)}, key=Decimal)
        listing = (f"; the numbers written with unit '{unit_name}' are {', '.join(with_unit)}"
                   if with_unit else "")
        return [], f"{shown} is not written in the quote{listing}"
    marked = [number for number in same_number if has_marker(quote, number, unit.marker)]
    if not marked:
        return [], (f"{shown} is in the quote but not followed by its unit '{unit_name}' "
                    f"({_marker_hint(unit.marker)}); check the unit")
    if unit.currency and not re.search(unit.currency, quote, re.IGNORECASE):
        return [], (f"the quote does not name the currency of unit '{unit_name}'; "
                    "use a unit without currency (e.g. 'bn') or quote the currency")
    return marked, None


def has_marker(quote: str, number: NumberInQuote, marker: str | None) -> bool:
    """Whether the unit's words follow the number (past a list or range it ends)."""
    if marker is None:
        return True
    chain = _CHAIN.match(quote, number.end)  # matches the empty string at worst
    after = chain.end() if chain else number.end
    return re.match(rf"(?:{marker})", quote[after:], re.IGNORECASE) is not None


def _marker_hint(marker: str | None) -> str:
    words = [part.replace("\\b", "").replace("?", "").replace("\\", "")
             for part in (marker or "").split("|")]
    return "expected " + " or ".join(f"'{word}'" for word in words[:3])


def _plain(number: Decimal) -> str:
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
