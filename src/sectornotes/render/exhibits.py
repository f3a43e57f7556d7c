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
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..language.languages import name_in
from ..model.exhibits import exhibit_point, performance_window
from .csvsafe import safe_cell

if TYPE_CHECKING:
    from ..inputs.schema import Figure
    from ..model.figurekinds import FigureInput
    from ..proof.registry import ClaimRegistry
    from ..sources.series import Series


def performance_lines(figure: Figure, series: Mapping[str, Series], language: str
                      ) -> list[tuple[str, list[tuple[dt.date, float]]]]:
    """(name, points) of each plotted series over the chart's window."""
    start, end = performance_window(figure, series)
    return [(name_in(series[s].meta, "instrument", language), series[s].between(start, end))
            for s in figure.plot]


def draw_performance_figure(request: FigureInput) -> dict[str, bytes]:
    """The performance chart kind's drawing: the SVG and the rebased CSV."""
    from .charts import ChartStyle, draw_performance

    figure = request.figure
    lines = performance_lines(figure, request.series, figure.language)
    style = ChartStyle.from_house(request.house, figure.language)
    return {"svg": draw_performance(lines, request.events, style, figure.language),
            "csv": performance_csv(lines)}


def draw_coverage_figure(request: FigureInput) -> dict[str, bytes]:
    """The coverage table kind's output: its CSV (the note's template lays out the table)."""
    assert request.registry is not None  # drawn in this process (worker=False)
    return {"csv": coverage_csv(request.figure, request.registry)}


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
        target, price_point = exhibit_point(registry, row.target), exhibit_point(registry, row.price)
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
            eps = exhibit_point(registry, claim_id)
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
