"""CLI wiring, help texts, the project's own claims, and lazy imports."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import click
import pytest
from click.testing import CliRunner

from sectornotes.commands.cli import cli

from .conftest import REPO_ROOT, SEED_YAML, replaced


def all_commands(group: click.Group, prefix=()):
    for name, command in group.commands.items():
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from all_commands(command, (*prefix, name))


def test_every_command_and_option_has_help():
    for path, command in all_commands(cli):
        assert command.help, f"sectornotes {' '.join(path)} has no help text"
        for parameter in command.params:
            if isinstance(parameter, click.Option):
                assert parameter.help, f"{' '.join(path)} {parameter.opts[0]} has no help"


def test_project_own_claims_pass_check():
    result = CliRunner().invoke(cli, ["-C", str(REPO_ROOT), "check", "--format", "json"])
    report = json.loads(result.stdout)
    assert report["findings"] == [] and result.exit_code == 0
    assert report["counts"]["claims"] >= 120 and report["counts"]["sources"] == 8


def run_subprocess(*args, cwd):
    return subprocess.run([sys.executable, "-m", "sectornotes", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.slow  # one interpreter per command
def test_user_errors_print_no_traceback(make_project):
    root = make_project({"seeds/capex-review.yaml": "source: [unclosed\n"})
    result = run_subprocess("check", cwd=root)
    assert result.returncode == 1
    assert "seeds/capex-review.yaml:2:1: error: YAML syntax error" in result.stderr
    assert "Traceback" not in result.stderr


def test_outside_a_project(tmp_path):
    result = run_subprocess("check", cwd=tmp_path)
    assert result.returncode == 1
    assert "Error: no sectornotes project at or above" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow  # one interpreter per command
def test_check_never_imports_heavy_libraries():
    code = textwrap.dedent("""\
        import sys
        from sectornotes.commands.cli import main
        sys.argv = ['sectornotes', 'check']
        code = 0
        try:
            main()
        except SystemExit as stop:
            code = stop.code
        heavy = sorted(m for m in ('pandas', 'matplotlib', 'weasyprint') if m in sys.modules)
        print('HEAVY', heavy, code, file=sys.stderr)
    """)
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True,
                            text=True, timeout=60)
    assert "HEAVY [] 0" in result.stderr, result.stderr


def test_claims_search_and_filters(make_project):
    extra = replaced(
        replaced(
            replaced(
                replaced(SEED_YAML, "id: big4-capex-q3-2024", "id: other-claim"),
                "tags: [tech, capex]",
                "tags: [media]",
            ),
            "metric: capex,",
            "metric: spend,",
        ),
        "metric: capex-yoy,",
        "metric: spend-yoy,",
    )
    root = make_project(
        {
            "seeds/other.yaml": extra,
            "seeds/other.txt": "In Q3 2024 capital expenditure increased to 58.86 billion USD, "
            "year-on-year +59.1%",
        }
    )
    runner = CliRunner()

    def ids(*args):
        result = runner.invoke(cli, ["-C", str(root), "claims", "--format", "ids", *args])
        assert result.exit_code == 0, result.output
        return result.stdout.split()

    assert ids() == ["big4-capex-q3-2024", "other-claim"]
    assert ids("--tag", "media") == ["other-claim"]
    assert ids("--source", "capex-review") == ["big4-capex-q3-2024"]
    assert ids("--metric", "capex") == ["big4-capex-q3-2024"]
    assert ids("OTHER") == ["other-claim"]
    assert ids("--kind", "opinion") == []
    listing = json.loads(
        runner.invoke(cli, ["-C", str(root), "claims", "--format", "json", "--tag", "media"]).stdout
    )
    assert listing[0]["source"] == {
        "quote": "capital expenditure increased to 58.86 billion USD, year-on-year +59.1%",
        "context": "In Q3 2024",
        "seed": "other",
    }


def test_schema_is_the_validating_declaration(tmp_path):
    result = CliRunner().invoke(cli, ["schema", "--out", str(tmp_path / "schemas")])
    assert result.exit_code == 0, result.output
    seed_schema = json.loads((tmp_path / "schemas" / "seed.schema.json").read_text())
    claim = seed_schema["$defs"]["Claim"]
    assert claim["additionalProperties"] is False
    assert set(claim["properties"]) == {"id", "text", "kind", "data", "source", "tags", "disagrees_with",
                                        "superseded_by"}
    assert claim["properties"]["kind"]["enum"] == ["fact", "estimate", "forecast", "opinion"]
    assert all(prop.get("description") for prop in claim["properties"].values())
    unit = seed_schema["$defs"]["DataPoint"]["properties"]["unit"]
    assert "USD bn" in unit["enum"] and "10k" in unit["enum"]
    assert (tmp_path / "schemas" / "house.schema.json").exists()


def test_build_of_an_unknown_note_is_a_usage_error(make_project):
    root = make_project()
    result = CliRunner().invoke(cli, ["-C", str(root), "build", "capex-reveiw-note"])
    assert result.exit_code == 2
    assert "unknown note 'capex-reveiw-note'" in result.output
    bad_format = CliRunner().invoke(cli, ["-C", str(root), "build", "--format", "docx"])
    assert bad_format.exit_code == 2 and "unknown format 'docx'" in bad_format.output
