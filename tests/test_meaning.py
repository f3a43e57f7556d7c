"""Number meaning, attacked: each test changes a real claim of the sample project so that its
digits are still in the quote but the meaning is wrong, and check must fail at the claim's
place naming the problem. The unchanged project passes."""

from __future__ import annotations

from pathlib import Path

import pytest

from sectornotes.inputs.project import Project
from sectornotes.loaded.project import load_project

from .conftest import edit_file, replaced

CITIC = "seeds/citic-tech-outlook-2025h2.yaml"
CSC = "seeds/csc-deepseek-market-rhythm.yaml"
HUAFU = "seeds/huafu-media-deepseek.yaml"


@pytest.fixture
def project(repo_project: Path) -> Path:
    return repo_project


def errors(root: Path) -> list[str]:
    return [f.format() for f in load_project(Project(root), cache=False).errors]


def test_the_sample_project_passes(project):
    assert errors(project) == []


def test_exchanged_values_of_a_slash_list_name_both_entities(project):
    # Alibaba/Tencent ... 141%/91%: give Alibaba Tencent's growth.
    edit_file(project / CITIC, "        entity: Alibaba\n        period: \"2025-Q1\"\n"
                               "        value: 141\n",
              "        entity: Alibaba\n        period: \"2025-Q1\"\n        value: 91\n")
    found = errors(project)
    assert any(line.startswith(f"{CITIC}:303:16: error: claim 'alibaba-capex-2025q1' "
                               "data[0].value: the quote lists 'Alibaba' as item 1 of 2, so "
                               "its number is 141, not 91 (item 2, 'Tencent'): values exchanged?")
               for line in found), found


def test_exchanged_values_within_one_claim(project):
    period = '        period: "2025-01-01/2025-05-27"\n'
    edit_file(project / CITIC, f"Hang Seng Tech Index\n{period}        value: 15\n",
              f"Hang Seng Tech Index\n{period}        value: 6\n")
    edit_file(project / CITIC, f"Golden Dragon China Index\n{period}        value: 6\n",
              f"Golden Dragon China Index\n{period}        value: 15\n")
    found = "\n".join(errors(project))
    assert "claim 'global-tech-index-returns-2025ytd' data[0].value: the quote lists 'Hang " \
           "Seng Technology Index' as item 1 of 4, so its number is +15, not +6" in found
    assert "data[1].value: the quote lists 'Golden Dragon China Index' as item 2 of 4, so its " \
           "number is +6, not +15" in found


def test_a_list_entity_the_quote_does_not_name_asks_for_an_alias(project):
    edit_file(project / "house.yaml", "  Nasdaq Composite: [Nasdaq Index, NASDAQ index, 纳斯达克指数]\n",
              "")
    found = "\n".join(errors(project))
    assert ("cannot tell which number of the list +15/+6/-3/-6 belongs to 'Nasdaq Composite': "
            "the quote does not name it; add the name the quote uses to house.yaml entities") \
        in found


def test_a_negative_value_needs_its_own_minus_or_decline_word(project):
    # "rising by +16.5": the quote speaks of a decline nowhere near this number.
    edit_file(project / CSC, "value: 16.5", "value: -16.5")
    found = "\n".join(errors(project))
    assert ("data[0].value: the value is negative but the quote writes +16.5 without a minus "
            "sign or a word of decline at that number") in found


def test_a_positive_value_after_a_decline_word_is_an_error(project):
    text = (project / CSC).read_text(encoding="utf-8")
    assert "value: -0.3" in text
    edit_file(project / CSC, "value: -0.3", "value: 0.3")
    found = "\n".join(errors(project))
    assert "the quote writes -0.3 but the value is positive; add the minus sign" in found


def test_a_qualifier_the_quote_writes_is_required(project):
    edit_file(project / CSC, "        qualifier: over\n", "", count=0)
    found = "\n".join(errors(project))
    assert ("claim 'bytedance-ai-infrastructure-2025' data[0]: the quote qualifies the number "
            "('over'); add qualifier: over so readers see it too") in found


def test_a_qualifier_the_quote_does_not_write_is_refused(project):
    edit_file(project / CITIC, "        value: 345\n", "        value: 345\n        qualifier: about\n")
    found = "\n".join(errors(project))
    assert ("data[0]: qualifier: about is not written at the number in the quote; remove it or "
            "quote the words that say it") in found


def test_a_different_qualifier_is_refused(project):
    edit_file(project / CSC, "        qualifier: nearly\n", "        qualifier: about\n")
    assert any("qualifier: about, but the quote says 'nearly' at the number" in line
               for line in errors(project))


