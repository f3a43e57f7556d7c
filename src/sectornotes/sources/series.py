"""Price and index series: seeds/<id>.csv (date, value) with seeds/<id>.yaml metadata.

A series is a source in its own right: charts plot it directly, and it is read
without pandas so that `check` stays fast.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from dataclasses import dataclass

from ..findings import Finding
from ..inputs.loading import load_folder
from ..inputs.project import Project
from ..inputs.schema import SeriesMeta
from ..inputs.values import NotANumber, parse_number
from ..inputs.yamlfile import FileProblem, read_text


@dataclass(frozen=True)
class Series:
    """A loaded series: its id, metadata, (date, value) points in date order and file hash."""

    id: str
    meta: SeriesMeta
    points: tuple[tuple[dt.date, float], ...]
    csv_path: str
    digest: str

    def between(self, start: dt.date, end: dt.date) -> list[tuple[dt.date, float]]:
        """The points from `start` to `end`, both included."""
        return [(day, value) for day, value in self.points if start <= day <= end]

    def value_on(self, day: dt.date) -> float | None:
        """The value on `day`, or None when the series has no point that day."""
        return next((value for when, value in self.points if when == day), None)


def load_series(project: Project) -> tuple[dict[str, Series], list[Finding]]:
    """Every seeds/<id>.csv series with its metadata; each problem at its line."""
    from ..inputs.schema import SeriesFile

    loaded, findings = load_folder(project, project.series_files(), SeriesFile)
    series: dict[str, Series] = {}
    for series_id, item in loaded.items():
        csv_path = project.series_csv_path(series_id)
        display = project.relative(csv_path)
        if project.leaves_project(csv_path):
            continue
        try:
            text = read_text(csv_path, display)
        except FileProblem as problem:
            findings.append(problem.finding)
            continue
        points, problems = parse_series(text, display)
        findings += problems
        if problems:
            continue
        if points and points[-1][0] < item.spec.series.as_of:
            findings.append(item.document.finding(("series", "as_of"), (
                f"series.as_of: {item.spec.series.as_of} is after the last date in {display} "
                f"({points[-1][0]}); set as_of to the date of the last value")))
        series[series_id] = Series(series_id, item.spec.series, tuple(points), display,
                                   hashlib.sha256(text.encode("utf-8")).hexdigest())
    return series, findings


def parse_series(text: str, display: str) -> tuple[list[tuple[dt.date, float]], list[Finding]]:
    """(date, value) rows of a CSV with a 'date' and a 'value' column, in date order; each
    value a finite number (values.parse_number), each problem at its line and column."""
    try:
        rows = _rows_with_lines(text)
    except _BadRow as bad:
        return [], [Finding(display, bad.line, 1, bad.message)]
    if not rows or [c.strip().lower() for c in rows[0][1][:2]] != ["date", "value"]:
        return [], [Finding(display, 1, 1, "a series starts with the header 'date,value'")]
    points: list[tuple[dt.date, float]] = []
    findings: list[Finding] = []
    for line, row in rows[1:]:
        if not row or not "".join(row).strip():
            continue
        if len(row) < 2:
            findings.append(Finding(display, line, 1, "expected 'date,value'"))
            continue
        try:
            day = dt.date.fromisoformat(row[0].strip())
        except ValueError:
            findings.append(Finding(display, line, 1, f"'{row[0]}' is not a date (YYYY-MM-DD)"))
            continue
        try:
            value = parse_number(row[1])
        except NotANumber as problem:
            findings.append(Finding(display, line, len(row[0]) + 2, f"{problem}"))
            continue
        if points and day <= points[-1][0]:
            findings.append(Finding(display, line, 1, f"{day} does not follow {points[-1][0]}; "
                                    "rows must be in date order, one per date"))
            continue
        points.append((day, float(value)))
    if not points and not findings:
        findings.append(Finding(display, 1, 1, "the series has no rows"))
    return points, findings


class _BadRow(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line, self.message = line, message


def _rows_with_lines(text: str) -> list[tuple[int, list[str]]]:
    """Each CSV row with the line it starts on (a quoted field may span lines)."""
    reader = csv.reader(io.StringIO(text))
    rows, line = [], 1
    try:
        for row in reader:
            rows.append((line, row))
            line = reader.line_num + 1
    except csv.Error:  # a field over the csv module's limit, an unclosed quote at the end
        raise _BadRow(line, "this row is not CSV a series can hold (a field over 128 KB, "
                      "or a quote that never closes); write 'date,value' rows") from None
    return rows
