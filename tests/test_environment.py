"""Library versions and font files are build inputs: each output records what shaped it,
a change makes exactly the affected outputs stale, and --explain says what changed."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from sectornotes.engine.environment import environment, installed_versions
from sectornotes.engine.run import build
from sectornotes.inputs.project import Project

pytestmark = pytest.mark.slow  # full builds across environment changes

SVG = "figures/big4-growth.svg"
HTML = ("html/capex-note.html", "html/auto-note.html")
PDFS = ("pdf/capex-note.pdf", "pdf/auto-note.pdf")


def manifest_inputs(root: Path, output: str) -> dict[str, str]:
    manifest = json.loads((root / "build/manifest.json").read_text(encoding="utf-8"))
    return manifest["outputs"][output]["inputs"]


def probed(root: Path):
    return environment(root / "build/.state", ["Noto Sans CJK SC", "DejaVu Sans", "sans-serif"])


def test_outputs_record_the_libraries_and_font_files_that_shaped_them(sample_project):
    assert build(Project(sample_project), formats=("html",)).ok
    page = manifest_inputs(sample_project, HTML[0])
    assert page["lib:jinja2"] == importlib.metadata.version("jinja2")
    assert page["lib:markdown-it-py"] == importlib.metadata.version("markdown-it-py")
    chart = manifest_inputs(sample_project, SVG)
    assert chart["lib:matplotlib"] == importlib.metadata.version("matplotlib")
    fonts = {key: value for key, value in chart.items() if key.startswith("chart-font:")}
    assert "chart-font:DejaVuSans.ttf" in fonts
    path = probed(sample_project).chart_fonts["DejaVu Sans"]
    assert fonts["chart-font:DejaVuSans.ttf"] == hashlib.sha256(Path(path).read_bytes()).hexdigest()
    assert not any(key.startswith("lib:matplotlib") for key in page)  # HTML: no chart library


def test_a_chart_library_upgrade_redraws_the_charts_and_nothing_else(sample_project):
    project = Project(sample_project)
    assert build(project, formats=("html",)).ok
    current = probed(sample_project)
    upgraded = replace(current, libraries={**current.libraries, "matplotlib": "99.0"})
    result = build(project, formats=("html",), environment=upgraded)
    assert result.reasons[SVG] == [f"matplotlib {current.libraries['matplotlib']} → 99.0"]
    assert set(result.built) == {SVG, "data/big4-growth.csv"}
    assert all(page in result.fresh for page in HTML)


def test_a_changed_font_file_is_named(sample_project):
    project = Project(sample_project)
    assert build(project, formats=("html",)).ok
    current = probed(sample_project)
    path = current.chart_fonts["DejaVu Sans"]
    changed = replace(current, font_hashes={**current.font_hashes, path: "0" * 64})
    result = build(project, formats=("html",), dry_run=True, environment=changed)
    assert result.reasons[SVG] == [f"font {Path(path).name} changed"]


def test_the_probe_is_kept_and_validated_when_read(sample_project):
    state = sample_project / "build/.state"
    first = probed(sample_project)
    kept = json.loads((state / "environment.json").read_text(encoding="utf-8"))
    assert kept["environment"]["libraries"]["weasyprint"] == first.libraries["weasyprint"]
    (state / "environment.json").write_text('{"format": 1, "key": 5}', encoding="utf-8")
    assert probed(sample_project) == first  # a damaged record is probed again, not trusted


def _fake_distribution(folder: Path, name: str, version: str) -> None:
    (folder / f"{name}-{version}.dist-info").mkdir(parents=True)


def test_installed_versions_come_first_from_the_first_path_entry(tmp_path, monkeypatch):
    _fake_distribution(tmp_path, "numpy", "99.0")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert installed_versions()["numpy"] == "99.0"


@pytest.mark.slow
def test_a_pdf_library_upgrade_makes_only_the_pdfs_stale(sample_project):
    project = Project(sample_project)
    assert build(project).ok
    current = probed(sample_project)
    old = current.libraries["weasyprint"]
    upgraded = replace(current, libraries={**current.libraries, "weasyprint": "71.0"})
    result = build(project, dry_run=True, environment=upgraded)
    for pdf in PDFS:
        assert result.reasons[pdf] == [f"weasyprint {old} → 71.0"]
    assert all(output in result.fresh for output in (SVG, *HTML))
    pango = replace(current, native={**current.native, "pango": "1.99.0"})
    result = build(project, dry_run=True, environment=pango)
    assert result.reasons[PDFS[0]] == [f"pango {current.native['pango']} → 1.99.0"]


@pytest.mark.slow
def test_a_no_op_build_notices_an_upgrade_it_did_not_probe(sample_project, tmp_path):
    # A real process whose path shows a newer numpy: the no-op fast path must not say
    # "up to date"; the charts are redrawn with the reason, the rest stays.
    assert build(Project(sample_project)).ok
    fake = tmp_path / "site"
    _fake_distribution(fake, "numpy", "99.0")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(fake), *filter(None, [os.environ.get("PYTHONPATH")])])}
    done = subprocess.run([sys.executable, "-m", "sectornotes", "-C", str(sample_project),
                           "build", "--explain"], capture_output=True, text=True, env=env,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    printed = done.stdout + done.stderr
    assert "(numpy " in printed and " → 99.0)" in printed
    rebuilt = [line for line in printed.splitlines() if line.startswith("built build/")]
    assert rebuilt and all("figures/" in line or "data/" in line for line in rebuilt), rebuilt
