"""Exhibits built from series and model cells: the performance chart and the coverage table.

A performance chart plots price or index series directly on a date axis,
rebased to 100, with rating changes from the project's notes and dated events
from claims. A coverage table has one row per covered company; every number is
a claim (a model cell, say) or a series point, and upside and P/E are derived
from them exactly, marked † with how.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .csvsafe import safe_cell
from .findings import Finding, did_you_mean

if TYPE_CHECKING:
    from .claims import ClaimRegistry
    from .figures import LoadedFigure
    from .schema import CoverageRow, DataPoint, Figure


def exhibit_claim_ids(figure: Figure) -> list[str]:
    """The claims a performance chart or coverage table shows (each gets an endnote)."""
    ids = [event.claim for event in figure.events if event.claim]
    for row in figure.rows:
        ids += [c for c in (row.target, row.price, *row.eps) if c]
    return list(dict.fromkeys(ids))


def exhibit_series_ids(figure: Figure) -> list[str]:
    """The series an exhibit reads."""
    return list(dict.fromkeys([*figure.plot, *(r.price_series for r in figure.rows
                                                 if r.price_series)]))


def check_exhibit(loaded: LoadedFigure, registry: ClaimRegistry) -> list[Finding]:
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
        start, end = performance_window(figure, registry)
        if start >= end:
            findings.append(document.finding(("start",), (
                f"start: {start} is not before the end of the chart ({end})")))
        for index, event in enumerate(figure.events):
            if not start <= event.date <= end:
                findings.append(document.finding(("events", index, "date"), (
                    f"events[{index}].date: {event.date} is outside the chart ({start} to "
                    f"{end})")))
    for index, row in enumerate(figure.rows):
        findings += _row_problems(loaded, index, row, registry)
    return findings


def _row_problems(loaded: LoadedFigure, index: int, row: CoverageRow,
                  registry: ClaimRegistry) -> list[Finding]:
    document, findings = loaded.document, []
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
        price_point = _point(registry, row.price)
        series = registry.series.get(row.price_series or "")
        currency = price_point.unit.split()[0] if price_point else (
            series.meta.currency if series else None)
        for key, claim_id in (("target", row.target), *(("eps", c) for c in row.eps)):
            point = _point(registry, claim_id)
            if point and currency and point.unit.split()[0] != currency:
                findings.append(document.finding((*where, key), (
                    f"rows[{index}].{key}: {claim_id} is in {point.unit} but the price is in "
                    f"{currency}; upside and P/E need one currency")))
    return findings


def _point(registry: ClaimRegistry, claim_id: str | None) -> DataPoint | None:
    if claim_id is None or registry.get(claim_id) is None:
        return None
    data = registry.claims[claim_id].claim.data
    return data[0] if data else None


def performance_window(figure: Figure, registry: ClaimRegistry) -> tuple[dt.date, dt.date]:
    """The chart's dates: given, else the year to the last date all series share."""
    ends = [registry.series[s].points[-1][0] for s in figure.plot if s in registry.series]
    end = figure.end or (min(ends) if ends else dt.date.today())
    start = figure.start or dt.date(end.year - 1, end.month, min(end.day, 28))
    return start, end


def performance_lines(figure: Figure, registry: ClaimRegistry, language: str
                      ) -> list[tuple[str, list[tuple[dt.date, float]]]]:
    """(name, points) of each plotted series over the chart's window."""
    start, end = performance_window(figure, registry)
    return [(registry.series[s].name_in(language), registry.series[s].between(start, end))
            for s in figure.plot]


def performance_csv(lines: list[tuple[str, list[tuple[dt.date, float]]]]) -> bytes:
    """date, then each series rebased to 100 at its first date in the window."""
    days = sorted({day for _, points in lines for day, _ in points})
    rebased = [{day: 100 * value / points[0][1] for day, value in points} if points else {}
               for _, points in lines]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["date", *[safe_cell(name) for name, _ in lines]])
    for day in days:
        writer.writerow([day.isoformat(), *[f"{r[day]:.2f}" if day in r else "" for r in rebased]])
    return buffer.getvalue().encode("utf-8")


# ---------------------------------------------------------------- coverage table


def _decimal(value: float) -> Decimal:
    return Decimal(repr(value))


def coverage_cells(figure: Figure, registry: ClaimRegistry) -> list[dict[str, Any]]:
    """Each row's numbers: value, unit, the claim or series point it comes from, and for
    upside and P/E how it is derived."""
    rows = []
    for row in figure.rows:
        target, price_point = _point(registry, row.target), _point(registry, row.price)
        price: Decimal | None = None
        price_from: dict[str, Any] = {}
        if price_point is not None and price_point.value is not None:
            price = _decimal(price_point.value)
            price_from = {"claim": row.price}
        elif row.price_series and row.price_date:
            level = registry.series[row.price_series].value_on(row.price_date)
            price = None if level is None else _decimal(round(level, 2))
            price_from = {"series": row.price_series, "date": row.price_date.isoformat()}
        cells: dict[str, Any] = {
            "rating": row.rating,
            "target": {"value": target.value, "unit": target.unit, "claim": row.target}
            if target else None,
            "price": {"value": None if price is None else float(price),
                      "unit": price_point.unit if price_point else (target.unit if target
                                                                   else ""), **price_from},
        }
        if target is not None and target.value is not None and price:
            upside = (_decimal(target.value) / price - 1) * 100
            cells["upside"] = {"value": float(round(upside, 1)), "derived":
                               f"{_plain(target.value)} / {_plain(price)} − 1"}
        for index, claim_id in enumerate(row.eps[:2]):
            eps = _point(registry, claim_id)
            if eps is None or eps.value is None:
                continue
            cells[f"eps{index + 1}"] = {"value": eps.value, "unit": eps.unit,
                                        "claim": claim_id, "period": eps.period,
                                        "estimate": registry.claims[claim_id].claim.kind
                                        in ("estimate", "forecast")}
            if price and eps.value:
                pe = price / _decimal(eps.value)
                cells[f"pe{index + 1}"] = {"value": float(round(pe, 1)), "derived":
                                           f"{_plain(price)} / {_plain(eps.value)}",
                                           "period": eps.period}
        rows.append({"company": row.company, "ticker": row.ticker, "cells": cells})
    return rows


def _plain(value: float | Decimal) -> str:
    text = f"{Decimal(repr(value)) if isinstance(value, float) else value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def coverage_csv(figure: Figure, registry: ClaimRegistry) -> bytes:
    """The coverage table as CSV, one row per company, with where each number comes from."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["company", "ticker", "rating", "target", "price", "price_source",
                     "upside_pct", "eps_fy1", "eps_fy1_period", "eps_fy2", "eps_fy2_period",
                     "pe_fy1", "pe_fy2"])
    for row in coverage_cells(figure, registry):
        cells = row["cells"]

        def value(key: str, cells: dict[str, Any] = cells) -> str:
            cell = cells.get(key)
            return "" if not cell or cell.get("value") is None else f"{cell['value']:g}"

        price = cells["price"]
        writer.writerow([
            safe_cell(row["company"]), row["ticker"], safe_cell(cells["rating"]), value("target"),
            value("price"), price.get("claim") or f"{price.get('series')}@{price.get('date')}",
            value("upside"),
            value("eps1"), (cells.get("eps1") or {}).get("period", ""), value("eps2"),
            (cells.get("eps2") or {}).get("period", ""), value("pe1"), value("pe2")])
    return buffer.getvalue().encode("utf-8")
