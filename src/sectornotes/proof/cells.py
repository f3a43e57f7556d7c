"""Claims from spreadsheets: each data point cites a cell, and `check` reads it.

A data point names its cell (`cell: "Model!D14"`) or its row and column labels
(`row: EPS`, `column: FY2025E`). The cell's value — for a formula, the value
the workbook was saved with — must be the data point's value at the precision
it is written, in the unit the cell's number format shows (a percentage cell
holding 0.153 is 15.3 %); a column headed by a period (FY2025E, 2024A) must be
the data point's period, and an estimate column makes the claim an estimate.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING

from ..findings import Finding, did_you_mean
from ..sources.grid import Cell, Sheet, column_letter, split_reference
from .registry import ClaimProof

if TYPE_CHECKING:
    from ..inputs.schema import DataPoint
    from .registry import RegisteredClaim, Source

# Currency symbols of number formats, and the unit prefix each needs.
_FORMAT_CURRENCIES = (("HK$", "HKD"), ("US$", "USD"), ("$", "USD"), ("€", "EUR"),
                      ("£", "GBP"), ("¥", "RMB"), ("￥", "RMB"), ('"RMB"', "RMB"))
_PERIOD_HEADER = re.compile(r"^(FY)?\s*'?(\d{4}|\d{2})\s*([AEF])?$", re.IGNORECASE)


def locate(source: Source, point: DataPoint) -> tuple[Sheet, str] | str:
    """The sheet and cell a data point cites, or what is wrong with its reference."""
    sheets = source.document.sheets
    if point.cell:
        name, _, reference = point.cell.rpartition("!")
        sheet = sheets.get(name) if name else source.document.first_sheet()
        if sheet is None:
            return (f"no sheet '{name}' in {source.text_path} (sheets: {', '.join(sheets)})"
                    f"{did_you_mean(name, sheets)}")
        return sheet, reference.replace("$", "").upper()
    if point.row and point.column:
        sheet = sheets.get(point.sheet) if point.sheet else source.document.first_sheet()
        if sheet is None:
            return (f"no sheet '{point.sheet}' in {source.text_path} (sheets: "
                    f"{', '.join(sheets)}){did_you_mean(point.sheet or '', sheets)}")
        row, column = sheet.row_of(point.row), sheet.column_of(point.column)
        if row is None:
            return f"no row labelled '{point.row}' in sheet '{sheet.name}' of {source.text_path}"
        if column is None:
            return (f"no column headed '{point.column}' in sheet '{sheet.name}' of "
                    f"{source.text_path}")
        return sheet, f"{column_letter(column)}{row}"
    return (f"a data point from the spreadsheet {source.text_path} cites its cell: add 'cell: "
            "Sheet!D14', or 'row:' and 'column:' labels")


def verify_cells(registered: RegisteredClaim, source: Source) -> ClaimProof:
    """Read every cell a claim's data points cite and check value, unit and period; the
    proof places the claim at its first cell and shows the cells' values."""
    claim = registered.claim
    findings: list[Finding] = []
    if claim.source.quote is not None:
        findings.append(registered.finding("source", "quote", message=(
            f"claim '{claim.id}': {source.text_path} is a spreadsheet; cite each value's cell "
            "in its data point instead of a quote")))
    if not claim.data:
        findings.append(registered.finding("data", message=(
            f"claim '{claim.id}': a claim from a spreadsheet states its values as data points "
            "with their cells")))
    shown, cells, decimals = [], {}, []
    line = col = 0
    for index, point in enumerate(claim.data):
        if point.derived is not None:
            continue
        key = "cell" if point.cell else ("row" if point.row else "value")
        found = locate(source, point)
        if isinstance(found, str):
            findings.append(registered.finding("data", index, key, message=(
                f"claim '{claim.id}' data[{index}]: {found}")))
            continue
        sheet, reference = found
        where = f"{sheet.name}!{reference}"
        problem = _cell_problem(sheet, reference, point, claim.kind, source.text_path)
        if problem:
            field_name, text = problem
            findings.append(registered.finding("data", index, field_name or key, message=(
                f"claim '{claim.id}' data[{index}]: {where} {text}")))
            continue
        cell = sheet.cell(reference)
        assert cell is not None
        cells[where] = cell.value
        decimals.append((index, "value", shown_decimals(cell)))
        shown.append(describe_cell(sheet, reference))
        if index == 0 or not line:
            line, col = split_reference(reference) or (1, 1)
    return ClaimProof(tuple(findings), line, col, "; ".join(shown), None, {"cells": cells},
                      tuple(decimals))


