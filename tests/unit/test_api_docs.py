"""docs/api.md's examples run as written, against a copy of this repository's project."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from ..conftest import REPO_ROOT

DOC = REPO_ROOT / "docs" / "api.md"
PROJECT_PARTS = ("house.yaml", "clients.yaml", "seeds", "figures", "notes", "compliance.yaml")


def examples() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    for part in PROJECT_PARTS:
        source = REPO_ROOT / part
        if source.is_dir():
            shutil.copytree(source, tmp_path / part)
        elif source.is_file():
            shutil.copy(source, tmp_path / part)
    return tmp_path


def run_examples(blocks: list[str], folder: Path) -> None:
    namespace: dict[str, object] = {}
    cwd = Path.cwd()
    os.chdir(folder)
    try:
        for block in blocks:
            exec(compile(block, str(DOC), "exec"), namespace)  # noqa: S102 - our own docs
    finally:
        os.chdir(cwd)


def test_the_doc_has_examples_for_every_public_call():
    text = "\n".join(examples())
    for name in ("load_project", "check", "query_claims", "build", "render_note_html",
                 "render_note_pdf", "UnknownNote"):
        assert f"sectornotes.{name}" in text, name


@pytest.mark.slow  # builds the project
def test_api_examples_run_except_the_pdf(project_copy):
    run_examples([b for b in examples() if "render_note_pdf" not in b], project_copy)
    assert (project_copy / "build/html/media-deepseek-ai-shift.html").is_file()
    assert not (project_copy / "build/pdf").exists()


@pytest.mark.slow
def test_the_pdf_example_runs(project_copy):
    run_examples(examples(), project_copy)
    assert not (project_copy / "build/pdf").exists()  # rendered to bytes, not written
