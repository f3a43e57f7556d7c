"""The lazy-import rule (sectornotes.lazy) and the shape of the import graph."""

from __future__ import annotations

import ast
import json
import pkgutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import sectornotes
from sectornotes.lazy import HEAVY_MODULES, HEAVY_WRAPPERS

from ..conftest import REPO_ROOT

pytestmark = pytest.mark.slow  # one interpreter per command

PACKAGE_DIR = Path(sectornotes.__file__).parent


def all_modules() -> list[str]:
    return sorted(m.name for m in pkgutil.walk_packages([str(PACKAGE_DIR)], "sectornotes."))


def run_python(code: str, cwd: Path) -> dict:
    """Run code in a fresh interpreter; it prints one JSON object last."""
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=cwd,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_no_light_module_imports_a_heavy_library_when_imported():
    light = [m for m in all_modules() if m not in HEAVY_WRAPPERS and m != "sectornotes.__main__"]
    found = run_python(f"""
        import importlib, json, sys
        from sectornotes.lazy import HEAVY_MODULES
        offenders = {{}}
        for name in {light!r}:
            importlib.import_module(name)
            heavy = [m for m in HEAVY_MODULES if m in sys.modules]
            if heavy:
                offenders[name] = heavy
                break
        print(json.dumps(offenders))
    """, REPO_ROOT)
    assert found == {}


@pytest.mark.parametrize("argv", [["check"], ["claims", "--unused"], ["find", "capital expenditure"],
                                  ["build", "--dry-run"]])
def test_commands_that_must_start_fast_never_import_heavy_libraries(argv):
    found = run_python(f"""
        import json, sys
        from sectornotes.commands.cli import main
        from sectornotes.lazy import HEAVY_MODULES
        sys.argv = ['sectornotes', *{argv!r}]
        code = 0
        try:
            main()
        except SystemExit as stop:
            code = stop.code
        print()
        print(json.dumps({{"code": code, "heavy": [m for m in HEAVY_MODULES if m in sys.modules]}}))
    """, REPO_ROOT)
    assert found == {"code": 0, "heavy": []}


def _imports_of(path: Path) -> set[str]:
    """Top-level (module-scope, not TYPE_CHECKING) sectornotes imports of one module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    package = "sectornotes" + ("." + path.parent.name if path.parent != PACKAGE_DIR else "")
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
            target = f"{base}.{node.module}" if node.module else base
            found.add(target)
    return found


def test_module_scope_imports_have_no_cycle():
    graph = {}
    for path in PACKAGE_DIR.rglob("*.py"):
        relative = path.relative_to(PACKAGE_DIR).with_suffix("")
        name = ".".join(("sectornotes", *relative.parts)).removesuffix(".__init__")
        graph[name] = {t for t in _imports_of(path) if t != name}
    visiting, done = set(), set()

    def visit(node: str, trail: list[str]) -> None:
        if node in done or node not in graph:
            return
        assert node not in visiting, "import cycle: " + " → ".join([*trail, node])
        visiting.add(node)
        for target in sorted(graph[node]):
            visit(target, [*trail, node])
        visiting.discard(node)
        done.add(node)

    for node in sorted(graph):
        visit(node, [])


def test_the_heavy_list_names_the_libraries_the_wrappers_use():
    assert set(HEAVY_MODULES) == {"pandas", "matplotlib", "weasyprint", "pikepdf"}


def test_the_package_exports_its_api_lazily():
    found = run_python("""
        import json, sys
        import sectornotes
        before = 'sectornotes.api' in sys.modules
        names = {name: callable(getattr(sectornotes, name)) for name in sectornotes.__all__
                 if name != '__version__'}
        print(json.dumps({"before": before, "callable": all(names.values()), "count": len(names)}))
    """, REPO_ROOT)
    assert found == {"before": False, "callable": True, "count": 11}
