"""Bad input to `check`: every case gives path:line:col, a clear message, exit 1."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from sectornotes.api import check
from sectornotes.commands.cli import cli
from sectornotes.inputs.project import Project

from .conftest import SEED_YAML, replaced, snapshot


def one_claim_seed(data: str, quote: str) -> str:
    """A seed file with one claim carrying one data point (a YAML flow mapping)."""
    return f"""\
source: {{title: T, publisher: P, date: 2025-02-05, as_of: 2025-02-05, language: en, kind: research-note}}
claims:
  - id: c1
    text: A claim.
    kind: fact
    data:
      - {data}
    source: {{quote: "{quote}"}}
"""


def findings_of(root) -> list[str]:
    return [finding.format() for finding in check(Project(root)).findings]


def only_finding(root) -> str:
    found = findings_of(root)
    assert len(found) == 1, found
    return found[0]


def run_check(root, *args):
    return CliRunner().invoke(cli, ["-C", str(root), "check", *args])


def test_valid_project_passes(make_project):
    root = make_project()
    result = run_check(root)
    assert result.exit_code == 0, result.output
    assert "ok: 1 claims from 1 sources, 2 numbers, 0 figures, 0 notes verified" in result.output


def test_check_writes_nothing(make_project):
    root = make_project({"seeds/capex-review.yaml": replaced(SEED_YAML, "58.86 billion", "58.8 b")})
    before = snapshot(root)
    assert run_check(root).exit_code == 1
    after = snapshot(root)
    # Only its proof cache (build/.state/, rebuilt after clean): never a project file.
    assert {k: v for k, v in after.items() if not k.startswith("build/.state/")} == before


def test_quote_not_in_source_shows_closest_passage(make_project):
    seed = replaced(SEED_YAML, "increased to 58.86 billion", "increased to 58.68 billion")
    message = only_finding(make_project({"seeds/capex-review.yaml": seed}))
    assert message.startswith("seeds/capex-review.yaml:15:14: error: claim 'big4-capex-q3-2024': "
                              "quote not found in seeds/capex-review.txt")
    assert "closest passage at seeds/capex-review.txt:2:" in message
    assert '(quote has "58.68", source has "58.86")' in message


def test_quote_matches_across_line_breaks_and_nfkc(make_project):
    # The source breaks the line after "percentage"; the quote uses a full-width sign.
    seed = replaced(
        SEED_YAML,
        'quote: "capital expenditure increased to 58.86 billion USD, year-on-year +59.1%"',
        'quote: "capital   expenditure increased to\\n58.86 billion USD, year-on-year ＋59.1％"',
    )
    assert findings_of(make_project({"seeds/capex-review.yaml": seed})) == []


@pytest.mark.parametrize(
    ("data", "quote", "expected"),
    [
        (
            "{metric: capex, entity: M, period: '2025', value: 58.8, unit: USD bn}",
            "58.86 billion USD",
            "data[0].value: 58.8 is not written in the quote",
        ),
        (
            "{metric: capex, entity: M, period: '2025', value: 58.86, unit: USD m}",
            "58.86 billion USD",
            "58.86 is in the quote but not followed by its unit 'USD m'",
        ),
        (
            "{metric: capex, entity: M, period: '2025', value: 58.86, unit: EUR bn}",
            "58.86 billion USD",
            "does not name the currency of unit 'EUR bn'",
        ),
        (
            "{metric: margin, entity: M, period: '2025', value: 0.3, unit: pp}",
            "Gross margins changed by -0.3 percentage\\npoints",
            "the quote writes -0.3 but the value is positive",
        ),
        (
            "{metric: growth, entity: M, period: '2025', value: -59.1, unit: '%'}",
            "year-on-year +59.1%",
            "the value is negative but the quote writes +59.1 without a minus sign or a word "
            "of decline at that number",
        ),
        (
            "{metric: capex, entity: M, period: '2025', low: 60, high: 66, unit: USD bn}",
            "2025 capex of 60-65 billion USD",
            "data[0].high: 66 is not written in the quote",
        ),
    ],
)
def test_numbers_must_be_written_in_the_quote_with_their_unit(make_project, data, quote, expected):
    seed = one_claim_seed(data, quote)
    message = only_finding(make_project({"seeds/capex-review.yaml": seed}))
    assert message.startswith("seeds/capex-review.yaml:7:")
    assert expected in message


@pytest.mark.parametrize(
    ("data", "quote"),
    [
        (
            "{metric: gross-margin-change, entity: M, period: '2025', value: -0.3, unit: pp}",
            "Gross margins changed by -0.3 percentage\\npoints",
        ),
        (
            "{metric: capex, entity: M, period: '2025', low: 60, high: 65, unit: USD bn}",
            "2025 capex of 60-65 billion USD",
        ),
        ("{metric: auto-sales, entity: M, period: '2025', value: 3344, unit: 10k}", "3,344万辆"),
        ("{metric: auto-sales-yoy, entity: M, period: '2025', value: 6.4, unit: '%'}", "同比增长 6.4%"),
    ],
)
def test_unit_aware_numbers_accepted(make_project, data, quote):
    seed = one_claim_seed(data, quote)
    assert findings_of(make_project({"seeds/capex-review.yaml": seed})) == []


def test_conflicting_claims_name_both(make_project):
    other = replaced(
        replaced(
            replaced(SEED_YAML, "id: big4-capex-q3-2024", "id: big4-capex-restated"),
            "value: 59.1,",
            "value: 60,",
        ),
        "+59.1%",
        "+60%",
    )
    text = "In Q3 2024 capital expenditure increased to 58.86 billion USD, year-on-year +60%\n"
    root = make_project({"seeds/restated.yaml": other, "seeds/restated.txt": text})
    message = only_finding(root)
    assert message.startswith(
        "seeds/restated.yaml:13:9: error: conflict: claim "
        "'big4-capex-restated' states capex-yoy of Big-4 US CSPs for "
        "2024-Q3 as 60 %, but claim 'big4-capex-q3-2024' "
        "(seeds/capex-review.yaml:13:9) states 59.1 %"
    )


def test_duplicate_claim_ids(make_project):
    text = "capital expenditure increased to 58.86 billion USD, year-on-year +59.1%\n"
    root = make_project({"seeds/copy.yaml": SEED_YAML, "seeds/copy.txt": text})
    message = only_finding(root)
    assert message == (
        "seeds/copy.yaml:8:9: error: duplicate claim id "
        "'big4-capex-q3-2024' (first declared at seeds/capex-review.yaml:8:9); "
        "ids must be unique"
    )


def test_unknown_key_suggests_the_right_one(make_project):
    seed = replaced(SEED_YAML, "      quote:", "      qoute:")
    found = findings_of(make_project({"seeds/capex-review.yaml": seed}))
    assert (
        "seeds/capex-review.yaml:15:7: error: claims[0].source: unknown key 'qoute' "
        "(did you mean 'quote'?)" in found
    )


def test_wrong_types_and_enums(make_project):
    seed = replaced(replaced(SEED_YAML, "value: 58.86,", 'value: "58.86",'), "kind: fact", "kind: facts")
    found = findings_of(make_project({"seeds/capex-review.yaml": seed}))
    assert (
        "seeds/capex-review.yaml:10:11: error: claims[0].kind: 'facts' is not one of fact, "
        "estimate, forecast, opinion (did you mean 'fact'?)"
    ) in found
    assert any(
        f.startswith(
            "seeds/capex-review.yaml:12:72: error: claims[0].data[0].value: write the number "
            "alone, 58.86: '58.86' is text, not a number"
        )
        for f in found
    ), found


def test_bad_id_and_period_patterns(make_project):
    seed = replaced(
        replaced(SEED_YAML, "id: big4-capex-q3-2024", "id: Big4_Capex"),
        "period: 2024-Q3, value: 58.86",
        "period: Q3 2024, value: 58.86",
    )
    found = findings_of(make_project({"seeds/capex-review.yaml": seed}))
    assert (
        "seeds/capex-review.yaml:8:9: error: claims[0].id: 'Big4_Capex' is not kebab-case "
        "(lowercase letters, digits and single hyphens, e.g. 'big4-capex-2024')"
    ) in found
    assert any("claims[0].data[0].period: 'Q3 2024' is not a period" in f for f in found)


def test_dangling_source_reference(make_project):
    seed = replaced(SEED_YAML, "    source:\n", "    source:\n      seed: capex-reveiw\n")
    message = only_finding(make_project({"seeds/capex-review.yaml": seed}))
    assert message == (
        "seeds/capex-review.yaml:15:13: error: source.seed: unknown source "
        "'capex-reveiw' (did you mean 'capex-review'?); it must name a source in seeds/"
    )


def test_source_path_traversal_is_refused(make_project, tmp_path):
    (tmp_path / "secret.txt").write_text("capital expenditure increased to 58.86 billion USD")
    seed = replaced(SEED_YAML, "    source:\n", "    source:\n      seed: ../../secret\n")
    message = only_finding(make_project({"seeds/capex-review.yaml": seed}))
    assert message.startswith(
        "seeds/capex-review.yaml:15:13: error: claims[0].source.seed: "
        "'../../secret' is a path; 'seed' must be the id of a source"
    )


def test_non_utf8_file(make_project):
    content = replaced(SEED_YAML, "Capex review", "Capex r\udce9view").encode(
        "utf-8", "surrogateescape"
    )  # a lone Latin-1 byte: not UTF-8
    assert only_finding(make_project({"seeds/capex-review.yaml": content})) == (
        "seeds/capex-review.yaml:2:17: error: not valid UTF-8 (byte 0xe9); re-save the file as UTF-8"
    )


def test_binary_source_text(make_project):
    message = only_finding(make_project({"seeds/capex-review.txt": b"PK\x03\x04\x00\x00"}))
    assert message == (
        "seeds/capex-review.txt:1:5: error: binary file (contains NUL bytes); "
        "project files must be UTF-8 text"
    )


def test_yaml_syntax_error(make_project):
    seed = replaced(SEED_YAML, "    kind: fact\n", "    kind: [fact\n")
    message = only_finding(make_project({"seeds/capex-review.yaml": seed}))
    # The project's own part (position, "YAML syntax error"); PyYAML's words after it
    # vary between its versions and are not asserted.
    assert message.startswith("seeds/capex-review.yaml:11:9: error: YAML syntax error: ")


def test_yaml_alias_bomb_is_refused(make_project):
    bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n' + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n" for i in range(9)
    )
    message = only_finding(make_project({"seeds/capex-review.yaml": bomb}))
    assert message == (
        "seeds/capex-review.yaml:2:8: error: YAML alias '*a' is not allowed in "
        "project files; write the value out in full"
    )


def test_empty_file(make_project):
    assert only_finding(make_project({"seeds/capex-review.yaml": "\n# nothing\n"})) == (
        "seeds/capex-review.yaml:1:1: error: file is empty; expected a YAML mapping"
    )


def test_huge_file(make_project):
    huge = SEED_YAML + "# padding\n" * 300_000
    message = only_finding(make_project({"seeds/capex-review.yaml": huge}))
    assert message.startswith("seeds/capex-review.yaml:1:1: error: file is 2.9 MB, over the 2 MB")


def test_duplicate_yaml_key(make_project):
    seed = replaced(SEED_YAML, "    kind: fact\n", "    kind: fact\n    kind: opinion\n")
    assert only_finding(make_project({"seeds/capex-review.yaml": seed})) == (
        "seeds/capex-review.yaml:11:5: error: duplicate key 'kind' (first set on line 10); remove one of them"
    )


def test_top_level_must_be_a_mapping(make_project):
    assert only_finding(make_project({"seeds/capex-review.yaml": "- a\n- b\n"})) == (
        "seeds/capex-review.yaml:1:1: error: expected a YAML mapping (key: value) at the top level"
    )


def test_missing_source_text_and_orphan_text(make_project):
    root = make_project({"seeds/capex-review.txt": None, "seeds/lonely.txt": "text\n"})
    assert findings_of(root) == [
        "seeds/capex-review.yaml:1:1: error: source document "
        "seeds/capex-review.<txt|pdf|html|xlsx|csv> is missing; put the document beside this "
        "file",
        "seeds/lonely.txt:1:1: error: source document has no metadata file; create "
        "seeds/lonely.yaml with a 'source:' block",
    ]


def test_missing_house_yaml(make_project):
    root = make_project()
    (root / "house.yaml").unlink()
    assert only_finding(root).startswith("house.yaml:1:1: error: house.yaml is missing")


def test_json_format_and_exit_codes(make_project):
    seed = replaced(SEED_YAML, "value: 58.86,", "value: 58.8,")
    root = make_project({"seeds/capex-review.yaml": seed})
    result = run_check(root, "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False and report["errors"] == 1
    assert report["findings"][0] | {"message": ""} == {
        "path": "seeds/capex-review.yaml",
        "line": 12,
        "col": 72,
        "message": "",
        "severity": "error",
    }
    usage = CliRunner().invoke(cli, ["-C", str(root), "check", "--format", "xml"])
    assert usage.exit_code == 2


def test_an_acknowledged_disagreement_is_not_a_conflict(make_project):
    other = replaced(
        replaced(
            replaced(
                replaced(SEED_YAML, "id: big4-capex-q3-2024", "id: big4-capex-other-view"),
                "value: 59.1,",
                "value: 60,",
            ),
            "+59.1%",
            "+60%",
        ),
        "    tags: [tech, capex]",
        "    tags: [tech, capex]\n    disagrees_with: [big4-capex-q3-2024]",
    )
    text = "In Q3 2024 capital expenditure increased to 58.86 billion USD, year-on-year +60%\n"
    assert findings_of(make_project({"seeds/other.yaml": other, "seeds/other.txt": text})) == []
    typo = replaced(other, "disagrees_with: [big4-capex-q3-2024]", "disagrees_with: [big4-capex-q3]")
    found = findings_of(make_project({"seeds/other.yaml": typo, "seeds/other.txt": text}))
    assert (
        "seeds/other.yaml:18:22: error: disagrees_with[0]: unknown claim 'big4-capex-q3' "
        "(did you mean 'big4-capex-q3-2024'?)" in found
    )


def test_mapping_keys_must_be_plain_values(make_project):
    assert only_finding(make_project({"seeds/capex-review.yaml": "? [a, b]\n: value\n"})) == (
        "seeds/capex-review.yaml:1:1: error: mapping keys must be plain values"
    )
