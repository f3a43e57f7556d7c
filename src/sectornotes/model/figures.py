"""Figure specs: loading, selecting the data points they plot, and checking them.

The figure kinds drawn from claims (bar, grouped-bar, hbar, stacked-bar, line,
range-bar, and the table) are declared here and registered in figurekinds.py like
any other. Nothing here imports pandas or matplotlib; drawing lives in `charts.py`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from ..findings import Finding, did_you_mean
from ..inputs.project import Project
from ..proof.periods import is_fiscal
from ..proof.registry import ClaimRegistry, RegisteredClaim
from ..proof.units import UNITS
from .figurekinds import FigureKind, figure_kind, unknown_kind

if TYPE_CHECKING:
    # The schema (pydantic) loads only when a file is read: a no-op build never needs it.
    from ..inputs.loading import Loaded
    from ..inputs.schema import DataPoint, Figure
    from ..proof.periods import FiscalCalendar

    LoadedFigure = Loaded[Figure]


def __getattr__(name: str) -> object:
    # `LoadedFigure` stays importable (plugins annotate with it) without loading the schema early.
    if name == "LoadedFigure":
        from ..inputs.loading import Loaded
        from ..inputs.schema import Figure

        return Loaded[Figure]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class PlottedPoint:
    """A data point a figure plots, with the claim it came from."""

    registered: RegisteredClaim
    point: DataPoint

    @property
    def claim_id(self) -> str:
        return self.registered.id


def load_figures(project: Project) -> tuple[dict[str, LoadedFigure], list[Finding]]:
    """Every figures/*.yaml, validated."""
    from ..inputs.loading import load_folder
    from ..inputs.schema import Figure

    return load_folder(project, project.figure_files(), Figure)


def plotted_points(figure: Figure, registry: ClaimRegistry) -> list[PlottedPoint]:
    """The data points a figure draws from, in declaration order."""
    points: list[PlottedPoint] = []
    for claim_id in figure.claims:
        registered = registry.get(claim_id)
        if registered is not None:
            points.extend(PlottedPoint(registered, p) for p in registered.claim.data)
    if figure.query is not None:
        for registered in registry.claims.values():
            if figure.query.source and registered.source_id not in figure.query.source:
                continue
            if any(tag not in registered.claim.tags for tag in figure.query.tags):
                continue
            for point in registered.claim.data:
                if _query_matches(figure, point) and not any(
                        p.point is point for p in points):
                    points.append(PlottedPoint(registered, point))
    return points


def filtered_points(figure: Figure, registry: ClaimRegistry) -> list[PlottedPoint]:
    """Plotted points after the figure's `filter` steps, without loading pandas."""
    points = plotted_points(figure, registry)
    for step in figure.transform:
        for column, allowed in (step.filter or {}).items():
            points = [p for p in points if _column_value(p, column) in allowed]
    return points


def _column_value(plotted: PlottedPoint, column: str) -> object:
    if column == "claim_id":
        return plotted.claim_id
    if column == "source_id":
        return plotted.registered.source_id
    return getattr(plotted.point, column, None)


def _query_matches(figure: Figure, point: DataPoint) -> bool:
    query = figure.query
    if query is None:
        return False
    return ((not query.metric or point.metric in query.metric)
            and (not query.entity or point.entity in query.entity)
            and (not query.period or point.period in query.period))


def figure_rows(figure: Figure, registry: ClaimRegistry) -> list[dict[str, Any]]:
    """The plotted points as plain dicts (picklable, for worker processes)."""
    return [{"value": p.point.value, "low": p.point.low, "high": p.point.high,
             "unit": p.point.unit, "qualifier": p.point.qualifier or "",
             "estimate": is_estimate(p, registry),
             "derived": "" if p.point.derived is None else p.point.derived.formula,
             "decimals": p.point.decimals("value" if p.point.value is not None else "low"),
             "starts": period_start(p.point.period, registry.fiscal_year_ends.get(
                 p.point.entity), registry.calendars.get(p.point.entity)).isoformat(),
             "metric": p.point.metric, "entity": p.point.entity,
             "period": p.point.period, "claim_id": p.claim_id,
             "source_id": p.registered.source_id}
            for p in filtered_points(figure, registry)]


def is_estimate(plotted: PlottedPoint, registry: ClaimRegistry) -> bool:
    """A forecast or estimate: so its claim says, or its period starts after its source's date."""
    if plotted.registered.claim.kind in ("forecast", "estimate"):
        return True
    source = registry.sources.get(plotted.registered.source_id)
    fiscal_end = registry.fiscal_year_ends.get(plotted.point.entity)
    return source is not None and period_start(
        plotted.point.period, fiscal_end,
        registry.calendars.get(plotted.point.entity)) > source.meta.date


def period_start(period: str, fiscal_year_end: str | None = None,
                 calendar: FiscalCalendar | None = None) -> dt.date:
    """The first day of a period: 2025 → 1 Jan, 2025-Q3 → 1 Jul, 2025-H2 → 1 Jul, a span → its
    start; FY2025 with a fiscal year ending 06-30 → 1 Jul 2024 (with the entity's calendar,
    a 52/53-week year's real first day: NVIDIA's FY2026 → 27 Jan 2025)."""
    first = period.split("/")[0]
    if first.startswith("FY") and calendar is not None:
        from ..proof.periods import claim_span

        span = claim_span(first)
        if span is not None:
            return calendar.dates(span).start_date
    if first.startswith("FY"):
        end_month = int((fiscal_year_end or "12-31")[:2])
        year = int(first[2:6])
        start = dt.date(year - 1 if end_month < 12 else year, end_month % 12 + 1, 1)
        offset = {"": 0, "H": 6, "Q": 3}[first[7:8]] * (int(first[8]) - 1 if len(first) > 7 else 0)
        months = start.month - 1 + offset
        return dt.date(start.year + months // 12, months % 12 + 1, 1)
    year = int(first[:4])
    rest = first[5:]
    if rest.startswith("Q"):
        return dt.date(year, (int(rest[1]) - 1) * 3 + 1, 1)
    if rest.startswith("H"):
        return dt.date(year, 1 if rest == "H1" else 7, 1)
    if len(rest) == 2:
        return dt.date(year, int(rest), 1)
    if len(rest) == 5:
        return dt.date(year, int(rest[:2]), int(rest[3:]))
    return dt.date(year, 1, 1)


def figure_claim_ids(figure: Figure, registry: ClaimRegistry) -> list[str]:
    """Ids of the claims whose numbers the figure shows, without repeats (as its kind
    says; none for a kind not registered, which check reports)."""
    kind = figure_kind(figure.kind)
    if kind is None:
        return []
    if kind.claim_ids is not None:
        return kind.claim_ids(figure, registry)
    return plotted_claim_ids(figure, registry)


def plotted_claim_ids(figure: Figure, registry: ClaimRegistry) -> list[str]:
    """The claims of the data points a figure selects (a kind's default `claim_ids`)."""
    return list(dict.fromkeys(p.claim_id for p in filtered_points(figure, registry)))


def check_figures(project: Project, figures: dict[str, LoadedFigure],
                  registry: ClaimRegistry) -> list[Finding]:
    """Each figure checked by its kind; an unregistered kind is one finding at `kind:`."""
    findings = []
    for loaded in figures.values():
        kind = figure_kind(loaded.spec.kind)
        if kind is None:
            findings.append(unknown_kind(loaded))
            continue
        findings.extend(kind.check(loaded, registry, project))
    return findings


def check_claim_figure(loaded: LoadedFigure, registry: ClaimRegistry, project: Project,
                       tabular: bool = False, trend: bool = False) -> list[Finding]:
    """Missing claims, empty selections, incompatible units, bad python references; a
    chart (not `tabular`) plots one kind of number per series; a `trend` (a line) needs
    more than two points."""
    figure, document = loaded.spec, loaded.document
    findings = []
    for index, claim_id in enumerate(figure.claims):
        if registry.get(claim_id) is None:
            findings.append(registry.unknown_claim(
                document, ("claims", index), f"claims[{index}]", claim_id,
                "; list claims with 'sectornotes claims'"))
    points = filtered_points(figure, registry)
    if figure.python is None and not points:
        findings.append(document.finding(("query",) if figure.query else ("claims",),
                                         "the figure selects no data points; the claims "
                                         "it names carry no 'data', or the query matches "
                                         "nothing"))
    if not tabular:
        findings.extend(_unit_problems(loaded, points))
        findings.extend(_integrity_problems(loaded, points, trend))
    if figure.python is not None:
        findings.extend(_python_problems(project, loaded))
    return findings


def period_length(period: str) -> str:
    """What a period spans: year, half, quarter, month, day, or span (A/B)."""
    if "/" in period:
        return "span"
    if period.startswith("FY"):
        return {"": "year", "Q": "quarter", "H": "half"}[period[7:8]]
    rest = period[5:]
    if not rest:
        return "year"
    if rest[0] in "QH":
        return "quarter" if rest[0] == "Q" else "half"
    return "month" if len(rest) == 2 else "day"


def _integrity_problems(loaded: LoadedFigure, points: list[PlottedPoint],
                        trend: bool) -> list[Finding]:
    """One series, one kind of number: no mixed period lengths or metrics unless explained;
    a line needs more than two points."""
    figure = loaded.spec
    series: dict[str, list[PlottedPoint]] = {}
    for plotted in points:
        key = str(_column_value(plotted, figure.series)) if figure.series else ""
        series.setdefault(key, []).append(plotted)
    findings = []
    for name, members in series.items():
        label = f"series '{name}'" if name else "the series"
        lengths = sorted({period_length(p.point.period) for p in members})
        metrics = sorted({p.point.metric for p in members})
        calendars = {is_fiscal(p.point.period) for p in members}
        mixed = []
        if len(calendars) > 1:
            mixed.append("fiscal and calendar periods")
        if figure.x == "period" and len(lengths) > 1:
            mixed.append(f"periods of different lengths ({', '.join(lengths)})")
        if figure.series != "metric" and figure.x != "metric" and len(metrics) > 1:
            mixed.append(f"different metrics ({', '.join(metrics)})")
        if mixed and not figure.allow_mixed:
            findings.append(loaded.document.finding(("kind",), (
                f"{label} mixes {' and '.join(mixed)}; split the figure, filter it, or say why "
                "with allow_mixed: \"…\" (the caption then states it)")))
        if trend and len(members) == 2:
            finding = loaded.document.finding(("kind",), (
                f"{label} draws a line through two points, which suggests a trend the data do "
                "not show; kind: bar compares two values honestly"))
            findings.append(Finding(finding.path, finding.line, finding.col, finding.message,
                                    "warning"))
    return findings


def _unit_problems(loaded: LoadedFigure, points: list[PlottedPoint]) -> list[Finding]:
    figure = loaded.spec
    target = figure.unit or next(
        (step.convert for step in figure.transform if step.convert), None)
    if not points:
        return []
    reference = points[0]
    for other in points[1:]:
        left = target or reference.point.unit
        if UNITS[left].dimension != UNITS[other.point.unit].dimension:
            return [loaded.document.finding(("kind",), (
                f"the figure mixes incompatible units: '{left}' "
                f"({reference.claim_id}) and '{other.point.unit}' ({other.claim_id}) on one "
                "axis; split it into two figures, filter by metric, or use kind: table"))]
    if target and UNITS[target].dimension != UNITS[reference.point.unit].dimension:
        return [loaded.document.finding(("unit",), (
            f"cannot convert '{reference.point.unit}' ({reference.claim_id}) to '{target}'"))]
    return []


def _python_problems(project: Project, loaded: LoadedFigure) -> list[Finding]:
    reference = loaded.spec.python or ""
    file_name, _, function = reference.partition(":")
    if not function or "/" in file_name or "\\" in file_name or not file_name.endswith(".py"):
        return [loaded.document.finding(("python",), (
            f"python: '{reference}' must be 'file.py:function' naming a file in figures/"))]
    if not (project.figures_dir / file_name).is_file():
        return [loaded.document.finding(("python",), (
            f"python: figures/{file_name} does not exist"
            f"{did_you_mean(file_name, [p.name for p in project.figures_dir.glob('*.py')])}"))]
    if project.leaves_project(project.figures_dir / file_name):
        return [loaded.document.finding(("python",), (
            f"python: figures/{file_name} links outside the project; the build runs this "
            "code, so it must be a file of the project"))]
    return []


_CHART = "sectornotes.render.charts:draw_claim_figure"
# Drawn from the claims' data points: the charts, each drawn by matplotlib, and the
# table, which is data (a CSV) the note's template lays out.
FIGURE_KINDS = (
    *(FigureKind(name, _CHART, check=check_claim_figure)
      for name in ("bar", "grouped-bar", "hbar", "stacked-bar")),
    FigureKind("line", _CHART, check=partial(check_claim_figure, trend=True)),
    FigureKind("range-bar", _CHART, check=check_claim_figure),
    FigureKind("table", _CHART, outputs=("csv",),
               check=partial(check_claim_figure, tabular=True)),
)
