"""The build engine: stages plan jobs, the engine decides, runs and records them.

Stages (stages.py) see only a `BuildContext` and return one `Job` per output
group: the outputs, the hashes of exactly what they read, and how to make
them. The engine alone decides which are stale (state.py), runs them — heavy
work in worker processes with `jobs > 1` — writes each output atomically and
records it in the state only once written, so an interrupted build is
repaired by the next one. A failing job is reported and does not stop the
others. `run.build()` is `sectornotes build`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import SectornotesError
from ..findings import Finding
from ..inputs.atomic import write_bytes_atomic
from ..inputs.paths import UnsafePath, confined
from ..inputs.project import Project
from ..render import outputs
from .state import (
    OutputRecord,
    State,
    hash_file,
    hash_json,
    sha256_bytes,
    stale_reasons,
    template_inputs,
)

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from ..loaded.project import LoadedProject
    from ..model.notes import LoadedNote
    from .environment import Environment

# ---------------------------------------------------------------- the stage contract


@dataclass
class Produced:
    """What a job made: its outputs' bytes, and what rendering them actually read."""

    contents: dict[str, bytes]
    templates: list[str] = field(default_factory=list)  # template files loaded, hashed as inputs
    warnings: list[str] = field(default_factory=list)


@dataclass
class Offload:
    """Heavy work for a worker process: `function(*args)` there, then `finish(value)` here.

    `function` and `args` must be picklable (a module-level function, plain data).
    """

    function: Callable[..., Any]
    args: tuple[Any, ...]
    finish: Callable[[Any], Produced]


@dataclass
class Job:
    """One unit of work producing one or more outputs (paths relative to build/)."""

    outputs: list[str]
    inputs: dict[str, str] = field(default_factory=dict)
    run: Callable[[], Produced | Offload] | None = None  # cheap part, in this process
    blocked: str | None = None  # why it cannot be built (fails check, a figure failed …)
    templates: list[str] = field(default_factory=list)  # templates it read last time


class Stage(Protocol):
    """A kind of output. The engine plans stages in order, each after the previous ran."""

    name: str

    def plan(self, context: BuildContext) -> list[Job]:
        """The jobs for the outputs this build wants (stale or not)."""
        ...

    def live_outputs(self, model: LoadedProject) -> set[str]:
        """Every output this stage should have for the project as it is (others are removed)."""
        ...


class BuildContext:
    """What a stage may know about a build: the project model and input hashes."""

    def __init__(self, model: LoadedProject, notes: dict[str, LoadedNote],
                 targets: tuple[str, ...], formats: tuple[str, ...], state: State,
                 failed: Mapping[str, str], environment: Environment | None = None,
                 dry_run: bool = False):
        self.model = model
        self.project = model.project
        self.notes = notes  # the notes this build is for
        self.targets = targets
        self.formats = formats
        self.failed = failed  # outputs that failed earlier in this build, with why
        self._state = state
        self._claim_hashes: dict[str, str] = {}
        self._house: dict[str, Any] | None = None
        self._environment = environment
        self._keep_probe = not dry_run  # a dry run writes nothing, not even the probe

    @property
    def environment(self) -> Environment:
        """The libraries and fonts this build renders with (probed once, when first needed)."""
        if self._environment is None:
            from .environment import environment

            house = self.model.house
            families = [f for stack in (house.fonts.values() if house else ()) for f in stack]
            state_dir = self.project.build_dir / outputs.STATE_DIR
            self._environment = environment(state_dir if self._keep_probe else None, families,
                                            read_from=state_dir)
        return self._environment

    def environment_inputs(self, kind: str, language: str | None = None) -> dict[str, str]:
        """Versions and font files that shape an output of `kind` ('pdf', 'chart', 'html',
        'page'), with the house's font stack for `language` (all languages when None)."""
        house = self.model.house
        stacks = house.fonts if house else {}
        families = stacks.get(language, []) if language else [
            family for stack in stacks.values() for family in stack]
        return self.environment.inputs(kind, families)

    def claim_hash(self, claim_id: str) -> str:
        """Everything about a claim an output can show: its fields, source and quote position."""
        if claim_id not in self._claim_hashes:
            registry = self.model.registry
            registered = registry.claims[claim_id]
            source = registry.sources[registered.source_id]
            self._claim_hashes[claim_id] = hash_json({
                "claim": registered.claim.model_dump(mode="json"),
                "source": source.meta.model_dump(mode="json"), "seed": source.id,
                "at": [registered.quote_line, registered.quote_col], "quoted": registered.quoted,
                "evidence": registered.evidence})
        return self._claim_hashes[claim_id]

    def claim_inputs(self, claim_ids: Iterable[str]) -> dict[str, str]:
        """One input per claim."""
        return {f"claim:{claim_id}": self.claim_hash(claim_id) for claim_id in sorted(claim_ids)}

    def house_inputs(self, keys: Iterable[str]) -> dict[str, str]:
        """One hash per house.yaml key an output uses."""
        if self._house is None:
            assert self.model.house is not None  # the engine builds nothing without it
            self._house = self.model.house.model_dump(mode="json")
        return {f"house:{key}": hash_json(self._house[key]) for key in keys}

    def template_inputs(self, names: Iterable[str]) -> dict[str, str]:
        """One hash per template file, the project's override winning over the package's."""
        return template_inputs(self.project, names)

    def previous_templates(self, output: str, default: list[str]) -> list[str]:
        """The templates an output's last render read (a render may load fewer or more)."""
        record = self._state.outputs.get(output)
        return record.templates if record and record.templates else default

    def output_hash(self, output: str) -> str:
        """The current content hash of another output, 'pending' when not built yet."""
        return hash_file(self.project.build_dir / output) or "pending"


