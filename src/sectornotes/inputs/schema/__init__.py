"""The one declaration of every YAML file kind.

The same pydantic models validate project files (`check`) and produce the
JSON Schema editors use (`sectornotes schema`). Every field carries a
one-line description that shows in both. One module per file kind; this
package re-exports them, so callers import from `inputs.schema` alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic.json_schema import JsonSchemaValue

from .clients import Client, Clients, Entitlement
from .common import (
    EMAIL,
    KEBAB,
    PERIOD,
    SINGLE_LINE,
    TICKER,
    KebabId,
    Localized,
    Regime,
    SingleLine,
    Strict,
    Text,
    Unit,
    WebUrl,
)
from .compliance import Compliance, ComplianceSubject, Disclosure
from .editor import for_editors, schema_globs, series_ids
from .figures import (
    ChartKind,
    Column,
    CoverageRow,
    Figure,
    FigureEvent,
    FigureQuery,
    GrowthStep,
    ShareStep,
    SortStep,
    TransformStep,
)
from .house import (
    Analyst,
    ChartType,
    Entity,
    Firm,
    House,
    Licence,
    MetricSpec,
    Rating,
    RatingScale,
    ScaleBenchmarks,
)
from .notes import Note, Section, Subject, TargetPrice
from .seeds import Claim, ClaimSource, DataPoint, Derived, SeedFile, SourceMeta
from .series import SeriesFile, SeriesMeta
from .validation import StrictModel, validate

__all__ = [
    "EMAIL", "KEBAB", "PERIOD", "SINGLE_LINE", "TICKER",
    "KebabId", "Localized", "Regime", "SingleLine", "Strict", "Text", "Unit", "WebUrl",
    "Claim", "ClaimSource", "DataPoint", "Derived", "SeedFile", "SourceMeta",
    "SeriesFile", "SeriesMeta",
    "ChartKind", "Column", "CoverageRow", "Figure", "FigureEvent", "FigureQuery",
    "GrowthStep", "ShareStep", "SortStep", "TransformStep",
    "Note", "Section", "Subject", "TargetPrice",
    "Analyst", "ChartType", "Entity", "Firm", "House", "Licence", "MetricSpec", "Rating",
    "RatingScale", "ScaleBenchmarks",
    "Client", "Clients", "Entitlement",
    "Compliance", "ComplianceSubject", "Disclosure",
    "StrictModel", "validate",
    "FILE_KINDS", "SCHEMA_GLOBS", "json_schemas", "schema_globs", "series_ids",
]

FILE_KINDS: dict[str, type[Strict]] = {
    "seed": SeedFile, "series": SeriesFile, "figure": Figure, "note": Note, "house": House,
    "clients": Clients, "compliance": Compliance,
}

# Without a project: one glob per kind (see `schema_globs` for a project's series files).
SCHEMA_GLOBS = schema_globs()


def json_schemas(metrics: Sequence[str] | None = None) -> dict[str, JsonSchemaValue]:
    """JSON Schema of every YAML file kind, keyed by kind, as editors need it (editor.py);
    `metrics`, when given, are the metric names editors offer and accept."""
    return {kind: for_editors(model.model_json_schema(), metrics)
            for kind, model in FILE_KINDS.items()}
