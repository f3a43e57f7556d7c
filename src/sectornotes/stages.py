"""The build's stages: figures, source pages, note HTML, note PDFs.

Each stage computes, per output, the inputs it reads (see engine.py), asks
the build which outputs are stale, and produces them. Heavy libraries are
imported inside the functions that need them, often in worker processes.
"""

from __future__ import annotations

import json
from pathlib import Path

from .figures import figure_claim_ids, figure_rows
from .notes import cited_claim_ids, embedded_figure_ids

NOTE_TEMPLATES = ["note.html", "note.css"]
NOTE_HOUSE_KEYS = ("firm", "analysts", "disclaimer", "certification", "risk_statement",
                   "ratings", "fonts")
FIGURE_HOUSE_KEYS = ("palette", "fonts", "chart_type")
SOURCE_TEMPLATES = ["source.html", "source.css"]


def _figure_worker(figure_id, spec, rows, house, figures_dir):
    from .charts import ChartStyle, build_figure

    style = ChartStyle.from_house(house, spec.language)
    output = build_figure(figure_id, spec, rows, style, Path(figures_dir))
    return output.svg, output.csv


def _pdf_worker(html, base_dir, root, attachments, created):
    from .pdf import render_pdf

    return render_pdf(html, Path(base_dir), Path(root), attachments, created)


class FigureStage:
    """build/figures/<id>.svg and build/data/<id>.csv."""

    def __init__(self, run, notes):
        self.run = run
        wanted = ({f for n in notes.values() for f in embedded_figure_ids(n.spec)}
                  if run.targets else set(run.report.figures))
        self.figures = {k: v for k, v in run.report.figures.items() if k in wanted}
        self.jobs: dict[str, object] = {}

    def outputs(self, figure_id: str) -> list[str]:
        kind = self.figures[figure_id].spec.kind
        return ([] if kind == "table" else [f"figures/{figure_id}.svg"]) + [f"data/{figure_id}.csv"]

    def blocked(self, figure_id: str) -> str | None:
        loaded = self.figures[figure_id]
        if self.run.file_errors(loaded.path):
            return f"{loaded.path} fails check"
        bad = [c for c in figure_claim_ids(loaded.spec, self.run.registry)
               if c in self.run.registry.invalid]
        return f"it plots claim {bad[0]}, which fails check" if bad else None

    def inputs(self, figure_id: str) -> dict[str, str]:
        loaded, run = self.figures[figure_id], self.run
        from .engine import hash_file, hash_json, tool_inputs

        inputs = {f"figure:{figure_id}": hash_json(loaded.spec.model_dump(mode="json")),
                  **run.house_inputs(FIGURE_HOUSE_KEYS), **tool_inputs()}
        for claim_id in figure_claim_ids(loaded.spec, run.registry):
            inputs[f"claim:{claim_id}"] = run.claim_hash(claim_id)
        if loaded.spec.python:
            file_name = loaded.spec.python.partition(":")[0]
            inputs[f"python:{file_name}"] = hash_file(run.project.figures_dir / file_name) or ""
        return inputs

    def plan(self) -> int:
        stale = 0
        for figure_id in sorted(self.figures):
            problem = self.blocked(figure_id)
            if problem:
                self.run.fail(self.outputs(figure_id), problem)
                self.run.failed_figures.add(figure_id)
                continue
            job = self.run.plan(self.outputs(figure_id), self.inputs(figure_id))
            if job.reasons:
                self.jobs[figure_id] = job
                stale += len(job.outputs)
        return stale

    def execute(self) -> None:
        run = self.run
        house = run.report.house
        work = []
        for figure_id, job in self.jobs.items():
            loaded = self.figures[figure_id]
            args = (figure_id, loaded.spec, figure_rows(loaded.spec, run.registry), house,
                    str(run.project.figures_dir))

            def on_result(job, value, seconds, figure_id=figure_id):
                svg, csv = value
                contents = {f"data/{figure_id}.csv": csv}
                if svg is not None:
                    contents[f"figures/{figure_id}.svg"] = svg
                run.record(job, contents, seconds)

            work.append((job, _figure_worker, args, on_result))
        run.run_jobs(work)
        for figure_id, job in self.jobs.items():
            if any(output in run.result.failed for output in job.outputs):
                run.failed_figures.add(figure_id)


