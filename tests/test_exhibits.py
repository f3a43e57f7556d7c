"""The sample's coverage table and performance chart: every number from a cell or a series
point, derived values exact, the chart a real date axis (fast: no PDF)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from sectornotes.engine.run import build
from sectornotes.inputs.project import Project
from sectornotes.loaded.project import load_project
from sectornotes.render.exhibits import coverage_csv, performance_csv, performance_lines

from .conftest import REPO_ROOT, edit_file

pytestmark = pytest.mark.slow  # renders charts


def test_the_coverage_table_is_read_from_cells_and_series_and_derived_exactly():
    model = load_project(REPO_ROOT)
    figure = model.figures["china-internet-coverage"].spec
    rows = list(csv.DictReader(io.StringIO(coverage_csv(figure, model.registry).decode())))
    assert [r["ticker"] for r in rows] == ["0700.HK", "9988.HK", "9888.HK"]
    tencent = rows[0]
    price = round(Decimal(repr(model.registry.series["tencent-price-illustrative"].value_on(
        __import__("datetime").date(2025, 5, 30)))), 2)
    assert Decimal(tencent["price"]) == price
    assert tencent["target"] == "580" and tencent["eps_fy2"] == "29.39"
    assert Decimal(tencent["upside_pct"]) == round((Decimal(580) / price - 1) * 100, 1)
    assert Decimal(tencent["pe_fy2"]) == round(price / Decimal("29.39"), 1)
    assert tencent["price_source"] == "tencent-price-illustrative@2025-05-30"


def test_the_performance_chart_plots_each_series_rebased_on_its_dates():
    model = load_project(REPO_ROOT)
    figure = model.figures["china-tech-vs-csi300"].spec
    lines = performance_lines(figure, model.registry.series, "en")
    rows = list(csv.DictReader(io.StringIO(performance_csv(lines).decode())))
    assert rows[0]["date"] == "2024-06-03" and rows[-1]["date"] == "2025-05-30"
    first_name = lines[0][0]
    assert rows[0][first_name] == "100.00"
    series = model.registry.series["china-tech-index-illustrative"]
    start = series.between(figure.start, figure.end)[0][1]
    last = series.value_on(figure.end)
    assert rows[-1][first_name] == f"{100 * last / start:.2f}"


def test_the_note_cites_cells_and_series_points_with_endnotes(repo_project):
    result = build(Project(repo_project), ("china-ai-after-deepseek",), formats=("html",))
    assert result.ok, result.failed
    page = (repo_project / "build/html/china-ai-after-deepseek.html").read_text()
    # a series value quoted in prose links to its dated row on the series page
    assert 'href="../sources/china-tech-index-illustrative.html#d-2025-05-30"' in page
    series_page = (repo_project / "build/sources/china-tech-index-illustrative.html").read_text()
    assert '<tr id="d-2025-05-30">' in series_page
    # each table cell links to its cell on the model's source page; derived ones say how
    assert 'href="../sources/lanternfield-coverage-model.html#tencent-eps-2026e"' in page
    assert "580 / 553.7 − 1" in page
    assert (repo_project / "build/figures/china-tech-vs-csi300.svg").is_file()


def test_a_series_point_the_file_does_not_have_fails_check(repo_project):
    edit_file(repo_project / "notes/china-ai-after-deepseek.yaml",
              "{china-tech-index-illustrative.2025-05-30}",
              "{china-tech-index-illustrative.2025-05-31}")
    messages = [f.message for f in load_project(repo_project).errors]
    assert "{china-tech-index-illustrative.2025-05-31}: seeds/china-tech-index-illustrative.csv " \
        "has no value on 2025-05-31 (nearest: 2025-05-30, 2025-06-02)" in messages, messages


def test_a_table_that_disagrees_with_the_notes_subjects_fails_check(repo_project):
    edit_file(repo_project / "figures/china-internet-coverage.yaml",
              "{company: Baidu, ticker: 9888.HK, rating: buy",
              "{company: Baidu, ticker: 9888.HK, rating: hold")
    messages = [f.format() for f in load_project(repo_project).errors]
    assert any("figures/china-internet-coverage.yaml:" in m and "rows[2].rating: 'hold', but "
               "notes/china-ai-after-deepseek.yaml rates 9888.HK 'buy'" in m for m in messages)


def test_a_price_in_another_currency_than_the_target_fails_check(repo_project):
    edit_file(repo_project / "seeds/lanternfield-coverage-model.yaml",
              "value: 580, unit: HKD", "value: 580, unit: USD")
    messages = [f.format() for f in load_project(repo_project).errors]
    assert any("rows[0].target: tencent-target-price is in USD but the price is in HKD; upside "
               "and P/E need one currency" in m for m in messages), messages


def test_the_manifest_records_each_series_hash(repo_project):
    import hashlib
    import json

    assert build(Project(repo_project), ("china-ai-after-deepseek",), formats=("html",)).ok
    manifest = json.loads((repo_project / "build/manifest.json").read_text())
    inputs = manifest["outputs"]["figures/china-tech-vs-csi300.svg"]["inputs"]
    csv_bytes = (repo_project / "seeds/csi300-illustrative.csv").read_bytes()
    assert inputs["series:csi300-illustrative"] == hashlib.sha256(csv_bytes).hexdigest()
    # a changed series redraws the chart and the note, nothing else
    edit_file(repo_project / "seeds/csi300-illustrative.csv", "2025-05-30,", "2025-05-30,1")
    rebuilt = set(build(Project(repo_project), ("china-ai-after-deepseek",),
                        formats=("html",)).built)
    assert "figures/china-tech-vs-csi300.svg" in rebuilt
    assert "figures/china-internet-capex-growth.svg" not in rebuilt


@pytest.mark.slow  # WeasyPrint and openpyxl write the files again
def test_the_sample_sources_are_reproduced_byte_for_byte(tmp_path):
    import subprocess
    import sys

    (tmp_path / "seeds").mkdir()
    subprocess.run([sys.executable, str(REPO_ROOT / "scripts/make_sample_sources.py")],
                   cwd=tmp_path, check=True)
    written = sorted(p.name for p in (tmp_path / "seeds").iterdir())
    assert "lanternfield-weekly-digest.pdf" in written and len(written) == 17
    for name in written:
        assert (tmp_path / "seeds" / name).read_bytes() == \
            (REPO_ROOT / "seeds" / name).read_bytes(), name