def test_a_number_written_twice_needs_at(project):
    edit_file(project / CSC, "        at: \"in the 200,000 yuan range\"\n", "")
    found = "\n".join(errors(project))
    assert ("claim 'smart-driving-standard-200k-2024' data[0].value: 200,000 is written 2 times "
            "in the quote with its unit, so which one this point means is ambiguous; add at:") \
        in found


def test_an_at_hint_must_be_in_the_quote_and_hold_the_number(project):
    edit_file(project / CSC, "at: \"in the 200,000 yuan range\"", "at: \"in the 300,000 range\"")
    assert any("at: \"in the 300,000 range\" is not a phrase of the quote" in line
               for line in errors(project))
    edit_file(project / CSC, "at: \"in the 300,000 range\"", "at: \"sinking into the price\"")
    assert any("at: \"sinking into the price\" must contain the number 200,000 exactly once"
               in line for line in errors(project))


def test_a_value_not_in_the_quote_lists_the_numbers_that_are(project):
    edit_file(project / CSC, "        value: 58.86\n", "        value: 58.68\n")
    assert any("58.68 is not written in the quote; the numbers written with unit 'USD bn' are "
               "58.86" in line for line in errors(project))


YOY_POINT = ("      - metric: capex-yoy\n        entity: Big-4 US CSPs\n        period: 2024-Q3\n"
             "        value: 59.1\n")


def test_growth_on_the_wrong_basis_names_the_word_the_quote_uses(project):
    edit_file(project / CSC, YOY_POINT, replaced(YOY_POINT, "capex-yoy", "capex-qoq"))
    assert any(line.startswith(f"{CSC}:122:17: error: claim 'big4-csp-capex-q3-2024' "
                               "data[1].metric: the quote says 'year-on-year' next to +59.1, "
                               "which is a yoy figure, but metric 'capex-qoq' is qoq; use the "
                               "metric the quote states") for line in errors(project))


def test_a_level_metric_on_a_growth_number_is_refused(project):
    edit_file(project / CSC, YOY_POINT, replaced(YOY_POINT, "capex-yoy", "capex-guidance"))
    assert any("data[1].metric: the quote says 'year-on-year' next to +59.1, which is a yoy "
               "figure, but metric 'capex-guidance' is a level (no growth word)" in line
               for line in errors(project))


def test_a_metric_outside_the_vocabulary_warns_and_fails_strict(project):
    edit_file(project / CSC, YOY_POINT, replaced(YOY_POINT, "capex-yoy", "capex-growthh"))
    model = load_project(Project(project), cache=False)
    warnings = [f.format() for f in model.findings if f.severity == "warning"]
    # (notes citing {…capex-yoy} now fail too; the claim itself only warns)
    assert [f for f in model.errors if f.path == CSC] == [] and warnings == [
        f"{CSC}:122:17: warning: claim 'big4-csp-capex-q3-2024' data[1].metric: 'capex-growthh' "
        "is not in the metric vocabulary; declare it in house.yaml metrics: with its "
        "description, so check knows which words state it"]
    strict = load_project(Project(project), strict=True, cache=False)
    assert [f.format() for f in strict.errors if f.path == CSC] == [
        w.replace(": warning: ", ": error: ") for w in warnings]


def test_an_amount_of_money_needs_a_currency(project):
    edit_file(project / CSC, "        value: 58.86\n        unit: USD bn\n",
              "        value: 58.86\n        unit: bn\n")
    assert any(line.startswith(f"{CSC}:117:17: error: claim 'big4-csp-capex-q3-2024' "
                               "data[0].metric: an amount of money needs a unit with its "
                               "currency (USD bn, RMB bn, EUR bn …), not 'bn'")
               for line in errors(project))


def test_a_period_the_quote_does_not_state_is_an_error(project):
    # The Big-4 Q3 2024 point moved to Q2: its context says Q3 2024.
    edit_file(project / CSC, "      - metric: capex\n        entity: Big-4 US CSPs\n"
                             "        period: 2024-Q3\n",
              "      - metric: capex\n        entity: Big-4 US CSPs\n        period: 2024-Q2\n")
    assert any("claim 'big4-csp-capex-q3-2024' data[0].period: 2024-Q2 is not stated in the quote "
               "or its context; quote the passage that names it as source.context" in line
               for line in errors(project))


def test_a_wrong_year_is_an_error(project):
    edit_file(project / HUAFU, "        period: \"2025-01-27\"\n", "        period: \"2024-01-27\"\n")
    assert any("claim 'deepseek-us-download-rank-first-jan27' data[0].period: 2024-01-27 is not "
               "stated in the quote" in line for line in errors(project))


