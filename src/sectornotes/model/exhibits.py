"""What an exhibit shows and whether its inputs exist: performance charts and coverage tables.

The claims and series an exhibit reads (each claim gets an endnote), the checks
of its series, dates, claims and units, and the chart's date window. Drawing
and tables are in `render.exhibits`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

from ..findings import Finding, did_you_mean
from .figurekinds import FigureKind

if TYPE_CHECKING:
    from ..inputs.loading import Loaded
    from ..inputs.project import Project
    from ..inputs.schema import CoverageRow, DataPoint, Figure
    from ..inputs.yamlfile import YamlDocument
    from ..proof.registry import ClaimRegistry
    from ..sources.series import Series


def exhibit_claim_ids(figure: Figure, registry: ClaimRegistry | None = None) -> list[str]:
    """The claims a performance chart or coverage table shows (each gets an endnote)."""
    ids = [event.claim for event in figure.events if event.claim]
    for row in figure.rows:
        ids += [c for c in (row.target, row.price, *row.eps) if c]
    return list(dict.fromkeys(ids))


def exhibit_series_ids(figure: Figure) -> list[str]:
    """The series an exhibit reads."""
    return list(dict.fromkeys([*figure.plot, *(r.price_series for r in figure.rows
                                                 if r.price_series)]))


def check_exhibit(loaded: Loaded[Figure], registry: ClaimRegistry, project: Project
                  ) -> list[Finding]:
    """Series, dates, claims and units of a performance chart or a coverage table."""
    figure, document = loaded.spec, loaded.document
    findings = []
    for index, series_id in enumerate(figure.plot):
        if series_id not in registry.series:
            findings.append(document.finding(("plot", index), (
                f"plot[{index}]: no series '{series_id}' in seeds/ (expected "
                f"seeds/{series_id}.csv and .yaml){did_you_mean(series_id, registry.series)}")))
    for index, event in enumerate(figure.events):
        if event.claim and registry.get(event.claim) is None:
            findings.append(registry.unknown_claim(document, ("events", index, "claim"),
                                                   f"events[{index}].claim", event.claim))
    if figure.kind == "performance" and not findings:
        start, end = performance_window(figure, registry.series)
        if start >= end:
            findings.append(document.finding(("start",), (
                f"start: {start} is not before the end of the chart ({end})")))
        for index, event in enumerate(figure.events):
            if not start <= event.date <= end:
                findings.append(document.finding(("events", index, "date"), (
                    f"events[{index}].date: {event.date} is outside the chart ({start} to "
                    f"{end})")))
    for index, row in enumerate(figure.rows):
        findings += _row_problems(document, index, row, registry)
    return findings


def _row_problems(document: YamlDocument, index: int, row: CoverageRow,
                  registry: ClaimRegistry) -> list[Finding]:
    findings: list[Finding] = []
    where = ("rows", index)
    for key, claim_id in (("target", row.target), ("price", row.price),
                          *(("eps", c) for c in row.eps)):
        if claim_id is None:
            continue
        registered = registry.get(claim_id)
        if registered is None:
            findings.append(registry.unknown_claim(document, (*where, key),
                                                   f"rows[{index}].{key}", claim_id))
        elif not registered.claim.data:
            findings.append(document.finding((*where, key), (
                f"rows[{index}].{key}: claim '{claim_id}' states no number (no 'data')")))
    if row.price is None and row.price_series is None:
        findings.append(document.finding(where, (
            f"rows[{index}]: give the price as a claim ('price:') or a series point "
            "('price_series:' and 'price_date:')")))
    if row.price_series is not None:
        series = registry.series.get(row.price_series)
        if series is None:
            findings.append(document.finding((*where, "price_series"), (
                f"rows[{index}].price_series: no series '{row.price_series}' in seeds/"
                f"{did_you_mean(row.price_series, registry.series)}")))
        elif row.price_date is None or series.value_on(row.price_date) is None:
            findings.append(document.finding((*where, "price_date"), (
                f"rows[{index}].price_date: {series.csv_path} has no value on "
                f"{row.price_date}; give a date the series has")))
    if not findings:
        price_point = exhibit_point(registry, row.price)
        series = registry.series.get(row.price_series or "")
        currency = price_point.unit.split()[0] if price_point else (
            series.meta.currency if series else None)
        for key, claim_id in (("target", row.target), *(("eps", c) for c in row.eps)):
            point = exhibit_point(registry, claim_id)
            if point and currency and point.unit.split()[0] != currency:
                findings.append(document.finding((*where, key), (
                    f"rows[{index}].{key}: {claim_id} is in {point.unit} but the price is in "
                    f"{currency}; upside and P/E need one currency")))
    return findings


def exhibit_point(registry: ClaimRegistry, claim_id: str | None) -> DataPoint | None:
    """The data point of a claim an exhibit names (None when unknown or empty)."""
    if claim_id is None or registry.get(claim_id) is None:
        return None
    data = registry.claims[claim_id].claim.data
    return data[0] if data else None


def performance_window(figure: Figure, series: Mapping[str, Series]
                       ) -> tuple[dt.date, dt.date]:
    """The chart's dates: given, else the year to the last date all series share."""
    ends = [series[s].points[-1][0] for s in figure.plot if s in series]
    end = figure.end or (min(ends) if ends else dt.date.today())
    start = figure.start or dt.date(end.year - 1, end.month, min(end.day, 28))
    return start, end


FIGURE_KINDS = (
    FigureKind("performance", "sectornotes.render.exhibits:draw_performance_figure",
               check=check_exhibit, claim_ids=exhibit_claim_ids,
               series_ids=exhibit_series_ids, events=True),
    FigureKind("coverage", "sectornotes.render.exhibits:draw_coverage_figure", outputs=("csv",),
               check=check_exhibit, claim_ids=exhibit_claim_ids,
               series_ids=exhibit_series_ids, worker=False),
)
