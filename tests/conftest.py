"""Shared fixtures: small projects written into tmp_path from a dict."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent

SOURCE_TEXT = (
    "Capex review\n"
    "In Q3 2024 the four major technology giants' capital expenditure increased to\n"
    "58.86 billion USD, year-on-year +59.1%. Gross margins changed by -0.3 percentage\n"
    "points. Meta expects 2025 capex of 60-65 billion USD.\n"
    "国内汽车销量预计达到 3,344万辆，同比增长 6.4%。\n"
)

SEED_YAML = """\
source:
  title: Capex review
  publisher: Example Securities
  date: 2025-02-05
  language: en
  kind: research-note
claims:
  - id: big4-capex-q3-2024
    text: Big-4 capex reached $58.86bn in Q3 2024, up 59.1% year on year.
    kind: fact
    data:
      - {metric: capex, entity: Big-4 US CSPs, period: 2024-Q3, value: 58.86, unit: USD bn}
      - {metric: capex-yoy, entity: Big-4 US CSPs, period: 2024-Q3, value: 59.1, unit: "%"}
    source:
      quote: "capital expenditure increased to 58.86 billion USD, year-on-year +59.1%"
    tags: [tech, capex]
"""


def write_files(root: Path, files: dict[str, str | bytes]) -> None:
    """Write {relative path: content} under root (bytes written as-is)."""
    for relative, content in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(textwrap.dedent(content) if content.startswith("\n") else content,
                              encoding="utf-8")


@pytest.fixture
def make_project(tmp_path: Path):
    """Build a small valid project (house.yaml + one source), then apply overrides.

    Pass {path: None} to delete a default file.
    """

    def factory(files: dict[str, str | bytes | None] | None = None) -> Path:
        root = tmp_path / "project"
        root.mkdir(exist_ok=True)
        shutil.copy(REPO_ROOT / "house.yaml", root / "house.yaml")
        defaults = {"seeds/capex-review.txt": SOURCE_TEXT, "seeds/capex-review.yaml": SEED_YAML}
        merged = {**defaults, **(files or {})}
        write_files(root, {k: v for k, v in merged.items() if v is not None})
        for relative, content in merged.items():
            if content is None:
                (root / relative).unlink(missing_ok=True)
        return root

    return factory


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under root with its content, to prove nothing was written or lost."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}
