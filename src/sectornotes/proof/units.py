"""Units a claim's numbers may carry, and how each is written in a quote.

A unit belongs to a dimension (numbers of one dimension can be converted into
each other by their scale, so a figure may mix `USD bn` and `USD m` but not
`USD bn` and `%`) and has a marker: the words that must follow the number in
the quote, so that "58.86" with unit `USD bn` is only accepted when the quote
says "58.86 billion".
"""

from __future__ import annotations

import re

from ..inputs.lexicon import UNIT_NAMES, UNITS, Unit

__all__ = ["DECLINE_WORDS", "UNITS", "UNIT_NAMES", "Unit", "compatible"]


# Words that let a quote state a negative value without a minus sign.
DECLINE_WORDS = re.compile(
    r"decreas|declin|fell|fall|falling|drop|down|lower|shrank|shrink|contract|negative|"
    r"reduc|narrow|下降|下滑|减少|回落|下跌|降低|收窄|缩小|负",
    re.IGNORECASE,
)


def compatible(unit_a: str, unit_b: str) -> bool:
    """True when values in the two units can be put on one axis."""
    return UNITS[unit_a].dimension == UNITS[unit_b].dimension
