"""Shared fixtures: small projects written into tmp_path from a dict."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
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
      context: "In Q3 2024"
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



def missing_tool(message: str) -> None:
    """Skip a test whose outside tool is absent, except under `make test`, which installs
    every tool (SECTORNOTES_TEST_TOOLS=required): there a missing tool is a failure, so a
    green run never hides a test that did not run."""
    import os

    if os.environ.get("SECTORNOTES_TEST_TOOLS") == "required":
        pytest.fail(f"{message} (make test installs it; SECTORNOTES_TEST_TOOLS=required)")
    pytest.skip(message)

@pytest.fixture
def make_project(tmp_path: Path):
    """Build a small valid project (house.yaml + one source), then apply overrides.

    Pass {path: None} to delete a default file.
    """

    def factory(files: dict[str, str | bytes | None] | None = None) -> Path:
        root = tmp_path / "project"
        root.mkdir(exist_ok=True)
        # A small project publishes under no regime; tests of regimes opt in.
        house = replaced((REPO_ROOT / "house.yaml").read_text(encoding="utf-8"),
                         "regimes: [finra, mar, csrc]", "regimes: []")
        (root / "house.yaml").write_text(house, encoding="utf-8")
        defaults = {"seeds/capex-review.txt": SOURCE_TEXT, "seeds/capex-review.yaml": SEED_YAML}
        merged = {**defaults, **(files or {})}
        write_files(root, {k: v for k, v in merged.items() if v is not None})
        for relative, content in merged.items():
            if content is None:
                (root / relative).unlink(missing_ok=True)
        return root

    return factory


def copy_repo_project(root: Path) -> Path:
    """A copy of this repository's sample project (sources, series, figures, notes,
    house.yaml and compliance.yaml)."""
    for part in ("seeds", "figures", "notes"):
        shutil.copytree(REPO_ROOT / part, root / part)
    for part in ("house.yaml", "compliance.yaml"):
        shutil.copy(REPO_ROOT / part, root / part)
    # The extraction cache is keyed by content: sharing it only saves extracting the
    # sample's PDF, web page and workbook again for every copy.
    shutil.copytree(_sample_extractions(), root / "build" / ".state" / "extract")
    return root


_EXTRACTIONS: list[Path] = []


def _sample_extractions() -> Path:
    """A folder holding the extraction cache of this repository's sources (made once)."""
    if not _EXTRACTIONS:
        import tempfile

        from sectornotes.sources.documents import load_document

        folder = Path(tempfile.mkdtemp(prefix="sectornotes-extract-"))
        for path in sorted((REPO_ROOT / "seeds").iterdir()):
            if path.suffix in (".pdf", ".html", ".xlsx"):
                load_document(path, f"seeds/{path.name}", folder)
        _EXTRACTIONS.append(folder)
    return _EXTRACTIONS[0]


@pytest.fixture
def repo_project(tmp_path: Path) -> Path:
    """The sample project of this repository, copied: real claims to build or attack."""
    return copy_repo_project(tmp_path / "repo-project")


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under root with its content, to prove nothing was written or lost."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


SECOND_SEED_YAML = """\
source:
  title: Auto outlook
  publisher: Sample Auto Research
  publisher_zh: 示例汽车研究
  date: 2025-03-01
  as_of: 2025-03-01
  language: zh
  kind: research-note
claims:
  - id: china-auto-sales-2025e
    text: 国内汽车销量预计达到 3,344 万辆，同比增长 6.4%。
    kind: forecast
    data:
      - {metric: auto-sales, entity: China autos, period: "2025", value: 3344, unit: 10k}
      - {metric: auto-sales-yoy, entity: China autos, period: "2025", value: 6.4, unit: "%"}
    source:
      quote: "国内汽车销量预计达到 3,344万辆，同比增长 6.4%。"
    tags: [autos]
  - id: unused-claim
    text: 汽车销量同比增长 6.4%，没有笔记引用此论断。
    kind: fact
    source:
      quote: "同比增长 6.4%"
    tags: [autos]
"""

FIGURE_YAML = """\
title: Big-4 capex growth
kind: bar
claims: [big4-capex-q3-2024]
transform:
  - filter: {metric: [capex-yoy]}
x: period
y_label: "YoY, %"
"""

