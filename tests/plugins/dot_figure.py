"""A figure kind drawn without matplotlib: one labelled dot per data point."""

from __future__ import annotations

from sectornotes.findings import Finding
from sectornotes.inputs.loading import Loaded
from sectornotes.inputs.project import Project
from sectornotes.inputs.schema import Figure
from sectornotes.model.figurekinds import FigureInput, FigureKind
from sectornotes.proof.registry import ClaimRegistry


def check(loaded: Loaded[Figure], registry: ClaimRegistry, project: Project) -> list[Finding]:
    if len(loaded.spec.claims) == 1:
        return []
    return [loaded.document.finding(("claims",), "a dot figure shows exactly one claim")]


def draw(request: FigureInput) -> dict[str, bytes]:
    dots = "".join(f'<circle cx="{10 + 20 * i}" cy="10" r="4"><title>{row["value"]}</title></circle>'
                   for i, row in enumerate(request.rows))
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" class="dot-figure">{dots}</svg>\n'
    csv = "value\n" + "".join(f"{row['value']}\n" for row in request.rows)
    return {"svg": svg.encode("utf-8"), "csv": csv.encode("utf-8")}


def draw_wrongly(request: FigureInput) -> dict[str, bytes]:
    return {"png": b""}


KIND = FigureKind("dot", "tests.plugins.dot_figure:draw", check=check)
WRONG = FigureKind("wrong-dot", "tests.plugins.dot_figure:draw_wrongly", check=check)
NOT_A_KIND = "dot"
