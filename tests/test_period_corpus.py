"""The period grammar on real outside sentences (tests/corpus/periods.yaml).

Each sentence, with its entity's fiscal calendar (declared as house.yaml `entities:`
declares it), must state every period under `states`, none under `not`, and give each
listed number its own period and not the wrong one.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from sectornotes.inputs.schema import DataPoint, House
from sectornotes.proof.periods import (
    FiscalCalendar,
    entity_calendars,
    period_problem,
    period_stated,
)
from sectornotes.sources.quotes import normalize

from .conftest import REPO_ROOT

CORPUS = yaml.safe_load((Path(__file__).parent / "corpus" / "periods.yaml").read_text(
    encoding="utf-8"))
SENTENCES: list[dict[str, Any]] = CORPUS["sentences"]


def _house() -> House:
    house = yaml.safe_load((REPO_ROOT / "house.yaml").read_text(encoding="utf-8"))
    house["entities"] = CORPUS["calendars"]
    return House.model_validate(house)


CALENDARS, PROBLEMS = entity_calendars(_house())


def _calendar(case: dict[str, Any]) -> FiscalCalendar | None:
    return CALENDARS.get(case["entity"]) if case.get("entity") else None


def _text(case: dict[str, Any]) -> str:
    context = case.get("context")
    return normalize(case["sentence"]) + ("\n" + normalize(context) if context else "")


def _label(case: dict[str, Any]) -> str:
    return case["sentence"][:60]


def test_the_corpus_is_large_enough_and_every_sentence_has_its_origin():
    assert len(SENTENCES) >= 40
    assert all(case["origin"].startswith("http") and case.get("date") for case in SENTENCES)
    assert PROBLEMS == []


@pytest.mark.parametrize("case", SENTENCES, ids=_label)
def test_each_sentence_states_its_periods(case):
    text, calendar = _text(case), _calendar(case)
    missing = [p for p in case.get("states", []) if not period_stated(str(p), text, case["date"],
                                                                       calendar)]
    wrongly = [p for p in case.get("not", []) if period_stated(str(p), text, case["date"],
                                                               calendar)]
    assert missing == [] and wrongly == [], (missing, wrongly)


NUMBERS = [(case, number) for case in SENTENCES for number in case.get("numbers", [])]


def _point(number: dict[str, Any], period: str) -> DataPoint:
    return DataPoint(metric=number.get("metric", "revenue"), entity="Entity", period=period,
                     value=number["value"], unit=number["unit"])


@pytest.mark.parametrize(("case", "number"), NUMBERS,
                         ids=[f"{_label(c)}:{n['value']}" for c, n in NUMBERS])
def test_each_number_has_its_own_period_and_not_the_wrong_one(case, number):
    quote = normalize(case["sentence"])
    context = normalize(case["context"]) if case.get("context") else None
    calendar, date = _calendar(case), case["date"]
    right = period_problem(_point(number, str(number["period"])), quote, context, date, None,
                           calendar)
    wrong = period_problem(_point(number, str(number["wrong"])), quote, context, date, None,
                           calendar)
    assert right is None, right
    assert wrong is not None


def test_a_segment_inherits_its_parents_calendar():
    assert CALENDARS["Compute & Networking"] == CALENDARS["NVIDIA"]
    assert CALENDARS["Compute & Networking"].fiscal_only


@pytest.mark.parametrize(("rule", "fiscal_year", "end"), [
    ("last Sunday of January", 2025, dt.date(2025, 1, 26)),     # NVIDIA FY2025
    ("last Sunday of January", 2026, dt.date(2026, 1, 25)),
    ("Saturday nearest October 31", 2025, dt.date(2025, 11, 1)),  # Analog Devices
    ("Saturday nearest October 31", 2024, dt.date(2024, 11, 2)),
    ("last Saturday of September", 2025, dt.date(2025, 9, 27)),  # Apple
    ("last Saturday of July", 2025, dt.date(2025, 7, 26)),       # Cisco
    ("Sunday nearest August 31", 2024, dt.date(2024, 9, 1)),     # Costco
    ("Thursday nearest August 31", 2025, dt.date(2025, 8, 28)),  # Micron
    ("last Sunday of October", 2024, dt.date(2024, 10, 27)),     # Deere
    ("06-30", 2025, dt.date(2025, 6, 30)), ("02-28", 2024, dt.date(2024, 2, 28)),
])
def test_fiscal_years_end_where_their_rule_says(rule, fiscal_year, end):
    assert FiscalCalendar(rule).year_end_date(fiscal_year) == end


def test_quarters_of_a_week_based_year_are_13_weeks_unless_declared():
    nvidia = FiscalCalendar("last Sunday of January")
    assert nvidia.quarter_dates(2026, 3) == (dt.date(2025, 7, 28), dt.date(2025, 10, 26))
    costco = FiscalCalendar("Sunday nearest August 31", quarter_weeks=(12, 12, 12, 16))
    assert costco.quarter_dates(2025, 4) == (dt.date(2025, 5, 12), dt.date(2025, 8, 31))


def test_the_entities_example_in_docs_is_valid_house_yaml():
    docs = (REPO_ROOT / "docs" / "claims.md").read_text(encoding="utf-8")
    block = next(part.split("```")[0] for part in docs.split("```yaml\n")[1:]
                 if "fiscal_year_end:" in part.split("```")[0])
    house = yaml.safe_load((REPO_ROOT / "house.yaml").read_text(encoding="utf-8"))
    house.update(yaml.safe_load(block))
    calendars, problems = entity_calendars(House.model_validate(house))
    assert problems == []
    assert calendars["Data Center"] == calendars["NVIDIA"] == calendars["Nvidia"]
    assert calendars["NVIDIA"].year_end_date(2026) == dt.date(2026, 1, 25)
