"""The build's stages: source pages, note HTML, note PDFs, RIXML (figures: figurestages.py).

A stage sees only a `BuildContext` (engine.py) and returns one `Job` per
output group: the outputs, the hashes of exactly what they read, and how to
make them. The engine decides what is stale and runs it. Heavy libraries are
imported inside the functions that need them, often in worker processes.
A new kind of output is a new stage: a class here added to `default_stages`, or
a plugin's, registered through the `sectornotes.stages` entry point group (run.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import SectornotesError
from ..model.figures import figure_claim_ids
from ..model.notes import cited_claim_ids, cited_series_points, embedded_figure_ids
from ..render import outputs
from .engine import BuildContext, Job, Offload, Produced
from .figurestages import FigureStage, HistoryChartStage, figure_outputs, history_charts, stems
from .state import hash_json, sha256_bytes, tool_inputs

if TYPE_CHECKING:
    from ..loaded.project import LoadedProject
    from ..render.html import Rendered
    from ..render.pdf import PdfAttachment
    from .engine import Stage

NOTE_TEMPLATES = ["note.html", "note.css"]
NOTE_HOUSE_KEYS = ("firm", "analysts", "disclaimer", "certification", "risk_statement",
                   "ratings", "fonts")
SOURCE_TEMPLATES = ["source.html", "source.css"]


def default_stages() -> list[Stage]:
    """Every stage, in the order they run (a PDF embeds the figures built before it)."""
    return [FigureStage(), HistoryChartStage(), SourceStage(), NoteStage("html"),
            NoteStage("pdf"), RixmlStage()]


def render_pdf_worker(html: str, base_dir: str, root: str, attachments: list[PdfAttachment],
                created: Any) -> tuple[bytes, list[str], list[str]]:
    from ..render.pdf import render_pdf

    return render_pdf(html, Path(base_dir), Path(root), attachments, created)


class SourceStage:
    """build/sources/<id>.html: each source with its quoted passages highlighted."""

    name = "sources"

    def plan(self, context: BuildContext) -> list[Job]:
        registry = context.model.registry
        if context.targets:
            wanted = {registry.claims[c].source_id for n in context.notes.values()
                      for c in cited_claim_ids(n.spec) if c in registry.claims}
            series = {s for n in context.notes.values()
                      for s, _ in cited_series_points(n.spec) if s in registry.series}
        else:
            wanted, series = set(registry.sources), set(registry.series)
        return [self._job(context, source_id) for source_id in sorted(wanted)] + \
            [self._series_job(context, series_id) for series_id in sorted(series)]

    def live_outputs(self, model: LoadedProject) -> set[str]:
        return {outputs.source_page(s) for s in stems(model.project.seed_files()) |
                stems(model.project.series_files())}

    def _series_job(self, context: BuildContext, series_id: str) -> Job:
        series = context.model.registry.series[series_id]
        output = outputs.source_page(series_id)
        templates = context.previous_templates(output, SOURCE_TEMPLATES)
        inputs = {f"series:{series_id}": series.digest + hash_json(
                      series.meta.model_dump(mode="json"))[:16],
                  **context.template_inputs(templates), **tool_inputs(),
                  **context.environment_inputs("html")}

        def run() -> Produced:
            from ..render.html import render_series_page

            rendered = render_series_page(context.project, series)
            return Produced({output: rendered.html.encode("utf-8")}, sorted(rendered.templates))

        return Job([output], inputs, run, templates=templates)

    def _job(self, context: BuildContext, source_id: str) -> Job:
        registry = context.model.registry
        source = registry.sources[source_id]
        output = outputs.source_page(source_id)
        templates = context.previous_templates(output, SOURCE_TEMPLATES)
        inputs = {f"source:{source_id}": sha256_bytes(source.text.text.encode("utf-8")) +
                  hash_json(source.meta.model_dump(mode="json"))[:16],
                  **context.template_inputs(templates), **tool_inputs(),
                  **context.environment_inputs("page"),
                  **context.claim_inputs(r.id for r in registry.claims.values()
                                         if r.source_id == source_id)}

        def run() -> Produced:
            from ..render.html import render_source

            rendered = render_source(context.project, source, registry)
            return Produced({output: rendered.html.encode("utf-8")}, sorted(rendered.templates))

        return Job([output], inputs, run, templates=templates)


class NoteStage:
    """build/html/<id>.html or build/pdf/<id>.pdf, one stage per format."""

    def __init__(self, fmt: str):
        self.fmt = fmt
        self.name = f"notes ({fmt})"

    def plan(self, context: BuildContext) -> list[Job]:
        if self.fmt not in context.formats:
            return []
        return [self._job(context, note_id) for note_id in sorted(context.notes)]

    def live_outputs(self, model: LoadedProject) -> set[str]:
        return {outputs.note_output(n, self.fmt) for n in stems(model.project.note_files())}

    def _job(self, context: BuildContext, note_id: str) -> Job:
        output = outputs.note_output(note_id, self.fmt)
        templates = context.previous_templates(output, NOTE_TEMPLATES)
        job = Job([output], templates=templates)
        job.blocked = _note_blocked(context, note_id)
        if job.blocked:
            return job
        job.inputs = _note_inputs(context, note_id, templates)
        language = context.notes[note_id].spec.language
        job.inputs.update(context.environment_inputs(self.fmt, language))
        if self.fmt == "html":
            def run_html() -> Produced:
                rendered = render_note_page(context.model, note_id, "html")
                return Produced({output: rendered.html.encode("utf-8")},
                                sorted(rendered.templates))

            job.run = run_html
            return job
        job.inputs.update(_figure_output_inputs(context, note_id))

        def run_pdf() -> Offload:
            rendered = render_note_page(context.model, note_id, "pdf")

            def finish(value: tuple[bytes, list[str], list[str]]) -> Produced:
                pdf_bytes, warnings = pdf_from_worker(value)
                return Produced({output: pdf_bytes}, sorted(rendered.templates), warnings)

            return Offload(render_pdf_worker, pdf_job_args(context.model, note_id, rendered), finish)

        job.run = run_pdf
        return job


class RixmlStage:
    """build/rixml/<id>.xml: metadata for the research aggregators, describing the PDF."""

    name = "rixml"

    def plan(self, context: BuildContext) -> list[Job]:
        if "pdf" not in context.formats:
            return []
        return [self._job(context, note_id) for note_id in sorted(context.notes)]

    def live_outputs(self, model: LoadedProject) -> set[str]:
        return {outputs.note_rixml(n) for n in stems(model.project.note_files())}

    def _job(self, context: BuildContext, note_id: str) -> Job:
        pdf = outputs.note_pdf(note_id)
        job = Job([outputs.note_rixml(note_id)])
        if pdf in context.failed:
            job.blocked = f"build/{pdf} failed"
            return job
        job.inputs = {f"note:{note_id}": hash_json(context.notes[note_id].spec.model_dump(
                          mode="json")),
                      **context.house_inputs(("firm", "analysts", "ratings", "gics")),
                      **context.claim_inputs(cited_claim_ids(context.notes[note_id].spec)),
                      f"output:{pdf}": context.output_hash(pdf), **tool_inputs()}

        def run() -> Produced:
            from ..render.rixml import note_rixml

            pdf_bytes = (context.project.build_dir / pdf).read_bytes()
            return Produced({job.outputs[0]: note_rixml(context.model, note_id, pdf_bytes)})

        job.run = run
        return job


def _note_blocked(context: BuildContext, note_id: str) -> str | None:
    loaded = context.notes[note_id]
    gaps = context.model.regime_gaps.get(note_id)
    if gaps:
        return f"it is not publishable: {gaps[0].format()}"
    if context.model.errors_in(loaded.path):
        return f"{loaded.path} fails check"
    bad = [c for c in cited_claim_ids(loaded.spec) if c in context.model.registry.invalid]
    if bad:
        return f"it cites claim {bad[0]}, which fails check"
    for figure_id in embedded_figure_ids(loaded.spec):
        figure = context.model.figures.get(figure_id)
        if any(o in context.failed for o in figure_outputs(figure_id, figure)):
            return f"figure {figure_id} failed"
    for chart_id in history_charts(context.model, note_id):
        if outputs.figure_svg(chart_id) in context.failed:
            return f"chart {chart_id} failed"
    return None


def _note_inputs(context: BuildContext, note_id: str, templates: list[str]) -> dict[str, str]:
    model, loaded = context.model, context.notes[note_id]
    inputs = {f"note:{note_id}": hash_json(loaded.spec.model_dump(mode="json")),
              **context.house_inputs(NOTE_HOUSE_KEYS),
              **context.template_inputs(templates), **tool_inputs()}
    for related_id, title in related_titles(model, note_id).items():
        inputs[f"related:{related_id}"] = hash_json(title)
    inputs.update(coverage_inputs(model, note_id))
    for series_id, _ in cited_series_points(loaded.spec):
        if series_id in model.registry.series:
            inputs[f"series:{series_id}"] = model.registry.series[series_id].digest
    claim_ids = set(cited_claim_ids(loaded.spec))
    for figure_id in embedded_figure_ids(loaded.spec):
        figure = model.figures[figure_id].spec
        inputs[f"figure:{figure_id}"] = hash_json(figure.model_dump(mode="json"))
        claim_ids |= set(figure_claim_ids(figure, model.registry))
    inputs.update(context.claim_inputs(claim_ids))
    return inputs


def _figure_output_inputs(context: BuildContext, note_id: str) -> dict[str, str]:
    """The built figures a PDF embeds: a changed chart means a changed PDF."""
    inputs = {}
    for figure_id in embedded_figure_ids(context.notes[note_id].spec):
        for output in figure_outputs(figure_id, context.model.figures.get(figure_id)):
            name = output.rsplit("/", 1)[-1]
            inputs[f"figure-output:{name}"] = context.output_hash(output)
    for chart_id in history_charts(context.model, note_id):
        output = outputs.figure_svg(chart_id)
        inputs[f"figure-output:{chart_id}.svg"] = context.output_hash(output)
    return inputs


def coverage_inputs(model: LoadedProject, note_id: str) -> dict[str, str]:
    """What a note's disclosures are generated from besides itself: the other notes'
    ratings (history and distribution), compliance.yaml and its subjects' series."""
    from ..render.disclosures import disclosure_data

    return {"coverage": hash_json(disclosure_data(model, note_id))}


