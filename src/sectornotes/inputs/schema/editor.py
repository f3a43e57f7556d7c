"""The JSON Schema editors get: pydantic's, adjusted to what editors' YAML engines see.

- Dates and times. YAML 1.2 engines (yaml-language-server, VS Code) hand an unquoted
  2025-02-05 over as a string, YAML 1.1 loaders (js-yaml, PyYAML) as a date: both are
  valid, as they are for `check`. A string must be a real date — a pattern knows the
  length of each month and the leap years, so 2025-02-30 is refused where JSON Schema's
  `format: date` lets it pass — and a time may leave out its UTC offset where `check`
  allows it (`approved_at`), which `format: date-time` would refuse. A parsed date
  reaches a JSON Schema validator as an object with no keys of its own.
- Metric names: an enum of the vocabulary and the house's own metrics, so an editor
  offers them and flags a typo.
- Where each file kind applies: one glob per kind, except that a series' metadata
  (seeds/<id>.yaml beside seeds/<id>.csv) has its own schema, not the seeds'.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from .common import PATTERN_HELP, PERIOD

_DAY_31 = r"(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])"
_DAY_30 = r"(?:0[469]|11)-(?:0[1-9]|[12]\d|30)"
_DAY_FEB = r"02-(?:0[1-9]|1\d|2[0-8])"
# 29 February: years divisible by 4 but not by 100, or by 400.
_LEAP = r"(?:\d{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29"
REAL_DATE = rf"(?:\d{{4}}-(?:{_DAY_31}|{_DAY_30}|{_DAY_FEB})|{_LEAP})"
_TIME = r"(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?"
_OFFSET = r"(?:[Zz]|[+-](?:[01]\d|2[0-3]):?[0-5]\d)"
DATE_PATTERN = rf"^{REAL_DATE}$"
# A date alone, or with a time, with or without its UTC offset (`check` says where one
# is required); 'T' or a space between, as YAML timestamps allow.
DATE_TIME_PATTERN = rf"^{REAL_DATE}(?:[Tt ]{_TIME}\s*{_OFFSET}?)?$"
# A date a YAML 1.1 loader has already parsed: an object with no keys of its own.
_PARSED_DATE: dict[str, Any] = {"type": "object", "maxProperties": 0}

# The file kinds, each with the files it applies to (series come from the project).
KIND_GLOBS = {
    "seed": ["seeds/*.yaml"], "series": [], "figure": ["figures/*.yaml"],
    "note": ["notes/*.yaml"], "house": ["house.yaml"], "clients": ["clients.yaml"],
    "compliance": ["compliance.yaml"],
}


def series_ids(root: Path) -> list[str]:
    """The ids of the project's series: seeds/<id>.yaml with a seeds/<id>.csv beside it."""
    seeds = root / "seeds"
    return sorted(p.stem for p in seeds.glob("*.yaml") if p.with_suffix(".csv").is_file()) \
        if seeds.is_dir() else []


def schema_globs(series: Iterable[str] = ()) -> dict[str, list[str]]:
    """The files each kind's schema applies to; series files taken out of the seeds' glob."""
    globs = {kind: list(patterns) for kind, patterns in KIND_GLOBS.items()}
    for series_id in sorted(series):
        globs["seed"].append(f"!seeds/{series_id}.yaml")
        globs["series"].append(f"seeds/{series_id}.yaml")
    return globs


def for_editors(schema: dict[str, Any], metrics: Sequence[str] | None = None) -> dict[str, Any]:
    """The schema with dates, times and periods as editors' YAML engines need them, and
    metric names as an enum when `metrics` is given."""
    adjusted: dict[str, Any] = _adjusted(schema, sorted(set(metrics)) if metrics else None)
    return adjusted


def _adjusted(node: Any, metrics: list[str] | None, key: str | None = None) -> Any:
    if isinstance(node, list):
        return [_adjusted(item, metrics) for item in node]
    if not isinstance(node, dict):
        return node
    if key == "properties":  # a mapping of field names to schemas, not a schema
        fields = {name: _adjusted(value, metrics) for name, value in node.items()}
        if metrics is not None and "metric" in fields:
            fields["metric"] = _metric_enum(fields["metric"], metrics)
        return fields
    adjusted = {name: _adjusted(value, metrics, name) for name, value in node.items()}
    written = adjusted.get("format")
    if adjusted.get("type") == "string" and written in ("date", "date-time"):
        del adjusted["format"]
        adjusted["pattern"] = DATE_PATTERN if written == "date" else DATE_TIME_PATTERN
        # what editors that read it (VS Code's YAML and JSON) say instead of the pattern
        adjusted["patternErrorMessage"] = (
            "expected a real date, YYYY-MM-DD" if written == "date" else
            "expected a real date and time, YYYY-MM-DDTHH:MM with its UTC offset (+08:00)")
        return _or_parsed_date(adjusted)
    if adjusted.get("type") == "string" and adjusted.get("pattern") in PATTERN_HELP:
        adjusted["patternErrorMessage"] = f"expected {PATTERN_HELP[adjusted['pattern']]}"
    if adjusted.get("type") == "string" and adjusted.get("pattern") == PERIOD:
        return _or_parsed_date(adjusted)  # an unquoted 2025-01-22 period
    return adjusted


def _or_parsed_date(string_schema: dict[str, Any]) -> dict[str, Any]:
    """A string of this shape, or a date a YAML 1.1 loader made of it."""
    described: dict[str, Any] = {k: string_schema.pop(k) for k in ("title", "description",
                                                                   "default") if k in string_schema}
    return {"anyOf": [string_schema, _PARSED_DATE], **described}


def _metric_enum(field: dict[str, Any], metrics: list[str]) -> dict[str, Any]:
    """A metric field (one name, or a list of names) offering the known names."""
    if field.get("type") == "string":
        kept = {k: v for k, v in field.items() if k in ("title", "description", "default")}
        return {**kept, "enum": metrics}
    if field.get("type") == "array" and isinstance(field.get("items"), dict):
        return {**field, "items": _metric_enum(field["items"], metrics)}
    return field
