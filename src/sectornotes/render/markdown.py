"""Note prose: Markdown (markdown-it-py, raw HTML disabled) with citations.

`[@id]` becomes an endnote marker linking to the quote, `{id}` the claim's
number formatted for the note's language, `[@fig:id]` "Figure N". The
`Citations` object numbers endnotes in order of first citation and decides
where links point: the highlighted source page (HTML) or the endnote (PDF).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

from ..errors import SectornotesError
from ..inputs.urls import prose_link_allowed
from ..language.formatting import format_number, format_point
from ..language.i18n import strings
from ..language.languages import language as language_of
from ..model.references import CITATION, INTERPOLATION, NOTE_VALUES, references_in
from ..proof.registry import ClaimRegistry, RegisteredClaim
from . import outputs

if TYPE_CHECKING:
    from collections.abc import Sequence

    from markdown_it.renderer import RendererHTML
    from markdown_it.token import Token
    from markdown_it.utils import EnvType, OptionsDict


@dataclass
class Citations:
    """Endnote numbering and link targets for one rendering of one note."""

    registry: ClaimRegistry
    language: str
    target: str  # 'html' (links to build/sources pages) or 'pdf' (links to endnotes)
    figure_numbers: dict[str, int] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    note_values: dict[str, str] = field(default_factory=dict)  # {rating}, {previous-rating}

    def number(self, claim_id: str) -> int:
        """The endnote number of a claim (or of a series point's key), given on first use."""
        if claim_id not in self.order:
            self.order.append(claim_id)
        return self.order.index(claim_id) + 1

    def href(self, claim_id: str) -> str:
        point = split_series_key(claim_id)
        if point is not None:
            series_id, day = point
            if self.target == "pdf":
                return f"#endnote-{series_id}-{day}"
            return outputs.from_note_page(outputs.source_page(series_id), f"d-{day}")
        if self.target == "pdf":
            return f"#endnote-{claim_id}"
        source_id = self.registry.claims[claim_id].source_id
        return outputs.from_note_page(outputs.source_page(source_id), claim_id)

    def quote(self, claim_id: str) -> str:
        point = split_series_key(claim_id)
        if point is not None:
            series = self.registry.series[point[0]]
            value = series.value_on(dt.date.fromisoformat(point[1]))
            return f"{series.meta.instrument}, {point[1]}: {value:,.2f}" if value is not None \
                else ""
        registered = self.registry.claims[claim_id]
        return registered.quoted or registered.claim.source.quote or ""

    def cited(self) -> list[RegisteredClaim]:
        """The claims cited, in endnote order (series points left out)."""
        return [self.registry.claims[key] for key in self.order if not is_series_key(key)]

    def claim_ids(self) -> list[str]:
        return [key for key in self.order if not is_series_key(key)]


def series_key(series_id: str, day: str) -> str:
    """How a series value on a date is numbered among a note's endnotes."""
    return f"series:{series_id}:{day}"


def is_series_key(key: str) -> bool:
    return key.startswith("series:")


def split_series_key(key: str) -> tuple[str, str] | None:
    if not is_series_key(key):
        return None
    _, series_id, day = key.split(":")
    return series_id, day


def _reference_rule(state: StateInline, silent: bool) -> bool:
    source = state.src
    if source[state.pos] == "[":
        match = CITATION.match(source, state.pos)
        token_type = "sn_citation"
    elif source[state.pos] == "{":
        match = INTERPOLATION.match(source, state.pos)
        token_type = "sn_value"
    else:
        return False
    if match is None:
        return False
    if not silent:
        token = state.push(token_type, "", 0)
        token.meta = {"references": references_in(match.group(0))}
    state.pos = match.end()
    return True


def _render_citation(renderer: RendererHTML, tokens: Sequence[Token], index: int,
                     options: OptionsDict, env: EnvType) -> str:
    citations: Citations = env["citations"]
    figures, numbered = [], []
    for reference in tokens[index].meta["references"]:
        if reference.kind == "figure":
            number = citations.figure_numbers.get(reference.target, 0)
            word = strings(citations.language)["figure"]
            figures.append(f'<a class="figure-ref" href="#fig-{reference.target}">'
                           f'{word} {number}</a>')
        else:
            numbered.append((citations.number(reference.target), reference.target))
    links = [f'<a class="citation" href="{escape(citations.href(claim_id))}" '
             f'title="{escape(citations.quote(claim_id))}">{number}</a>'
             for number, claim_id in sorted(set(numbered))]
    html = ", ".join(figures)
    if links:
        html += f'<sup class="citations">[{",".join(links)}]</sup>'
    return html


def _render_value(renderer: RendererHTML, tokens: Sequence[Token], index: int,
                  options: OptionsDict, env: EnvType) -> str:
    citations: Citations = env["citations"]
    reference = tokens[index].meta["references"][0]
    if reference.kind == "series":  # check proved the series has a value that day
        key = series_key(reference.target, reference.field)
        series = citations.registry.series[reference.target]
        level = series.value_on(dt.date.fromisoformat(reference.field))
        number = citations.number(key)
        href, quote = escape(citations.href(key)), escape(citations.quote(key))
        return (f'<a class="claim-value" href="{href}" title="{quote}">'
                f'{escape(format_series_value(level, citations.language))}</a>'
                f'<sup class="citations">[<a class="citation" href="{href}" title="{quote}">'
                f'{number}</a>]</sup>')
    if reference.target in NOTE_VALUES:
        value = escape(citations.note_values.get(reference.target, ""))
        return f'<span class="note-value">{value}</span>'
    registered = citations.registry.claims[reference.target]  # check resolved every reference
    data = registered.claim.data
    if reference.field and reference.field.isdigit():
        point = data[int(reference.field) - 1]
    else:
        point = next((p for p in data if p.metric == reference.field), data[0])
    if reference.field == "value":
        text = format_number(point.first_number(), citations.language,
                             decimals=point.decimals("value" if point.value is not None else "low"))
    else:
        text = format_point(point, citations.language)
    if point.derived is not None:  # a computed number says so, and how
        from ..proof.derived import describe

        return (f'<a class="claim-value derived" href="{escape(citations.href(reference.target))}"'
                f' title="{escape(describe(point))}">{escape(text)}†</a>')
    return (f'<a class="claim-value" href="{escape(citations.href(reference.target))}" '
            f'title="{escape(citations.quote(reference.target))}">{escape(text)}</a>')


def make_markdown() -> MarkdownIt:
    """CommonMark with tables, raw HTML off, and the citation syntax."""
    md = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")
    md.validateLink = prose_link_allowed  # type: ignore[method-assign,assignment]  # one URL policy
    md.inline.ruler.before("link", "sn_reference", _reference_rule)
    md.add_render_rule("sn_citation", _render_citation)
    md.add_render_rule("sn_value", _render_value)
    return md


_MARKDOWN: MarkdownIt | None = None
# CommonMark will not open or close ** next to punctuation when the other side is a
# letter, which is how Chinese is written ("**标题。**正文"). A zero-width space
# between the delimiter and the full-width punctuation restores the emphasis.
_CJK_PUNCTUATION = "\u3000-\u303f\uff00-\uffef\u2018-\u201f"
_CJK_EMPHASIS = re.compile(rf"(?<=[{_CJK_PUNCTUATION}])(?=\*\*|__)|(?<=\*\*)(?=[{_CJK_PUNCTUATION}])")
_CITATION_MARKER = '<sup class="citations">'

_CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
_IS_CJK = re.compile(rf"[{_CJK}]")
# Whitespace is taken in maximal runs, each looked at once: a pattern that tried every
# split of a run (`[ \t]*\n?[ \t]*` between lookarounds) takes time quadratic in its length.
_WHITESPACE_RUN = re.compile(r"[ \t\n]+")
# A 10-page note holds ~30,000 characters of prose; a field this long is a pasted file.
MAX_PROSE_CHARACTERS = 250_000


class ProseTooLong(SectornotesError):
    """A piece of prose over MAX_PROSE_CHARACTERS."""


def prose_problem(text: str) -> str | None:
    """What is wrong with a piece of prose before it is rendered, or None (check can
    report it at the field's position)."""
    if len(text) > MAX_PROSE_CHARACTERS:
        return (f"this prose has {len(text):,} characters, over the limit of "
                f"{MAX_PROSE_CHARACTERS:,} for one field; split it into sections")
    return None


def _join_cjk_lines(text: str) -> str:
    """Remove the spaces (and at most one line break) between two CJK characters."""
    def keep_or_drop(match: re.Match[str]) -> str:
        start, end = match.start(), match.end()
        between_cjk = (start > 0 and end < len(text) and _IS_CJK.match(text, start - 1)
                       and _IS_CJK.match(text, end))
        return "" if between_cjk and match.group().count("\n") <= 1 else match.group()

    return _WHITESPACE_RUN.sub(keep_or_drop, text)


def _attach_citations(html: str) -> str:
    """The endnote marker sits on the word it supports: no space, so no line break, before
    it (each piece is stripped once: linear in the text)."""
    pieces = html.split(_CITATION_MARKER)
    return _CITATION_MARKER.join([piece.rstrip(" \t\n") for piece in pieces[:-1]]
                                 + pieces[-1:])


def render_markdown(text: str, citations: Citations, inline: bool = False) -> str:
    """Prose to HTML; citations numbered in the order they are rendered. ProseTooLong
    over MAX_PROSE_CHARACTERS; otherwise linear in the length of the prose."""
    global _MARKDOWN
    problem = prose_problem(text)
    if problem:
        raise ProseTooLong(problem)
    if _MARKDOWN is None:
        _MARKDOWN = make_markdown()
    env = {"citations": citations}
    if language_of(citations.language).joins_lines:
        # Chinese is not written with spaces between characters; a YAML line fold leaves one.
        text = _join_cjk_lines(text)
    text = _CJK_EMPHASIS.sub("\u200b", text)
    html = _MARKDOWN.renderInline(text, env) if inline else _MARKDOWN.render(text, env)
    return _attach_citations(html)


__all__ = ["Citations", "render_markdown", "make_markdown", "CITATION", "INTERPOLATION"]


def format_series_value(value: float | None, language: str) -> str:
    """A price or index level as written in prose: 3,912.40."""
    return "" if value is None else format_number(round(value, 2), language, decimals=2)


def plain_text(prose: str, registry: ClaimRegistry, language: str,
               note_values: dict[str, str] | None = None) -> str:
    """Prose as plain text (for emails): values formatted, citations and markup removed."""
    def value(match: re.Match[str]) -> str:
        if match.group(2) and match.group(1) in registry.series:
            series = registry.series[match.group(1)]
            try:
                day = dt.date.fromisoformat(match.group(2))
            except ValueError:
                return match.group(0)
            return format_series_value(series.value_on(day), language) or match.group(0)
        if match.group(1) in NOTE_VALUES:
            return (note_values or {}).get(match.group(1), "")
        registered = registry.get(match.group(1))
        if registered is None or not registered.claim.data:
            return match.group(0)
        data, field_name = registered.claim.data, match.group(2)
        if field_name and field_name.isdigit() and int(field_name) <= len(data):
            point = data[int(field_name) - 1]
        else:
            point = next((p for p in data if p.metric == field_name), data[0])
        if field_name == "value":
            return format_number(point.first_number(), language, decimals=point.decimals(
                "value" if point.value is not None else "low"))
        return format_point(point, language)

    text = INTERPOLATION.sub(value, prose)
    text = CITATION.sub("", text)
    text = re.sub(r"\*\*|__|`", "", text)
    return re.sub(r"\s+([.,;:!?。，；：])", r"\1", " ".join(text.split()))
