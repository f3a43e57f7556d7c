"""Jinja2 → HTML for notes and source pages, in the house style.

Templates come from the project's `templates/` first and the package's
defaults second, so a project may override any single file. Every render
records which template files it actually loaded, for the build engine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import BaseLoader, FileSystemLoader, StrictUndefined, TemplateNotFound
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from ..inputs.project import PACKAGE_TEMPLATES, Project
from ..inputs.schema import Figure, House
from ..inputs.urls import safe_url
from ..language.formatting import format_date, format_number, format_point, source_line
from ..language.i18n import rating_definition, rating_label, rating_scale, strings, text
from ..language.languages import language as language_of
from ..language.languages import localized, name_in
from ..model.figures import figure_claim_ids, filtered_points
from ..model.notes import embedded_figure_ids
from ..proof.registry import ClaimRegistry, Source
from ..sources.quotes import normalize
from ..version import __version__
from .langspans import mark_other_scripts
from .markdown import Citations, render_markdown, split_series_key

if TYPE_CHECKING:
    from ..model.figures import LoadedFigure
    from ..model.notes import LoadedNote


class _RecordingLoader(BaseLoader):
    """Project templates first, package defaults second; remembers which files it served."""

    def __init__(self, loaders: list[FileSystemLoader]):
        self.loaders = loaders
        self.loaded: dict[str, str] = {}

    def get_source(self, environment, template):
        for position, loader in enumerate(self.loaders):
            try:
                source, filename, uptodate = loader.get_source(environment, template)
            except TemplateNotFound:
                continue
            if position == 0 and _leaves(loader, filename):
                continue  # an override linking outside the project is never read (check says so)
            self.loaded[template] = filename
            if position > 0:  # a default stays current only while no override appears
                overrides = self.loaders[:position]
                def still_current(uptodate=uptodate, overrides=overrides) -> bool:
                    return uptodate() and not any(
                        _has_template(other, template) for other in overrides)

                return source, filename, still_current
            return source, filename, uptodate
        raise TemplateNotFound(template)


def _leaves(loader: FileSystemLoader, filename: str) -> bool:
    project_root = Path(loader.searchpath[0]).resolve().parent
    return not Path(filename).resolve().is_relative_to(project_root)


def _has_template(loader: FileSystemLoader, name: str) -> bool:
    return any((Path(folder) / name).is_file() for folder in loader.searchpath)


class _RecordingEnvironment(ImmutableSandboxedEnvironment):
    """Remembers every template name a render asks for, compiled-cache hits included.

    Sandboxed: a project's template override is a file anyone may ship with a project,
    so it can read the values it is given but cannot reach Python's internals
    (`__class__`, `__globals__` …), call unsafe functions or mutate what it is given.
    """

    recorded: set[str]

    def _load_template(self, name, globals):  # noqa: A002 - Jinja's signature
        self.recorded.add(name)
        return super()._load_template(name, globals)

    def render_page(self, name: str, context: dict[str, Any]) -> str:
        """Render a template; an override's unsafe operation is a clear error, not a leak."""
        from jinja2.exceptions import SecurityError

        from ..errors import SectornotesError

        try:
            page = self.get_template(name).render(context)
        except SecurityError as refused:
            where = ", ".join(f"templates/{t}" for t in self.recorded) or f"templates/{name}"
            raise SectornotesError(
                f"{where}: a template may use the values it is given but not reach Python's "
                f"internals or change them (refused: {refused})") from None
        return mark_other_scripts(page, str(context.get("language", "en")))

    def used_templates(self) -> dict[str, str]:
        loader = self.loader
        loaded = loader.loaded if isinstance(loader, _RecordingLoader) else {}
        return {name: loaded.get(name, name) for name in sorted(self.recorded)}


_ENVIRONMENTS: dict[Path, _RecordingEnvironment] = {}


def template_environment(project: Project) -> _RecordingEnvironment:
    """The project's environment (compiled templates are reused; edits are seen via
    Jinja's up-to-date check), with autoescaping on and an empty record of loads."""
    environment = _ENVIRONMENTS.get(project.root)
    if environment is None:
        loader = _RecordingLoader([FileSystemLoader(str(project.root / "templates")),
                                   FileSystemLoader(str(PACKAGE_TEMPLATES))])
        environment = _RecordingEnvironment(
            loader=loader, autoescape=True, undefined=StrictUndefined, trim_blocks=True,
            lstrip_blocks=True, keep_trailing_newline=True)
        # Every user-written link goes through the one URL policy here too, so a model
        # that skipped validation still renders no javascript: link (templates: `| safe_url`).
        environment.filters["safe_url"] = safe_url
        _ENVIRONMENTS[project.root] = environment
    environment.recorded = set()
    return environment


@dataclass
class Rendered:
    """An HTML page and what went into it."""

    html: str
    templates: dict[str, str] = field(default_factory=dict)  # name -> file path
    claim_ids: list[str] = field(default_factory=list)
    figure_ids: list[str] = field(default_factory=list)


def render_note(project: Project, loaded: LoadedNote, registry: ClaimRegistry,
                figures: dict[str, LoadedFigure], house: House, target: str = "html",
                related_titles: dict[str, str] | None = None,
                disclosures: dict | None = None) -> Rendered:
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


