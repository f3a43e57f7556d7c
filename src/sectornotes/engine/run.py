"""`sectornotes build` and `sectornotes clean`: one build run under the build lock.

`build()` takes the lock, skips everything when the project, the tools and the
outputs are exactly as the last complete build left them, otherwise runs the
engine over the registered stages (`registered_stages`: the built-in ones of
stages.py, then any a package registers under the entry point group
`sectornotes.stages`), and writes the manifest and the state.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import SectornotesError
from ..inputs.atomic import write_text_atomic
from ..inputs.project import Project
from ..render import outputs
from .engine import FORMATS, BuildResult, Engine, Reporter, Stage, save_state
from .state import BuildLock, State, project_fingerprint

if TYPE_CHECKING:
    from .environment import Environment


def registered_stages() -> list[Stage]:
    """The built-in stages, then one per `sectornotes.stages` entry point, in entry point
    name order. An entry point names a class or a function returning a stage: an object
    with a `name`, `plan(context) -> list[Job]` and `live_outputs(model) -> set[str]`
    (engine.Stage), which may write any outputs under build/ but those of other stages.
    A new output kind is such a stage: it runs after the built-ins, so it may read
    their outputs (`context.output_hash` makes them its inputs)."""
    from ..plugins import PluginError, load_plugins
    from .stages import default_stages

    stages = default_stages()
    for entry, make in load_plugins("sectornotes.stages", _callable, "a class or function"):
        try:
            stage = make()
        except Exception as error:  # a plugin's own bug: name it, without its traceback
            raise PluginError(f"{entry.describe()} failed to make its stage: "
                              f"{type(error).__name__}: {error}") from None
        if not (isinstance(getattr(stage, "name", None), str) and
                callable(getattr(stage, "plan", None)) and
                callable(getattr(stage, "live_outputs", None))):
            raise PluginError(f"{entry.describe()} made {type(stage).__name__}, not a "
                              "stage (a 'name', 'plan(context)' and 'live_outputs(model)')")
        stages.append(stage)
    return stages


def _callable(found: object) -> Callable[[], Stage] | None:
    return found if callable(found) else None


def build(project: Project, targets: tuple[str, ...] = (), jobs: int = 1, dry_run: bool = False,
          formats: tuple[str, ...] = FORMATS, force: bool = False,
          reporter: Reporter | None = None, stages: list[Stage] | None = None,
          environment: Environment | None = None) -> BuildResult:
    """Bring every (or each targeted) note's outputs up to date.

    `stages` defaults to every registered stage (`registered_stages`); tests may pass
    their own.
    `environment` defaults to the one probed on this machine (environment.py); a test
    may pass another to see what a library upgrade would rebuild.
    """
    started = time.perf_counter()
    if project.build_dir.is_symlink():
        raise SectornotesError(f"{project.build_dir} is a symbolic link; outputs are never "
                               "written through links: remove it (build/ is made anew)")
    reporter = reporter or Reporter()
    try:
        result = _build(project, targets, jobs, dry_run, formats, force, reporter,
                        stages, environment)
    except OSError as error:  # disk full, read-only folder: say where, never a traceback
        where = error.filename or project.build_dir
        raise SectornotesError(f"cannot write {where}: {error.strerror or error}; nothing "
                               "half-written is kept, and the next build repairs the rest") from None
    result.seconds = time.perf_counter() - started
    return result


def _build(project: Project, targets: tuple[str, ...], jobs: int, dry_run: bool,
           formats: tuple[str, ...], force: bool, reporter: Reporter,
           stages: list[Stage] | None, environment: Environment | None) -> BuildResult:
    state_path = project.build_dir / outputs.STATE_DIR / "state.json"
    chosen = stages if stages is not None else registered_stages()
    if dry_run:
        engine = Engine(project, State.load(state_path), targets, jobs, formats, force,
                        reporter, chosen, dry_run=True, environment=environment)
        result = engine.run()
    else:
        with BuildLock(state_path.parent):
            result = _build_locked(project, state_path, targets, jobs, formats, force,
                                   reporter, chosen, stages is None, environment)
    return result


def _build_locked(project: Project, state_path: Path, targets: tuple[str, ...], jobs: int,
                  formats: tuple[str, ...], force: bool, reporter: Reporter,
                  stages: list[Stage], all_stages: bool,
                  environment: Environment | None) -> BuildResult:
    from .environment import environment_stamp

    for leftover in project.build_dir.rglob(".*.tmp"):  # from a build killed mid-write
        leftover.unlink(missing_ok=True)
    state = State.load(state_path)
    # Every note (of some formats) with every stage: a clean build of it records the
    # fingerprint of all its inputs, and the same build after no change decides from it.
    whole = not targets and all_stages and environment is None
    fingerprint = project_fingerprint(project)  # before: an edit during the build is seen next time
    fingerprint += _plugins_fingerprint()
    stamp = environment_stamp(state_path.parent)
    if whole and not force and _fingerprint_covers(state.fingerprint, f"{fingerprint}:{stamp}",
                                                   formats) and _outputs_intact(project, state):
        if not _manifest_intact(project, state):  # a damaged manifest is repaired
            _write_manifest(project, state)
            state.save(state_path)
        return BuildResult(fresh=[name for name in sorted(state.outputs)
                                  if name.split("/")[0] in formats
                                  or name.split("/")[0] not in FORMATS])
    state.fingerprint = None  # invalid until this build completes cleanly
    result = Engine(project, state, targets, jobs, formats, force, reporter, stages,
                    environment=environment).run()
    if whole and result.ok:  # the environment as this build probed it
        state.fingerprint = f"{fingerprint}:{environment_stamp(state_path.parent)}"
        if set(formats) != set(FORMATS):  # which formats this fingerprint vouches for
            state.fingerprint += ":" + ",".join(sorted(formats))
    try:
        _write_manifest(project, state)
    except OSError as error:
        raise SectornotesError(f"cannot write {project.build_dir / outputs.MANIFEST}: "
                               f"{error.strerror or error}; the next build writes it") from None
    save_state(state, state_path)
    return result


def _fingerprint_covers(recorded: str | None, current: str, formats: tuple[str, ...]) -> bool:
    """Whether the recorded fingerprint is of these inputs and of a build of (at least)
    these formats: a full build's has no suffix, `build --format html`'s ends ':html'."""
    if recorded is None or not recorded.startswith(current):
        return False
    rest = recorded[len(current):]
    if not rest:
        return True
    return rest.startswith(":") and set(formats) <= set(rest[1:].split(","))


def _plugins_fingerprint() -> str:
    """'' without plugins (a state written before plugins existed stays valid), else the
    digest of every entry point: adding or upgrading a plugin rebuilds."""
    from .. import plugins
    from .state import sha256_bytes

    listed = plugins.fingerprint()
    return f"+{sha256_bytes(listed.encode('utf-8'))[:16]}" if listed else ""


def _manifest_intact(project: Project, state: State) -> bool:
    try:
        stat = (project.build_dir / outputs.MANIFEST).stat()
    except OSError:
        return False
    return state.manifest == [stat.st_size, stat.st_mtime_ns]


def _outputs_intact(project: Project, state: State) -> bool:
    return bool(state.outputs) and all(
        record.intact(project.build_dir / name) for name, record in state.outputs.items())


def _write_manifest(project: Project, state: State) -> None:
    from ..version import __version__

    records = {name: {"sha256": r.sha256, "size": r.size, "inputs": dict(sorted(r.inputs.items()))}
               for name, r in sorted(state.outputs.items())}
    manifest = {"tool": "sectornotes", "version": __version__, "outputs": records}
    text = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    path = project.build_dir / outputs.MANIFEST
    try:
        unchanged = path.read_text(encoding="utf-8") == text
    except (OSError, UnicodeDecodeError):
        unchanged = False  # missing or unreadable: write it
    if not unchanged:
        write_text_atomic(path, text)
    stat = path.stat()
    state.manifest = [stat.st_size, stat.st_mtime_ns]


def clean(project: Project) -> bool:
    """`sectornotes clean`: remove build/; False when there was nothing to remove.

    It takes the build lock, so it never pulls the outputs from under a running
    build (which would then record PDFs without their charts).
    """
    import shutil

    if project.build_dir.is_symlink():
        raise SectornotesError(f"{project.build_dir} is a symbolic link to "
                               f"{project.build_dir.resolve()}; clean never removes what a link "
                               "points to: remove the link yourself")
    if not project.build_dir.exists():
        return False
    with BuildLock(project.build_dir / outputs.STATE_DIR, action="clean"):
        shutil.rmtree(project.build_dir)
    return True
