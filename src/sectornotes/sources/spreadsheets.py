"""Reading spreadsheet sources (.xlsx with openpyxl, .csv with the csv module) into the
cells `check` reads, within limits.

A workbook is opened only through `archives.open_bounded_zip` (size, parts, ratio and
cell count checked before openpyxl parses anything); only the cells the file holds are
read, never the rectangle its dimension claims (a sheet with cells in A1 and XFD1048576
is two cells, not seventeen billion); every value is a finite number, a text, a
boolean or empty; the text extracted is bounded. Anything else is a message naming the
file, never a traceback.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

from ..findings import Finding
from ..inputs.values import NotANumber, looks_numeric, parse_number
from ..inputs.yamlfile import FileProblem, read_text
from .archives import check_cell_count, count_cells, open_bounded_zip

MAX_SHEET_CHARACTERS = 20_000_000  # all cell texts of a workbook: a big model holds ~1 M


def extract_xlsx(path: Path, raw: bytes, display: str) -> dict[str, Any]:
    """Sheets, cells and a text for `find` from a workbook; FileProblem when it cannot
    be read or exceeds a limit."""
    archive = open_bounded_zip(raw, display)
    count_cells(archive, display)
    formulas, values = _load_workbooks(raw, display)
    check_cell_count(sum(len(sheet._cells) for sheet in formulas.worksheets), display)
    sheets: dict[str, Any] = {}
    lines, budget = [], _Budget(display)
    for sheet in formulas.worksheets:
        cached = values[sheet.title]
        cells: dict[str, list[Any]] = {}
        # The cells the file holds, in reading order; iter_rows() would walk (and create)
        # every cell of the rectangle up to the last one.
        for (_, _), cell in sorted(sheet._cells.items()):
            if cell.value is None:
                continue
            is_formula = cell.data_type == "f" or (isinstance(cell.value, str)
                                                   and cell.value.startswith("="))
            saved = cached._cells.get((cell.row, cell.column)) if is_formula else cell
            value = _cell_value(None if saved is None else saved.value, display,
                                f"{sheet.title}!{cell.coordinate}")
            budget.spend(value)
            cells[cell.coordinate] = [value, str(cell.number_format or "General"), is_formula]
        sheets[sheet.title] = {"cells": cells, "max_row": sheet.max_row if cells else 0,
                               "max_column": sheet.max_column if cells else 0}
        lines.append(sheet_text(sheet.title, cells))
    return {"sheets": sheets, "text": "\n\n".join(lines)}


def _load_workbooks(raw: bytes, display: str) -> tuple[Any, Any]:
    import openpyxl

    try:
        formulas = openpyxl.load_workbook(io.BytesIO(raw), data_only=False, read_only=False)
        values = openpyxl.load_workbook(io.BytesIO(raw), data_only=True, read_only=False)
    except Exception as error:  # noqa: BLE001 - openpyxl raises anything from bad XML
        reason = " ".join(str(error).split())[:160] or type(error).__name__
        raise FileProblem(Finding(display, 1, 1, (
            f"cannot read this workbook (a part of it is damaged or not what Excel "
            f"writes: {reason}); open it in Excel or LibreOffice and save it again as "
            ".xlsx"))) from None
    return formulas, values


def _cell_value(value: Any, display: str, where: str) -> Any:
    """A cell's value as `check` stores it: None, bool, int, finite float or text."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        try:
            parse_number(repr(value))
        except NotANumber:
            raise FileProblem(Finding(display, 1, 1, (
                f"cell {where} holds {value!r}, not a finite number; correct the cell and "
                "save the workbook again"))) from None
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)  # durations, error values, rich text: shown as the workbook's text


class _Budget:
    """How much cell text a workbook may yield: one long shared string cited by many
    cells is stored once in the file but repeated in every cell read."""

    def __init__(self, display: str) -> None:
        self.display, self.left = display, MAX_SHEET_CHARACTERS

    def spend(self, value: Any) -> None:
        self.left -= len(str(value)) + 16  # the reference and separators of the text
        if self.left < 0:
            raise FileProblem(Finding(self.display, 1, 1, (
                f"this spreadsheet holds more than {MAX_SHEET_CHARACTERS:,} characters of "
                "cell text (the limit for a spreadsheet source); keep the cited sheets in a "
                "smaller file")))


def extract_csv(path: Path, raw: bytes, display: str) -> dict[str, Any]:
    """A CSV spreadsheet as one sheet named after the file; a cell written as a number
    must be a finite one (reported at its line and column)."""
    from .grid import column_letter

    reader = csv.reader(io.StringIO(read_text(path, display)))
    cells: dict[str, list[Any]] = {}
    budget, rows, max_column, line = _Budget(display), 0, 0, 1
    try:
        for row in reader:
            rows += 1
            max_column = max(max_column, len(row))
            for column_index, written in enumerate(row, start=1):
                if not written.strip():
                    continue
                value = _csv_value(written, display, line, _column_of(row, column_index))
                budget.spend(value)
                cells[f"{column_letter(column_index)}{rows}"] = [value, "General", False]
            line = reader.line_num + 1
    except csv.Error:  # a field over the csv module's limit, a quote that never closes
        raise FileProblem(Finding(display, line, 1, (
            "this row is not CSV that can be read (a field over 128 KB, or a quote that "
            "never closes); save the spreadsheet again as CSV"))) from None
    name = path.stem
    return {"sheets": {name: {"cells": cells, "max_row": rows, "max_column": max_column}},
            "text": sheet_text(name, cells)}


def _csv_value(written: str, display: str, line: int, col: int) -> Any:
    stripped = written.strip()
    plain = stripped.replace(",", "")
    if not looks_numeric(plain):
        return stripped
    try:
        return float(parse_number(plain))
    except NotANumber as problem:
        raise FileProblem(Finding(display, line, col, f"{problem}")) from None


def _column_of(row: list[str], column_index: int) -> int:
    """1-based column of a field in its line (exact for unquoted fields)."""
    return sum(len(field) + 1 for field in row[:column_index - 1]) + 1


def sheet_text(name: str, cells: dict[str, list[Any]]) -> str:
    """A sheet as text for `find`: one line per row, 'B14: value' per cell."""
    from .grid import split_reference

    by_row: dict[int, list[str]] = {}
    for reference, (value, _, _) in cells.items():
        where = split_reference(reference)
        if where is not None and value is not None:
            by_row.setdefault(where[0], []).append(f"{reference}: {value}")
    return "\n".join([f"[{name}]"] + ["  ".join(by_row[r]) for r in sorted(by_row)])