def related_titles(model: LoadedProject, note_id: str) -> dict[str, str]:
    """Titles of the notes a note lists as related (they show in its page); a note
    published after this one is marked as later, so no reader takes it for a source."""
    from ..language.i18n import text

    notes = model.notes
    note = notes[note_id].spec
    titles = {}
    for related_id in note.related:
        if related_id in notes:
            related = notes[related_id].spec
            later = text(note.language, "later_note") if related.date > note.date else ""
            titles[related_id] = related.title + later
    return titles


def render_note_page(model: LoadedProject, note_id: str, target: str) -> Rendered:
    """A note's HTML, for its web page (`target` html) or for its PDF (`target` pdf)."""
    from ..render.html import render_note

    assert model.house is not None
    from ..render.disclosures import disclosure_context

    note = model.notes[note_id].spec
    return render_note(model.project, model.notes[note_id], model.registry, model.figures,
                       model.house, target, related_titles(model, note_id),
                       disclosure_context(model, note_id, note.language))


def pdf_attachments(model: LoadedProject, note_id: str, rendered: Rendered) -> list[PdfAttachment]:
    """Files embedded in a note's PDF: its claims as JSON and each figure's data as CSV."""
    from ..render.pdf import PdfAttachment

    registry = model.registry
    claims = []
    for claim_id in rendered.claim_ids:
        registered = registry.claims[claim_id]
        source = registry.sources[registered.source_id]
        claims.append({**registered.claim.model_dump(mode="json", exclude_none=True),
                       "source_meta": source.meta.model_dump(mode="json"),
                       "quote_position": f"{source.text_path}:{registered.quote_line}:"
                                         f"{registered.quote_col}"})
    files = [PdfAttachment("claims.json", json.dumps(
        {"note": note_id, "claims": claims}, ensure_ascii=False, indent=2,
        sort_keys=True).encode("utf-8"), "Every claim cited in the note, with its quote")]
    for figure_id in rendered.figure_ids:
        csv_path = model.project.build_dir / outputs.figure_csv(figure_id)
        if csv_path.is_file():
            files.append(PdfAttachment(f"{figure_id}.csv", csv_path.read_bytes(),
                                       f"Data plotted in figure {figure_id}"))
    return files


def pdf_job_args(model: LoadedProject, note_id: str, rendered: Rendered) -> tuple[Any, ...]:
    """What `render_pdf` needs for a note, as plain data for a worker process."""
    return (rendered.html, str(model.project.build_dir / "html"), str(model.project.root),
            pdf_attachments(model, note_id, rendered), model.notes[note_id].spec.date)


# WeasyPrint only logs these; a PDF missing a chart or its stylesheet must not pass.
_LOAD_FAILURES = ("Failed to load", "Failed to render", "cannot be loaded")


def pdf_from_worker(value: tuple[bytes, list[str], list[str]]) -> tuple[bytes, list[str]]:
    """A rendered PDF and its warnings; a refused fetch or a resource that failed to load
    fails the PDF (it is then neither written nor recorded)."""
    pdf_bytes, refused, warnings = value
    if refused:
        raise SectornotesError(f"refused to fetch {refused[0]}: only files inside the project "
                               "are allowed")
    failed = [w for w in warnings if w.startswith(_LOAD_FAILURES)]
    if failed:
        raise SectornotesError(f"WeasyPrint could not load a resource: {failed[0]}; "
                               "the PDF would be incomplete (run the build again, or fix the "
                               "template)")
    return pdf_bytes, warnings
