"""Extensions from outside the package, registered through real entry points.

Each plugin is one module in tests/plugins/; `installed` writes a throw-away
*.dist-info with its entry_points.txt on sys.path, as installing a package would,
so discovery is exactly what a user's plugin goes through.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sectornotes import plugins
from sectornotes.api import check
from sectornotes.commands.cli import cli
from sectornotes.engine.run import build
from sectornotes.inputs.project import Project
from tests.conftest import SOURCE_TEXT, edit_file
from tests.plugins.docx_reader import make_docx


@pytest.fixture
def installed(tmp_path: Path):
    """Install entry points {group suffix: {name: value}} for the test's duration."""
    site = tmp_path / "site"
    added: list[str] = []

    def install(groups: dict[str, dict[str, str]]) -> None:
        info = site / f"sectornotes_test_plugins-{len(added) + 1}.0.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text("Metadata-Version: 2.1\nName: sectornotes-test-plugins"
                                       f"-{len(added) + 1}\nVersion: 1.0\n", encoding="utf-8")
        (info / "entry_points.txt").write_text("".join(
            f"[sectornotes.{group}]\n" + "".join(f"{n} = {v}\n" for n, v in entries.items())
            for group, entries in groups.items()), encoding="utf-8")
        if str(site) not in sys.path:
            sys.path.insert(0, str(site))
            added.append(str(site))
        plugins.refresh()

    yield install
    for path in added:
        sys.path.remove(path)
    plugins.refresh()


def errors(root: Path) -> list[str]:
    return [f.format() for f in check(Project(root)).errors]


def line_of(path: Path, start: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.startswith(start))


# ---------------------------------------------------------------- a reader


def docx_project(make_project) -> Path:
    lines = SOURCE_TEXT.splitlines()
    paragraphs = [lines[0], " ".join(lines[1:4]), lines[4]]
    return make_project({"seeds/capex-review.txt": None,
                         "seeds/capex-review.docx": make_docx(paragraphs)})


def test_without_the_plugin_a_docx_source_is_missing(make_project):
    root = docx_project(make_project)
    assert any("source document seeds/capex-review.<txt|pdf|html|xlsx|csv> is missing" in e
               for e in errors(root))


def test_a_plugin_reader_reads_a_docx_source_and_its_quotes_are_checked(make_project,
                                                                        installed):
    installed({"readers": {"docx": "tests.plugins.docx_reader:READER"}})
    root = docx_project(make_project)
    assert errors(root) == []
    seed = root / "seeds/capex-review.yaml"
    edit_file(seed, "year-on-year +59.1%", "year-on-year +95.1%")
    found = [e for e in errors(root) if e.startswith("seeds/capex-review.yaml:")]
    assert found and re.match(rf"seeds/capex-review.yaml:{line_of(seed, '      quote:')}:\d+: "
                              "error: ", found[0]), found
    (root / "seeds/capex-review.docx").write_bytes(b"not a zip")
    assert any(e.startswith("seeds/capex-review.docx:1:1: error: not a word document")
               for e in errors(root))


# ---------------------------------------------------------------- an output kind


@pytest.mark.slow  # builds the project
def test_a_plugin_stage_writes_a_new_output_kind(sample_project, installed):
    installed({"stages": {"text": "tests.plugins.text_output:PlainTextStage"}})
    result = build(Project(sample_project), formats=("html",))
    assert result.ok, result.failed
    text = (sample_project / "build/text/capex-note.txt").read_text(encoding="utf-8")
    assert text.startswith("Capex note\n\n- Capex grew")
    assert "text/auto-note.txt" in result.built
    again = build(Project(sample_project), formats=("html",))
    assert "text/capex-note.txt" in again.fresh and not again.built


# ---------------------------------------------------------------- a regime


@pytest.mark.slow  # builds the project
def test_a_plugin_regime_is_checked_with_positions(sample_project, installed):
    installed({"regimes": {"sfc": "tests.plugins.sfc_regime:REGIME"}})
    note = sample_project / "notes/capex-note.yaml"
    edit_file(note, "status: approved\n", "status: approved\nregimes: [sfc]\n")
    found = [e for e in errors(sample_project) if "SFC requires" in e]
    risks = line_of(note, "risks:")
    assert any(re.match(rf"notes/capex-note.yaml:({risks}|{risks + 1}):\d+: error: SFC requires "
                        "at least two risks; add another under 'risks:'", e) for e in found), found
    result = build(Project(sample_project), ("capex-note",), formats=("html",))
    assert "not publishable" in result.failed["html/capex-note.html"]
    edit_file(note, "  - Demand may disappoint.\n", "  - Demand may disappoint.\n  - Prices.\n")
    assert not [e for e in errors(sample_project) if "two risks" in e]


def test_an_unregistered_regime_is_one_finding_where_it_is_named(sample_project, installed):
    installed({"regimes": {"sfc": "tests.plugins.sfc_regime:REGIME"}})
    note = sample_project / "notes/capex-note.yaml"
    edit_file(note, "status: approved\n", "status: approved\nregimes: [sfx]\n")
    line = line_of(note, "regimes:")
    assert [e for e in errors(sample_project) if "regime" in e] == [
        f"notes/capex-note.yaml:{line}:11: error: regimes[0]: 'sfx' is not a regime (one of "
        "finra, mar, csrc, sfc) (did you mean 'sfc'?)"]


