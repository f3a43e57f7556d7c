"""Extensions from other packages, through entry points (as Pelican readers and mkdocs
plugins are found).

A package extends sectornotes by declaring, in its metadata, an entry point in one of
`GROUPS`, e.g. in its pyproject.toml:

    [project.entry-points."sectornotes.readers"]
    docx = "mypackage.docx:READER"

Each registry (sources.readers, engine.run, compliance.regime, model.figurekinds,
language.languages) asks `load_plugins` for the objects of its group and registers them
the way it registers its built-ins. Discovery reads the `entry_points.txt` of the
distributions on `sys.path` directly, once per process: importing importlib.metadata
alone costs a no-op build ~0.1 s. A plugin that fails to import, or is not what its
group expects, is one `PluginError` naming the entry point, never a traceback.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from .errors import SectornotesError

GROUPS = ("sectornotes.readers", "sectornotes.stages", "sectornotes.regimes",
          "sectornotes.figures", "sectornotes.languages")

T = TypeVar("T")


class PluginError(SectornotesError):
    """An entry point that cannot be loaded or registered."""


@dataclass(frozen=True)
class EntryPoint:
    """One declared extension: `name = value` in `group`, from a distribution."""

    group: str
    name: str
    value: str  # "module:attribute" or "module"
    distribution: str  # e.g. "sectornotes-docx 1.0", for messages and the build fingerprint

    def describe(self) -> str:
        return f"entry point '{self.name} = {self.value}' in group '{self.group}' " \
            f"(from {self.distribution})"

    def load(self) -> object:
        """The object the entry point names; PluginError when it cannot be imported."""
        module_name, _, attribute = self.value.partition(":")
        try:
            found: object = importlib.import_module(module_name.strip())
            for part in filter(None, attribute.strip().split(".")):
                found = getattr(found, part)
        except Exception as error:  # a plugin's own bug: name it, without its traceback
            raise PluginError(f"{self.describe()} cannot be loaded: "
                              f"{type(error).__name__}: {error}") from None
        return found


_discovered: dict[str, tuple[EntryPoint, ...]] | None = None


def entry_points(group: str) -> tuple[EntryPoint, ...]:
    """The entry points of a group, by name (the first distribution on sys.path wins, as
    with importlib.metadata); discovered once per process (`refresh` forgets them)."""
    global _discovered
    if _discovered is None:
        _discovered = _discover()
    return _discovered.get(group, ())


def refresh() -> None:
    """Forget discovered entry points and loaded plugins (after installing one)."""
    global _discovered
    _discovered = None
    for forget in _REFRESHERS:
        forget()


_REFRESHERS: list[Callable[[], None]] = []


def on_refresh(forget: Callable[[], None]) -> None:
    """Have `refresh` also clear a registry's cache of loaded plugins."""
    _REFRESHERS.append(forget)


def load_plugins(group: str, accept: Callable[[object], T | None], expected: str
                 ) -> list[tuple[EntryPoint, T]]:
    """Each entry point of `group` loaded and passed through `accept`, which returns what
    to register or None when the object is not of the kind the group takes (`expected`,
    e.g. "a Reader", names it in the error)."""
    loaded = []
    for entry in entry_points(group):
        accepted = accept(entry.load())
        if accepted is None:
            raise PluginError(f"{entry.describe()} is not {expected}")
        loaded.append((entry, accepted))
    return loaded


class Registry(Generic[T]):
    """The extensions of one kind by name: the built-in modules' first, then the entry
    points of `group`, loaded on first use and forgotten by `refresh`.

    Each built-in module of `builtins` declares `attribute` (one item or a sequence);
    an entry point names one item or, with `sequences`, a sequence of them. The kind's
    own `register(item, origin)` checks an item and calls `add`.
    """

    def __init__(self, group: str, kind: type[T], builtins: Sequence[str], attribute: str,
                 register: Callable[[T, str], None], sequences: bool = True) -> None:
        self.group, self.kind, self.builtins, self.attribute = group, kind, builtins, attribute
        self.register, self.sequences = register, sequences
        self.items: dict[str, T] = {}
        self.origins: dict[str, str] = {}  # who registered each name, for messages
        self._loaded = False
        on_refresh(self.forget)

    def add(self, name: str, item: T, origin: str) -> None:
        """Register `item` under `name` (the kind's `register` has checked it)."""
        self.items[name] = item
        self.origins[name] = origin

    def all(self) -> dict[str, T]:
        """Every item by name: the built-ins, then the plugins' (loaded once)."""
        if not self._loaded:
            self._loaded = True
            for name in self.builtins:
                module = importlib.import_module(name)
                for item in self._accept(getattr(module, self.attribute)) or ():
                    self.register(item, module.__name__)
            kind = self.kind.__name__
            expected = f"a {kind} or a sequence of {kind}s" if self.sequences else f"a {kind}"
            for entry, found in load_plugins(self.group, self._accept, expected):
                for item in found:
                    self.register(item, entry.describe())
        return self.items

    def forget(self) -> None:
        """Unload every item: the next `all` loads the built-ins and plugins again."""
        self._loaded = False
        self.items.clear()
        self.origins.clear()

    def _accept(self, found: object) -> list[T] | None:
        if isinstance(found, self.kind):
            return [found]
        if self.sequences and isinstance(found, Sequence) and not isinstance(found, str) \
                and found and all(isinstance(item, self.kind) for item in found):
            return list(found)
        return None


def fingerprint() -> str:
    """Every sectornotes entry point with its distribution: an added, removed or upgraded
    plugin changes what a build makes, so the no-op build compares this too."""
    return "\n".join(f"{e.group} {e.name}={e.value} {e.distribution}"
                     for group in GROUPS for e in entry_points(group))


def _discover() -> dict[str, tuple[EntryPoint, ...]]:
    found: dict[str, dict[str, EntryPoint]] = {}
    seen: set[str] = set()
    for folder in sys.path:
        try:
            entries = sorted(os.listdir(folder or "."))
        except OSError:
            continue
        for entry in entries:
            if not entry.endswith((".dist-info", ".egg-info")):
                continue
            name, version = _name_version(entry)
            if name in seen:  # shadowed by an earlier folder of sys.path
                continue
            seen.add(name)
            try:
                text = (Path(folder or ".") / entry / "entry_points.txt").read_text("utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            if "[sectornotes." not in text:
                continue
            for point in _parse(text, f"{name} {version}".strip()):
                found.setdefault(point.group, {}).setdefault(point.name, point)
    return {group: tuple(points[n] for n in sorted(points)) for group, points in found.items()}


def _name_version(folder: str) -> tuple[str, str]:
    stem = folder.rsplit(".", 1)[0]
    name, _, version = stem.partition("-")
    return name.lower().replace("_", "-").replace(".", "-"), version


def _parse(text: str, distribution: str) -> list[EntryPoint]:
    """entry_points.txt: INI sections of `name = value`, only the sectornotes groups."""
    points, group = [], ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            group = line[1:-1].strip()
            continue
        if group in GROUPS and "=" in line:
            name, _, value = line.partition("=")
            value = value.split("[", 1)[0].strip()  # extras do not matter here
            points.append(EntryPoint(group, name.strip(), value, distribution))
    return points