def describe_cell(sheet: Sheet, reference: str) -> str:
    """'Tencent · EPS (RMB) · FY2025E: 25.31 (Model!D14)', what readers are shown."""
    row, column = split_reference(reference) or (1, 1)
    cell = sheet.cell(reference)
    labels = [label for label in (sheet.label_of(row), sheet.header_of(column)) if label]
    value = "" if cell is None else _as_shown(cell)
    return f"{' · '.join(labels)}: {value} ({sheet.name}!{reference})"


def shown_decimals(cell: Cell) -> int:
    """The decimals a cell shows: its number format's ('0.00' → 2, '0.0%' → 1), else those
    of its value as stored (0.136 in a percentage cell shows as 13.6: 1)."""
    match = re.search(r"0\.(0+)", cell.number_format)
    if match:
        return len(match.group(1))
    if "%" in cell.number_format and not isinstance(cell.value, float):
        return 0
    if isinstance(cell.value, float) and "e" not in repr(cell.value):
        places = len(repr(cell.value).partition(".")[2].rstrip("0"))
        return max(0, places - 2) if "%" in cell.number_format else places
    return 0


def _as_shown(cell: Cell) -> str:
    """A cell's value as the workbook shows it: '13.6%', '26.10'."""
    if isinstance(cell.value, bool) or not isinstance(cell.value, int | float):
        return str(cell.value)
    places = shown_decimals(cell)
    if "%" in cell.number_format:
        return f"{Decimal(repr(float(cell.value))) * 100:.{places}f}%"
    return f"{cell.value:.{places}f}"


def _cell_problem(sheet: Sheet, reference: str, point: DataPoint, kind: str,
                  path: str) -> tuple[str, str] | None:
    """(the data point's field to point at, or '' for its cell reference; what is wrong)."""
    if split_reference(reference) is None:
        return "", "is not a cell reference (e.g. D14)"
    cell = sheet.cell(reference)
    if cell is None:
        return "", f"is empty in {path}; cite the cell that holds the value"
    if cell.formula and cell.value is None:
        return "", (f"is a formula saved without its value in {path}; open the workbook in "
                    "Excel or LibreOffice, recalculate and save it, so the value is stored")
    if isinstance(cell.value, bool) or not isinstance(cell.value, int | float):
        return "", f"holds text ({str(cell.value)[:40]!r}), not a number"
    value = Decimal(repr(float(cell.value)))
    percent_format = "%" in cell.number_format
    if percent_format:
        if point.unit != "%":
            return "unit", (f"is formatted as a percentage; the data point's unit is '%', not "
                            f"'{point.unit}'")
        value *= 100
    currency = next((unit for symbol, unit in _FORMAT_CURRENCIES
                     if symbol in cell.number_format), None)
    if currency and not point.unit.startswith(currency):
        return "unit", f"is formatted in {currency}; the data point's unit is '{point.unit}'"
    expected = point.value if point.value is not None else point.low
    if expected is None:
        return "value", "is cited, but the data point has no value"
    written = Decimal(repr(expected))
    places = max(0, -written.as_tuple().exponent)  # type: ignore[operator]
    if value.quantize(Decimal(1).scaleb(-places)) != written.quantize(Decimal(1).scaleb(-places)):
        return "value", (f"holds {_plain(value)}, not {_plain(written)}"
                         + (f" (to {places} decimal place(s): {_plain(round(value, places))})"
                            if places else ""))
    return _header_problem(sheet, reference, point, kind)


def _header_problem(sheet: Sheet, reference: str, point: DataPoint,
                    kind: str) -> tuple[str, str] | None:
    where = split_reference(reference)
    assert where is not None
    header = sheet.header_of(where[1])
    match = _PERIOD_HEADER.match(header.strip()) if header else None
    if match is None:
        return None
    fiscal, year, status = match.group(1), match.group(2), (match.group(3) or "").upper()
    year = year if len(year) == 4 else f"20{year}"
    period = f"FY{year}" if fiscal else year
    if point.period.split("-")[0] != period:
        return "period", (f"is in the column headed '{header}' ({period}), but the data "
                          f"point's period is {point.period}")
    if status in ("E", "F") and kind not in ("estimate", "forecast"):
        return "", (f"is in an estimate column ('{header}'); the claim's kind is estimate or "
                    "forecast")
    if status == "A" and kind in ("estimate", "forecast"):
        return "", f"is in an actuals column ('{header}'); the claim's kind is fact"
    return None


def _plain(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
