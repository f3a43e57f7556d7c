"""The build database: what each output was built from, and why it is stale.

Every output records the hashes of exactly the inputs it read (claims by id,
figure specs, templates, house.yaml keys, the tool version). An output is
rebuilt only when one of those hashes changed, the output is missing, or it
was altered on disk; `--explain` prints those reasons, doit-style. Only the
engine (engine.py) reads or writes this state.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TextIO

from ..errors import SectornotesError
from ..inputs.atomic import write_text_atomic
from ..inputs.paths import is_output_name
from ..inputs.project import PACKAGE_TEMPLATES, Project
from ..version import __version__

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
    manifest: list[int] | None = None  # [size, mtime_ns] of manifest.json as last written

    @classmethod
    def load(cls, path: Path) -> State:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError, UnicodeDecodeError):
            return cls()  # a lost or damaged state only means rebuilding
        try:
            if raw.get("state_version") != STATE_VERSION:
                return cls()
            outputs = {}
            for name, record in raw["outputs"].items():
                # A name is a path the engine may delete: only the layout's own names
                # are kept (a forged "../../x" or "/etc/x" is dropped, never unlinked).
                checked = _record(record)
                if is_output_name(name) and checked is not None:
                    outputs[name] = checked
            fingerprint = raw.get("fingerprint")
            manifest = raw.get("manifest")
            if len(outputs) != len(raw["outputs"]):
                fingerprint = None  # some records were dropped: never trust the fast path
            return cls(outputs, fingerprint if isinstance(fingerprint, str) else None,
                       [int(n) for n in manifest] if isinstance(manifest, list) else None)
        except (AttributeError, TypeError, KeyError, ValueError):
            return cls()  # valid JSON of the wrong shape: also only a rebuild

    def save(self, path: Path) -> None:
        payload = {"state_version": STATE_VERSION, "fingerprint": self.fingerprint,
                   "manifest": self.manifest,
                   "outputs": {name: asdict(r) for name, r in sorted(self.outputs.items())}}
        write_text_atomic(path, json.dumps(payload, indent=1, sort_keys=True))


def _record(raw: object) -> OutputRecord | None:
    """An output record of exactly the stored shape, or None (then it is rebuilt)."""
    if not isinstance(raw, dict) or set(raw) - {"inputs", "sha256", "size", "templates",
                                                 "mtime_ns"}:
        return None
    inputs, digest, size = raw.get("inputs"), raw.get("sha256"), raw.get("size")
    templates, mtime = raw.get("templates", []), raw.get("mtime_ns", 0)
    if not (isinstance(inputs, dict) and all(isinstance(k, str) and isinstance(v, str)
                                             for k, v in inputs.items())
            and isinstance(digest, str) and isinstance(size, int) and isinstance(mtime, int)
            and isinstance(templates, list) and all(isinstance(t, str) for t in templates)):
        return None
    return OutputRecord(inputs, digest, size, templates, mtime)


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
        "output": f"build/{name}",
        "lib": name, "font": f"font {name}", "chart-font": f"font {name}",
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
        elif key.startswith("lib:"):  # a library or native library version: say from → to
            reasons.append(f"{describe_input(key)} {old.inputs[key]} → {inputs[key]}")
        else:
            reasons.append(f"{describe_input(key)} changed")
    return reasons


def tool_inputs() -> dict[str, str]:
    """The tool version is an input of every output."""
    return {"tool:version": __version__}


class BuildLocked(SectornotesError):
    """Another build holds the project's lock."""


_HELD_IN_THIS_PROCESS: set[str] = set()


class BuildLock:
    """An exclusive lock on build/.state/lock, held by this process only.

    It is a POSIX record lock (`lockf`): the OS drops it when the holder dies,
    and, unlike `flock`, worker processes forked during the build do not
    inherit it, so a killed build never leaves a lock held by its orphans.
    Record locks do not exclude threads of one process, hence the set.
    """

    def __init__(self, state_dir: Path, action: str = "build"):
        self.path = state_dir / "lock"
        self.action = action
        self.handle: TextIO | None = None

    def __enter__(self) -> BuildLock:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle = open(self.path, "a+")  # noqa: SIM115 - held for the whole build
        except OSError as error:
            raise SectornotesError(f"cannot create the build lock {self.path}: "
                                   f"{error.strerror or error}") from None
        key = str(self.path.resolve())
        try:
            if key in _HELD_IN_THIS_PROCESS:
                raise BlockingIOError
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except (BlockingIOError, PermissionError):
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            handle.close()
            raise BuildLocked(f"another build is running in this project (pid {holder}); "
                              f"wait for it to finish and run the {self.action} again") from None
        try:  # the holder's pid, for the message a second build prints
            handle.seek(0)
            handle.truncate()
            handle.write(str(os.getpid()))
            handle.flush()
        except OSError:
            pass  # a full disk: the lock itself still holds
        self.handle = handle
        _HELD_IN_THIS_PROCESS.add(key)
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.handle is not None:
            _HELD_IN_THIS_PROCESS.discard(str(self.path.resolve()))
            fcntl.lockf(self.handle, fcntl.LOCK_UN)
            self.handle.close()
            self.handle = None


def project_fingerprint(project: Project) -> str:
    """Digest of the content of every input file (the no-op fast path compares it)."""
    from ..inputs.project import content_digest

    return content_digest(project.input_files(), __version__)


def template_inputs(project: Project, names: Iterable[str]) -> dict[str, str]:
    """One hash per template file, the project's override winning over the package's."""
    inputs = {}
    for name in names:
        override = project.root / "templates" / name
        path = override if override.is_file() else PACKAGE_TEMPLATES / name
        inputs[f"template:{name}"] = hash_file(path) or "missing"
    return inputs
