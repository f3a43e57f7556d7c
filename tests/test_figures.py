"""Figures: CSVs equal to the claims, deterministic SVG, CJK labels, source lines, bad input."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from decimal import Decimal

import pytest

from sectornotes.api import check
from sectornotes.engine.run import build
from sectornotes.inputs.project import Project
from sectornotes.model.figures import figure_rows
from sectornotes.proof.numbers import as_decimal
from sectornotes.proof.units import UNITS
from sectornotes.render.charts import ChartStyle, build_figure

from .conftest import FIGURE_YAML, REPO_ROOT, replaced

pytestmark = pytest.mark.slow


def build_real_figures():
    project = Project(REPO_ROOT)
    report = check(project)
    house = report.house
    for figure_id, loaded in sorted(report.figures.items()):
        if loaded.spec.kind in ("performance", "coverage"):
            continue  # built from series and cells: tests/test_exhibits.py
        style = ChartStyle.from_house(house, loaded.spec.language)
        output = build_figure(figure_id, loaded.spec, figure_rows(loaded.spec, report.registry),
                              style, project.figures_dir)
        yield figure_id, loaded, output, report


def test_every_figure_csv_matches_its_claims_exactly():
    count = 0
    for figure_id, _, output, report in build_real_figures():
        rows = list(csv.DictReader(io.StringIO(output.csv.decode("utf-8"))))
        assert rows, figure_id
        for row in rows:
            registered = report.registry.get(row["claim_id"])
            assert registered is not None, (figure_id, row)
            point = next(p for p in registered.claim.data if (p.metric, p.entity, p.period) ==
                         (row["metric"], row["entity"], row["period"]))
            factor = Decimal(str(UNITS[point.unit].scale)) / Decimal(str(UNITS[row["unit"]].scale))
            for column in ("value", "low", "high"):
                claimed = getattr(point, column)
                if claimed is None:
                    assert row[column] == "", (figure_id, column)
                else:
                    assert Decimal(row[column]) == as_decimal(claimed) * factor, (figure_id, row)
        count += 1
    assert count >= 10


def test_svg_is_deterministic_and_chinese_labels_are_text():
    first = {fid: out.svg for fid, _, out, _ in build_real_figures()}
    second = {fid: out.svg for fid, _, out, _ in build_real_figures()}
    assert first == second
    svg = first["ai-capex-plans-2025-zh"].decode("utf-8")
    assert "字节跳动" in svg and "Noto Sans CJK SC" in svg
    assert "<dc:date>" not in svg


def test_source_lines_and_figure_numbers_are_generated(sample_project):
    build(Project(sample_project), formats=("html",))
    html = (sample_project / "build/html/capex-note.html").read_text()
    assert "Source: Example Securities, 5 Feb 2025" in html
    assert '<a class="figure-ref" href="#fig-big4-growth">Figure 1</a>' in html
    zh_figure = replaced(FIGURE_YAML, "title: Big-4 capex growth", "title: 资本开支\nlanguage: zh")
    (sample_project / "figures/capex-zh.yaml").write_text(zh_figure)
    note = (
        replaced(
            (sample_project / "notes/auto-note.yaml").read_text(),
            "[@china-auto-sales-2025e]。\n",
            "[@china-auto-sales-2025e]，见[@fig:capex-zh]。\n",
        )
        + "    figures: [capex-zh]\n"
    )
    (sample_project / "notes/auto-note.yaml").write_text(note)
    result = build(Project(sample_project), formats=("html",))
    assert result.ok, (result.failed, result.findings)
    html = (sample_project / "build/html/auto-note.html").read_text()
    assert "资料来源：Example Securities，2025 年 2 月 5 日" in html
    assert '见<a class="figure-ref" href="#fig-capex-zh">图 1</a>' in html


@pytest.mark.parametrize(
    ("figure", "expected"),
    [
        (
            replaced(FIGURE_YAML, "claims: [big4-capex-q3-2024]", "claims: [big4-capex-q3-2042]"),
            "figures/big4-growth.yaml:3:10: error: claims[0]: unknown claim 'big4-capex-q3-2042' "
            "(did you mean 'big4-capex-q3-2024'?)",
        ),
        (
            replaced(FIGURE_YAML, "  - filter: {metric: [capex-yoy]}\n", "  - sort: {by: value}\n"),
            "figures/big4-growth.yaml:2:7: error: the figure mixes incompatible units: 'USD bn' "
            "(big4-capex-q3-2024) and '%' (big4-capex-q3-2024) on one axis",
        ),
        (
            replaced(FIGURE_YAML, "kind: bar", "kind: pie-chart"),
            "figures/big4-growth.yaml:2:7: error: kind: 'pie-chart' is not one of bar, grouped-bar",
        ),
        (
            replaced(FIGURE_YAML, "kind: bar", "kind: hbar\ncolour: red"),
            "figures/big4-growth.yaml:3:1: error: top level: unknown key 'colour'",
        ),
    ],
)
def test_bad_figures_fail_check_with_position(sample_project, figure, expected):
    (sample_project / "figures/big4-growth.yaml").write_text(figure)
    found = [f.format() for f in check(Project(sample_project)).findings]
    assert any(f.startswith(expected) for f in found), found


def test_custom_python_figure_and_its_crash(sample_project):
    (sample_project / "figures/shapes.py").write_text(
        "def doubled(frame):\n    frame['value'] = frame['value'] * 2\n    return frame\n\n"
        "def broken(frame):\n    return helper(frame)\n\ndef helper(frame):\n"
        "    return frame['no-such-column']\n"
    )
    figure = FIGURE_YAML + "python: shapes.py:doubled\n"
    (sample_project / "figures/big4-growth.yaml").write_text(figure)
    result = build(Project(sample_project), formats=("html",))
    assert result.ok, result.failed
    data = (sample_project / "build/data/big4-growth.csv").read_text()
    assert ",118.2," in data
    (sample_project / "figures/big4-growth.yaml").write_text(FIGURE_YAML + "python: shapes.py:broken\n")
    result = build(Project(sample_project), formats=("html",))
    message = result.failed["data/big4-growth.csv"]
    assert message.startswith(
        "figures/big4-growth.yaml: figure 'big4-growth': shapes.py:broken raised KeyError: 'no-such-column'"
    )
    assert 'File "figures/shapes.py", line 6, in broken' in message
    assert 'File "figures/shapes.py", line 9, in helper' in message
    assert "site-packages" not in message and "sectornotes/render/charts.py" not in message
    assert result.failed["html/capex-note.html"] == "figure big4-growth failed"
    assert "html/auto-note.html" in result.fresh and "html/auto-note.html" not in result.failed


def test_missing_python_file_fails_check(sample_project):
    (sample_project / "figures/big4-growth.yaml").write_text(FIGURE_YAML + "python: shape.py:f\n")
    found = [f.format() for f in check(Project(sample_project)).findings]
    assert "figures/big4-growth.yaml:8:9: error: python: figures/shape.py does not exist" in found


def test_editing_prose_rebuilds_html_without_pandas_or_matplotlib(sample_project):
    build(Project(sample_project), formats=("html",))
    note = sample_project / "notes/capex-note.yaml"
    note.write_text(replaced(note.read_text(), "Demand may disappoint.", "Demand may slow."))
    code = (
        "import sys\nfrom sectornotes.engine.run import build\nfrom sectornotes.inputs.project import "
        "Project\nresult = build(Project('.'), formats=('html',))\n"
        "print(sorted(result.built), sorted(m for m in ('pandas', 'matplotlib') "
        "if m in sys.modules))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code],
        cwd=sample_project,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert output.strip() == "['html/capex-note.html'] []"
