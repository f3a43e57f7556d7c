"""render/langspans.py: Chinese runs in a page of another language get their `lang`."""

from __future__ import annotations

import pytest

from sectornotes.render.langspans import mark_other_scripts

ZH = '<span lang="zh-Hans">'


def page(body: str) -> str:
    return f'<html lang="en"><head><title>t</title></head><body>{body}</body></html>'


def body(html: str) -> str:
    return html.split("<body>")[1].split("</body>")[0]


@pytest.mark.parametrize(("written", "marked"), [
    ("Source: 华福证券 (Hua Fu Securities)", f"Source: {ZH}华福证券</span> (Hua Fu Securities)"),
    # digits written against Chinese belong to it; an English word between two runs does not
    ("sold 3,344万辆 in 2025年上半年", f"sold {ZH}3,344万辆</span> in {ZH}2025年上半年</span>"),
    # names and acronyms inside a Chinese title stay in it
    ("传媒行业：DeepSeek 带来的 AI 变革", f"{ZH}传媒行业：DeepSeek 带来的 AI 变革</span>"),
    ("中国AI行业", f"{ZH}中国AI行业</span>"),
    # a fullwidth comma alone is punctuation, not Chinese text
    ("(CSC，2025)", "(CSC，2025)"),
    ("no Chinese here", "no Chinese here"),
])
def test_han_runs_are_marked_by_script(written, marked):
    assert body(mark_other_scripts(page(f"<p>{written}</p>"), "en")) == f"<p>{marked}</p>"


def test_text_already_in_chinese_markup_raw_text_and_attributes_are_left_alone():
    html = page('<p><q lang="zh-Hans">已有<em>中文</em></q><a title="中文">x</a><br>后</p>'
                "<style>.a>.b{}</style><script>var s = '中';</script>")
    marked = mark_other_scripts(html, "en")
    assert body(marked) == ('<p><q lang="zh-Hans">已有<em>中文</em></q><a title="中文">x</a><br>'
                            f"{ZH}后</span></p><style>.a>.b{{}}</style>"
                            "<script>var s = '中';</script>")
    assert "<title>t</title>" in marked


def test_a_chinese_page_is_unchanged():
    html = '<html lang="zh-Hans"><body><p>资料来源：华福证券</p></body></html>'
    assert mark_other_scripts(html, "zh") == html