def test_a_context_passage_is_verified_like_the_quote(project):
    edit_file(project / CSC, 'context: "and in Q3 of 2024"', 'context: "and in Q3 of 2025"')
    assert any("claim 'big4-csp-capex-q3-2024': source.context is not in "
               "seeds/csc-deepseek-market-rhythm.txt; copy the passage verbatim" in line
               for line in errors(project))


def test_a_value_written_with_its_unit_says_how_to_write_it(project):
    edit_file(project / CSC, "        value: 58.86\n", "        value: \"58.86 billion\"\n")
    assert any("data[0].value: write the number alone, 58.86 and its unit in 'unit:' "
               "(\"billion\"): '58.86 billion' is text, not a number" in line
               for line in errors(project))


def test_an_unquoted_percent_sign_says_to_quote_it(project):
    edit_file(project / CSC, "        value: 59.1\n        unit: \"%\"\n",
              "        value: 59.1\n        unit: %\n")
    assert any("a value cannot start with '%' in YAML: put it in quotes, e.g. unit: \"%\""
               in line for line in errors(project))


def test_a_series_mixing_period_lengths_needs_a_reason_and_shows_it(project):
    figure = project / "figures/big4-csp-capex-growth.yaml"
    edit_file(figure, 'allow_mixed: "two quarters beside the full-year 2025 forecast"\n', "")
    assert ("figures/big4-csp-capex-growth.yaml:2:7: error: the series mixes periods of "
            "different lengths (quarter, year); split the figure, filter it, or say why with "
            "allow_mixed: \"…\" (the caption then states it)") in errors(project)


def test_a_series_mixing_metrics_needs_a_reason(project):
    figure = project / "figures/china-auto-volumes-2025e.yaml"
    text = figure.read_text(encoding="utf-8")
    reason = next(line for line in text.splitlines() if line.startswith("allow_mixed:"))
    edit_file(figure, reason + "\n", "")
    assert any("error: the series mixes different metrics (auto-exports, auto-sales, "
               "nev-exports, passenger-car-sales)" in line for line in errors(project))


def test_the_reason_for_mixing_is_in_the_caption(project):
    from sectornotes.api import render_note_html

    html = render_note_html(project, "china-ai-after-deepseek")
    assert "(Mixed: two quarters beside the full-year 2025 forecast.)" in html


def test_a_line_through_two_points_is_a_warning(project):
    edit_file(project / "figures/deepseek-us-download-rank.yaml", "kind: table", "kind: line")
    model = load_project(Project(project), cache=False)
    assert model.ok
    assert ("figures/deepseek-us-download-rank.yaml:2:7: warning: the series draws a line "
            "through two points, which suggests a trend the data do not show; kind: bar "
            "compares two values honestly") in [f.format() for f in model.findings]


def test_a_derived_value_is_recomputed(project):
    edit_file(project / CITIC, "        value: 251.8\n", "        value: 215.8\n")
    assert any("claim 'big4-csp-capex-2025-forecast' data[2]: derived: capex_2025 / (1 + growth "
               "/ 100) gives 251.8248175182481751824817518 (rounded to 251.8), not 215.8" in line
               for line in errors(project))


@pytest.mark.parametrize(("formula", "message"), [
    ("__import__('os').system('true')", "derived: only + - * / and parentheses may be used"),
    ("capex_2025 / tax", "derived: 'tax' is not one of the inputs (capex_2025, growth)"),
    ("capex_2025 / (growth - 37)", "derived: the formula divides by zero"),
])
def test_a_derived_formula_is_plain_arithmetic_over_its_inputs(project, formula, message):
    edit_file(project / CITIC, "formula: capex_2025 / (1 + growth / 100)", f"formula: \"{formula}\"")
    assert any(message in line for line in errors(project)), errors(project)


def test_a_derived_value_is_marked_in_prose_and_explained_in_its_endnote(project):
    from sectornotes.api import render_note_html

    html = render_note_html(project, "tech-outlook-2025h2")
    assert 'class="claim-value derived"' in html and "$251.8bn†" in html
    assert ("† capex: capex_2025 / (1 + growth / 100), where capex_2025 = "
            "big4-csp-capex-2025-forecast.1, growth = big4-csp-capex-2025-forecast.2") in html


def test_a_fiscal_year_filed_as_a_calendar_year_is_an_error(project):
    edit_file(project / CSC, "        period: FY2025\n", "        period: \"2025\"\n")
    assert any("claim 'microsoft-ai-datacenter-spend-fy2025' data[0].period: 2025 is not stated "
               "in the quote" in line for line in errors(project))


