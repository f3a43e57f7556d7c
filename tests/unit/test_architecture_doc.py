"""docs/architecture.md names only what exists: every module path, every extension test it
cites as a recipe's proof, and every entry point group."""

from __future__ import annotations

import re
from pathlib import Path

from sectornotes import plugins

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src/sectornotes"
DOC = (ROOT / "docs/architecture.md").read_text(encoding="utf-8")


def test_every_module_path_in_the_doc_exists():
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and not p.name.startswith("_")}
    missing = []
    for path in set(re.findall(r"`([a-z_]+/[a-z_/]*[a-z_]+(?:\.py|/))`", DOC)):
        top = path.split("/")[0]
        base = ROOT if top in {"tests", "docs", "seeds", "notes", "build", "records"} else PACKAGE
        if top not in folders and base is PACKAGE:
            continue  # a project folder (`build/.state/`), not a module
        if not (base / path).exists():
            missing.append(path)
    assert not missing, f"docs/architecture.md names modules that do not exist: {sorted(missing)}"


def test_every_recipe_test_exists():
    named = set(re.findall(r"`(test_[a-z0-9_]+)`", DOC))
    assert named, "the recipes name the tests that exercise them"
    tests = (ROOT / "tests/test_extensions.py").read_text(encoding="utf-8")
    defined = set(re.findall(r"^def (test_[a-z0-9_]+)\(", tests, re.M))
    assert named <= defined, f"recipes cite tests that do not exist: {sorted(named - defined)}"


def test_the_doc_lists_every_entry_point_group():
    assert all(f"`{group}`" in DOC for group in plugins.GROUPS)


def test_every_folder_of_the_package_is_in_the_flow():
    flow = DOC.split("```")[1]
    folders = sorted(p.name for p in PACKAGE.iterdir()
                     if p.is_dir() and (p / "__init__.py").exists())
    assert all(f"{name}/" in flow for name in folders), folders