NOTE_EN_YAML = """\
title: Capex note
sector: tech
language: en
date: 2025-03-05
status: approved
approved_by: lin-mei
approved_at: 2025-03-05T09:00:00
rating: outperform
previous_rating: market-perform
analysts: [lin-mei]
key_points:
  - "Capex grew {big4-capex-q3-2024.capex-yoy} [@big4-capex-q3-2024]."
sections:
  - heading: Capex
    body: |
      Big-4 capex reached {big4-capex-q3-2024} [@big4-capex-q3-2024], see [@fig:big4-growth].
    figures: [big4-growth]
risks:
  - Demand may disappoint.
"""

NOTE_ZH_YAML = """\
title: 汽车点评
sector: autos
sector_label: 汽车
language: zh
date: 2025-03-05
status: draft
rating: market-perform
analysts: [zhou-hang]
key_points:
  - "国内汽车销量预计达到 {china-auto-sales-2025e} [@china-auto-sales-2025e]。"
sections:
  - heading: 销量
    body: |
      同比增长 {china-auto-sales-2025e.auto-sales-yoy} [@china-auto-sales-2025e]。
"""


@pytest.fixture
def sample_files() -> dict[str, str]:
    """A small buildable project: two sources, a figure, an English and a Chinese note."""
    return {
        "seeds/capex-review.txt": SOURCE_TEXT, "seeds/capex-review.yaml": SEED_YAML,
        "seeds/auto-outlook.txt": SOURCE_TEXT, "seeds/auto-outlook.yaml": SECOND_SEED_YAML,
        "figures/big4-growth.yaml": FIGURE_YAML,
        "notes/capex-note.yaml": NOTE_EN_YAML, "notes/auto-note.yaml": NOTE_ZH_YAML,
    }


@pytest.fixture
def sample_project(make_project, sample_files) -> Path:
    return make_project(sample_files)


def output_hashes(root: Path) -> dict[str, str]:
    """sha256 of every file under build/ except the internal state."""
    import hashlib

    build_dir = root / "build"
    return {p.relative_to(build_dir).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(build_dir.rglob("*"))
            if p.is_file() and ".state" not in p.parts}


def replaced(text: str, old: str, new: str, count: int = 1) -> str:
    """`text` with `old` replaced by `new`; fails when `old` occurs other than `count` times.

    A fixture edit whose text is absent would make a test silently assert nothing.
    Pass count=0 to replace every occurrence (at least one must exist).
    """
    found = text.count(old)
    if found == 0 or (count and found != count):
        raise AssertionError(f"fixture edit: expected {count or 'some'} occurrence(s) of "
                             f"{old!r}, found {found}")
    return text.replace(old, new)


def edit_file(path: Path, old: str, new: str, count: int = 1) -> str:
    """Replace `old` by `new` in a UTF-8 file (see `replaced`); returns the new text."""
    text = replaced(path.read_text(encoding="utf-8"), old, new, count)
    path.write_text(text, encoding="utf-8")
    return text


def drop_key(path: Path, line_start: str) -> str:
    """Remove the YAML key whose line starts with `line_start` (indentation included) and
    everything nested under it; fails unless exactly one line starts so."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    found = [i for i, line in enumerate(lines) if line.startswith(line_start)]
    if len(found) != 1:
        raise AssertionError(f"fixture edit: expected one line starting {line_start!r}, "
                             f"found {len(found)}")
    start = found[0]
    indent = len(line_start) - len(line_start.lstrip(" "))
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or
                                len(lines[end]) - len(lines[end].lstrip(" ")) > indent):
        end += 1
    text = "".join(lines[:start] + lines[end:])
    path.write_text(text, encoding="utf-8")
    return text


def line_of(path: Path, line_start: str) -> int:
    """The 1-based number of the one line starting with `line_start`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found = [i + 1 for i, line in enumerate(lines) if line.startswith(line_start)]
    if len(found) != 1:
        raise AssertionError(f"expected one line starting {line_start!r}, found {len(found)}")
    return found[0]


@contextlib.contextmanager
def small_disk(where: Path, size: str):
    """A tmpfs of `size` mounted at `where` (root only; skips otherwise): a disk that fills."""
    where.mkdir(exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                             capture_output=True, check=False)
    if mounted.returncode != 0:
        pytest.skip("mounting a tmpfs needs root (the disk-full case is tested where it can be)")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill(disk: Path) -> Path:
    """Fill what is left of `disk`; remove the returned file to free it again."""
    filler = disk / "filler"
    with contextlib.suppress(OSError), open(filler, "wb") as stream:
        stream.write(b"\0" * 10**7)
    return filler


@pytest.fixture
def own_cache_key(tmp_path, monkeypatch) -> Path:
    """This test's own user cache folder, where the key signing the extraction and proof
    caches is kept (so a test can forge entries without touching the user's)."""
    folder = tmp_path / "user-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder
