"""Regimes: removing any element a regime requires from the sample fails check at the
place to fill it, and build refuses the note (check only: fast)."""

from __future__ import annotations

import pytest

from sectornotes.compliance.regime import registered_regimes
from sectornotes.engine.run import build
from sectornotes.inputs.project import Project
from sectornotes.loaded.project import load_project

from .conftest import drop_key, edit_file, line_of

NOTE = "notes/tech-outlook-2025h2.yaml"

# (regime, element, file edited, line removed with what it nests, file reported,
#  line the report points at (its start; a missing top-level key points at the file's
#  first key) or None for 1:1, words of the message)
CASES = [
    ("finra", "certification", "house.yaml", "certification:", "house.yaml", "firm:",
     "FINRA 2241 requires the analyst certification (Reg AC); add 'certification:'"),
    ("finra", "benchmark", "house.yaml", "    sector:", "house.yaml", "  benchmark:",
     "FINRA 2241 requires a named benchmark for each rating scale; add "
     "'ratings.benchmark.sector:'"),
    ("finra", "disclosures", "compliance.yaml", "  tech:", "compliance.yaml", "subjects:",
     "FINRA 2241 requires the firm's conflicts of interest for each subject"),
    ("finra", "price-chart", NOTE, "    series:", NOTE, "  - id: tech",
     "FINRA 2241 requires a price chart marking each rating change of each subject; add "
     "'series:' to subjects[0] (tech)"),
    ("finra", "risks", NOTE, "risks:", NOTE, None,
     "FINRA 2241 requires the risks that may impede the rating or target; add 'risks:'"),
    ("mar", "competent-authority", "house.yaml", "  competent_authority:", "house.yaml",
     "firm:", "MAR requires the producer's competent authority; add "
     "'firm.competent_authority:'"),
    ("mar", "completed", NOTE, "completed:", NOTE, None,
     "MAR requires the date and time the note was completed; add 'completed:'"),
    ("mar", "update-frequency", NOTE, "update_frequency:", NOTE, None,
     "MAR requires the planned frequency of updates; add 'update_frequency:'"),
    ("mar", "valuation", NOTE, "valuation:", NOTE, None,
     "MAR requires a summary of the basis of valuation or method; add 'valuation:'"),
    ("mar", "risks", NOTE, "risks:", NOTE, None,
     "MAR requires the risks to the recommendation; add 'risks:'"),
    ("mar", "benchmark", "house.yaml", "    sector:", "house.yaml", "  benchmark:",
     "MAR requires a named benchmark for each rating scale"),
    ("mar", "disclosures", "compliance.yaml", "  tech:", "compliance.yaml", "subjects:",
     "MAR requires the firm's conflicts of interest for each subject"),
    ("csrc", "licence", "house.yaml", "  licence:", "house.yaml", "firm:",
     "CSRC requires the institution's licence statement and number; add 'firm.licence:'"),
    ("csrc", "registration", "house.yaml", "    registration: SAMPLE-S0003", "house.yaml",
     "  - id: daniel-okafor", "CSRC requires each analyst's registration number (执业证书编号); "
     "add 'registration:' to analyst 'daniel-okafor'"),
    ("csrc", "certification", "house.yaml", "certification:", "house.yaml", "firm:",
     "CSRC requires the analyst statement (分析师声明)"),
    ("csrc", "risks", NOTE, "risks:", NOTE, None, "CSRC requires risk warnings (风险提示)"),
    ("csrc", "recipient-notice", "house.yaml", "recipient_notice:", "house.yaml", "firm:",
     "CSRC requires a statement that receiving the note does not make the recipient a "
     "client; add 'recipient_notice:'"),
    ("csrc", "completed", NOTE, "completed:", NOTE, None,
     "CSRC requires the date and time the note was completed"),
    ("csrc", "disclosures", "compliance.yaml", "  tech:", "compliance.yaml", "subjects:",
     "CSRC requires the firm's conflicts of interest for each subject"),
]
# Required only when a subject has a target price: tested below with a company subject.
TARGET_ONLY = {("finra", "valuation"), ("mar", "sensitivity")}


def test_every_element_of_every_regime_has_a_case():
    declared = {(regime, element.id) for regime, entry in registered_regimes().items()
                for element in entry.elements}
    assert {(case[0], case[1]) for case in CASES} | TARGET_ONLY == declared


def test_the_sample_passes_all_three_regimes(repo_project):
    model = load_project(repo_project, strict=True)
    assert model.ok, [f.format() for f in model.errors]
    assert all(load.spec.status == "approved" for load in model.notes.values())
    assert model.house is not None and model.house.regimes == ["finra", "mar", "csrc"]


