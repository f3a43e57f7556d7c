"""figures/<figure-id>.yaml: a chart or table built from claims or series."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, model_validator

from .common import (
    TICKER,
    KebabId,
    LanguageCode,
    SingleLine,
    Strict,
    Text,
    Unit,
    registered_names,
)

CLAIM_KINDS = ("bar", "grouped-bar", "hbar", "stacked-bar", "line", "range-bar", "table")
# model/figurekinds.py
ChartKind = Annotated[str, Field(min_length=1, max_length=80),
                      registered_names((*CLAIM_KINDS, "performance", "coverage"))]
Column = Literal["entity", "period", "metric", "claim_id"]


class FigureQuery(Strict):
    """Select data points by what they measure instead of listing claims."""

    metric: list[KebabId] = Field(default_factory=list, description="Metrics to include.")
    entity: list[Text] = Field(default_factory=list, description="Entities to include.")
    period: list[str] = Field(default_factory=list, description="Periods to include.")
    tags: list[KebabId] = Field(default_factory=list, description="Claims must have all these tags.")
    source: list[KebabId] = Field(default_factory=list, description="Only claims from these sources.")


class SortStep(Strict):
    """Order rows."""

    by: Literal["value", "entity", "period", "metric", "claim_id"] = Field(description="Column.")
    descending: bool = Field(False, description="Largest first.")


class GrowthStep(Strict):
    """Per-entity change against the previous period, in % (adds rows of unit %)."""

    over: Literal["period"] = Field("period", description="Ordered column to compare along.")


class ShareStep(Strict):
    """Each value as a % of the total within a group."""

    within: Literal["period", "metric", "entity"] = Field("period", description="Grouping column.")


class TransformStep(Strict):
    """One step of the pandas pipeline; exactly one key per step."""

    filter: dict[str, list[str | float]] | None = Field(
        None, description="Keep rows whose column value is listed, e.g. {metric: [capex]}.")
    convert: Unit | None = Field(None, description="Convert every value to this unit.")
    sort: SortStep | None = Field(None, description="Order rows.")
    growth: GrowthStep | None = Field(None, description="Compute growth along periods.")
    share: ShareStep | None = Field(None, description="Compute shares of a total.")
    relabel: dict[str, dict[str, str]] | None = Field(
        None, description="Display names per column, e.g. {entity: {Big-4 US CSPs: Big-4}}.")

    @model_validator(mode="after")
    def _exactly_one(self) -> TransformStep:
        chosen = [name for name in type(self).model_fields if getattr(self, name) is not None]
        if len(chosen) != 1:
            raise ValueError("each transform step has exactly one of: "
                             + ", ".join(type(self).model_fields))
        return self


class FigureEvent(Strict):
    """A dated event marked on a performance chart."""

    date: dt.date = Field(strict=False, description="When it happened.")
    label: Text = Field(description="A few words shown at the mark.")
    claim: KebabId | None = Field(None, description="The claim that says it happened (it gets "
                                  "an endnote, like every number shown).")


class CoverageRow(Strict):
    """One covered company of a coverage table: every number is a claim or a series point."""

    company: Text = Field(description="Name as printed.")
    ticker: str = Field(pattern=TICKER, description="Ticker.")
    rating: KebabId = Field(description="Company rating id from house.yaml.")
    target: KebabId | None = Field(None, description="Claim stating the target price.")
    price: KebabId | None = Field(None, description="Claim stating the price (e.g. a model "
                                  "cell), or use price_series and price_date.")
    price_series: KebabId | None = Field(None, description="Price series in seeds/.")
    price_date: dt.date | None = Field(None, strict=False, description="Date of the price read "
                                       "from price_series.")
    eps: list[KebabId] = Field(default_factory=list, max_length=2, description="Claims stating "
                               "EPS for the next two fiscal years (FY1, FY2).")


class Figure(Strict):
    """figures/<figure-id>.yaml: a chart or table built from claims or series."""

    title: SingleLine = Field(description="Figure title, shown above the chart.")
    language: LanguageCode = Field("en", description="Language of labels and source line.")
    kind: ChartKind = Field(description="bar | grouped-bar | hbar | stacked-bar | line | range-bar | table.")
    claims: list[KebabId] = Field(default_factory=list, description="Claims whose data to plot.")
    query: FigureQuery | None = Field(None, description="Or: select data points by metric/entity/tag.")
    transform: list[TransformStep] = Field(default_factory=list, description="Shaping steps in order.")
    x: Column = Field("entity", description="Column along the category axis.")
    series: Column | None = Field(None, description="Column that splits bars or lines into series.")
    unit: Unit | None = Field(None, description="Display unit; values are converted to it.")
    y_label: str | None = Field(None, description="Value-axis label (default: the unit).")
    labels: dict[str, str] = Field(default_factory=dict, description="Display names for categories.")
    caption: str | None = Field(None, description="Caption text; the source line is added for you.")
    notes: str | None = Field(None, description="Notes printed under the figure.")
    python: str | None = Field(None, description="'file.py:function' in figures/ for custom shapes.")
    allow_mixed: str | None = Field(
        None, description="Why one series may mix period lengths or metrics (e.g. quarters "
        "beside a full-year forecast); the caption states it.")
    plot: list[KebabId] = Field(default_factory=list, description="kind performance: series "
                                "ids in seeds/, the subject first, then its benchmarks.")
    start: dt.date | None = Field(None, strict=False, description="kind performance: first "
                                  "date (default: one year before the end).")
    end: dt.date | None = Field(None, strict=False, description="kind performance: last date "
                                "(default: the last common date).")
    events: list[FigureEvent] = Field(default_factory=list, description="kind performance: "
                                      "dated events to mark, each with its claim.")
    ratings_of: str | None = Field(None, description="kind performance: a subject id (sector or "
                                   "ticker) whose rating changes in the project's notes are "
                                   "marked.")
    rows: list[CoverageRow] = Field(default_factory=list, description="kind coverage: one row "
                                    "per covered company.")

    @model_validator(mode="after")
    def _has_data(self) -> Figure:
        if self.kind == "performance":
            if not self.plot:
                raise ValueError("a performance chart names its series in 'plot'")
            return self
        if self.kind == "coverage":
            if not self.rows:
                raise ValueError("a coverage table lists its companies in 'rows'")
            return self
        if self.kind in CLAIM_KINDS and not self.claims and self.query is None and \
                self.python is None:
            raise ValueError("give 'claims', a 'query' or a 'python' function")
        return self