# ---------------------------------------------------------------- running a build

FORMATS = outputs.NOTE_FORMATS


@dataclass
class BuildResult:
    """What a build did; `ok` is False when anything failed."""

    built: list[str] = field(default_factory=list)
    fresh: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)
    reasons: dict[str, list[str]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
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


def save_state(state: State, path: Path) -> None:
    """Save the state atomically; a failure is one message, never a traceback."""
    try:
        state.save(path)
    except OSError as error:  # the old state stays whole (atomic): outputs are rebuilt
        raise SectornotesError(f"cannot write {path}: {error.strerror or error}; the outputs "
                               "written so far are rebuilt by the next build") from None


class Engine:
    """One build run: plans each stage, runs its stale jobs, records what they wrote."""

    def __init__(self, project: Project, state: State, targets: tuple[str, ...], jobs: int,
                 formats: tuple[str, ...], force: bool, reporter: Reporter,
                 stages: list[Stage], dry_run: bool = False,
                 environment: Environment | None = None):
        self.project, self.state, self.targets = project, state, targets
        self.jobs, self.formats, self.force = jobs, formats, force
        self.reporter, self.dry_run = reporter, dry_run
        self.stages = stages
        self.environment = environment
        self.result = BuildResult(dry_run=dry_run)
        self.pool: ProcessPoolExecutor | None = None

    def run(self) -> BuildResult:
        from ..loaded.project import load_project

        model = load_project(self.project, store_proofs=not self.dry_run)
        self.result.findings = model.findings
        if model.house is None:
            self.result.failed["house.yaml"] = "house.yaml is invalid; nothing can be rendered"
            return self.result
        stages = self.stages
        context = BuildContext(model, self._selected_notes(model), self.targets, self.formats,
                               self.state, self.result.failed, self.environment,
                               dry_run=self.dry_run)
        try:
            for stage in stages:
                stale = self._decide(stage.plan(context))
                self.reporter.start(sum(len(job.outputs) for job, _ in stale))
                if not self.dry_run:
                    self._execute(stale)
        finally:
            if self.pool is not None:
                self.pool.shutdown()
            self.reporter.close()
        if not self.targets and not self.dry_run:
            self._remove_orphans(model, stages)
        return self.result

    def _selected_notes(self, model: LoadedProject) -> dict[str, LoadedNote]:
        from ..errors import unknown_note

        for note_id in self.targets:
            if note_id in model.notes:
                continue
            if not (self.project.notes_dir / f"{note_id}.yaml").exists():
                raise unknown_note(note_id, model.notes)
            self.result.failed[f"notes/{note_id}.yaml"] = "the note does not pass check"
        return {k: v for k, v in model.notes.items() if not self.targets or k in self.targets}

    # ------------------------------------------------------------ deciding

    def _decide(self, jobs: list[Job]) -> list[tuple[Job, list[str]]]:
        stale = []
        for job in jobs:
            if job.blocked is not None:
                self._fail(job, job.blocked)
                continue
            reasons: list[str] = []
            for output in job.outputs:
                reasons += stale_reasons(self.state.outputs.get(output), job.inputs,
                                         self.project.build_dir / output, self.force)
            reasons = list(dict.fromkeys(reasons))
            if reasons:
                for output in job.outputs:
                    self.result.reasons[output] = reasons
                stale.append((job, reasons))
            else:
                self.result.fresh.extend(job.outputs)
        return stale

    # ------------------------------------------------------------ running

    def _execute(self, stale: list[tuple[Job, list[str]]]) -> None:
        offloaded: list[tuple[Job, list[str], Offload, float]] = []
        for job, reasons in stale:
            started = time.perf_counter()
            produced = self._attempt(job, job.run) if job.run else None
            if isinstance(produced, Offload):
                offloaded.append((job, reasons, produced, started))
            elif isinstance(produced, Produced):
                self._record(job, reasons, produced, time.perf_counter() - started)
        pool = self._executor() if len(offloaded) > 1 else None
        if pool is None:
            for job, reasons, offload, started in offloaded:
                value = self._attempt(job, offload.function, *offload.args)
                self._finish(job, reasons, offload, value, started)
            return
        futures = [(job, reasons, offload, pool.submit(offload.function, *offload.args), started)
                   for job, reasons, offload, started in offloaded]
        for job, reasons, offload, future, started in futures:
            self._finish(job, reasons, offload, self._attempt(job, future.result), started)

    def _finish(self, job: Job, reasons: list[str], offload: Offload, value: Any,
                started: float) -> None:
        if value is _FAILED:
            return
        produced = self._attempt(job, offload.finish, value)
        if isinstance(produced, Produced):
            self._record(job, reasons, produced, time.perf_counter() - started)

    def _attempt(self, job: Job, function: Callable[..., Any], *args: Any) -> Any:
        try:
            return function(*args)
        except Exception as error:  # one failing output must not stop the rest
            self._fail(job, _message(error))
            return _FAILED

    def _executor(self) -> ProcessPoolExecutor | None:
        if self.jobs <= 1:
            return None
        if self.pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self.pool = ProcessPoolExecutor(self.jobs,
                                            mp_context=multiprocessing.get_context("fork"))
        return self.pool

    # ------------------------------------------------------------ recording

    def _record(self, job: Job, reasons: list[str], produced: Produced, seconds: float) -> None:
        if produced.templates:
            job.templates = sorted(produced.templates)
            job.inputs.update(template_inputs(self.project, job.templates))
        self.result.warnings += [f"build/{job.outputs[0]}: {w}" for w in produced.warnings]
        for output, content in produced.contents.items():
            try:
                path = confined(self.project.build_dir, output, "output")
                write_bytes_atomic(path, content)
            except UnsafePath as refused:
                self._fail(job, str(refused))
                return
            except OSError as error:  # disk full, read-only: nothing half-written is kept
                self._fail(job, f"cannot write build/{output}: {error.strerror or error}")
                return
            self.state.outputs[output] = OutputRecord(job.inputs, sha256_bytes(content),
                                                      len(content), job.templates,
                                                      path.stat().st_mtime_ns)
            self.result.built.append(output)
            self.reporter.done(output, seconds, reasons)
        save_state(self.state, self.project.build_dir / outputs.STATE_DIR / "state.json")

    def _fail(self, job: Job, message: str) -> None:
        for output in job.outputs:
            self.result.failed[output] = message
            self.reporter.failed(output, message)

    def _remove_orphans(self, model: LoadedProject, stages: list[Stage]) -> None:
        live: set[str] = set()
        for stage in stages:
            live |= stage.live_outputs(model)
        for output in sorted(set(self.state.outputs) - live):
            try:  # the state was validated when read; this holds even if it was not
                confined(self.project.build_dir, output, "output").unlink(missing_ok=True)
            except UnsafePath as refused:
                self.result.warnings.append(str(refused))
            del self.state.outputs[output]
            self.result.removed.append(output)


_FAILED = object()  # a step raised; the job has been reported as failed


def _message(error: Exception) -> str:
    text = str(error)
    return text if isinstance(error, SectornotesError) else f"{type(error).__name__}: {text}"
