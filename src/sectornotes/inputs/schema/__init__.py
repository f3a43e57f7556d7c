"""The one declaration of every YAML file kind.

The same pydantic models validate project files (`check`) and produce the
JSON Schema editors use (`sectornotes schema`). Every field carries a
one-line description that shows in both. One module per file kind; this
package re-exports them, so callers import from `inputs.schema` alone.
"""

from __future__ import annotations

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
    "FILE_KINDS", "SCHEMA_GLOBS", "json_schemas",
]

FILE_KINDS: dict[str, type[Strict]] = {
    "seed": SeedFile, "series": SeriesFile, "figure": Figure, "note": Note, "house": House,
    "clients": Clients, "compliance": Compliance,
}

SCHEMA_GLOBS = {
    # A series' seeds/<id>.yaml shares the seeds' glob; editors apply the seed schema to it.
    "seed": ["seeds/*.yaml"], "series": [], "figure": ["figures/*.yaml"],
    "note": ["notes/*.yaml"], "house": ["house.yaml"], "clients": ["clients.yaml"],
    "compliance": ["compliance.yaml"],
}


def json_schemas() -> dict[str, JsonSchemaValue]:
    """JSON Schema of every YAML file kind, keyed by kind."""
    return {kind: model.model_json_schema() for kind, model in FILE_KINDS.items()}
