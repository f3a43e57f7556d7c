"""Figure kinds: what a kind validates, which claims and series it reads, how it draws.

`kind:` in figures/<id>.yaml names a registered `FigureKind`. The built-in ones
register from the modules that define them (the claim charts and the claims table
in figures.py, the performance chart and the coverage table in exhibits.py), as a
plugin does through an entry point of group `sectornotes.figures` naming a
`FigureKind` (or a sequence of them):

    [project.entry-points."sectornotes.figures"]
    waterfall = "mypackage.waterfall:KIND"

`check` and the note pages use `check`, `claim_ids` and `series_ids`; the build
(engine/figurestages.py) hashes what they name, then runs `draw` — named as
"module:function", so this layer never imports the drawing code, and a worker process
can find it — with a `FigureInput`.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..findings import Finding, did_you_mean
from ..plugins import PluginError, Registry

if TYPE_CHECKING:
    from ..inputs.loading import Loaded
    from ..inputs.project import Project
    from ..inputs.schema import Figure, House
    from ..proof.registry import ClaimRegistry
    from ..sources.series import Series

OUTPUTS = ("svg", "csv")  # build/figures/<id>.svg, build/data/<id>.csv


@dataclass(frozen=True)
class FigureInput:
    """What a kind's `draw` function gets: plain data, so it can run in a worker process.

    `rows` are the figure's data points as `figures.figure_rows` gives them, `series`
    the series its kind reads (`series_ids`), `events` the dated labels to mark (its
    `events:` and, with `ratings_of:`, the rating changes in the project's notes).
    `registry` is set only for a kind drawn in this process (`worker=False`).
    """

    figure_id: str
    figure: Figure
    rows: list[dict[str, Any]]
    series: dict[str, Series]
    events: list[tuple[dt.date, str]]
    house: House
    figures_dir: str
    registry: ClaimRegistry | None = None


Check = Callable[["Loaded[Figure]", "ClaimRegistry", "Project"], list[Finding]]
ClaimIds = Callable[["Figure", "ClaimRegistry"], list[str]]
SeriesIds = Callable[["Figure"], list[str]]


def _no_findings(loaded: Loaded[Figure], registry: ClaimRegistry, project: Project
                 ) -> list[Finding]:
    return []


def _no_series(figure: Figure) -> list[str]:
    return []


@dataclass(frozen=True)
class FigureKind:
    """One `kind:` of figure.

    `draw` is "module:function", called with a `FigureInput`, returning {"svg": bytes,
    "csv": bytes} for the `outputs` the kind makes. `check(loaded, registry, project)`
    returns its findings (positioned with `loaded.document.finding`); `claim_ids` are
    the claims whose numbers it shows (each gets an endnote; default: the claims of the
    data points it selects), `series_ids` the series in seeds/ it reads. With `events`,
    the build computes its dated labels (an input of its outputs).
    """

    name: str
    draw: str
    outputs: tuple[str, ...] = OUTPUTS
    check: Check = _no_findings
    claim_ids: ClaimIds | None = None  # None: the claims of its selected points
    series_ids: SeriesIds = _no_series
    events: bool = False
    worker: bool = True  # False: cheap, drawn in this process with the registry
    description: str = field(default="", compare=False)

    def drawing(self) -> Callable[[FigureInput], dict[str, bytes]]:
        """The `draw` function, imported; PluginError naming the kind when it cannot be."""
        module_name, _, function = self.draw.partition(":")
        try:
            found = getattr(importlib.import_module(module_name), function)
        except (ImportError, AttributeError, ValueError) as error:
            raise PluginError(f"figure kind '{self.name}': draw = '{self.draw}' cannot be "
                              f"imported: {type(error).__name__}: {error}") from None
        if not callable(found):
            raise PluginError(f"figure kind '{self.name}': draw = '{self.draw}' is not a "
                              "function")
        drawing: Callable[[FigureInput], dict[str, bytes]] = found
        return drawing


def register_figure_kind(kind: FigureKind, origin: str = "") -> None:
    """Accept `kind: <kind.name>` in figures; a name has one kind."""
    where = origin or f"figure kind '{kind.name}'"
    if kind.name in FIGURE_KINDS.items:
        raise PluginError(f"{where}: figure kind '{kind.name}' is already registered by "
                          f"{FIGURE_KINDS.origins[kind.name]}")
    unknown = set(kind.outputs) - set(OUTPUTS)
    if unknown or not kind.outputs:
        raise PluginError(f"{where}: outputs must be some of {', '.join(OUTPUTS)}, not "
                          f"{', '.join(sorted(unknown)) or 'none'}")
    FIGURE_KINDS.add(kind.name, kind, origin or kind.draw)


FIGURE_KINDS = Registry("sectornotes.figures", FigureKind,
                        tuple(f"{__package__}.{name}" for name in ("figures", "exhibits")),
                        "FIGURE_KINDS", register_figure_kind)


def figure_kinds() -> dict[str, FigureKind]:
    """Every figure kind by name: the built-ins, then the plugins' (loaded once)."""
    return FIGURE_KINDS.all()


def figure_kind(name: str) -> FigureKind | None:
    """The kind of that name, or None."""
    return figure_kinds().get(name)


def unknown_kind(loaded: Loaded[Figure]) -> Finding:
    """The finding for a `kind:` no kind is registered for, at its place."""
    name = loaded.spec.kind
    names = list(figure_kinds())
    return loaded.document.finding(("kind",), (
        f"kind: '{name}' is not one of {', '.join(names)}{did_you_mean(name, names)}"))
