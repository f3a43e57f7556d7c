"""CSV cells a spreadsheet will not run as a formula (OWASP's CSV injection advice).

Excel, LibreOffice and Google Sheets treat a cell starting with `=`, `+`, `-`,
`@`, a tab or a carriage return as a formula, so a client name such as
`=HYPERLINK(...)` in an exported file would run when the file is opened.
Every CSV writer of the project passes its cells through `safe_cell`.
"""

from __future__ import annotations

from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """The value as it may be written to CSV: text that could start a formula gets a `'`.

    Numbers are left alone (a negative number is data, not a formula); only text
    is prefixed, as OWASP recommends, so the cell shows the text as written.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: Iterable[object]) -> list[object]:
    """Every cell of a row through `safe_cell`."""
    return [safe_cell(value) for value in values]
