"""Spreadsheet sources (.xlsx with openpyxl, .csv): cells that data points cite."""

from __future__ import annotations

from ..spreadsheets import extract_csv, extract_xlsx
from . import Reader

READERS = (Reader(".xlsx", "sheet", extract_xlsx, package="openpyxl"),
           Reader(".csv", "sheet", extract_csv))