# ---------------------------------------------------------------- a figure kind


@pytest.mark.slow  # builds the project
def test_a_plugin_figure_kind_is_checked_and_drawn(sample_project, installed):
    installed({"figures": {"dot": "tests.plugins.dot_figure:KIND"}})
    figure = sample_project / "figures/big4-growth.yaml"
    edit_file(figure, "kind: bar", "kind: dot")
    assert errors(sample_project) == []
    result = build(Project(sample_project), ("capex-note",), formats=("html",))
    assert result.ok, result.failed
    assert b'class="dot-figure"' in (sample_project / "build/figures/big4-growth.svg").read_bytes()
    assert (sample_project / "build/data/big4-growth.csv").read_text() == "value\n59.1\n"
    assert "../figures/big4-growth.svg" in (sample_project / "build/html/capex-note.html").read_text()
    edit_file(figure, "claims: [big4-capex-q3-2024]", "claims: [big4-capex-q3-2024, unused-claim]")
    assert "figures/big4-growth.yaml:3:9: error: a dot figure shows exactly one claim" in \
        errors(sample_project)


def test_an_unknown_figure_kind_names_the_registered_ones(sample_project, installed):
    installed({"figures": {"dot": "tests.plugins.dot_figure:KIND"}})
    edit_file(sample_project / "figures/big4-growth.yaml", "kind: bar", "kind: dott")
    found = [e for e in errors(sample_project) if e.startswith("figures/")]
    assert found == ["figures/big4-growth.yaml:2:7: error: kind: 'dott' is not one of bar, "
                     "grouped-bar, hbar, stacked-bar, line, range-bar, table, performance, "
                     "coverage, dot (did you mean 'dot'?)"]


@pytest.mark.slow  # builds the project
def test_a_figure_kind_drawing_the_wrong_outputs_fails_that_figure(sample_project, installed):
    installed({"figures": {"wrong": "tests.plugins.dot_figure:WRONG"}})
    edit_file(sample_project / "figures/big4-growth.yaml", "kind: bar", "kind: wrong-dot")
    result = build(Project(sample_project), ("capex-note",), formats=("html",))
    assert "figure kind 'wrong-dot'" in result.failed["figures/big4-growth.svg"]


# ---------------------------------------------------------------- a language


def test_a_plugin_language_writes_a_note_in_its_words_and_number_format(sample_project,
                                                                        installed):
    note = sample_project / "notes/capex-note.yaml"
    edit_file(note, "language: en", "language: fr")
    assert errors(sample_project) == [
        f"notes/capex-note.yaml:{line_of(note, 'language:')}:11: error: language: 'fr' is not "
        "a language (one of en, zh)"]
    installed({"languages": {"fr": "tests.plugins.fr_language:LANGUAGE"}})
    edit_file(sample_project / "figures/big4-growth.yaml", "kind: bar", "kind: bar\nlanguage: fr")
    assert errors(sample_project) == []
    result = build(Project(sample_project), ("capex-note",), formats=("html",))
    assert result.ok, result.failed
    html = (sample_project / "build/html/capex-note.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in html and '<body class="lang-fr' in html
    assert "<h2>Points clés</h2>" in html and "Précédente : " in html
    assert '"Page " counter(page) " sur " counter(pages)' in html
    # Babel's French: a decimal comma, a narrow no-break space before %, month names.
    assert "59,1\u202f%" in html and "58,86\u00a0Md$" in html and "5 mars 2025" in html
    assert "Source : Example Securities, 5 février 2025" in html


# ---------------------------------------------------------------- broken plugins


@pytest.mark.parametrize(("group", "value", "says"), [
    ("readers", "tests.plugins.nowhere:READER",
     "cannot be loaded: ModuleNotFoundError: No module named 'tests.plugins.nowhere'"),
    ("readers", "tests.plugins.dot_figure:KIND", "is not a Reader or a sequence of Readers"),
    ("figures", "tests.plugins.dot_figure:NOT_A_KIND",
     "is not a FigureKind or a sequence of FigureKinds"),
    ("regimes", "tests.plugins.sfc_regime:no_such_name",
     "cannot be loaded: AttributeError"),
    ("languages", "tests.plugins.fr_language:STRINGS", "is not a Language"),
    ("languages", "tests.plugins.fr_language:INCOMPLETE",
     "): its strings lack "),  # how many, and one of them
])
def test_a_broken_plugin_is_one_error_naming_its_entry_point(sample_project, installed, group,
                                                             value, says):
    installed({group: {"broken": value}})
    result = CliRunner().invoke(cli, ["-C", str(sample_project), "check"])
    assert result.exit_code == 1
    assert f"entry point 'broken = {value}' in group 'sectornotes.{group}'" in result.output
    assert says in result.output and "Traceback" not in result.output


def test_a_stage_entry_point_that_makes_no_stage_is_one_error(sample_project, installed):
    installed({"stages": {"broken": "tests.plugins.sfc_regime:two_risks"}})
    result = CliRunner().invoke(cli, ["-C", str(sample_project), "build", "--format", "html"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "entry point 'broken = tests.plugins.sfc_regime:two_risks'" in result.output
