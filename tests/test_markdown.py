"""Prose rendering: citations, interpolated values per language, Chinese emphasis."""

from __future__ import annotations

import pytest

from sectornotes.api import check
from sectornotes.inputs.project import Project
from sectornotes.language.formatting import format_quantity
from sectornotes.render.markdown import Citations, plain_text, render_markdown

from .conftest import replaced


def citations_for(sample_project, language="en", target="html") -> Citations:
    registry = check(Project(sample_project)).registry
    return Citations(registry, language, target, {"big4-growth": 2})


def test_citations_number_in_order_of_first_use_and_sort_within_a_group(sample_project):
    citations = citations_for(sample_project)
    html = render_markdown("A [@china-auto-sales-2025e]. B [@big4-capex-q3-2024; "
                           "@china-auto-sales-2025e] and [@fig:big4-growth].", citations)
    assert html.count('class="citation"') == 3
    assert ">1</a>]</sup>" in html and ">1</a>,<a" in html  # [1,2], not [2,1]
    assert 'href="../sources/auto-outlook.html#china-auto-sales-2025e"' in html
    assert '<a class="figure-ref" href="#fig-big4-growth">Figure 2</a>' in html
    assert " <sup" not in html  # the marker sits on its word


def test_values_are_formatted_for_the_language(sample_project):
    english = render_markdown("{big4-capex-q3-2024} {big4-capex-q3-2024.capex-yoy} "
                              "{big4-capex-q3-2024.2} {big4-capex-q3-2024.value}",
                              citations_for(sample_project), inline=True)
    assert ">$58.86bn<" in english and english.count(">59.1%<") == 2 and ">58.86<" in english
    chinese = render_markdown("{big4-capex-q3-2024}", citations_for(sample_project, "zh"),
                              inline=True)
    assert ">588.6 亿美元<" in chinese
    assert format_quantity(3344, "10k", "zh") == "3,344 万"
    assert format_quantity(-0.3, "pp", "en") == "-0.3pp"
    assert format_quantity(1, "rank", "zh") == "第 1 名"


def test_pdf_target_links_to_endnotes(sample_project):
    html = render_markdown("[@big4-capex-q3-2024]", citations_for(sample_project, target="pdf"))
    assert 'href="#endnote-big4-capex-q3-2024"' in html


def test_chinese_bold_next_to_full_width_punctuation(sample_project):
    html = render_markdown("**标题。**正文，**“引号”**后文", citations_for(sample_project, "zh"),
                           inline=True)
    assert html.count("<strong>") == 2 and "**" not in html


def test_plain_text_for_emails(sample_project):
    registry = check(Project(sample_project)).registry
    text = plain_text("Capex grew **{big4-capex-q3-2024.capex-yoy}** [@big4-capex-q3-2024].",
                      registry, "en")
    assert text == "Capex grew 59.1%."


@pytest.mark.slow  # builds the project
def test_rating_labels_interpolate(sample_project):
    from sectornotes.engine.run import build

    note = sample_project / "notes/auto-note.yaml"
    note.write_text(
        replaced(
            note.read_text(encoding="utf-8"),
            "同比增长 {china-auto-sales-2025e.auto-sales-yoy}",
            "我们给予行业“{rating}”评级，同比增长 {china-auto-sales-2025e.auto-sales-yoy}",
        ),
        encoding="utf-8",
    )
    result = build(Project(sample_project), ("auto-note",), formats=("html",))
    assert result.ok, (result.failed, result.findings)
    html = (sample_project / "build/html/auto-note.html").read_text(encoding="utf-8")
    assert '我们给予行业“<span class="note-value">跟随大市</span>”评级' in html


def test_chinese_prose_folded_by_yaml_keeps_no_space_between_characters():
    from sectornotes.proof.registry import ClaimRegistry
    from sectornotes.render.markdown import Citations, render_markdown

    citations = Citations(ClaimRegistry(), "zh", "html", {})
    html = render_markdown("国内汽车销量\n预计增长，出口 大幅提升。AI 应用 落地。", citations)
    assert "国内汽车销量预计增长，出口大幅提升。AI 应用落地。" in html
    english = render_markdown("line one\nline two", Citations(ClaimRegistry(), "en", "html", {}))
    assert "line one\nline two" in english
