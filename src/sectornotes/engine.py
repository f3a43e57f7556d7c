"""The build engine's memory and contract: state, hashes, jobs and the stage interface.

Every output records the hashes of exactly the inputs it read (claims by id,
figure specs, templates, house.yaml keys, the tool version). An output is
rebuilt only when one of those hashes changed, the output is missing, or it
was altered on disk; `--explain` prints those reasons, doit-style.

Stages (stages.py) see only a `BuildContext` and return `Job`s; the engine
(build.py) decides which jobs are stale, runs them and records their outputs.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from .atomic import write_text_atomic
from .errors import SectornotesError
from .project import PACKAGE_TEMPLATES, Project
from .version import __version__

if TYPE_CHECKING:
    from .model import LoadedProject
    from .notes import LoadedNote

STATE_VERSION = 1


def sha256_bytes(content: bytes) -> str:
    """Hex sha256 of bytes."""
    return hashlib.sha256(content).hexdigest()


def hash_json(value: object) -> str:
    """Hash of a value's canonical JSON: equal meaning, equal hash (reformatting is invisible)."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=str)
    return sha256_bytes(text.encode("utf-8"))


def hash_file(path: Path) -> str | None:
    """sha256 of a file's content, or None if it does not exist."""
    try:
        return sha256_bytes(path.read_bytes())
    except FileNotFoundError:
        return None


@dataclass
class OutputRecord:
    """What an output was built from, and what it was when written."""

    inputs: dict[str, str]
    sha256: str
    size: int
    templates: list[str] = field(default_factory=list)
    mtime_ns: int = 0  # only lets the no-op check skip re-hashing an untouched file

    def intact(self, path: Path) -> bool:
        """The file is what was written: same stat (cheap) or, failing that, same hash."""
        try:
            stat = path.stat()
        except FileNotFoundError:
            return False
        if stat.st_size == self.size and stat.st_mtime_ns == self.mtime_ns:
            return True
        return hash_file(path) == self.sha256


@dataclass
class State:
    """build/.state/state.json: one record per output path (relative to build/)."""

    outputs: dict[str, OutputRecord] = field(default_factory=dict)
    fingerprint: str | None = None  # digest of every input file after a full clean build

    @classmethod
    def load(cls, path: Path) -> State:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError, UnicodeDecodeError):
            return cls()  # a lost or damaged state only means rebuilding
        try:
            if raw.get("state_version") != STATE_VERSION:
                return cls()
            outputs = {str(name): OutputRecord(**record) for name, record in raw["outputs"].items()}
            fingerprint = raw.get("fingerprint")
            return cls(outputs, fingerprint if isinstance(fingerprint, str) else None)
        except (AttributeError, TypeError, KeyError):
            return cls()  # valid JSON of the wrong shape: also only a rebuild

    def save(self, path: Path) -> None:
        payload = {"state_version": STATE_VERSION, "fingerprint": self.fingerprint,
                   "outputs": {name: asdict(r) for name, r in sorted(self.outputs.items())}}
        write_text_atomic(path, json.dumps(payload, indent=1, sort_keys=True))


def describe_input(key: str) -> str:
    """A person's name for an input key: 'claim:x' → 'claim x'."""
    kind, _, name = key.partition(":")
    return {
        "claim": f"claim {name}", "template": f"template {name}",
        "house": f"house.yaml {name}", "tool": "sectornotes version",
        "note": f"notes/{name}.yaml", "figure": f"figures/{name}.yaml",
        "figure-output": f"figure output {name}", "source": f"source {name}",
        "python": f"figures/{name}",
        "related": f"title of related note {name}",
    }.get(kind, key)


def stale_reasons(old: OutputRecord | None, inputs: dict[str, str], output: Path,
                  force: bool = False) -> list[str]:
    """Why an output must be rebuilt; empty when it is up to date."""
    if force:
        return ["--force"]
    if old is None or not output.exists():
        return ["output missing"]
    if hash_file(output) != old.sha256:
        return ["output changed on disk since it was built"]
    reasons = []
    if old.inputs.get("tool:version") != inputs.get("tool:version"):
        reasons.append("sectornotes upgraded" if old.inputs.get("tool:version") else
                       "built by another sectornotes version")
    for key in sorted(set(old.inputs) | set(inputs)):
        if key == "tool:version" or old.inputs.get(key) == inputs.get(key):
            continue
        if key not in old.inputs:
            reasons.append(f"{describe_input(key)} added")
        elif key not in inputs:
            reasons.append(f"{describe_input(key)} no longer used")
        else:
            reasons.append(f"{describe_input(key)} changed")
    return reasons


def tool_inputs() -> dict[str, str]:
    """The tool version is an input of every output."""
    return {"tool:version": __version__}


class BuildLocked(SectornotesError):
    """Another build holds the project's lock."""


class BuildLock:
    """An exclusive lock on build/.state/lock; released by the OS if the process dies."""

    def __init__(self, state_dir: Path):
        self.path = state_dir / "lock"
        self.handle: TextIO | None = None

    def __enter__(self) -> BuildLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+")  # noqa: SIM115 - held for the whole build
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            handle.close()
            raise BuildLocked(f"another build is running in this project (pid {holder}); "
                              "wait for it to finish and run the build again") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self.handle = handle
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.handle is not None:
            fcntl.flock(self.handle, fcntl.LOCK_UN)
            self.handle.close()
            self.handle = None


def project_fingerprint(project: Project) -> str:
    """Digest of the content of every input file (the no-op fast path compares it)."""
    from .model import content_digest, input_files

    return content_digest(input_files(project), __version__)


def template_inputs(project: Project, names: Iterable[str]) -> dict[str, str]:
    """One hash per template file, the project's override winning over the package's."""
    inputs = {}
    for name in names:
        override = project.root / "templates" / name
        path = override if override.is_file() else PACKAGE_TEMPLATES / name
        inputs[f"template:{name}"] = hash_file(path) or "missing"
    return inputs


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
                 failed: Mapping[str, str]):
        self.model = model
        self.project = model.project
        self.notes = notes  # the notes this build is for
        self.targets = targets
        self.formats = formats
        self.failed = failed  # outputs that failed earlier in this build, with why
        self._state = state
        self._claim_hashes: dict[str, str] = {}
        self._house: dict[str, Any] | None = None

    def claim_hash(self, claim_id: str) -> str:
        """Everything about a claim an output can show: its fields, source and quote position."""
        if claim_id not in self._claim_hashes:
            registry = self.model.registry
            registered = registry.claims[claim_id]
            source = registry.sources[registered.source_id]
            self._claim_hashes[claim_id] = hash_json({
                "claim": registered.claim.model_dump(mode="json"),
                "source": source.meta.model_dump(mode="json"), "seed": source.id,
                "at": [registered.quote_line, registered.quote_col]})
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