class SourceStage:
    """build/sources/<id>.html: each source with its quoted passages highlighted."""

    def __init__(self, run, notes):
        self.run = run
        registry = run.registry
        if run.targets:
            wanted = {registry.get(c).source_id for n in notes.values()
                      for c in cited_claim_ids(n.spec) if registry.get(c)}
        else:
            wanted = set(registry.sources)
        self.sources = sorted(wanted)
        self.jobs = {}

    def inputs(self, source_id: str, templates: list[str]) -> dict[str, str]:
        from .engine import hash_json, sha256_bytes, tool_inputs

        run = self.run
        source = run.registry.sources[source_id]
        inputs = {f"source:{source_id}": sha256_bytes(source.text.text.encode("utf-8")) +
                  hash_json(source.meta.model_dump(mode="json"))[:16],
                  **run.template_inputs(templates), **tool_inputs()}
        for registered in run.registry.claims.values():
            if registered.source_id == source_id:
                inputs[f"claim:{registered.id}"] = run.claim_hash(registered.id)
        return inputs

    def plan(self) -> int:
        stale = 0
        for source_id in self.sources:
            output = f"sources/{source_id}.html"
            templates = self.run.recorded_templates(output, SOURCE_TEMPLATES)
            job = self.run.plan([output], self.inputs(source_id, templates), templates)
            if job.reasons:
                self.jobs[source_id] = job
                stale += 1
        return stale

    def execute(self) -> None:
        from .render import render_source

        run = self.run
        for source_id, job in self.jobs.items():
            source = run.registry.sources[source_id]

            def render(source=source):
                return render_source(run.project, source, run.registry)

            run.run_jobs_inline([(job, render, (), run.record_page)])