def css_font_list(names: list[str]) -> Markup:
    """A CSS font-family value; names are reduced to safe characters (no CSS injection)."""
    cleaned = [re.sub(r"[^A-Za-z0-9 _-]", "", name).strip() for name in names]
    generic = {"serif", "sans-serif", "monospace"}
    parts = [name if name in generic else f'"{name}"' for name in cleaned if name]
    return Markup(", ".join(parts or ["sans-serif"]))


def css_string(text: str) -> Markup:
    """Text as a quoted CSS string that cannot close the string or the <style> element."""
    escaped = "".join(c if c.isalnum() or c in " ()-_.,·（）" else f"\\{ord(c):x} " for c in text)
    return Markup(f'"{escaped}"')


def page_counter(footer: str) -> Markup:
    """A language's 'Page {page} of {pages}' as CSS content with page counters. The
    text is the tool's own string: only what could end the string or the <style> is
    escaped, so CJK punctuation stays as written."""
    parts = []
    for index, part in enumerate(re.split(r"\{(page|pages)\}", footer)):
        if index % 2:
            parts.append(f"counter({part})")
        elif part:
            parts.append('"' + "".join(c if c.isprintable() and c not in '"\\<>' else
                                       f"\\{ord(c):x} " for c in part) + '"')
    return Markup(" ".join(parts))


def _mixed_note(figure: Figure) -> str | None:
    """What a figure mixing period lengths or metrics says about it (see allow_mixed)."""
    if not figure.allow_mixed:
        return None
    reason = figure.allow_mixed.rstrip("。.")
    return text(figure.language, "mixed_note", reason=reason)


def _figure_context(loaded: LoadedFigure, number: int, registry: ClaimRegistry,
                    citations: Citations, house: House) -> dict:
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
                    house: House) -> dict:
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

    def claim_cell(cell: dict | None) -> dict | None:
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

    def derived_cell(cell: dict | None, unit: str, anchor: dict | None) -> dict | None:
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


def _table(loaded: LoadedFigure, registry: ClaimRegistry, citations: Citations) -> dict:
    figure = loaded.spec
    points = filtered_points(figure, registry)

    def column_value(plotted, column):
        raw = plotted.claim_id if column == "claim_id" else getattr(plotted.point, column)
        return figure.labels.get(str(raw), str(raw))

    rows: dict[str, dict[str, dict]] = {}
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


def _rating_context(house: House, note) -> dict:
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


def _analysts(house: House, note) -> list[dict]:
    by_id = {analyst.id: analyst for analyst in house.analysts}
    people = []
    for analyst_id in note.analysts:
        analyst = by_id[analyst_id]
        name = name_in(analyst, "name", note.language)
        people.append({"name": name, "registration": analyst.registration,
                       "email": analyst.email})
    return people


def _endnotes(citations: Citations, registry: ClaimRegistry, language: str) -> list[dict]:
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


def _series_endnote(registry: ClaimRegistry, point: tuple[str, str], language: str) -> dict:
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


def _rating_tables(house: House, language: str) -> list[dict]:
    return [{"title": strings(language)[f"{scale}_scale"],
             "rows": [{"label": localized(r.label, language),
                       "definition": rating_definition(house, scale, r, language)}
                      for r in rating_scale(house, scale)]}
            for scale in ("company", "sector")]


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
    context: dict = {"segments": [], "pages": [], "regions": []}
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


def _segments(text: str, spans: dict[str, tuple[int, int]]) -> list[dict]:
    boundaries = sorted({0, len(text), *[p for s in spans.values() for p in s]})
    segments = []
    for start, end in zip(boundaries, boundaries[1:], strict=False):
        covering = [cid for cid, (s, e) in spans.items() if s <= start and end <= e]
        anchors = [cid for cid, (s, _) in spans.items() if s == start]
        segments.append({"text": text[start:end], "claims": covering, "anchors": anchors})
    return segments


def _page_images(project: Project, source: Source, spans: dict[str, tuple[int, int]]
                 ) -> list[dict]:
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


def _cell_regions(source: Source, claims: list) -> list[dict]:
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


def _cell_text(cell) -> str:
    from ..proof.cells import _as_shown

    return "" if cell is None or cell.value is None else _as_shown(cell)


def _place_label(registered, document, language: str) -> str:
    if document.kind == "sheet" or registered.page:
        cells = registered.evidence.get("cells") or {}
        return ", ".join(cells) if cells else text(language, "page_place", n=registered.page)
    return f"{registered.quote_line}:{registered.quote_col}"


def reader_place(registered, source: Source, language: str) -> str:
    """Where in its source a claim is, for readers: '¶ 4', 'p. 12' or 'Model!D14'."""
    if source.document.kind == "sheet":
        cells = registered.evidence.get("cells") or {}
        return ", ".join(cells) if cells else ""
    if registered.page:
        return text(language, "page_place", n=registered.page)
    return text(language, "paragraph", n=source.text.paragraph(registered.quote_line))


def render_series_page(project: Project, series) -> Rendered:
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
