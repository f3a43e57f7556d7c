"""inputs/schema/editor.py: what editors' schemas accept, without an editor."""

from __future__ import annotations

import re

import pytest

from sectornotes.inputs.schema import json_schemas, schema_globs
from sectornotes.inputs.schema.editor import DATE_PATTERN, DATE_TIME_PATTERN


@pytest.mark.parametrize(("written", "real"), [
    ("2025-02-28", True), ("2025-02-29", False), ("2024-02-29", True), ("2000-02-29", True),
    ("1900-02-29", False), ("2025-02-30", False), ("2025-04-31", False), ("2025-12-31", True),
    ("2025-13-01", False), ("2025-1-01", False),
])
def test_a_date_string_must_be_a_real_date(written, real):
    assert bool(re.match(DATE_PATTERN, written)) is real
    assert bool(re.match(DATE_TIME_PATTERN, f"{written}T09:00:00+08:00")) is real


@pytest.mark.parametrize("written", ["2025-06-03T09:00:00", "2025-06-03T09:00+08:00",
                                     "2025-06-03 09:00:00Z", "2025-06-03"])
def test_a_time_may_leave_out_its_offset_as_check_allows(written):
    assert re.match(DATE_TIME_PATTERN, written)


def test_dates_may_be_strings_or_parsed_dates_and_metrics_are_an_enum():
    schemas = json_schemas(["capex", "capex-yoy"])
    approved_at = schemas["note"]["properties"]["approved_at"]
    assert "date-time" not in str(approved_at)
    assert {"type": "object", "maxProperties": 0} in approved_at["anyOf"][0]["anyOf"]
    point = schemas["seed"]["$defs"]["DataPoint"]["properties"]
    assert point["metric"]["enum"] == ["capex", "capex-yoy"]
    assert {"type": "object", "maxProperties": 0} in point["period"]["anyOf"]
    assert schemas["figure"]["$defs"]["FigureQuery"]["properties"]["metric"]["items"] == {
        "enum": ["capex", "capex-yoy"]}


def test_series_files_get_their_own_schema():
    globs = schema_globs(["hsi"])
    assert globs["seed"] == ["seeds/*.yaml", "!seeds/hsi.yaml"]
    assert globs["series"] == ["seeds/hsi.yaml"]
