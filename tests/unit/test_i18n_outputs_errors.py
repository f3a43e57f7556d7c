"""i18n.py, outputs.py and errors.py: one home for words, paths and errors."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import sectornotes
from sectornotes import errors
from sectornotes.inputs.project import Project
from sectornotes.language import i18n
from sectornotes.loaded.project import load_house
from sectornotes.render import outputs

from ..conftest import REPO_ROOT


def test_every_language_has_every_string():
    assert set(i18n.strings("en")) == set(i18n.strings("zh"))
    assert i18n.text("en", "email_rating", rating="Outperform") == "Rating: Outperform"
    assert i18n.text("zh", "email_previous", previous="中性") == "（上次评级：中性）"
    assert i18n.strings("fr") is i18n.strings("en")


def test_rating_labels_come_from_house_yaml():
    house, findings = load_house(Project(REPO_ROOT))
    assert house is not None and findings == []
    assert i18n.rating_label(house, "sector", "outperform", "en") == "Outperform"
    assert i18n.rating_label(house, "sector", "outperform", "zh") == "强于大市"
    assert i18n.rating_label(house, "sector", None, "en") is None
    assert i18n.rating_label(house, "sector", "no-such-rating", "en") == "no-such-rating"


@pytest.mark.parametrize(("path", "expected"), [
    (outputs.note_html("x"), "html/x.html"), (outputs.note_pdf("x"), "pdf/x.pdf"),
    (outputs.note_rixml("x"), "rixml/x.xml"), (outputs.figure_svg("f"), "figures/f.svg"),
    (outputs.figure_csv("f"), "data/f.csv"), (outputs.source_page("s"), "sources/s.html"),
    (outputs.from_note_page("sources/s.html", "c"), "../sources/s.html#c")])
def test_output_paths(path, expected):
    assert path == expected


def test_errors_are_plain_exceptions_with_exit_codes():
    assert not any(base.__module__.startswith("click") for base in
                   errors.SectornotesError.__mro__)
    assert errors.SectornotesError("x").exit_code == errors.EXIT_FAILED == 1
    assert errors.UnknownNote("x").exit_code == errors.EXIT_USAGE == 2
    error = errors.unknown_note("capex-notes", ["capex-note", "auto-note"])
    assert str(error) == ("unknown note 'capex-notes' (did you mean 'capex-note'?); "
                          "list the notes with 'ls notes/'")
    assert errors.did_you_mean("zzz", ["capex-note"]) == ""


def test_no_module_below_the_cli_imports_click():
    package = Path(sectornotes.__file__).parent
    offenders = []
    for path in package.rglob("*.py"):
        if path.parent.name == "cli" or path.name == "progress.py":  # the command line itself
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(name.split(".")[0] == "click" for name in names):
                offenders.append(path.name)
    assert offenders == []
