"""Jinja2 → HTML for notes, in the house style.

The template environment is in templates.py and source pages in
sourcepages.py; `Rendered`, `render_source` and `render_series_page` stay
importable from here, where the build stages look for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..inputs.schema import Figure, House, Note
from ..language.formatting import format_date, format_number, format_point, source_line
from ..language.i18n import rating_definition, rating_label, rating_scale, strings, text
from ..language.languages import language as language_of
from ..language.languages import localized, name_in
from ..model.figures import figure_claim_ids, filtered_points
from ..model.notes import embedded_figure_ids
from ..proof.registry import ClaimRegistry, Source
from ..sources.quotes import normalize
from ..version import __version__
from .markdown import Citations, render_markdown, split_series_key
from .sourcepages import reader_place, render_series_page, render_source
from .templates import Rendered, css_font_list, css_string, page_counter, template_environment

if TYPE_CHECKING:
    from ..inputs.project import Project
    from ..model.figures import LoadedFigure, PlottedPoint
    from ..model.notes import LoadedNote

__all__ = ["Rendered", "css_font_list", "css_string", "reader_place", "render_note",
           "render_series_page", "render_source", "template_environment"]


def render_note(project: Project, loaded: LoadedNote, registry: ClaimRegistry,
                figures: dict[str, LoadedFigure], house: House, target: str = "html",
                related_titles: dict[str, str] | None = None,
                disclosures: dict[str, Any] | None = None) -> Rendered:
    """The note as HTML: `target` 'html' links citations to source pages, 'pdf' to endnotes."""
    note = loaded.spec
    language = note.language
    figure_ids = embedded_figure_ids(note)
    figure_numbers = {figure_id: index + 1 for index, figure_id in enumerate(figure_ids)}
    rating = _rating_context(house, note)
    citations = Citations(registry, language, target, figure_numbers,
                          note_values={"rating": rating["label"],
                                       "previous-rating": rating["previous"] or ""})
    key_points = [render_markdown(p, citations, inline=True) for p in note.key_points]
    sections = [{
        "heading": section.heading,
        "html": render_markdown(section.body, citations),
        "figures": [_figure_context(figures[f], figure_numbers[f], registry, citations, house)
                    for f in section.figures],
    } for section in note.sections]
    # Rendered in reading order, so endnote numbers rise through the page.
    valuation = render_markdown(note.valuation, citations) if note.valuation else None
    sensitivity = render_markdown(note.sensitivity, citations) if note.sensitivity else None
    risks = [render_markdown(r, citations, inline=True) for r in note.risks]
    environment = template_environment(project)
    context = {
        "note": note, "note_id": loaded.id, "language": language, "labels": strings(language),
        "html_lang": language_of(language).html_lang, "language_css": language_of(language).css,
        "page_counter": page_counter(strings(language)["page_footer"]),
        "target": target, "house": house, "firm_name": localized(house.firm.name, language),
        "date": format_date(note.date, language), "iso_date": note.date.isoformat(),
        "rating": rating, "analysts": _analysts(house, note),
        "key_points": key_points, "sections": sections, "risks": risks,
        "valuation": valuation, "sensitivity": sensitivity,
        "disclosures": disclosures or {},
        "endnotes": _endnotes(citations, registry, language),
        "rating_tables": _rating_tables(house, language),
        "fonts": css_font_list(house.fonts.get(language, [])),
        "version": __version__,
        "related": [{"id": r, "title": (related_titles or {}).get(r, r)} for r in note.related],
        "text": lambda value: localized(value, language), "css_string": css_string,
    }
    html = environment.render_page("note.html", context)
    return Rendered(html, environment.used_templates(), citations.claim_ids(), figure_ids)


def _mixed_note(figure: Figure) -> str | None:
    """What a figure mixing period lengths or metrics says about it (see allow_mixed)."""
    if not figure.allow_mixed:
        return None
    reason = figure.allow_mixed.rstrip("。.")
    return text(figure.language, "mixed_note", reason=reason)


def _figure_context(loaded: LoadedFigure, number: int, registry: ClaimRegistry,
                    citations: Citations, house: House) -> dict[str, Any]:
    figure = loaded.spec
    sources = []
    for claim_id in figure_claim_ids(figure, registry):
        source = registry.sources[registry.claims[claim_id].source_id]
        if source.meta not in sources:
            sources.append(source.meta)
    line = source_line(sources, figure.language) if sources else ""
    if figure.kind in ("performance", "coverage"):
        line = _exhibit_source_line(figure, registry, line)
    table = None
    if figure.kind == "table":
        table = _table(loaded, registry, citations)
    elif figure.kind == "coverage":
        table = _coverage_table(figure, registry, citations, house)
    return {
        "id": loaded.id, "number": number, "title": figure.title, "kind": figure.kind,
        "src": f"../figures/{loaded.id}.svg", "notes": figure.notes,
        "caption": " ".join(part for part in (figure.caption, _mixed_note(figure)) if part),
        "source_line": line,
        # Every plotted number gets an endnote, so a chart is as traceable as prose.
        "claims": sorted(({"number": citations.number(c), "href": citations.href(c),
                           "quote": citations.quote(c)} for c in figure_claim_ids(figure, registry)),
                         key=lambda item: item["number"]),
        "data": f"../data/{loaded.id}.csv",
        "table": table,
    }


def _exhibit_source_line(figure: Figure, registry: ClaimRegistry, claims_line: str) -> str:
    """The source line of an exhibit: its series' providers, then its claims' sources."""
    from ..model.exhibits import exhibit_series_ids

    parts = []
    for series_id in exhibit_series_ids(figure):
        meta = registry.series[series_id].meta
        shown = f"{meta.provider}{' (illustrative)' if meta.illustrative else ''}"
        if shown not in parts:
            parts.append(shown)
    if not parts:
        return claims_line
    spoken = language_of(figure.language)
    series_line = spoken.source_prefix + spoken.semicolon.join(parts)
    if not claims_line:
        return series_line
    return f"{series_line}{spoken.semicolon}{claims_line.removeprefix(spoken.source_prefix)}"


def _coverage_table(figure: Figure, registry: ClaimRegistry, citations: Citations,
                    house: House) -> dict[str, Any]:
    """The coverage table: each number links to its claim or series point; upside and P/E
    are derived (†, with how in the hover)."""
    from .exhibits import coverage_cells
    from .markdown import format_series_value, series_key

    language = figure.language
    rows = coverage_cells(figure, registry)
    periods = [next((r["cells"].get(f"eps{i}", {}).get("period") for r in rows
                     if r["cells"].get(f"eps{i}")), f"FY{i}") for i in (1, 2)]
    estimate = [any(r["cells"].get(f"eps{i}", {}).get("estimate") for r in rows) for i in (1, 2)]
    suffix = ["E" if e else "" for e in estimate]
    columns = text(language, "coverage_columns", p1=f"{periods[0]}{suffix[0]}",
                   p2=f"{periods[1]}{suffix[1]}").split("|")

    def claim_cell(cell: dict[str, Any] | None) -> dict[str, Any] | None:
        if not cell or cell.get("value") is None:
            return None
        if cell.get("claim"):
            citations.number(cell["claim"])
            return {"text": format_number(cell["value"], language, decimals=2),
                    "href": citations.href(cell["claim"]), "quote": citations.quote(cell["claim"])}
        key = series_key(cell["series"], cell["date"])
        citations.number(key)
        return {"text": format_series_value(cell["value"], language),
                "href": citations.href(key), "quote": citations.quote(key)}

    def derived_cell(cell: dict[str, Any] | None, unit: str,
                     anchor: dict[str, Any] | None) -> dict[str, Any] | None:
        if not cell:
            return None
        return {"text": f"{format_number(cell['value'], language, decimals=1)}{unit}†",
                "href": (anchor or {}).get("href", ""), "quote": cell["derived"]}

    table_rows = []
    for row in rows:
        cells = row["cells"]
        target, price = claim_cell(cells.get("target")), claim_cell(cells["price"])
        eps = [claim_cell(cells.get("eps1")), claim_cell(cells.get("eps2"))]
        table_rows.append({"label": row["company"], "cells": [
            {"text": row["ticker"], "href": "", "quote": ""},
            {"text": rating_label(house, "company", cells["rating"],
                                  language) or cells["rating"], "href": "", "quote": ""},
            target, price, derived_cell(cells.get("upside"), "%", target), *eps,
            derived_cell(cells.get("pe1"), "x", eps[0]),
            derived_cell(cells.get("pe2"), "x", eps[1])]})
    return {"columns": columns, "rows": table_rows}


def _table(loaded: LoadedFigure, registry: ClaimRegistry, citations: Citations
           ) -> dict[str, Any]:
    figure = loaded.spec
    points = filtered_points(figure, registry)

    def column_value(plotted: PlottedPoint, column: str) -> str:
        raw = plotted.claim_id if column == "claim_id" else getattr(plotted.point, column)
        return figure.labels.get(str(raw), str(raw))

    rows: dict[str, dict[str, dict[str, str]]] = {}
    columns: list[str] = []
    for plotted in points:
        row = column_value(plotted, figure.x)
        column = column_value(plotted, figure.series) if figure.series else ""
        if column not in columns:
            columns.append(column)
        citations.number(plotted.claim_id)  # a number shown in a table gets its endnote too
        rows.setdefault(row, {})[column] = {
            "text": format_point(plotted.point, figure.language),
            "href": citations.href(plotted.claim_id), "quote": citations.quote(plotted.claim_id)}
    return {"columns": columns, "rows": [{"label": label, "cells": [cells.get(c) for c in columns]}
                                         for label, cells in rows.items()]}


def _rating_context(house: House, note: Note) -> dict[str, Any]:
    ids = [rating.id for rating in rating_scale(house, note.rating_scale)]
    change = None
    if note.previous_rating is not None:
        position, before = ids.index(note.rating), ids.index(note.previous_rating)
        change = "maintained" if position == before else (
            "upgraded" if position < before else "downgraded")
    language = note.language
    return {"label": rating_label(house, note.rating_scale, note.rating, language),
            "id": note.rating,
            "previous": rating_label(house, note.rating_scale, note.previous_rating, language),
            "change": change, "scale": note.rating_scale}


def _analysts(house: House, note: Note) -> list[dict[str, str | None]]:
    by_id = {analyst.id: analyst for analyst in house.analysts}
    people = []
    for analyst_id in note.analysts:
        analyst = by_id[analyst_id]
        name = name_in(analyst, "name", note.language)
        people.append({"name": name, "registration": analyst.registration,
                       "email": analyst.email})
    return people


def _endnotes(citations: Citations, registry: ClaimRegistry, language: str
              ) -> list[dict[str, Any]]:
    from ..proof.derived import describe

    endnotes = []
    first_with_quote: dict[tuple[str, str], int] = {}
    for number, entry in enumerate(citations.order, start=1):
        point = split_series_key(entry)
        if point is not None:
            endnotes.append(_series_endnote(registry, point, language))
            continue
        registered = registry.claims[entry]
        source: Source = registry.sources[registered.source_id]
        key = (source.id, normalize(registered.quoted or registered.claim.source.quote or ""))
        same_as = first_with_quote.setdefault(key, number)
        endnotes.append({
            "same_as": same_as if same_as != number else None,
            "number": number, "id": registered.id, "text": registered.claim.text,
            "quote": registered.quoted or registered.claim.source.quote or "",
            "title": source.meta.title,
            "quote_language": language_of(source.meta.language).html_lang,
            "publisher": name_in(source.meta, "publisher", language),
            "date": format_date(source.meta.date, language),
            "source_id": source.id, "line": registered.quote_line, "col": registered.quote_col,
            "place": reader_place(registered, source, language),
            "tier": text(language, f"tier_{source.meta.reader_tier()}"),
            # MAR: facts, estimates and opinions, and whose they are, are marked as such.
            "kind": text(language, f"kind_{registered.claim.kind}"),
            "href": f"../sources/{source.id}.html#{registered.id}",
            "derived": [f"† {point.metric}: {describe(point)}" for point in registered.claim.data
                        if point.derived is not None],
        })
    return endnotes


def _series_endnote(registry: ClaimRegistry, point: tuple[str, str], language: str
                    ) -> dict[str, Any]:
    """The endnote of a series value quoted in prose: instrument, date, value, provider."""
    import datetime as dt

    from .markdown import format_series_value

    series_id, day = point
    series = registry.series[series_id]
    value = series.value_on(dt.date.fromisoformat(day))
    return {
        "same_as": None, "id": f"{series_id}-{day}", "text": name_in(series.meta, "instrument", language),
        "quote": f"{format_date(dt.date.fromisoformat(day), language)}: "
                 f"{format_series_value(value, language)}",
        "quote_language": language_of(language).html_lang,
        "title": name_in(series.meta, "instrument", language), "publisher": series.meta.provider,
        "date": format_date(series.meta.as_of, language),
        "place": format_date(dt.date.fromisoformat(day), language),
        "tier": text(language, "tier_house" if series.meta.illustrative else "tier_data-vendor"),
        "kind": text(language, "kind_data"),
        "href": f"../sources/{series_id}.html#d-{day}", "derived": [],
    }


def _rating_tables(house: House, language: str) -> list[dict[str, Any]]:
    return [{"title": strings(language)[f"{scale}_scale"],
             "rows": [{"label": localized(r.label, language),
                       "definition": rating_definition(house, scale, r, language)}
                      for r in rating_scale(house, scale)]}
            for scale in ("company", "sector")]
