"""`check` on notes: every reference resolves, at the place it is written."""

from __future__ import annotations

import pytest

from sectornotes.api import check
from sectornotes.inputs.project import Project

from .conftest import NOTE_EN_YAML, replaced


def note_findings(sample_project, note_text: str, strict: bool = False) -> list[str]:
    (sample_project / "notes/capex-note.yaml").write_text(note_text, encoding="utf-8")
    return [f.format() for f in check(Project(sample_project), strict=strict).findings]


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("figures: [big4-growth]", "figures: [big4-grwoth]",
     "notes/capex-note.yaml:17:15: error: sections[0].figures[0]: unknown figure 'big4-grwoth' "
     "(did you mean 'big4-growth'?)"),
    ("see [@fig:big4-growth].", "see [@fig:big4-growth] and [@fig:other].",
     "notes/capex-note.yaml:16:98: error: [@fig:other]: figure 'other' is not embedded in this "
     "note; add it to a section's 'figures'"),
    ("analysts: [lin-mei]", "analysts: [lin-may]",
     "notes/capex-note.yaml:10:12: error: analysts[0]: 'lin-may' is not an analyst in house.yaml "
     "(did you mean 'lin-mei'?)"),
    ("rating: outperform", "rating: outperfrom",
     "notes/capex-note.yaml:8:9: error: rating: 'outperfrom' is not a sector rating in house.yaml "
     "(one of outperform, market-perform, underperform) (did you mean 'outperform'?)"),
    ("approved_by: lin-mei\n", "",
     "notes/capex-note.yaml:1:1: error: an approved note needs 'approved_by' and 'approved_at'"),
    ("date: 2025-03-05", "date: 2025-01-05",
     "notes/capex-note.yaml:4:7: error: date: the note is dated 2025-01-05 but relies on "
     "sources published after it (capex-review (2025-02-05): big4-capex-q3-2024); date the "
     "note on or after its latest source, or drop those claims"),
    ("Big-4 capex reached {big4-capex-q3-2024}", "Big-4 capex reached {unused-claim}",
     "notes/capex-note.yaml:16:27: error: {unused-claim}: claim 'unused-claim' has no data to "
     "interpolate; cite it with [@...] instead"),
    ("{big4-capex-q3-2024.capex-yoy}", "{big4-capex-q3-2024.capex-yo}",
     "notes/capex-note.yaml:12:17: error: {big4-capex-q3-2024.capex-yo}: claim "
     "'big4-capex-q3-2024' has no metric 'capex-yo' (it has capex, capex-yoy) "
     "(did you mean 'capex-yoy'?)"),
    ("{big4-capex-q3-2024.capex-yoy}", "{big4-capex-q3-2024.3}",
     "notes/capex-note.yaml:12:17: error: {big4-capex-q3-2024.3}: claim 'big4-capex-q3-2024' "
     "has 2 data point(s); use {big4-capex-q3-2024.1} to {big4-capex-q3-2024.2}"),
    ("risks:\n", "related: [auto-notes]\nrisks:\n",
     "notes/capex-note.yaml:18:11: error: related[0]: unknown note 'auto-notes' "
     "(did you mean 'auto-note'?)"),
    ("sector: tech", "sector: tech\nlanguage_hint: en",
     "notes/capex-note.yaml:3:1: error: top level: unknown key 'language_hint' (did you mean "
     "'language'?)"),
])
def test_bad_note_references(sample_project, old, new, expected):
    assert old in NOTE_EN_YAML
    found = note_findings(sample_project, replaced(NOTE_EN_YAML, old, new))
    assert expected in found, found


def test_figure_in_another_language_and_plotting_a_later_source(sample_project):
    figure = sample_project / "figures/big4-growth.yaml"
    figure.write_text(figure.read_text() + "language: zh\n")
    found = note_findings(sample_project, NOTE_EN_YAML)
    assert ("notes/capex-note.yaml:17:15: error: sections[0].figures[0]: figure 'big4-growth' is "
            "labelled in 'zh' but the note is in 'en'; use a figure in the note's language") in found
    figure.write_text(replaced(figure.read_text(), "language: zh\n", ""))
    found = note_findings(
        sample_project,
        replaced(
            replaced(
                replaced(
                    replaced(NOTE_EN_YAML, "date: 2025-03-05", "date: 2025-02-01"),
                    "[@big4-capex-q3-2024]",
                    "",
                    count=0,
                ),
                "{big4-capex-q3-2024}",
                "",
            ),
            "{big4-capex-q3-2024.capex-yoy}",
            "",
        ),
    )
    # A figure's claims count too, and the note gets one error, not one per reference.
    later = [line for line in found if "published after it" in line]
    assert later == [
        "notes/capex-note.yaml:4:7: error: date: the note is dated 2025-02-01 but relies on "
        "sources published after it (capex-review (2025-02-05): big4-capex-q3-2024); date the "
        "note on or after its latest source, or drop those claims"]


def test_strict_flags_the_uncited_number_where_it_is_typed(sample_project):
    text = replaced(
        NOTE_EN_YAML,
        "  - Demand may disappoint.",
        '  - "Demand may fall 12.5% in 2025 [@big4-capex-q3-2024]. Margins may drop 3.5%."',
    )
    assert note_findings(sample_project, text) == []
    found = note_findings(sample_project, text, strict=True)
    assert found == [
        "notes/capex-note.yaml:19:76: error: '3.5%' is typed into the prose "
        "without a citation; cite the claim ([@claim-id]) or interpolate it "
        "({claim-id})"
    ]


def test_previous_rating_interpolation_needs_a_previous_rating(sample_project):
    text = replaced(
        replaced(NOTE_EN_YAML, "previous_rating: market-perform\n", ""),
        "  - Demand may disappoint.",
        "  - We move from {previous-rating} to {rating}.",
    )
    assert note_findings(sample_project, text) == [
        "notes/capex-note.yaml:18:18: error: {previous-rating}: the note has no previous_rating"
    ]


def test_a_note_dated_before_its_sources_gets_one_error(sample_project):
    found = note_findings(sample_project, replaced(NOTE_EN_YAML, "date: 2025-03-05",
                                                   "date: 2025-01-05"))
    assert sum("published after it" in line for line in found) == 1
    assert NOTE_EN_YAML.count("big4-capex-q3-2024") >= 4  # cited and plotted several times
