"""Every fixture edit in the tests goes through conftest.replaced/edit_file.

A `str.replace` whose text is absent silently does nothing, and the test then
asserts nothing; `replaced` fails instead. This guards the rule.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
# (file, source of the receiver): replacements that are not fixture edits.
ALLOWED = {("test_golden_html.py", "page"),  # a file name
           ("test_distribute.py", "original"),  # bytes of a PDF, asserted present first
           ("test_meaning.py", "w")}  # a warning line turned into the error line expected


def unchecked_replacements() -> list[str]:
    found = []
    for path in sorted(TESTS.rglob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                    node.func.attr == "replace" and len(node.args) >= 2:
                receiver = ast.unparse(node.func.value)
                if (path.name, receiver) not in ALLOWED:
                    found.append(f"{path.relative_to(TESTS)}:{node.lineno}: {receiver}.replace")
    return found


def test_no_fixture_edit_bypasses_the_checked_helpers():
    assert unchecked_replacements() == []
