"""Editor tools: init, find, claims --unused/--cited-by, diff between git revisions."""

from __future__ import annotations

import json
import subprocess

import pytest
from click.testing import CliRunner

from sectornotes.commands.cli import cli
from sectornotes.engine.run import build
from sectornotes.inputs.project import Project

from .conftest import replaced, snapshot


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.mark.slow
def test_init_creates_a_project_that_builds(tmp_path):
    target = tmp_path / "new-project"
    result = run("init", target)
    assert result.exit_code == 0, result.output
    settings = json.loads((target / ".vscode/settings.json").read_text())
    assert settings["yaml.schemas"]["./.schemas/seed.schema.json"] == ["seeds/*.yaml"]
    assert (target / ".schemas/note.schema.json").is_file()
    assert (target / "clients.yaml").is_file()
    assert run("-C", target, "check").exit_code == 0
    built = build(Project(target))
    assert built.ok, (built.failed, built.findings)
    assert (target / "build/pdf/widget-outlook.pdf").is_file()


def test_init_refuses_a_non_empty_folder(tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    before = snapshot(tmp_path)
    result = run("init", tmp_path)
    assert result.exit_code == 1
    assert "is not empty; choose a new folder for the project" in result.output
    assert snapshot(tmp_path) == before


def test_find_prints_a_claim_skeleton_that_checks(make_project):
    root = make_project()
    result = run("-C", root, "find", "GROSS MARGINS")
    assert result.exit_code == 0
    assert "# seeds/capex-review.txt:3:" in result.stdout
    assert "value: -0.3, unit: pp}" in result.stdout
    assert 'quote: "58.86 billion USD, year-on-year +59.1%. Gross margins changed by' not in \
        result.stdout
    missing = run("-C", root, "find", "no such words")
    assert missing.exit_code == 1 and "0 match(es) for 'no such words'" in missing.stderr


def test_claims_unused_and_cited_by(sample_project):
    def ids(*args):
        result = run("-C", sample_project, "claims", "--format", "ids", *args)
        assert result.exit_code == 0, result.output
        return result.stdout.split()

    assert ids("--unused") == ["unused-claim"]
    assert ids("--cited-by", "auto-note") == ["china-auto-sales-2025e"]
    bad = run("-C", sample_project, "claims", "--cited-by", "auto-notes")
    assert bad.exit_code == 2 and "unknown note 'auto-notes' (did you mean 'auto-note'?)" in \
        bad.output


def git(root, *args):
    subprocess.run(["git", "-c", "user.email=t@example.invalid", "-c", "user.name=t", *args],
                   cwd=root, check=True, capture_output=True)


def test_diff_between_two_commits(sample_project):
    git(sample_project, "init", "-q")
    git(sample_project, "add", "-A")
    git(sample_project, "commit", "-qm", "first")
    for name in ("seeds/capex-review.txt", "seeds/capex-review.yaml"):
        path = sample_project / name
        path.write_text(replaced(path.read_text(), "58.86", "61.25", count=0))
    note = sample_project / "notes/capex-note.yaml"
    note.write_text(
        replaced(
            replaced(note.read_text(), "rating: outperform", "rating: market-perform"),
            "Demand may disappoint.",
            "Demand may weaken sharply.",
        )
    )
    git(sample_project, "commit", "-qam", "second")
    result = run("-C", sample_project, "diff", "HEAD~1", "HEAD", "capex-note")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Note capex-note: HEAD~1 → HEAD",
        "Rating: Outperform → Market perform",
        "Numbers changed:",
        "  big4-capex-q3-2024 (capex Big-4 US CSPs 2024-Q3): $58.86bn → $61.25bn  "
        "[source: Example Securities, 5 Feb 2025]",
        "Prose:",
        "  risk 1: Demand may [-disappoint-] {+weaken sharply+}.",
    ]
    as_json = json.loads(
        run("-C", sample_project, "diff", "HEAD~1", "HEAD", "capex-note", "--format", "json").stdout
    )
    assert as_json[0]["values_changed"][0]["old"] == "$58.86bn"
    note.write_text(replaced(note.read_text(), "[@fig:big4-growth]", "[@fig:big4-growth] today"))
    worktree = run("-C", sample_project, "diff", "HEAD", "capex-note")
    assert "{+today+}" in worktree.stdout
    unknown = run("-C", sample_project, "diff", "no-such-rev", "HEAD", "capex-note")
    assert unknown.exit_code == 1 and "git archive" in unknown.output


@pytest.mark.slow
def test_diff_between_two_manifests(sample_project, tmp_path):
    build(Project(sample_project), formats=("html",))
    old_manifest = tmp_path / "old-manifest.json"
    old_manifest.write_bytes((sample_project / "build/manifest.json").read_bytes())
    seed = sample_project / "seeds/capex-review.yaml"
    seed.write_text(replaced(seed.read_text(), "Big-4 capex reached", "The Big-4 spent"))
    build(Project(sample_project), formats=("html",))
    result = run(
        "-C", sample_project, "diff", old_manifest, sample_project / "build/manifest.json", "capex-note"
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:] == [
        "Inputs changed (from the manifests):",
        "  claim big4-capex-q3-2024 changed",
    ]
    missing = run("-C", sample_project, "diff", old_manifest, old_manifest, "nope")
    assert missing.exit_code == 1 and "note 'nope' was not built in" in missing.output
