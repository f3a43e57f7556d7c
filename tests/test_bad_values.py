"""Every bad value is one finding at its place: impossible dates and times, numbers out of
range, wrong types. Nothing becomes an internal error, the other files' findings are
still printed, and notes and figures citing a claim that could not be loaded add no
"unknown claim" errors of their own (one note line per cause says they wait for it)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from sectornotes.commands.cli import cli
from sectornotes.inputs.project import Project
from sectornotes.loaded.project import load_project

from .conftest import edit_file, line_of

pytestmark = pytest.mark.slow  # full builds

SEED = "seeds/csc-deepseek-market-rhythm.yaml"
CLAIM = "big4-csp-capex-q3-2024"  # cited by three notes and figures


def findings(root) -> list[str]:
    return [f.format() for f in load_project(Project(root), cache=False).findings]


def errors(root) -> list[str]:
    return [f.format() for f in load_project(Project(root), cache=False).errors]


def test_an_impossible_note_date_is_one_error_at_its_place(repo_project):
    note = repo_project / "notes/china-ai-after-deepseek.yaml"
    edit_file(note, "date: 2025-06-03\n", "date: 2025-02-30\n")
    edit_file(repo_project / "figures/big4-csp-capex-growth.yaml", "kind: ", "kind: pie #")
    found = errors(repo_project)
    line = line_of(note, "date: ")
    assert (f"notes/china-ai-after-deepseek.yaml:{line}:7: error: date: 2025-02-30 is not a "
            "date (February 2025 has 28 days)") in found
    assert [e for e in found if e.startswith("notes/china-ai")] == [
        f"notes/china-ai-after-deepseek.yaml:{line}:7: error: date: 2025-02-30 is not a date "
        "(February 2025 has 28 days)"]
    assert any(e.startswith("figures/big4-csp-capex-growth.yaml") for e in found)  # still shown
    result = CliRunner().invoke(cli, ["-C", str(repo_project), "check"])
    assert result.exit_code == 1 and "internal error" not in result.output
    assert "Traceback" not in result.output


def test_an_impossible_time_and_month_each_say_why(repo_project):
    note = repo_project / "notes/china-ai-after-deepseek.yaml"
    edit_file(note, "completed: 2025-06-03T08:00:00+08:00", "completed: 2025-06-03T25:00:00+08:00")
    found = [e for e in errors(repo_project) if e.startswith("notes/china-ai")]
    assert found == [f"notes/china-ai-after-deepseek.yaml:{line_of(note, 'completed:')}:12: error: "
                     "completed: 2025-06-03T25:00:00+08:00 is not a date and time (hours go "
                     "from 00 to 23, minutes and seconds from 00 to 59)"]
    edit_file(note, "completed: 2025-06-03T25:00:00+08:00", "completed: 2025-13-03T08:00:00+08:00")
    assert "(there is no month 13; months go from 01 to 12)" in "\n".join(errors(repo_project))


def test_a_quoted_impossible_date_gets_the_same_words(repo_project):
    note = repo_project / "notes/china-ai-after-deepseek.yaml"
    edit_file(note, "date: 2025-06-03\n", 'date: "2024-02-30"\n')
    found = [e for e in errors(repo_project) if e.startswith("notes/china-ai")]
    assert found == [f"notes/china-ai-after-deepseek.yaml:{line_of(note, 'date: ')}:7: error: "
                     "date: 2024-02-30 is not a date (February 2024 has 29 days)"]


def _claim_errors(root) -> tuple[list[str], list[str]]:
    everything = findings(root)
    return ([f for f in everything if ": error: " in f],
            [f for f in everything if ": note: " in f])


def test_a_wrong_typed_claim_value_is_one_error_and_no_cascade(repo_project):
    seed = repo_project / SEED
    edit_file(seed, "        value: 58.86\n", "        value: [58.86]\n")
    found, notes = _claim_errors(repo_project)
    line = line_of(seed, "        value: [58.86]")
    assert [f.split(": error: ")[0] for f in found] == [f"{SEED}:{line}:16"]
    assert found[0].endswith(".data[0].value: expected a number, got list [58.86]")
    assert len(notes) == 1 and notes[0].endswith(
        f"cite claims of {SEED}, which has errors; fix those first")
    assert "12 places in figures/big4-csp-capex-growth.yaml, notes/china-ai-after-deepseek.yaml" \
        in notes[0]


def test_a_page_out_of_range_is_one_error_and_the_files_other_claims_still_load(repo_project):
    seed = repo_project / "seeds/lanternfield-weekly-digest.yaml"
    edit_file(seed, "      page: 1\n", "      page: 0\n", count=0)
    found, _ = _claim_errors(repo_project)
    assert found == [
        "seeds/lanternfield-weekly-digest.yaml:19:13: error: claims[0].source.page: 0 is out of "
        "range: it must be at least 1",
        "seeds/lanternfield-weekly-digest.yaml:26:13: error: claims[1].source.page: 0 is out of "
        "range: it must be at least 1"]
    model = load_project(Project(repo_project), cache=False)
    assert "digest-supply-chain-long-term" in model.registry.claims  # a neighbour still loads


def test_one_bad_claim_leaves_its_neighbours_registered(repo_project):
    seed = repo_project / SEED
    edit_file(seed, "        value: 58.86\n", "        value: fifty\n")
    model = load_project(Project(repo_project), cache=False)
    assert CLAIM not in model.registry.claims and CLAIM in model.registry.unloadable
    others = [c for c in model.registry.claims.values() if c.source_id == seed.stem]
    assert len(others) > 5  # the rest of the file still loads and is proved


def test_a_seed_with_a_syntax_error_gives_one_error_and_one_note(repo_project):
    seed = repo_project / SEED
    edit_file(seed, "        value: 58.86\n", "        value: [58.86\n")
    found, notes = _claim_errors(repo_project)
    assert len([f for f in found if f.startswith(SEED)]) == 1
    assert not any("unknown claim" in f for f in found), found
    assert len(notes) == 1 and SEED in notes[0]


def test_an_unknown_claim_is_still_an_error(repo_project):
    note = repo_project / "notes/china-ai-after-deepseek.yaml"
    edit_file(note, f"[@{CLAIM}]", "[@no-such-claim]", count=0)
    found = errors(repo_project)
    assert any("unknown claim 'no-such-claim'" in f for f in found)


def test_a_build_refuses_a_note_citing_a_claim_that_could_not_be_loaded(repo_project):
    edit_file(repo_project / SEED, "        value: 58.86\n", "        value: fifty\n")
    result = CliRunner().invoke(cli, ["-C", str(repo_project), "build", "--format", "html",
                                      "china-ai-after-deepseek"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert not (repo_project / "build/html/china-ai-after-deepseek.html").exists()


def _line_break_in(path, line_start: str) -> tuple[int, str]:
    """Put a CR LF inside the double-quoted value of the line starting with `line_start`."""
    text = path.read_text(encoding="utf-8")
    line = next(each for each in text.splitlines() if each.startswith(line_start))
    key, _, value = line.partition(": ")
    edit_file(path, line, f'{key}: "{value.strip(chr(34))[:8]}\\r\\nBcc: x@evil.example"')
    return line_of(path, f'{key}: "'), key.strip()


@pytest.mark.parametrize(("file", "line_start"), [
    ("notes/tech-outlook-2025h2.yaml", "title:"),
    ("figures/big4-csp-capex-growth.yaml", "title:"),
    ("seeds/csc-deepseek-market-rhythm.yaml", "  title:"),
])
def test_a_line_break_in_a_title_is_one_error_at_its_place(repo_project, file, line_start):
    # Titles go into mail subjects, PDF metadata and RIXML: one line, or header injection.
    line, key = _line_break_in(repo_project / file, line_start)
    found = errors(repo_project)
    mine = [e for e in found if e.startswith(f"{file}:")]
    assert len(mine) == 1 and mine[0].startswith(f"{file}:{line}:")
    assert "one line of text, without line breaks or control characters" in mine[0]
