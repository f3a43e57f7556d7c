"""yamlfile.py: safe YAML reading that keeps every key's and value's position."""

from __future__ import annotations

import pytest

from sectornotes.yamlfile import MAX_NESTING, FileProblem, load_yaml, read_text

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
        f"notes/x.yaml:1:{3 + MAX_NESTING}: error: YAML nested more than {MAX_NESTING} levels")
    block = "".join(" " * (2 * depth) + f"k{depth}:\n" for depth in range(200)) + " " * 400 + "v\n"
    assert "nested more than" in problem(tmp_path, block)


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
