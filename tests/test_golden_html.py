"""Golden HTML: the sample project's note pages, byte for byte.

When a template change is intended, refresh the files and review the diff:

    SECTORNOTES_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_golden_html.py
    git diff tests/golden/
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sectornotes.engine.run import build
from sectornotes.inputs.project import PACKAGE_TEMPLATES, Project

from .conftest import replaced

GOLDEN = Path(__file__).parent / "golden"


def without_stylesheet(html: str, page: str) -> str:
    """The page with its inlined stylesheet replaced by its name.

    The stylesheet is the template file verbatim (checked here); a CSS change then
    needs no golden refresh, and the golden files show only the markup.
    """
    name = "source.css" if page.startswith("sources/") else "note.css"
    css = (PACKAGE_TEMPLATES / name).read_text(encoding="utf-8")
    return replaced(html, css, f"/* templates/{name} */\n")


@pytest.mark.slow  # builds the project
@pytest.mark.parametrize("page", ["html/capex-note.html", "html/auto-note.html",
                                  "sources/capex-review.html"])
def test_html_matches_golden(sample_project, page):
    result = build(Project(sample_project), formats=("html",))
    assert result.ok, (result.failed, result.findings)
    built = without_stylesheet((sample_project / "build" / page).read_text(encoding="utf-8"), page)
    golden = GOLDEN / page.replace("/", "__")
    if os.environ.get("SECTORNOTES_UPDATE_GOLDEN"):
        golden.write_text(built, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden.name}; see this module's docstring"
    assert built == golden.read_text(encoding="utf-8"), (
        f"{page} differs from tests/golden/{golden.name}; if the change is intended, refresh "
        "with SECTORNOTES_UPDATE_GOLDEN=1 (see tests/test_golden_html.py)")
