"""`lang` on every run of text written in another script than the page's language.

A screen reader picks its voice, and WeasyPrint its CJK face, from `lang`: Chinese
inside an English note without it is read by the English voice and set in whichever
CJK face fontconfig prefers (the Japanese one). The language is decided by script:
a run of Han characters in a page that is not Chinese is Chinese. Runs already
inside an element that declares a Chinese `lang` are left alone.

It works on the rendered page, so prose, tables, captions, endnotes and template
text are all covered. The page is our own output (Jinja autoescapes, markdown-it
escapes), so every `<` in text is a tag and `<style>`/`<script>` hold no markup.
"""

from __future__ import annotations

import re

ZH_LANG = "zh-Hans"
# Han ideographs and CJK punctuation (a run may start or end with either); the fullwidth
# forms used with them (，：（） …) join runs.
_HAN = "\u2e80-\u2fdf\u3005\u3007\u3021-\u3029\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_PUNCT = "\u3000-\u3004\u3008-\u3020\u30fb\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
_IN_RUN = f"{_HAN}{_CJK_PUNCT}\uff10-\uff19"
# A run: optional digits written against it (3,344万), then CJK. Between two pieces of
# CJK it keeps Latin letters and digits written against them (中国AI行业, 2025年上半年)
# and, across single spaces, names, acronyms and numbers (传媒：DeepSeek 带来的 AI 变革);
# a lowercase word ends it, so English between two Chinese names stays English.
_LATIN = r"[0-9A-Za-z.,%/\-]"
_NAMES = rf"[A-Z0-9]{_LATIN}*(?: [A-Z0-9]{_LATIN}*)*"
_RUN = re.compile(
    rf"(?:[0-9][0-9.,%]*)?[{_IN_RUN}]+(?:(?:{_LATIN}*| ?{_NAMES} ?)[{_IN_RUN}]+)*")
_HAS_HAN = re.compile(f"[{_HAN}]")
_TOKEN = re.compile(r"<!--.*?-->|<[^>]*>|[^<]+", re.DOTALL)
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)([^>]*?)(/?)>", re.DOTALL)
_LANG_ATTRIBUTE = re.compile(r"""\slang\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                   "meta", "source", "track", "wbr"})
# Elements whose content is raw text or may hold no span.
_NO_SPANS = frozenset({"style", "script", "title", "textarea", "option"})


def mark_other_scripts(html: str, language: str) -> str:
    """The page with each Han run outside Chinese elements wrapped in <span lang="zh-Hans">."""
    if language == "zh" or not _HAS_HAN.search(html):
        return html
    out: list[str] = []
    # Open elements: (name, declared lang or None).
    stack: list[tuple[str, str | None]] = []
    for token in _TOKEN.finditer(html):
        text = token.group(0)
        tag = _TAG.fullmatch(text) if text.startswith("<") else None
        if tag is not None:
            _track(stack, tag)
            out.append(text)
        elif text.startswith("<") or not _needs_marking(stack):
            out.append(text)
        else:
            out.append(_RUN.sub(_wrapped, text))
    return "".join(out)


def _track(stack: list[tuple[str, str | None]], tag: re.Match[str]) -> None:
    closing, name, attributes, self_closing = tag.groups()
    name = name.lower()
    if closing:
        for depth in range(len(stack) - 1, -1, -1):
            if stack[depth][0] == name:
                del stack[depth:]
                break
        return
    if name in _VOID or self_closing:
        return
    declared = _LANG_ATTRIBUTE.search(attributes)
    stack.append((name, next((g for g in declared.groups() if g is not None), "")
                  if declared else None))


def _needs_marking(stack: list[tuple[str, str | None]]) -> bool:
    if any(name in _NO_SPANS for name, _ in stack):
        return False
    declared = next((lang for _, lang in reversed(stack) if lang is not None), None)
    return declared is None or not declared.lower().startswith("zh")


def _wrapped(run: re.Match[str]) -> str:
    text = run.group(0)
    if not _HAS_HAN.search(text):
        return text  # punctuation alone (a fullwidth bracket in English text)
    return f'<span lang="{ZH_LANG}">{text}</span>'
