"""Numbers as source files write them: the one parser for series values and spreadsheet
cells.

A value is plain decimal digits with an optional sign, point and exponent (`3912.40`,
`-0.5`, `1.2e3`). `NaN`, `Infinity`, `sNaN` and numbers beyond what a float holds
(`1e999`) are refused: a chart, a return or a table cannot be computed from them, and
a printed "nan" is not a number a reader can check.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation

# ASCII digits only: Decimal() alone would also take '1_000', Arabic-Indic digits and 'NaN'.
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_NON_FINITE = re.compile(r"[+-]?(?:s?nan|inf|infinity)", re.IGNORECASE)


class NotANumber(ValueError):
    """A written value that is not a finite number; str() is the message."""


def looks_numeric(written: str) -> bool:
    """Whether a text is written in digits (`12.5`, `1e999`): a cell of a CSV spreadsheet
    that is, is a number or an error, never silently text ('NaN' in a label column is a
    word, and stays text)."""
    return bool(_NUMBER.fullmatch(written.strip()))


def parse_number(written: str) -> Decimal:
    """The exact value of a written number; NotANumber saying what is wrong otherwise."""
    text = written.strip()
    if _NON_FINITE.fullmatch(text):
        raise NotANumber(f"'{text}' is not a finite number; write the value itself, or leave "
                         "the row out")
    if not _NUMBER.fullmatch(text):
        raise NotANumber(f"'{text}' is not a number (write digits with an optional sign and "
                         "decimal point, e.g. 3912.40)")
    try:
        value = Decimal(text)
        as_float = float(value)
    except (InvalidOperation, ValueError, OverflowError):
        raise NotANumber(f"'{text}' is not a number") from None
    if not math.isfinite(as_float):
        raise NotANumber(f"'{text}' is too large to compute with (beyond ±1.8e308)")
    if as_float == 0 and value != 0:
        raise NotANumber(f"'{text}' is too small to compute with (below 1e-308)")
    return value


def finite(value: object) -> bool:
    """Whether a value read by a library (a float from a workbook) is a finite number."""
    return not isinstance(value, float) or math.isfinite(value)
