"""quotes.py: finding a quote in a source after NFKC and whitespace normalisation."""

from __future__ import annotations

import pytest

from sectornotes.sources.quotes import SourceText, first_difference, normalize

SOURCE = ("Capex review\n"
          "In Q3 2024 the four major technology giants' capital expenditure increased to\n"
          "58.86 billion USD, year-on-year +59.1%.\n"
          "国内汽车销量预计达到 3,344万辆，同比增长 6.4%。\n")


@pytest.mark.parametrize(("text", "expected"), [
    ("  a\n b\t c  ", "a b c"), ("＋59.1％", "+59.1%"), ("10⁶", "106"), ("Ａ　Ｂ", "A B")])
def test_normalize(text, expected):
    assert normalize(text) == expected


@pytest.mark.parametrize("quote", [
    "capital expenditure increased to 58.86 billion USD",
    "capital   expenditure increased to\n58.86 billion",  # spacing and line breaks differ
    "year-on-year ＋59.1％",  # full-width signs
    "同比增长 6.4%",
])
def test_find_locates_a_quote_however_it_is_spaced(quote):
    source = SourceText(SOURCE)
    offset = source.find(quote)
    assert offset is not None
    assert normalize(SOURCE[offset:]).startswith(normalize(quote)[:8])


def test_positions_are_in_the_original_text():
    source = SourceText(SOURCE)
    assert source.line_col(source.find("58.86 billion")) == (3, 1)
    assert source.line_col(source.find("同比增长")) == (4, 20)
    start, end = source.span("increased to 58.86 billion")
    assert SOURCE[start:end] == "increased to\n58.86 billion"


def test_a_source_needing_nfkc_maps_back_to_its_own_characters():
    source = SourceText("Sales rose ＋12％ in 2024.\nNext line")
    start, end = source.span("rose +12%")
    assert source.text[start:end] == "rose ＋12％"
    assert source.line_col(source.find("Next")) == (2, 1)


@pytest.mark.parametrize("quote", ["not in the source at all", "", "   "])
def test_find_returns_none_for_an_absent_or_empty_quote(quote):
    assert SourceText(SOURCE).find(quote) is None
    assert SourceText(SOURCE).span(quote) is None


def test_closest_passage_points_at_the_near_miss():
    source = SourceText(SOURCE)
    offset, passage = source.closest("capital expenditure increased to 58.68 billion USD")
    assert passage.startswith("capital expenditure increased to 58.")
    assert source.line_col(offset)[0] == 2


@pytest.mark.parametrize(("expected", "found", "index"), [
    ("abcdef", "abcxef", 3), ("abc", "abc", 3), ("abc", "ab", 2), ("", "x", 0)])
def test_first_difference(expected, found, index):
    assert first_difference(expected, found) == index


@pytest.mark.parametrize(("expected", "found", "words"), [
    ("capex in the third period of 2024", "capex in the third quarter of 2024 rose",
     ("period", "quarter")),
    ("increased to 58.68 billion USD", "increased to 58.86 billion USD, year", ("58.68", "58.86")),
    ("sales rose sharply in 2024", "sales rose in 2024 and", ("sharply", "(nothing after 'rose')")),
    ("same words", "same words and more", ("", "")),
])
def test_word_difference(expected, found, words):
    from sectornotes.sources.quotes import word_difference

    assert word_difference(expected, found) == words


def test_paragraphs_are_counted_for_readers_not_file_lines():
    wrapped = SourceText("Title\n\nFirst paragraph,\nwrapped.\n\nSecond one.\n")
    assert [wrapped.paragraph(n) for n in (1, 3, 4, 6)] == [1, 2, 2, 3]
    lines = SourceText("Title\nFirst paragraph.\nSecond paragraph.\n")
    assert [lines.paragraph(n) for n in (1, 2, 3)] == [1, 2, 3]
