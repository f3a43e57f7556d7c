"""Source pages: a source with its quoted passages highlighted, and series pages.

Each quoted passage is anchored by claim id, so a citation in a note links to
the very place in its source; a series value links to its dated row.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..inputs.project import Project
from ..inputs.urls import safe_url
from ..language.formatting import format_date
from ..language.i18n import strings, text
from ..language.languages import language as language_of
from ..proof.registry import ClaimRegistry, RegisteredClaim, Source
from ..version import __version__
from .templates import Rendered, template_environment

if TYPE_CHECKING:
    from ..sources.documents import Document
    from ..sources.grid import Cell
    from ..sources.series import Series


def render_source(project: Project, source: Source, registry: ClaimRegistry) -> Rendered:
    """The source with every quoted passage highlighted and anchored by claim id: its text
    (a text or a web page), its quoted pages as images (a PDF), or the region around each
    cited cell (a spreadsheet)."""
    claims = [r for r in registry.claims.values() if r.source_id == source.id]
    document = source.document
    spans = {}
    for registered in claims:
        quote = registered.claim.source.quote
        found = document.spans(quote) if quote else []
        span = next((s for s in found if document.page_at(s[0]) == registered.page), None) \
            if registered.page else (found[0] if found else None)
        if span:
            spans[registered.id] = span
    context: dict[str, list[dict[str, Any]]] = {"segments": [], "pages": [], "regions": []}
    if document.kind == "pdf":
        context["pages"] = _page_images(project, source, spans)
    elif document.kind == "sheet":
        context["regions"] = _cell_regions(source, claims)
    else:
        context["segments"] = _segments(document.text.text, spans)
    language = source.meta.language
    environment = template_environment(project)
    html = environment.render_page("source.html", dict(
        source=source, meta=source.meta.model_copy(update={"url": safe_url(source.meta.url)}),
        labels=strings(language), kind=document.kind,
        file_name=project.relative(project.seeds_dir / Path(document.path).name),
        claims=[{"id": r.id, "text": r.claim.text, "line": r.quote_line, "col": r.quote_col,
                 "place": _place_label(r, document, language)} for r in claims],
        language=language, html_lang=language_of(language).html_lang,
        date=format_date(source.meta.date, language), version=__version__, **context))
    return Rendered(html, environment.used_templates(), [r.id for r in claims], [])


def _segments(text: str, spans: dict[str, tuple[int, int]]) -> list[dict[str, Any]]:
    boundaries = sorted({0, len(text), *[p for s in spans.values() for p in s]})
    segments = []
    for start, end in zip(boundaries, boundaries[1:], strict=False):
        covering = [cid for cid, (s, e) in spans.items() if s <= start and end <= e]
        anchors = [cid for cid, (s, _) in spans.items() if s == start]
        segments.append({"text": text[start:end], "claims": covering, "anchors": anchors})
    return segments


def _page_images(project: Project, source: Source, spans: dict[str, tuple[int, int]]
                 ) -> list[dict[str, Any]]:
    import base64

    from ..sources.documents import pdf_page_images

    path = project.seeds_dir / Path(source.document.path).name
    pages, anchored = [], set()
    for image in pdf_page_images(path, source.document, spans):
        boxes = []
        for claim, left, top, width, height in image.boxes:
            boxes.append({"claim": claim, "anchor": claim not in anchored,
                          "style": f"left:{left:.2f}%;top:{top:.2f}%;width:{width:.2f}%;"
                                   f"height:{height:.2f}%"})
            anchored.add(claim)
        pages.append({
            "number": image.number, "aspect": 100 * image.height / image.width,
            "src": "data:image/png;base64," + base64.b64encode(image.png).decode("ascii"),
            "boxes": boxes})
    return pages


def _cell_regions(source: Source, claims: list[RegisteredClaim]) -> list[dict[str, Any]]:
    """For each claim, the cells around the ones it cites (3 rows and columns each way)."""
    from ..proof.cells import locate
    from ..sources.grid import column_letter, split_reference

    regions = []
    for registered in claims:
        for point in registered.claim.data:
            found = locate(source, point) if point.derived is None else "derived"
            if isinstance(found, str):
                continue
            sheet, reference = found
            where = split_reference(reference)
            if where is None:
                continue
            row, column = where
            rows = range(max(1, row - 3), min(sheet.max_row, row + 3) + 1)
            columns = range(max(1, column - 3), min(sheet.max_column, column + 3) + 1)
            header_columns = [1] if 1 not in columns else []
            regions.append({
                "claim": registered.id, "sheet": sheet.name, "cell": reference,
                "columns": [column_letter(c) for c in [*header_columns, *columns]],
                "rows": [{"number": r, "cells": [
                    {"text": _cell_text(sheet.cell(f"{column_letter(c)}{r}")),
                     "current": (r, c) == (row, column)}
                    for c in [*header_columns, *columns]]} for r in rows]})
    return regions


def _cell_text(cell: Cell | None) -> str:
    from ..proof.cells import _as_shown

    return "" if cell is None or cell.value is None else _as_shown(cell)


def _place_label(registered: RegisteredClaim, document: Document, language: str) -> str:
    if document.kind == "sheet" or registered.page:
        return _cited_cells(registered) or text(language, "page_place", n=registered.page)
    return f"{registered.quote_line}:{registered.quote_col}"


def _cited_cells(registered: RegisteredClaim) -> str:
    """'Model!D14, Model!E14': the cells a spreadsheet claim cites (its evidence's keys)."""
    cells = registered.evidence.get("cells")
    return ", ".join(str(where) for where in cells) if isinstance(cells, dict) else ""


def reader_place(registered: RegisteredClaim, source: Source, language: str) -> str:
    """Where in its source a claim is, for readers: '¶ 4', 'p. 12' or 'Model!D14'."""
    if source.document.kind == "sheet":
        return _cited_cells(registered)
    if registered.page:
        return text(language, "page_place", n=registered.page)
    return text(language, "paragraph", n=source.text.paragraph(registered.quote_line))


def render_series_page(project: Project, series: Series) -> Rendered:
    """A price or index series as a page: its metadata and every dated value, each row
    anchored (#d-2025-05-27) so a value quoted in a note links to its row."""
    environment = template_environment(project)
    language = "en"  # a series' metadata is written in English
    meta = {"title": series.meta.instrument, "publisher": series.meta.provider,
            "digest_of": None, "url": None}
    html = environment.render_page("source.html", dict(
        source=series, meta=meta, labels=strings(language), kind="series",
        file_name=series.csv_path, claims=[], segments=[], pages=[], regions=[],
        series_rows=[{"day": day.isoformat(), "value": f"{value:,.2f}"}
                     for day, value in reversed(series.points)],
        illustrative=series.meta.illustrative, language=language,
        html_lang=language_of(language).html_lang,
        date=format_date(series.meta.as_of, language), version=__version__))
    return Rendered(html, environment.used_templates(), [], [])
