"""The figure stages: each figure as its kind draws it, and the price-and-rating charts.

`FigureStage` knows no kind by name: the figure's registered kind
(model/figurekinds.py) says which claims and series it reads — hashed as the
outputs' inputs — which outputs it makes and which function draws them, in a
worker process unless the kind is cheap.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import SectornotesError
from ..model.figurekinds import FigureInput, FigureKind, figure_kind
from ..model.figures import figure_claim_ids, figure_rows
from ..model.notes import embedded_figure_ids
from ..render import outputs
from .engine import BuildContext, Job, Offload, Produced
from .state import hash_file, hash_json, tool_inputs

if TYPE_CHECKING:
    from ..loaded.project import LoadedProject
    from ..model.figures import LoadedFigure

FIGURE_HOUSE_KEYS = ("palette", "fonts", "chart_type")


def stems(files: list[Path]) -> set[str]:
    """The ids of project files (their names without the suffix)."""
    return {path.stem for path in files}


def figure_outputs(figure_id: str, loaded: LoadedFigure | None) -> list[str]:
    """The outputs of a figure, as its kind makes them (an SVG and a CSV by default)."""
    kind = figure_kind(loaded.spec.kind) if loaded is not None else None
    made = kind.outputs if kind is not None else ("svg", "csv")
    return ([outputs.figure_svg(figure_id)] if "svg" in made else []) + \
        ([outputs.figure_csv(figure_id)] if "csv" in made else [])


class FigureStage:
    """build/figures/<id>.svg and build/data/<id>.csv, as each figure's kind makes them."""

    name = "figures"

    def plan(self, context: BuildContext) -> list[Job]:
        model = context.model
        wanted = ({f for n in context.notes.values() for f in embedded_figure_ids(n.spec)}
                  if context.targets else set(model.figures))
        return [self._job(context, figure_id, model.figures[figure_id])
                for figure_id in sorted(wanted) if figure_id in model.figures]

    def live_outputs(self, model: LoadedProject) -> set[str]:
        live = set()
        for figure_id in stems(model.project.figure_files()):
            live |= set(figure_outputs(figure_id, model.figures.get(figure_id)))
        return live

    def _job(self, context: BuildContext, figure_id: str, loaded: LoadedFigure) -> Job:
        job = Job(figure_outputs(figure_id, loaded))
        registry = context.model.registry
        kind = figure_kind(loaded.spec.kind)
        if context.model.errors_in(loaded.path) or kind is None:
            job.blocked = f"{loaded.path} fails check"
            return job
        claim_ids = figure_claim_ids(loaded.spec, registry)
        bad = [c for c in claim_ids if c in registry.invalid]
        if bad:
            job.blocked = f"it plots claim {bad[0]}, which fails check"
            return job
        spec = loaded.spec
        job.inputs = {f"figure:{figure_id}": hash_json(spec.model_dump(mode="json")),
                      **context.house_inputs(FIGURE_HOUSE_KEYS), **tool_inputs(),
                      **context.claim_inputs(claim_ids)}
        if "svg" in kind.outputs:  # a table is data, drawn by the note's template
            job.inputs.update(context.environment_inputs("chart", spec.language))
        series = {s: registry.series[s] for s in kind.series_ids(spec)}
        for series_id, found in series.items():
            job.inputs[f"series:{series_id}"] = found.digest
        events = figure_events(context.model, spec) if kind.events else []
        if kind.events:
            job.inputs["events"] = hash_json([(d.isoformat(), label) for d, label in events])
        if spec.python:
            file_name = spec.python.partition(":")[0]
            job.inputs[f"python:{file_name}"] = hash_file(
                context.project.figures_dir / file_name) or ""

        def finish(made: dict[str, bytes]) -> Produced:
            return Produced(_figure_contents(kind, figure_id, made))

        def run() -> Produced | Offload:
            assert context.model.house is not None
            request = FigureInput(figure_id, spec, figure_rows(spec, registry), series, events,
                                  context.model.house, str(context.project.figures_dir),
                                  None if kind.worker else registry)
            if kind.worker:
                return Offload(draw_worker, (kind.draw, request), finish)
            return finish(kind.drawing()(request))

        job.run = run
        return job


def draw_worker(draw: str, request: FigureInput) -> dict[str, bytes]:
    """A figure kind's drawing, in a worker process (found there by its name)."""
    kind = figure_kind(request.figure.kind)
    assert kind is not None and kind.draw == draw
    return kind.drawing()(request)


