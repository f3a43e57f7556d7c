"""`sectornotes doctor`: the environment, what changed since the last build, and a clear
failure naming the Debian package when something the install provides is missing."""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys

import pytest

from sectornotes.engine.run import build
from sectornotes.inputs.project import Project

pytestmark = pytest.mark.slow  # full builds and subprocesses


def run_doctor(root, **env_changes) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **env_changes}
    return subprocess.run([sys.executable, "-m", "sectornotes", "-C", str(root), "doctor"],
                          capture_output=True, text=True, env=env, check=False)


def test_doctor_prints_the_environment_and_agrees_with_a_fresh_build(sample_project):
    assert build(Project(sample_project), formats=("html",)).ok
    done = run_doctor(sample_project)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert f"weasyprint {importlib.metadata.version('weasyprint')}" in lines
    assert f"matplotlib {importlib.metadata.version('matplotlib')}" in lines
    assert "harfbuzz-subset available" in lines
    assert any(line.startswith("pango 1.") for line in lines)
    assert any(line.startswith("font 'Noto Sans CJK SC': NotoSansCJK") for line in lines)
    assert lines[-1] == "same as the last build"


def test_doctor_names_what_changed_since_the_build(sample_project):
    assert build(Project(sample_project), formats=("html",)).ok
    manifest_path = sample_project / "build/manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["outputs"]["html/capex-note.html"]["inputs"]["lib:jinja2"] = "2.0"
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    done = run_doctor(sample_project)
    assert f"  jinja2: 2.0 when built, {importlib.metadata.version('jinja2')} now" in \
        done.stdout.splitlines()


def test_doctor_fails_naming_the_debian_package_of_each_missing_tool(sample_project, tmp_path):
    done = run_doctor(sample_project, PATH=str(tmp_path))  # no system tools on the path
    assert done.returncode == 1
    errors = done.stderr.splitlines()
    assert "error: pdftotext is missing; install the Debian package poppler-utils" in errors
    assert "error: qpdf is missing; install the Debian package qpdf" in errors
    assert "error: fc-match is missing; install the Debian package fontconfig" in errors
    assert "Traceback" not in done.stderr
