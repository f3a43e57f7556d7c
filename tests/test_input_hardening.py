"""Inputs that cannot hurt: each hostile input fails check at its position, and the build
never reads through it (fast: check and HTML only)."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from sectornotes.commands.cli import cli
from sectornotes.engine.run import build
from sectornotes.inputs.project import Project
from sectornotes.loaded.project import load_project

from .conftest import SEED_YAML, edit_file, replaced

pytestmark = pytest.mark.slow  # full builds of hostile inputs

CLIENTS = """\
clients:
  - id: alpha-capital
    name: Alpha Capital
    emails: [desk@alpha.example.invalid]
    entitlements: {sectors: [tech]}
"""


def errors(root) -> list[str]:
    return [f.format() for f in load_project(Project(root), cache=False).errors]


def test_a_client_name_with_a_line_break_fails_check(make_project):
    root = make_project({"clients.yaml": replaced(CLIENTS, "name: Alpha Capital",
                                                  'name: "Alpha\\r\\nBcc: all@example.com"')})
    assert errors(root) == [
        "clients.yaml:3:11: error: clients[0].name: 'Alpha\\r\\nBcc: all@example.com' is not "
        "one line of text, without line breaks or control characters"]


def test_an_address_with_a_control_character_fails_check(make_project):
    root = make_project({"clients.yaml": replaced(
        CLIENTS, "emails: [desk@alpha.example.invalid]", 'emails: ["desk@alpha\\x00.invalid"]')})
    assert errors(root) == ["clients.yaml:4:14: error: clients[0].emails[0]: "
                            "'desk@alpha\\x00.invalid' is not an email address"]


def test_a_source_linked_outside_the_project_is_reported_and_never_read(make_project, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:the secret line\n")
    root = make_project({"seeds/leak.yaml": replaced(SEED_YAML, "id: big4-capex-q3-2024",
                                                     "id: leaked-claim")})
    os.symlink(secret, root / "seeds/leak.txt")
    assert (f"seeds/leak.txt:1:1: error: seeds/leak.txt is a symbolic link to {secret}, "
            "outside the project; it is not read: copy the file into the project instead"
            ) in errors(root)
    build(Project(root), formats=("html",))
    published = "".join(p.read_text(errors="replace") for p in (root / "build").rglob("*")
                        if p.is_file())
    assert "the secret line" not in published
    assert not (root / "build/sources/leak.html").exists()


def test_a_figure_hook_linked_outside_the_project_never_runs(make_project, tmp_path,
                                                             sample_files):
    outside = tmp_path / "evil.py"
    marker = tmp_path / "ran"
    outside.write_text(f"open({str(marker)!r}, 'w').close()\ndef draw(frame):\n    return frame\n")
    files = dict(sample_files)
    files["figures/big4-growth.yaml"] = replaced(files["figures/big4-growth.yaml"], "kind: bar",
                                                 "kind: bar\npython: evil.py:draw")
    root = make_project(files)
    os.symlink(outside, root / "figures/evil.py")
    found = errors(root)
    assert ("figures/big4-growth.yaml:3:9: error: python: figures/evil.py links outside the "
            "project; the build runs this code, so it must be a file of the project") in found
    assert any(line.startswith("figures/evil.py:1:1: error: figures/evil.py is a symbolic link")
               for line in found)
    result = build(Project(root), formats=("html",))
    assert "figures/big4-growth.svg" in result.failed
    assert not marker.exists()


def test_deeply_nested_yaml_is_an_error_at_its_position_not_a_crash(sample_project):
    (sample_project / "notes/deep.yaml").write_text("title: " + "[" * 5000 + "]" * 5000 + "\n")
    found = errors(sample_project)
    assert ("notes/deep.yaml:1:72: error: YAML nested more than 64 levels deep; project files "
            "need a few levels (is this file what you meant to save here?)") in found
    result = CliRunner().invoke(cli, ["-C", str(sample_project), "build", "--format", "html"])
    assert result.exit_code == 1 and "nested more than 64 levels" in result.output
    assert "Traceback" not in result.output and "internal error" not in result.output


def test_a_one_character_quote_proves_nothing(make_project):
    root = make_project({"seeds/capex-review.yaml": replaced(
        SEED_YAML, 'quote: "capital expenditure increased to 58.86 billion USD, year-on-year '
                   '+59.1%"', 'quote: "e"')})
    assert ("seeds/capex-review.yaml:15:14: error: claim 'big4-capex-q3-2024': the quote has 1 "
            "character(s); a quote must be a passage of at least 6 (besides spaces) that "
            "proves the claim") in errors(root)


def test_endnotes_show_the_sources_own_text_not_the_yaml_string(sample_project):
    edit_file(sample_project / "seeds/capex-review.yaml",
              'quote: "capital expenditure increased to 58.86 billion USD, year-on-year +59.1%"',
              'quote: "capital expenditure increased to 58.86 billion USD, year-on-year ＋59.1％"')
    assert build(Project(sample_project), formats=("html",)).ok
    page = (sample_project / "build/html/capex-note.html").read_text(encoding="utf-8")
    assert "＋59.1％" not in page
    assert "year-on-year +59.1%</q>" in page


def test_a_build_folder_that_cannot_be_written_is_named_not_an_internal_error(sample_project):
    (sample_project / "build").write_text("not a folder")
    result = CliRunner().invoke(cli, ["-C", str(sample_project), "build", "--format", "html"])
    assert result.exit_code == 1
    assert "internal error" not in result.output and "Traceback" not in result.output
    assert f"{sample_project / 'build'}" in result.output


def test_init_keeps_the_records_out_of_git(tmp_path):
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "new")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "new/.gitignore").read_text().splitlines() == ["build/", "records/"]