def test_a_fiscal_period_needs_the_entitys_fiscal_year_end(project):
    edit_file(project / "house.yaml", "fiscal_year_ends:\n  Microsoft: \"06-30\"\n", "")
    assert any("data[0].period: FY2025 is a fiscal period, but when does Microsoft's fiscal year "
               "end? add it to house.yaml fiscal_year_ends (e.g. 'Microsoft: 06-30')" in line
               for line in errors(project))


def test_a_figure_mixing_fiscal_and_calendar_periods_must_say_so(project):
    figure = project / "figures/ai-capex-plans-2025.yaml"
    reason = next(line for line in figure.read_text(encoding="utf-8").splitlines()
                  if line.startswith("allow_mixed:"))
    edit_file(figure, reason + "\n", "")
    assert any("the series mixes fiscal and calendar periods and different metrics" in line
               for line in errors(project))


def test_a_related_note_published_later_is_marked_as_later(project):
    from sectornotes.api import render_note_html

    html = render_note_html(project, "media-deepseek-ai-shift")  # 12 Feb; relates to 3 Jun
    assert "（后续报告）" in html
    earlier = render_note_html(project, "tech-outlook-2025h2")  # 5 Jun; relates to 3 Jun
    assert "(a later note)" not in earlier


def test_a_chinese_note_names_firms_in_chinese(project):
    from sectornotes.api import render_note_html

    html = render_note_html(project, "media-deepseek-ai-shift")
    assert "资料来源：中信建投证券" in html and "CSC Securities" not in html
    edit_file(project / CSC, "  publisher_zh: 中信建投证券\n", "")
    warnings = [f.format() for f in load_project(Project(project), cache=False).findings
                if f.severity == "warning"]
    assert any("language: zh, but seeds/csc-deepseek-market-rhythm.yaml name the publisher "
               "only in English; add publisher_zh" in w for w in warnings), warnings


def test_a_house_view_resting_on_a_third_party_opinion_must_name_it_under_strict(project):
    note = project / "notes/tech-outlook-2025h2.yaml"
    edit_file(note, "Like CITIC, we recommend leading tech companies",
              "We recommend leading tech companies")
    assert errors(project) == []  # only --strict asks
    strict = [f.format() for f in load_project(Project(project), strict=True, cache=False).errors]
    assert any("error: a house-view sentence rests only on third-party opinion(s) "
               "(recommend-ecosystem-leaders-and-beneficiaries, from CITIC Securities); say "
               "whose view it is (e.g. 'we agree with CITIC Securities that …')" in line
               for line in strict), strict


def test_an_old_fact_cited_as_current_warns_as_of_what_date(project):
    note = project / "notes/china-ai-after-deepseek.yaml"
    edit_file(note, "The US Stargate Project, announced in January 2025, plans",
              "The US Stargate Project plans")
    warnings = [f.format() for f in load_project(Project(project), cache=False).findings
                if f.severity == "warning"]
    assert any("[@stargate-investment-pledge]: claim 'stargate-investment-pledge' comes from "
               "cms-ai-terminal-aidc of 2025-02-10, 113 days before the note; say 'as of "
               "2025-02-10' (or the period) where it is cited" in w for w in warnings), warnings


def test_citing_a_superseded_claim_is_an_error_unless_historical(project):
    edit_file(project / CITIC, "    tags: [cloud, capex, compute]\n\n  - id: alibaba-capex-2025q1",
              "    tags: [cloud, capex, compute]\n    superseded_by: big4-csp-capex-yoy-2025q1\n\n"
              "  - id: alibaba-capex-2025q1")
    found = errors(project)
    assert any("cites claim 'big4-csp-capex-2025-forecast', which claim "
               "'big4-csp-capex-yoy-2025q1' supersedes" in line for line in found), found
    note = project / "notes/tech-outlook-2025h2.yaml"
    edit_file(note, "related: [china-ai-after-deepseek]",
              "related: [china-ai-after-deepseek]\nhistorical: [big4-csp-capex-2025-forecast]")
    assert not any("tech-outlook-2025h2.yaml" in line and "supersedes" in line
                   for line in errors(project))


def test_superseded_by_names_a_real_claim(project):
    edit_file(project / CITIC, "    tags: [cloud, capex, compute]\n\n  - id: alibaba-capex-2025q1",
              "    tags: [cloud, capex, compute]\n    superseded_by: big4-csp-capex-yoy-2025q9\n\n"
              "  - id: alibaba-capex-2025q1")
    assert any("superseded_by: unknown claim 'big4-csp-capex-yoy-2025q9' (did you mean "
               "'big4-csp-capex-yoy-2025q1'?)" in line for line in errors(project))