def _figure_contents(kind: FigureKind, figure_id: str, made: object) -> dict[str, bytes]:
    """The drawn outputs by path; exactly the kind's outputs, as bytes, or an error naming
    the kind (a plugin's drawing may return anything)."""
    if not isinstance(made, dict) or set(made) != set(kind.outputs) or \
            not all(isinstance(v, bytes) for v in made.values()):
        shown = sorted(made) if isinstance(made, dict) else type(made).__name__
        raise SectornotesError(f"figure kind '{kind.name}': {kind.draw} must return "
                               f"{{{', '.join(repr(o) + ': bytes' for o in kind.outputs)}}}, "
                               f"not {shown}")
    paths = {"svg": outputs.figure_svg(figure_id), "csv": outputs.figure_csv(figure_id)}
    return {paths[key]: made[key] for key in ("svg", "csv") if key in made}


def figure_events(model: LoadedProject, figure: Any) -> list[tuple[dt.date, str]]:
    """The dated labels a figure marks: its `events`, and with `ratings_of` each rating
    change of that subject within the chart's window."""
    from ..model.exhibits import performance_window

    events = [(event.date, event.label) for event in figure.events]
    if figure.ratings_of:
        start, end = performance_window(figure, model.registry.series)
        events += rating_change_labels(model, figure.ratings_of, start, end, figure.language)
    return events


def history_charts(model: LoadedProject, note_id: str) -> dict[str, dict[str, Any]]:
    """A note's price-and-rating charts by chart id, as `disclosures.chart_data` gives them."""
    from ..compliance.coverage import note_subjects
    from ..render.disclosures import chart_data

    charts = {}
    for subject in note_subjects(model.notes[note_id].spec):
        data = chart_data(model, note_id, subject)
        if data is not None:
            charts[data["id"]] = data
    return charts


class HistoryChartStage:
    """build/figures/history-<note>-<subject>.svg: each subject's price-and-rating chart."""

    name = "rating history charts"

    def plan(self, context: BuildContext) -> list[Job]:
        jobs = []
        for note_id in sorted(context.notes):
            if context.model.errors_in(context.notes[note_id].path):
                continue
            for chart in history_charts(context.model, note_id).values():
                jobs.append(self._job(context, chart))
        return jobs

    def live_outputs(self, model: LoadedProject) -> set[str]:
        return {outputs.figure_svg(chart_id) for note_id in model.notes
                for chart_id in history_charts(model, note_id)}

    def _job(self, context: BuildContext, chart: dict[str, Any]) -> Job:
        model = context.model
        assert model.house is not None
        job = Job([outputs.figure_svg(chart["id"])])
        job.inputs = {f"chart:{chart['id']}": hash_json(chart),
                      **context.house_inputs(FIGURE_HOUSE_KEYS + ("ratings",)), **tool_inputs(),
                      **context.environment_inputs("chart", chart["language"])}
        start, end = (dt.date.fromisoformat(chart[k]) for k in ("start", "end"))
        language = chart["language"]

        def points(entry: dict[str, Any] | None) -> list[tuple[Any, float]]:
            return [] if entry is None else model.series[entry["id"]].between(start, end)

        events = [(dt.date.fromisoformat(event["date"]),
                   change_label(model, event["scale"], event["rating"], event["target"], language))
                  for event in chart["events"]]

        def run() -> Offload:
            lines = [(chart["series"]["name"], points(chart["series"]))]
            if chart["benchmark"]:
                lines.append((chart["benchmark"]["name"], points(chart["benchmark"])))
            return Offload(_performance_worker, (lines, events, model.house, language),
                           lambda svg: Produced({job.outputs[0]: svg}))

        job.run = run
        return job


def _performance_worker(lines: list[tuple[str, list[tuple[Any, float]]]],
                        events: list[tuple[Any, str]], house: Any, language: str) -> bytes:
    from ..render.charts import ChartStyle, draw_performance

    svg: bytes = draw_performance(lines, events, ChartStyle.from_house(house, language), language)
    return svg


def rating_change_labels(model: LoadedProject, subject_id: str, start: dt.date, end: dt.date,
                         language: str) -> list[tuple[dt.date, str]]:
    """(date, label) of each change of a subject's rating or target in the project's notes."""
    from ..compliance.coverage import rating_changes

    notes = {note_id: loaded.spec for note_id, loaded in model.notes.items()}
    return [(change.date, change_label(model, change.subject.kind, change.subject.rating,
                                       change.subject.target.value if change.subject.target
                                       else None, language))
            for change in rating_changes(notes, subject_id) if start <= change.date <= end]


def change_label(model: LoadedProject, scale: str, rating: str, target: float | None,
                 language: str) -> str:
    """What a chart writes at a rating change: the rating, and the target if any."""
    from ..language.i18n import rating_label

    assert model.house is not None
    label = rating_label(model.house, scale, rating, language) or rating
    return label if target is None else f"{label} {target:g}"
