"""Figures say what the numbers mean: forecasts marked E (and hatched beside actuals),
qualifiers on the labels and in the CSV."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from sectornotes.engine.run import build
from sectornotes.inputs.project import Project

from .conftest import copy_repo_project

pytestmark = pytest.mark.slow  # renders charts


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = copy_repo_project(tmp_path_factory.mktemp("figures") / "sample")
    assert build(Project(root), formats=("html",)).ok
    return root


def rows(root: Path, figure_id: str) -> list[dict[str, str]]:
    with (root / f"build/data/{figure_id}.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_a_forecast_beside_actuals_is_marked_and_hatched(built):
    found = {(r["label"], r["estimate"]) for r in rows(built, "big4-csp-capex-growth")}
    assert found == {("Q3 2024", "False"), ("Q1 2025", "False"), ("2025E (full year)", "True")}
    svg = (built / "build/figures/big4-csp-capex-growth.svg").read_text(encoding="utf-8")
    assert "<pattern" in svg  # the forecast bar is hatched


def test_forecast_categories_without_a_period_axis_say_E(built):
    labels = [r["label"] for r in rows(built, "china-auto-volumes-2025e")]
    assert labels and all(label.endswith("(E)") for label in labels)


def test_qualifiers_reach_the_csv_and_the_bar_labels(built):
    found = {r["period"]: r["qualifier"] for r in rows(built, "tmt-turnover-ratio-peaks")}
    assert found == {"2013-07/2013-09": "nearly", "2019-09": "about", "2023-03": "over"}
    svg = (built / "build/figures/tmt-turnover-ratio-peaks.svg").read_text(encoding="utf-8")
    assert "nearly 30%" in svg and "over 40%" in svg


def test_values_keep_the_precision_the_source_writes(built):
    found = {r["claim_id"]: r["value"] for r in rows(built, "china-auto-growth-2025e")}
    assert found["china-passenger-car-exports-2025-forecast"] == "15.0"  # "+15.0% year on year"
    assert found["china-nev-exports-2025-forecast"] == "47"  # "+47% year over year"
    svg = (built / "build/figures/china-auto-growth-2025e.svg").read_text(encoding="utf-8")
    assert "15.0%" in svg


def test_a_line_on_a_time_axis_draws(repo_project):
    root = repo_project
    (root / "figures/model-gap-line.yaml").write_text(
        "title: Gap to the best global model\nkind: line\n"
        "claims: [superclue-domestic-vs-global-model-gap]\nx: period\n"
        "labels: {\"2023-05\": \"May 2023\", \"2024-08\": \"Aug 2024\"}\n", encoding="utf-8")
    result = build(Project(root), formats=("html",))
    assert result.ok, result.failed
    svg = (root / "build/figures/model-gap-line.svg").read_text(encoding="utf-8")
    assert "May 2023" in svg and "Aug 2024" in svg and "30.12%" in svg
