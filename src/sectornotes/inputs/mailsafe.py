"""Whether a value may go into a mail header: the one test, used wherever one is set.

A line break in a header value would end the header and start another (or the
body): the email package then refuses the whole message. Every value that
becomes a header (the sender, a note's title in the Subject, a client's name
and address in To) is tested here once, before anything is recorded or sent.
"""

from __future__ import annotations

import unicodedata

# Besides CR and LF (and every other control character), Unicode's line and paragraph
# separators and NEL break a line in some mail readers.
_LINE_BREAKS = {"\x85", "\u2028", "\u2029"}


def header_problem(value: str) -> str | None:
    """What makes `value` unfit for a mail header, or None when it is fit."""
    if not value.strip():
        return "is empty"
    for position, char in enumerate(value):
        if char in "\r\n" or char in _LINE_BREAKS:
            return f"contains a line break ({_name(char)}) at character {position + 1}"
        if unicodedata.category(char) == "Cc":
            return f"contains a control character ({_name(char)}) at character {position + 1}"
    return None


def _name(char: str) -> str:
    names = {"\r": "CR", "\n": "LF", "\t": "tab", "\x85": "NEL"}
    return names.get(char, f"U+{ord(char):04X}")