@pytest.mark.parametrize(("regime", "element", "edited", "drop", "reported", "anchor",
                          "message"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_removing_an_element_fails_check_at_the_place_to_fill_it(
        repo_project, regime, element, edited, drop, reported, anchor, message):
    drop_key(repo_project / edited, drop)
    model = load_project(repo_project)
    matching = [f for f in model.errors if message in f.message]
    assert matching, [f.format() for f in model.errors]
    line = line_of(repo_project / reported, anchor) if anchor else 1
    assert {(f.path, f.line) for f in matching} >= {(reported, line)}, \
        [f.format() for f in matching]
    assert "tech-outlook-2025h2" in model.regime_gaps


@pytest.mark.slow  # builds the project
def test_a_note_that_misses_an_element_is_not_built(repo_project):
    drop_key(repo_project / NOTE, "update_frequency:")
    result = build(Project(repo_project), ("tech-outlook-2025h2",), formats=("html",))
    assert not result.ok
    reason = result.failed["html/tech-outlook-2025h2.html"]
    assert "not publishable" in reason and "planned frequency of updates" in reason
    assert not (repo_project / "build/html/tech-outlook-2025h2.html").exists()


def test_a_draft_is_not_held_to_the_regimes(repo_project):
    drop_key(repo_project / NOTE, "update_frequency:")
    edit_file(repo_project / NOTE, "status: approved\n", "status: draft\n")
    assert "tech-outlook-2025h2" not in load_project(repo_project).regime_gaps


def test_a_note_may_name_its_own_regimes(repo_project):
    drop_key(repo_project / NOTE, "update_frequency:")  # MAR only
    edit_file(repo_project / NOTE, "completed:", "regimes: [finra, csrc]\ncompleted:")
    assert "tech-outlook-2025h2" not in load_project(repo_project).regime_gaps


COMPANY = """subjects:
  - id: 0700.HK
    kind: company
    name: Tencent
    rating: buy
    target: {value: 520, currency: HKD}
    series: china-tech-index-illustrative
"""


def test_a_target_price_needs_its_valuation_and_sensitivity(repo_project):
    drop_key(repo_project / NOTE, "subjects:")
    edit_file(repo_project / NOTE, "completed:", COMPANY + "  - id: tech\n    kind: sector\n"
              "    name: Technology\n    rating: outperform\n"
              "    series: china-tech-index-illustrative\ncompleted:")
    drop_key(repo_project / NOTE, "valuation:")
    messages = [f.message for f in load_project(repo_project).errors]
    assert any("FINRA 2241 requires the valuation method behind a target price" in m
               for m in messages), messages
    assert any("MAR requires the sensitivity of the target to its key assumptions; add "
               "'sensitivity:'" in m for m in messages), messages


# ---------------------------------------------------------------- a scale that contradicts itself

SCALE_ATTACKS = [
    # a 'Hold' that outperforms (the sample's old scale)
    ("{id: hold, label: {en: Hold, zh: 持有}, min_relative_return: -5, max_relative_return: 5}",
     "{id: hold, label: {en: Hold, zh: 持有}, min_relative_return: 5, max_relative_return: 15}",
     "'Hold' means performing in line with the benchmark"),
    # a gap between two bands
    ("{id: reduce, label: {en: Reduce, zh: 减持}, min_relative_return: -15, "
     "max_relative_return: -5}",
     "{id: reduce, label: {en: Reduce, zh: 减持}, min_relative_return: -15, "
     "max_relative_return: -8}", "its upper bound (-8.0) must be the lower bound of 'hold'"),
    # a second horizon written into a definition
    ("{id: buy, label: {en: Buy, zh: 买入}, min_relative_return: 15}",
     "{id: buy, label: {en: Buy, zh: 买入}, min_relative_return: 15, definition: {en: Expected "
     "to beat the benchmark by over 15% within 6 months., zh: 未来 6 个月内涨幅 15% 以上。}}",
     "the definition says 6 months but the scale's horizon is 12"),
    # a definition stating another bound than the rating has
    ("{id: buy, label: {en: Buy, zh: 买入}, min_relative_return: 15}",
     "{id: buy, label: {en: Buy, zh: 买入}, min_relative_return: 15, definition: {en: Expected "
     "to beat the benchmark by over 20% within 12 months., zh: 未来 12 个月内涨幅 15% 以上。}}",
     "the definition states 20% but the rating's bounds are [15.0]"),
    # the best rating with a ceiling
    ("{id: outperform, label: {en: Outperform, zh: 强于大市}, min_relative_return: 5}",
     "{id: outperform, label: {en: Outperform, zh: 强于大市}, min_relative_return: 5, "
     "max_relative_return: 50}", "the best rating has no upper bound"),
]


@pytest.mark.parametrize(("old", "new", "message"), SCALE_ATTACKS,
                         ids=["hold-outperforms", "gap", "two-horizons", "wrong-bound", "ceiling"])
def test_a_rating_scale_that_contradicts_itself_fails_check(repo_project, old, new, message):
    edit_file(repo_project / "house.yaml", old, new)
    errors = [f for f in load_project(repo_project).errors if message in f.message]
    assert errors and all(f.path == "house.yaml" for f in errors), \
        [f.format() for f in load_project(repo_project).errors]
    assert errors[0].line > 90  # at the rating, inside 'ratings:'


def test_rating_definitions_are_written_from_bounds_horizon_and_benchmark():
    from sectornotes.language.i18n import rating_definition, rating_scale
    from sectornotes.loaded.project import load_house

    from .conftest import REPO_ROOT

    house = load_house(Project(REPO_ROOT))[0]
    assert house is not None
    hold = rating_scale(house, "company")[2]
    assert rating_definition(house, "company", hold, "en").startswith(
        "Expected to return between −5% and +5% relative to the main index of the stock's "
        "primary market")
    outperform = rating_scale(house, "sector")[0]
    assert rating_definition(house, "sector", outperform, "zh") == \
        "预计未来 12 个月内相对沪深 300 指数的回报高于 +5%。"


# ---------------------------------------------------------------- subjects, series, compliance data

def test_a_subject_with_an_unknown_rating_or_series_fails_check(repo_project):
    edit_file(repo_project / NOTE, "    rating: outperform\n    series: china-tech-index-"
              "illustrative", "    rating: buy\n    series: china-tek-index-illustrative")
    messages = [f.format() for f in load_project(repo_project).errors]
    assert any("subjects[0].rating: 'buy' is not a sector rating in house.yaml" in m
               for m in messages), messages
    assert any("subjects[0].series: no series 'china-tek-index-illustrative' in seeds/" in m
               and "did you mean 'china-tech-index-illustrative'" in m for m in messages)
    assert any("rating: 'outperform' is not the rating of any sector subject" in m
               for m in messages)


@pytest.mark.parametrize(("old", "new", "line", "message"), [
    ("2022-06-02,", "2022-06-31,", 3, "'2022-06-31' is not a date (YYYY-MM-DD)"),
    ("2022-06-02,", "2022-05-31,", 3, "2022-05-31 does not follow 2022-06-01"),
    ("date,value", "day,close", 1, "a series starts with the header 'date,value'"),
], ids=["bad-date", "out-of-order", "header"])
def test_a_broken_series_fails_check_at_its_line(repo_project, old, new, line, message):
    csv_path = repo_project / "seeds/csi300-illustrative.csv"
    edit_file(csv_path, old, new)
    errors = [f for f in load_project(repo_project).errors if message in f.message]
    assert [(f.path, f.line) for f in errors] == [("seeds/csi300-illustrative.csv", line)]


def test_a_value_that_is_not_a_number_is_reported_at_its_column(repo_project):
    csv_path = repo_project / "seeds/csi300-illustrative.csv"
    text = csv_path.read_text()
    value = text.splitlines()[2].split(",")[1]
    edit_file(csv_path, f"2022-06-02,{value}", "2022-06-02,n/a")
    errors = [f for f in load_project(repo_project).errors if "'n/a' is not a number" in f.message]
    assert [(f.line, f.col) for f in errors] == [(3, 12)]


def test_compliance_data_naming_an_unknown_analyst_or_a_date_twice_fails(repo_project):
    edit_file(repo_project / "compliance.yaml", "        market_making: false\n  media:",
              "        market_making: false\n        analyst_holdings: [lin-mai]\n  media:")
    edit_file(repo_project / "compliance.yaml", "        market_making: false\n"
              "      - effective: 2025-01-01", "        market_making: false\n"
              "      - effective: 2024-01-01")
    messages = [f.format() for f in load_project(repo_project).errors]
    assert any("compliance.yaml:18:28: error: subjects.tech.disclosures[0].analyst_holdings[0]: "
               "'lin-mai' is not an analyst in house.yaml (did you mean 'lin-mei'?)" in m
               for m in messages), messages
    assert any("2024-01-01 is used twice; one entry per date" in m for m in messages)


def test_a_completion_time_without_its_offset_fails_check(repo_project):
    edit_file(repo_project / NOTE, "completed: 2025-06-05T07:30:00+08:00",
              "completed: 2025-06-05T07:30:00")
    messages = [f.format() for f in load_project(repo_project).errors]
    assert any(m.startswith(f"{NOTE}:") and "write the completion time with its UTC offset"
               in m for m in messages), messages


# ---------------------------------------------------------------- what the disclosures depend on

@pytest.mark.slow  # builds twice
def test_disclosures_rebuild_exactly_the_notes_whose_disclosures_change(repo_project):
    project = Project(repo_project)
    assert build(project, formats=("html",)).ok
    edit_file(repo_project / "compliance.yaml", "a member of the firm's staff",
              "a former member of the firm's staff")
    assert set(build(project, formats=("html",)).built) == {"html/media-deepseek-ai-shift.html"}
    # An earlier note on the same subject is a row of the later note's history.
    china_ai = repo_project / "notes/china-ai-after-deepseek.yaml"
    edit_file(china_ai, "analysts: [lin-mei, daniel-okafor]", "analysts: [lin-mei]")
    rebuilt = set(build(project, formats=("html",)).built)
    assert rebuilt == {"html/china-ai-after-deepseek.html", "html/tech-outlook-2025h2.html"}
    page = (repo_project / "build/html/tech-outlook-2025h2.html").read_text()
    assert "<td>Outperform</td><td>–</td><td>Lin Mei</td>" in page


def test_a_previous_rating_that_history_contradicts_fails_check(repo_project):
    edit_file(repo_project / NOTE, "previous_rating: outperform", "previous_rating: underperform")
    messages = [f.format() for f in load_project(repo_project).errors]
    assert f"{NOTE}:12:18: error: previous_rating: 'underperform', but the last note on 'tech', " \
        "china-ai-after-deepseek (2025-06-03), rated it 'outperform'; set previous_rating: " \
        "outperform" in messages, messages


def test_a_lowest_rating_with_a_floor_fails_check(repo_project):
    edit_file(repo_project / "house.yaml",
              "{id: underperform, label: {en: Underperform, zh: 弱于大市}, max_relative_return: -5}",
              "{id: underperform, label: {en: Underperform, zh: 弱于大市}, "
              "min_relative_return: -40, max_relative_return: -5}")
    assert any("ratings.sector[2] (underperform): the lowest rating has no lower bound; "
               "remove 'min_relative_return'" in f.message
               for f in load_project(repo_project).errors)


def test_a_target_on_a_sector_and_a_bad_ticker_fail_check(repo_project):
    edit_file(repo_project / NOTE, "    rating: outperform\n    series:",
              "    rating: outperform\n    target: {value: 10, currency: HKD}\n    series:")
    edit_file(repo_project / "notes/china-ai-after-deepseek.yaml", "  - {id: 0700.HK,",
              "  - {id: 0700 HK,")
    messages = [f.format() for f in load_project(repo_project).errors]
    assert any(m.startswith(f"{NOTE}:") and "subjects[0].target: only a company has a target "
               "price" in m for m in messages), messages
    assert any("'0700 HK' is not a ticker or sector id (letters, digits, '.' and '-', e.g. "
               "0700.HK)" in m for m in messages), messages


def test_a_subject_whose_disclosures_start_after_the_note_fails_check(repo_project):
    edit_file(repo_project / "compliance.yaml", "  tech:\n    disclosures:\n"
              "      - effective: 2024-01-01", "  tech:\n    disclosures:\n"
              "      - effective: 2025-06-04")
    errors = [f for f in load_project(repo_project).errors
              if "'tech' has no disclosures effective on or before 2025-06-03" in f.message]
    assert errors and errors[0].path == "compliance.yaml" and errors[0].line == line_of(
        repo_project / "compliance.yaml", "  tech:")


def test_a_series_dated_after_its_last_value_fails_check(repo_project):
    edit_file(repo_project / "seeds/csi300-illustrative.yaml", "as_of: 2025-06-06",
              "as_of: 2025-07-01")
    assert any(f.path == "seeds/csi300-illustrative.yaml" and "series.as_of: 2025-07-01 is "
               "after the last date in seeds/csi300-illustrative.csv (2025-06-06)" in f.message
               for f in load_project(repo_project).errors)


def test_a_coverage_row_citing_an_unknown_or_empty_claim_fails_check(repo_project):
    coverage = repo_project / "figures/china-internet-coverage.yaml"
    edit_file(coverage, "target: tencent-target-price", "target: tencent-target-prize")
    edit_file(coverage, "target: baidu-target-price", "target: deepseek-r1-release-2025-01-20")
    messages = [f.message for f in load_project(repo_project).errors]
    assert any("rows[0].target: unknown claim 'tencent-target-prize' (did you mean "
               "'tencent-target-price'?)" in m for m in messages), messages
    assert any("rows[2].target: claim 'deepseek-r1-release-2025-01-20' states no number "
               "(no 'data')" in m for m in messages), messages
