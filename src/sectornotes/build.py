"""`sectornotes build`: figures, source pages, note HTML and PDFs, incrementally.

The plan is made from content hashes (see engine.py); only stale outputs are
rebuilt. Figures and PDFs render in worker processes with `jobs > 1`. Every
output is written atomically and recorded in the state only once written, so
an interrupted build is repaired by the next one. A failing note or figure is
reported and does not stop the others.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .atomic import write_bytes_atomic, write_text_atomic
from .engine import (
    BuildLock,
    OutputRecord,
    State,
    hash_file,
    hash_json,
    project_fingerprint,
    sha256_bytes,
    stale_reasons,
)
from .errors import EXIT_USAGE, SectornotesError
from .project import PACKAGE_TEMPLATES, Project

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

FORMATS = ("html", "pdf")


@dataclass
class BuildResult:
    """What a build did; `ok` is False when anything failed."""

    built: list[str] = field(default_factory=list)
    fresh: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)
    reasons: dict[str, list[str]] = field(default_factory=dict)
    findings: list = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # e.g. WeasyPrint's, per output
    seconds: float = 0.0
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.failed and not any(f.severity == "error" for f in self.findings)


class Reporter:
    """Progress callbacks; the CLI supplies a terminal or line-per-output version."""

    def start(self, count: int) -> None: ...  # called per stage with its stale outputs
    def done(self, output: str, seconds: float, reasons: list[str]) -> None: ...
    def failed(self, output: str, message: str) -> None: ...
    def close(self) -> None: ...


class UnknownNote(SectornotesError):
    """A note named on the command line does not exist."""

    exit_code = EXIT_USAGE


def input_files(project: Project) -> list[Path]:
    """Every file whose content can affect an output (for the no-op fast path)."""
    files = [project.house_path]
    for folder in (project.seeds_dir, project.figures_dir, project.notes_dir,
                   project.root / "templates", PACKAGE_TEMPLATES):
        if folder.is_dir():
            files.extend(p for p in folder.rglob("*") if p.is_file())
    return files


def build(project: Project, targets: tuple[str, ...] = (), jobs: int = 1, dry_run: bool = False,
          formats: tuple[str, ...] = FORMATS, force: bool = False,
          reporter: Reporter | None = None) -> BuildResult:
    """Bring every (or each targeted) note's outputs up to date."""
    started = time.perf_counter()
    reporter = reporter or Reporter()
    state_dir = project.build_dir / ".state"
    if dry_run:
        result = _Build(project, State.load(state_dir / "state.json"), targets, jobs, formats,
                        force, reporter, dry_run=True).run()
    else:
        with BuildLock(state_dir):
            result = _build_locked(project, state_dir, targets, jobs, formats, force, reporter)
    result.seconds = time.perf_counter() - started
    return result


def _build_locked(project, state_dir, targets, jobs, formats, force, reporter) -> BuildResult:
    for leftover in project.build_dir.rglob(".*.tmp"):  # from a build killed mid-write
        leftover.unlink(missing_ok=True)
    state = State.load(state_dir / "state.json")
    full = not targets and set(formats) == set(FORMATS)
    fingerprint = project_fingerprint(input_files(project))
    if full and not force and state.fingerprint == fingerprint and _outputs_intact(project, state):
        return BuildResult(fresh=sorted(state.outputs))
    state.fingerprint = None  # invalid until this build completes cleanly
    result = _Build(project, state, targets, jobs, formats, force, reporter).run()
    if full and result.ok:
        state.fingerprint = fingerprint
    state.save(state_dir / "state.json")
    _write_manifest(project, state)
    return result


def _outputs_intact(project: Project, state: State) -> bool:
    return bool(state.outputs) and all(
        record.intact(project.build_dir / name) for name, record in state.outputs.items())


