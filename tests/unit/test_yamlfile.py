"""yamlfile.py: safe YAML reading that keeps every key's and value's position."""

from __future__ import annotations

import pytest
import yaml

from sectornotes.inputs.yamlfile import MAX_NESTING, FileProblem, load_yaml, nesting_over, read_text

DOCUMENT = """\
title: Capex note
sections:
  - heading: Capex
    body: |
      Big-4 capex reached {big4} [@big4].
    figures: [big4-growth]
"""


def write(tmp_path, content: str | bytes, name: str = "x.yaml"):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def problem(tmp_path, content: str | bytes) -> str:
    with pytest.raises(FileProblem) as raised:
        load_yaml(write(tmp_path, content), "notes/x.yaml")
    return raised.value.finding.format()


def test_data_and_positions(tmp_path):
    document = load_yaml(write(tmp_path, DOCUMENT), "notes/x.yaml")
    assert document.data["sections"][0]["figures"] == ["big4-growth"]
    assert document.position(("title",)) == (1, 8)
    assert document.position(("title",), of_key=True) == (1, 1)
    assert document.position(("sections", 0, "heading")) == (3, 14)
    assert document.position(("sections", 0, "figures", 0)) == (6, 15)
    assert document.position_in_value(("sections", 0, "body"), "[@big4]") == (5, 34)
    finding = document.finding(("sections", 0, "figures", 0), "unknown figure")
    assert finding.format() == "notes/x.yaml:6:15: error: unknown figure"


@pytest.mark.parametrize(("content", "expected"), [
    ("", "notes/x.yaml:1:1: error: file is empty; expected a YAML mapping"),
    ("# only a comment\n", "notes/x.yaml:1:1: error: file is empty; expected a YAML mapping"),
    ("- a\n- b\n", "notes/x.yaml:1:1: error: expected a YAML mapping (key: value) at the top "
                   "level"),
    ("a: 1\na: 2\n", "notes/x.yaml:2:1: error: duplicate key 'a' (first set on line 1); remove "
                     "one of them"),
    ("base: &b {x: 1}\nother: *b\n", "notes/x.yaml:2:8: error: YAML alias '*b' is not allowed "
                                     "in project files; write the value out in full"),
    ("a: [1, 2\n", None),
])
def test_bad_documents_are_findings_with_positions(tmp_path, content, expected):
    found = problem(tmp_path, content)
    if expected is None:
        assert found.startswith("notes/x.yaml:2:1: error: YAML syntax error:")
    else:
        assert found == expected


def test_nesting_is_capped_before_composing(tmp_path):
    shallow = "a: " + "[" * MAX_NESTING + "]" * MAX_NESTING + "\n"
    assert isinstance(load_yaml(write(tmp_path, shallow), "notes/x.yaml").data["a"], list)
    deep = "a: " + "[" * 5000 + "]" * 5000 + "\n"
    assert problem(tmp_path, deep).startswith(
        f"notes/x.yaml:1:{4 + MAX_NESTING}: error: YAML nested more than {MAX_NESTING} levels")
    block = "".join(" " * (2 * depth) + f"k{depth}:\n" for depth in range(200)) + " " * 400 + "v\n"
    assert "nested more than" in problem(tmp_path, block)


def _nested(depth: int, kind: str) -> dict:
    value: object = "x"
    for level in range(depth):
        is_list = kind == "seq" or (kind == "mix" and level % 2)
        value = [value] if is_list else {f"k{level}": value}
    return {"top": value}


@pytest.mark.parametrize("kind", ["seq", "map", "mix"])
@pytest.mark.parametrize("depth", [2, 9, 40])
def test_nesting_is_measured_exactly_on_block_yaml(kind, depth):
    # The measured depth of a block document is the depth PyYAML builds, below the top.
    text = yaml.safe_dump(_nested(depth, kind), default_flow_style=False)
    assert nesting_over(text, depth) is None
    assert nesting_over(text, depth - 1) is not None


@pytest.mark.parametrize("kind", ["seq", "map", "mix"])
def test_flow_nesting_is_measured_within_one_level(kind):
    text = yaml.safe_dump(_nested(30, kind), default_flow_style=True, width=10**6)
    assert nesting_over(text, 31) is None
    assert nesting_over(text, 29) is not None


@pytest.mark.parametrize("text", [
    "a: '" + "[" * 200 + "'\n",                         # inside single quotes
    'a: "' + "{" * 200 + '\\" [[["\n',                  # inside double quotes, escaped quote
    "a: |\n" + "  " + "[" * 200 + "\n" + "b: 1\n",         # a literal block scalar
    "a: x  # " + "[" * 200 + "\n",                       # a comment
    "a: see " + "[" * 200 + "\n",                        # inside a plain scalar
    "a: 'one\n  " + "[" * 200 + " two'\n",              # a quoted scalar over two lines
])
def test_brackets_that_open_nothing_are_not_nesting(text):
    assert nesting_over(text, MAX_NESTING) is None


@pytest.mark.parametrize(("text", "position"), [
    ("a: " + "[" * 3000 + "]" * 3000 + "\n", (1, 4 + MAX_NESTING)),   # past libyaml's own limit
    ("a:\n" + "".join(" " * d + "- \n" for d in range(1, 1500)), (MAX_NESTING + 2, MAX_NESTING + 2)),
    ("a: [1, {b: [\n" + "[" * 100 + "\n", (2, MAX_NESTING - 2)),        # flow over lines
])
def test_deep_yaml_is_the_projects_own_error_at_its_position(tmp_path, text, position):
    line, column = nesting_over(text, MAX_NESTING) or (0, 0)
    assert (line, column) == position
    assert problem(tmp_path, text).startswith(
        f"notes/x.yaml:{line}:{column}: error: YAML nested more than {MAX_NESTING} levels deep")


@pytest.mark.parametrize(("content", "fragment"), [
    (b"title: caf\xe9\n", "1:11: error: not valid UTF-8 (byte 0xe9); re-save the file as UTF-8"),
    (b"\x00\x01\x02binary", "binary"),
])
def test_unreadable_bytes_are_findings(tmp_path, content, fragment):
    assert fragment in problem(tmp_path, content)


def test_read_text_refuses_a_file_over_its_limit(tmp_path):
    path = write(tmp_path, "x" * 100, "big.txt")
    with pytest.raises(FileProblem) as raised:
        read_text(path, "seeds/big.txt", limit=10)
    assert raised.value.finding.path == "seeds/big.txt"
    assert read_text(path, "seeds/big.txt") == "x" * 100