class NoteStage:
    """build/html/<id>.html and build/pdf/<id>.pdf."""

    def __init__(self, run, notes):
        self.run = run
        self.notes = notes
        self.html_jobs, self.pdf_jobs = {}, {}

    def blocked(self, note_id: str) -> str | None:
        run, loaded = self.run, self.notes[note_id]
        if run.file_errors(loaded.path):
            return f"{loaded.path} fails check"
        bad = [c for c in cited_claim_ids(loaded.spec) if c in run.registry.invalid]
        if bad:
            return f"it cites claim {bad[0]}, which fails check"
        failed = [f for f in embedded_figure_ids(loaded.spec) if f in run.failed_figures]
        return f"figure {failed[0]} failed" if failed else None

    def inputs(self, note_id: str, templates: list[str]) -> dict[str, str]:
        from .engine import hash_json, tool_inputs

        run, loaded = self.run, self.notes[note_id]
        inputs = {f"note:{note_id}": hash_json(loaded.spec.model_dump(mode="json")),
                  **run.house_inputs(NOTE_HOUSE_KEYS),
                  **run.template_inputs(templates), **tool_inputs()}
        for related_id, title in self.related_titles(note_id).items():
            inputs[f"related:{related_id}"] = hash_json(title)
        claim_ids = set(cited_claim_ids(loaded.spec))
        for figure_id in embedded_figure_ids(loaded.spec):
            figure = run.report.figures[figure_id].spec
            inputs[f"figure:{figure_id}"] = hash_json(figure.model_dump(mode="json"))
            claim_ids |= set(figure_claim_ids(figure, run.registry))
        for claim_id in sorted(claim_ids):
            inputs[f"claim:{claim_id}"] = run.claim_hash(claim_id)
        return inputs

    def _plan_format(self, fmt: str, extra=lambda note_id: {}) -> tuple[dict, int]:
        jobs, stale = {}, 0
        if fmt not in self.run.formats:
            return jobs, 0
        for note_id in sorted(self.notes):
            output = f"{fmt}/{note_id}.{fmt}"
            problem = self.blocked(note_id)
            if problem:
                self.run.fail([output], problem)
                continue
            templates = self.run.recorded_templates(output, NOTE_TEMPLATES)
            job = self.run.plan([output], {**self.inputs(note_id, templates), **extra(note_id)},
                                templates)
            if job.reasons:
                jobs[note_id] = job
                stale += 1
        return jobs, stale

    def plan_html(self) -> int:
        self.html_jobs, stale = self._plan_format("html")
        return stale

    def _figure_outputs(self, note_id: str) -> dict[str, str]:
        from .engine import hash_file

        inputs = {}
        for figure_id in embedded_figure_ids(self.notes[note_id].spec):
            for suffix, folder in (("svg", "figures"), ("csv", "data")):
                path = self.run.project.build_dir / folder / f"{figure_id}.{suffix}"
                if suffix == "svg" and self.run.report.figures[figure_id].spec.kind == "table":
                    continue
                inputs[f"figure-output:{figure_id}.{suffix}"] = hash_file(path) or "pending"
        return inputs

    def plan_pdf(self) -> int:
        self.pdf_jobs, stale = self._plan_format("pdf", self._figure_outputs)
        return stale

    def _render(self, note_id: str, target: str):
        from .render import render_note

        run = self.run
        return render_note(run.project, self.notes[note_id], run.registry, run.report.figures,
                           run.report.house, target, self.related_titles(note_id))

    def related_titles(self, note_id: str) -> dict[str, str]:
        notes = self.run.report.notes
        return {r: notes[r].spec.title for r in self.notes[note_id].spec.related if r in notes}

    def _figure_failed(self, note_id: str, job) -> bool:
        failed = [f for f in embedded_figure_ids(self.notes[note_id].spec)
                  if f in self.run.failed_figures]
        if failed:
            self.run.fail(job, f"figure {failed[0]} failed")
        return bool(failed)

    def execute_html(self) -> None:
        run = self.run
        for note_id, job in self.html_jobs.items():
            if self._figure_failed(note_id, job):
                continue
            run.run_jobs_inline([(job, self._render, (note_id, "html"), run.record_page)])

    def execute_pdf(self) -> None:
        run = self.run
        work = []
        for note_id, job in self.pdf_jobs.items():
            try:
                rendered = self._render(note_id, "pdf")
            except Exception as error:  # a template error fails this note only
                run.fail(job, f"{type(error).__name__}: {error}")
                continue
            job.templates = sorted(rendered.templates)
            job.inputs.update(run.template_inputs(job.templates))
            args = (rendered.html, str(run.project.build_dir / "html"), str(run.project.root),
                    self._attachments(note_id, rendered), self.notes[note_id].spec.date)

            def on_result(job, value, seconds, note_id=note_id):
                pdf_bytes, refused, warnings = value
                run.result.warnings += [f"build/{job.outputs[0]}: {w}" for w in warnings]
                if refused:
                    run.fail(job, f"refused to fetch {refused[0]}: only files inside the project "
                                  "are allowed")
                    return
                run.record(job, {job.outputs[0]: pdf_bytes}, seconds)

            work.append((job, _pdf_worker, args, on_result))
        run.run_jobs(work)

    def _attachments(self, note_id: str, rendered) -> list:
        from .pdf import PdfAttachment

        run = self.run
        claims = []
        for claim_id in rendered.claim_ids:
            registered = run.registry.get(claim_id)
            source = run.registry.sources[registered.source_id]
            claims.append({**registered.claim.model_dump(mode="json", exclude_none=True),
                           "source_meta": source.meta.model_dump(mode="json"),
                           "quote_position": f"seeds/{source.id}.txt:{registered.quote_line}:"
                                             f"{registered.quote_col}"})
        files = [PdfAttachment("claims.json", json.dumps(
            {"note": note_id, "claims": claims}, ensure_ascii=False, indent=2,
            sort_keys=True).encode("utf-8"), "Every claim cited in the note, with its quote")]
        for figure_id in rendered.figure_ids:
            csv_path = run.project.build_dir / "data" / f"{figure_id}.csv"
            if csv_path.is_file():
                files.append(PdfAttachment(f"{figure_id}.csv", csv_path.read_bytes(),
                                           f"Data plotted in figure {figure_id}"))
        return files