def _write_manifest(project: Project, state: State) -> None:
    from . import __version__

    outputs = {name: {"sha256": r.sha256, "size": r.size, "inputs": dict(sorted(r.inputs.items()))}
               for name, r in sorted(state.outputs.items())}
    manifest = {"tool": "sectornotes", "version": __version__, "outputs": outputs}
    write_text_atomic(project.build_dir / "manifest.json",
                      json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


@dataclass
class _Job:
    """One unit of work producing one or more outputs."""

    outputs: list[str]
    inputs: dict[str, str]
    reasons: list[str]
    templates: list[str] = field(default_factory=list)


class _Build:
    """One build run: plans by stage and executes stale jobs."""

    def __init__(self, project, state, targets, jobs, formats, force, reporter, dry_run=False):
        self.project, self.state, self.targets = project, state, targets
        self.jobs, self.formats, self.force = jobs, formats, force
        self.reporter, self.dry_run = reporter, dry_run
        self.result = BuildResult(dry_run=dry_run)
        self.pool: ProcessPoolExecutor | None = None
        self.failed_figures: set[str] = set()
        self._claim_hashes: dict[str, str] = {}
        self._house: dict | None = None

    # ------------------------------------------------------------ planning helpers

    def run(self) -> BuildResult:
        from .check import check

        report = check(self.project)
        self.report, self.registry = report, report.registry
        self.result.findings = report.findings
        if report.house is None:
            self.result.failed["house.yaml"] = "house.yaml is invalid; nothing can be rendered"
            return self.result
        notes = self._selected_notes()
        try:
            self._run_stages(notes)
        finally:
            if self.pool is not None:
                self.pool.shutdown()
            self.reporter.close()
        if not self.targets and not self.dry_run:
            self._remove_orphans(notes)
        return self.result

    def _selected_notes(self) -> dict:
        notes = self.report.notes
        unknown = [t for t in self.targets if t not in notes and
                   not (self.project.notes_dir / f"{t}.yaml").exists()]
        if unknown:
            from .findings import did_you_mean

            raise UnknownNote(f"unknown note '{unknown[0]}'{did_you_mean(unknown[0], notes)}")
        for note_id in self.targets:
            if note_id not in notes:
                self.result.failed[f"notes/{note_id}.yaml"] = "the note does not pass check"
        return {k: v for k, v in notes.items() if not self.targets or k in self.targets}

    def file_errors(self, path: str) -> list:
        return [f for f in self.report.findings if f.path == path and f.severity == "error"]

    def claim_hash(self, claim_id: str) -> str:
        """Everything about a claim an output can show: its fields, source and quote position."""
        if claim_id not in self._claim_hashes:
            registered = self.registry.get(claim_id)
            source = self.registry.sources[registered.source_id]
            self._claim_hashes[claim_id] = hash_json({
                "claim": registered.claim.model_dump(mode="json"),
                "source": source.meta.model_dump(mode="json"), "seed": source.id,
                "at": [registered.quote_line, registered.quote_col]})
        return self._claim_hashes[claim_id]

    def house_inputs(self, keys) -> dict[str, str]:
        """One hash per house.yaml key an output uses."""
        if self._house is None:
            self._house = self.report.house.model_dump(mode="json")
        return {f"house:{key}": hash_json(self._house[key]) for key in keys}

    def template_inputs(self, names: list[str]) -> dict[str, str]:
        inputs = {}
        for name in names:
            override = self.project.root / "templates" / name
            path = override if override.is_file() else PACKAGE_TEMPLATES / name
            inputs[f"template:{name}"] = hash_file(path) or "missing"
        return inputs

    def recorded_templates(self, output: str, default: list[str]) -> list[str]:
        record = self.state.outputs.get(output)
        return record.templates if record and record.templates else default

    def plan(self, outputs: list[str], inputs: dict[str, str], templates=()) -> _Job:
        reasons = []
        for output in outputs:
            reasons += stale_reasons(self.state.outputs.get(output), inputs,
                                     self.project.build_dir / output, self.force)
        job = _Job(outputs, inputs, list(dict.fromkeys(reasons)), list(templates))
        if job.reasons:
            for output in outputs:
                self.result.reasons[output] = job.reasons
        else:
            self.result.fresh.extend(outputs)
        return job

    def record(self, job: _Job, contents: dict[str, bytes], seconds: float) -> None:
        for output, content in contents.items():
            path = self.project.build_dir / output
            write_bytes_atomic(path, content)
            self.state.outputs[output] = OutputRecord(job.inputs, sha256_bytes(content),
                                                      len(content), job.templates,
                                                      path.stat().st_mtime_ns)
            self.result.built.append(output)
            self.reporter.done(output, seconds, job.reasons)
        self.state.save(self.project.build_dir / ".state" / "state.json")

    def record_page(self, job: _Job, rendered, seconds: float) -> None:
        """Record an HTML page with the templates its render actually loaded."""
        job.templates = sorted(rendered.templates)
        job.inputs.update(self.template_inputs(job.templates))
        self.record(job, {job.outputs[0]: rendered.html.encode("utf-8")}, seconds)

    def fail(self, job_or_outputs, message: str) -> None:
        outputs = job_or_outputs.outputs if isinstance(job_or_outputs, _Job) else job_or_outputs
        for output in outputs:
            self.result.failed[output] = message
            self.reporter.failed(output, message)

    def executor(self) -> ProcessPoolExecutor | None:
        if self.jobs <= 1:
            return None
        if self.pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self.pool = ProcessPoolExecutor(self.jobs, mp_context=multiprocessing.get_context("fork"))
        return self.pool

    def run_jobs_inline(self, work) -> None:
        """Run cheap jobs in this process whatever `jobs` is."""
        jobs, self.jobs = self.jobs, 1
        try:
            self.run_jobs(work)
        finally:
            self.jobs = jobs

    def run_jobs(self, work: list[tuple[_Job, Callable, tuple, Callable]]) -> None:
        """Run (job, function, args, on_result) in workers or in-process."""
        pool = self.executor() if self.jobs > 1 else None
        if pool is None:
            for job, function, args, on_result in work:
                started = time.perf_counter()
                try:
                    value = function(*args)
                except Exception as error:  # one failing output must not stop the rest
                    self.fail(job, _message(error))
                    continue
                on_result(job, value, time.perf_counter() - started)
            return
        started = time.perf_counter()
        futures = [
            (job, pool.submit(function, *args), on_result) for job, function, args, on_result in work]
        for job, future, on_result in futures:
            try:
                value = future.result()
            except Exception as error:
                self.fail(job, _message(error))
                continue
            on_result(job, value, time.perf_counter() - started)

    # ------------------------------------------------------------ stages

    def _run_stages(self, notes: dict) -> None:
        from .stages import FigureStage, NoteStage, SourceStage

        figure_stage = FigureStage(self, notes)
        source_stage = SourceStage(self, notes)
        note_stage = NoteStage(self, notes)
        self.reporter.start(figure_stage.plan() + source_stage.plan() + note_stage.plan_html())
        if self.dry_run:
            note_stage.plan_pdf()
            return
        figure_stage.execute()
        source_stage.execute()
        note_stage.execute_html()
        self.reporter.start(note_stage.plan_pdf())
        note_stage.execute_pdf()

    def _remove_orphans(self, notes: dict) -> None:
        live = set()
        for figure_id in self.report.figures:
            live |= {f"data/{figure_id}.csv", f"figures/{figure_id}.svg"}
        live |= {f"sources/{s}.html" for s in self.registry.sources}
        for note_id in self.report.notes:
            live |= {f"html/{note_id}.html", f"pdf/{note_id}.pdf"}
        broken = {f.path for f in self.report.findings if f.severity == "error"}
        for output in sorted(set(self.state.outputs) - live):
            stem = output.rsplit("/", 1)[-1].rsplit(".", 1)[0]
            if any(stem in path for path in broken):
                continue  # a file that fails check is not a deleted file
            (self.project.build_dir / output).unlink(missing_ok=True)
            del self.state.outputs[output]
            self.result.removed.append(output)


def _message(error: Exception) -> str:
    text = str(error)
    return text if isinstance(error, SectornotesError) else f"{type(error).__name__}: {text}"
