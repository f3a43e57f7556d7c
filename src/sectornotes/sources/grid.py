"""The grid of a spreadsheet as `check` reads it: cells by 'B14' reference, sheets, labels.

Shared by the spreadsheet reader (`spreadsheets`), the extraction cache and
the proof of cell claims (`proof.cells`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


@dataclass
class Cell:
    """One spreadsheet cell as `check` sees it."""

    value: Any  # number, text or None (a formula saved without its value is None)
    number_format: str = "General"
    formula: bool = False


@dataclass
class Sheet:
    """One sheet of a workbook (a CSV file is one sheet): cells by 'B14' reference."""

    name: str
    cells: dict[str, Cell]
    max_row: int = 0
    max_column: int = 0

    def cell(self, reference: str) -> Cell | None:
        return self.cells.get(reference.upper())

    def row_of(self, label: str) -> int | None:
        """The row whose first filled cell (in column A or B) reads `label`."""
        wanted = " ".join(label.split()).lower()
        for row in range(1, self.max_row + 1):
            for column in (1, 2):
                found = self.cells.get(f"{column_letter(column)}{row}")
                if found is not None and found.value is not None:
                    if " ".join(str(found.value).split()).lower() == wanted:
                        return row
                    break
        return None

    def column_of(self, label: str) -> int | None:
        """The column whose header (in the first five rows) reads `label`."""
        wanted = " ".join(label.split()).lower()
        for row in range(1, min(self.max_row, 5) + 1):
            for column in range(1, self.max_column + 1):
                found = self.cells.get(f"{column_letter(column)}{row}")
                if found is not None and " ".join(str(found.value).split()).lower() == wanted:
                    return column
        return None

    def header_of(self, column: int) -> str | None:
        """The text heading a column (the first text cell in its first five rows)."""
        for row in range(1, min(self.max_row, 5) + 1):
            found = self.cells.get(f"{column_letter(column)}{row}")
            if found is not None and isinstance(found.value, str):
                return found.value
        return None

    def label_of(self, row: int) -> str | None:
        """The text labelling a row (column A, else B)."""
        for column in (1, 2):
            found = self.cells.get(f"{column_letter(column)}{row}")
            if found is not None and isinstance(found.value, str):
                return found.value
        return None


def column_letter(column: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while column:
        column, remainder = divmod(column - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def split_reference(reference: str) -> tuple[int, int] | None:
    """'D14' → (row 14, column 4); None for anything else."""
    match = re.fullmatch(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})", reference.strip())
    if match is None:
        return None
    column = 0
    for letter in match.group(1).upper():
        column = column * 26 + ord(letter) - 64
    return int(match.group(2)), column
