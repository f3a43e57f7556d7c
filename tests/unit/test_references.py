"""references.py: the reference syntax of note prose."""

from __future__ import annotations

from sectornotes.model.references import Reference, references_in, uncited_numbers


def test_citations_figures_and_values():
    prose = ("Capex reached {big4.capex} [@big4; @meta-capex], see [@fig:big4-growth]; "
             "we rate it {rating}. {big4.2} and {big4}. Escaped \\{big4}.")
    assert references_in(prose) == [
        Reference("claim", "big4", "[@big4; @meta-capex]"),
        Reference("claim", "meta-capex", "[@big4; @meta-capex]"),
        Reference("figure", "big4-growth", "[@fig:big4-growth]"),
        Reference("value", "big4", "{big4.capex}", "capex"),
        Reference("value", "rating", "{rating}", None),
        Reference("value", "big4", "{big4.2}", "2"),
        Reference("value", "big4", "{big4}", None),
    ]


def test_uncited_numbers_are_found_with_their_occurrence():
    prose = ("Capex grew 59% [@big4]. Margins fell 3.5% and 3.5% again. In 2025 nothing. "
             "国内销量 3,344 万辆。")
    assert uncited_numbers(prose) == [("3.5%", 0), ("3.5%", 1), ("3,344 万", 0)]


def test_years_and_cited_sentences_are_not_uncited_numbers():
    assert uncited_numbers("In 2024 and 2025 capex grew 59% [@big4].") == []
