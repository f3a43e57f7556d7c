"""Drawing figures: claims → pandas frame → declarative steps → matplotlib SVG + CSV.

Imported only when a figure is actually (re)built: it pulls in pandas and
matplotlib, which `check` and a no-op build must never load.
"""

from __future__ import annotations

import io
import re
import traceback
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from ..errors import SectornotesError  # noqa: E402
from ..inputs.schema import Figure  # noqa: E402
from ..language.formatting import format_number, unit_label  # noqa: E402
from ..proof.numbers import as_decimal  # noqa: E402
from ..proof.units import UNITS  # noqa: E402

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..inputs.schema import House, TransformStep
    from ..model.figurekinds import FigureInput

COLUMNS = ["x", "series", "value", "low", "high", "unit", "qualifier", "estimate", "derived",
           "metric", "entity", "period", "label", "claim_id", "source_id", "decimals", "starts"]


class FigureError(SectornotesError):
    """A figure could not be built (e.g. its custom function raised)."""


@dataclass(frozen=True)
class ChartStyle:
    """The house look of charts: colours, font families and type scale (house.yaml)."""

    palette: tuple[str, ...] = ()
    fonts: tuple[str, ...] = ()
    base_size: float = 9.0
    label_size: float = 7.5

    @classmethod
    def from_house(cls, house: House, language: str) -> ChartStyle:
        """The house's chart look for a page in `language` (its fonts differ by language)."""
        return cls(tuple(house.palette), tuple(house.fonts.get(language, [])),
                   house.chart_type.base_size, house.chart_type.label_size)


@dataclass
class FigureOutput:
    """What building a figure produces."""

    svg: bytes | None  # None for kind: table
    csv: bytes
    frame: pd.DataFrame


def build_frame(figure_id: str, figure: Figure, rows: list[dict[str, Any]],
                figures_dir: Path) -> pd.DataFrame:
    """The tidy frame a figure plots: one row per value, naming its claim."""
    frame = pd.DataFrame(rows, columns=[c for c in COLUMNS if c not in ("x", "series", "label")])
    for step in figure.transform:
        frame = _apply(step, frame)
    if figure.unit:
        frame = _convert(frame, figure.unit)
    if figure.python:
        frame = _run_custom(figure_id, figure, frame, figures_dir)
    frame = frame.copy()
    if figure.x == "period" and not any(step.sort for step in figure.transform):
        frame = frame.sort_values("starts", kind="stable")  # real dates (fiscal years mapped)
    frame["label"] = [_estimate_label(figure.labels.get(str(v), str(v)), bool(e), figure.x)
                      for v, e in zip(frame[figure.x], frame["estimate"], strict=True)]
    frame["x"] = frame["label"]
    frame["series"] = (frame[figure.series].map(lambda v: figure.labels.get(str(v), str(v)))
                       if figure.series else "")
    return frame[COLUMNS].reset_index(drop=True)


def _estimate_label(label: str, estimate: bool, axis: str) -> str:
    """Forecasts and estimates are marked E on the axis: '2025E', 'Meta (E)'."""
    if not estimate or re.search(r"\dE\b|\(E\)|E$|预测|预计", label):
        return label  # the figure's own label already says so
    return f"{label}E" if axis == "period" else f"{label} (E)"


def _apply(step: TransformStep, frame: pd.DataFrame) -> pd.DataFrame:
    if step.filter is not None:
        return frame  # applied once, where points are selected (figures.filtered_points)
    if step.convert is not None:
        return _convert(frame, step.convert)
    if step.sort is not None:
        return frame.sort_values(step.sort.by, ascending=not step.sort.descending, kind="stable")
    if step.relabel is not None:
        frame = frame.copy()
        for column, mapping in step.relabel.items():
            frame[column] = frame[column].map(lambda v, m=mapping: m.get(v, v))
        return frame
    if step.share is not None:
        frame = frame.copy()
        totals = frame.groupby(step.share.within)["value"].transform("sum")
        frame["value"] = (frame["value"] / totals * 100).round(2)
        frame["unit"] = "%"
        return frame
    return _growth(frame)


def _convert(frame: pd.DataFrame, target: str) -> pd.DataFrame:
    frame = frame.copy()
    frame["decimals"] = None  # a converted value no longer has the source's digits
    for column in ("value", "low", "high"):
        frame[column] = [
            None if pd.isna(v) else float(as_decimal(v) * Decimal(str(UNITS[u].scale))
                                          / Decimal(str(UNITS[target].scale)))
            for v, u in zip(frame[column], frame["unit"], strict=True)
        ]
    frame["unit"] = target
    return frame


def _growth(frame: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for _entity, group in frame.sort_values("period", kind="stable").groupby("entity", sort=False):
        previous = None
        for _, row in group.iterrows():
            if previous is not None:
                change = (row["value"] / previous["value"] - 1) * 100
                rows.append({**row.to_dict(), "value": round(change, 2), "unit": "%",
                             "metric": f"{row['metric']}-growth",
                             "claim_id": f"{previous['claim_id']};{row['claim_id']}"})
            previous = row
    return pd.DataFrame(rows, columns=frame.columns)


def _run_custom(figure_id: str, figure: Figure, frame: pd.DataFrame,
                figures_dir: Path) -> pd.DataFrame:
    import importlib.util

    file_name, _, function_name = (figure.python or "").partition(":")
    file_path = figures_dir / file_name
    if not file_path.resolve().is_relative_to(figures_dir.resolve().parent):
        raise FigureError(f"figures/{figure_id}.yaml: figures/{file_name} links outside the "
                          "project; project code must live in the project")
    spec = importlib.util.spec_from_file_location(f"sectornotes_user_{figure_id}", file_path)
    if spec is None or spec.loader is None:
        raise FigureError(f"figures/{figure_id}.yaml: cannot load figures/{file_name}")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
        result = getattr(module, function_name)(frame.copy())
    except Exception as error:
        user_frames = [f for f in traceback.extract_tb(error.__traceback__)
                       if Path(f.filename).resolve().parent == figures_dir.resolve()]
        trace = "".join(traceback.format_list(user_frames)).replace(str(figures_dir.resolve()),
                                                                     "figures")
        raise FigureError(
            f"figures/{figure_id}.yaml: figure '{figure_id}': {figure.python} raised "
            f"{type(error).__name__}: {error}\n{trace.rstrip()}") from None
    if not isinstance(result, pd.DataFrame) or "value" not in result:
        raise FigureError(f"figures/{figure_id}.yaml: figure '{figure_id}': {figure.python} must "
                          "return a pandas DataFrame with a 'value' column")
    return result


def build_figure(figure_id: str, figure: Figure, rows: list[dict[str, Any]], style: ChartStyle,
                 figures_dir: Path) -> FigureOutput:
    """Frame, CSV and (unless a table) a deterministic SVG for one figure.

    Takes plain rows (see `figures.figure_rows`) so it can run in a worker process.
    """
    from ..model.figurekinds import figure_kind

    frame = build_frame(figure_id, figure, rows, figures_dir)
    csv = _as_written(frame).to_csv(index=False, lineterminator="\n").encode("utf-8")
    kind = figure_kind(figure.kind)
    drawn = kind is not None and "svg" in kind.outputs
    svg = draw_svg(figure, frame, style) if drawn else None
    return FigureOutput(svg, csv, frame)


def draw_claim_figure(request: FigureInput) -> dict[str, bytes]:
    """The drawing of the kinds plotted from claims (figures.FIGURE_KINDS): the CSV of
    the data and, unless the kind is a table, the SVG chart."""
    figure = request.figure
    output = build_figure(request.figure_id, figure, request.rows,
                          ChartStyle.from_house(request.house, figure.language),
                          Path(request.figures_dir))
    return {"csv": output.csv} if output.svg is None else {"svg": output.svg, "csv": output.csv}


def _as_written(frame: pd.DataFrame) -> pd.DataFrame:
    """The CSV's view: values with the decimals the source writes ("74.0", not 74), and
    text a spreadsheet could run as a formula (a label "=cmd()") defused by `safe_cell`."""
    from .csvsafe import safe_cell

    shown = frame.drop(columns=["decimals", "starts"])
    for column in shown.columns:
        if column not in ("value", "low", "high") and not pd.api.types.is_numeric_dtype(
                shown[column]):
            shown[column] = [safe_cell(v) for v in shown[column]]
    for column in ("value", "low", "high"):
        shown[column] = [
            "" if pd.isna(v) else (f"{v:.{int(d)}f}" if not pd.isna(d) else f"{v}")
            for v, d in zip(frame[column], frame["decimals"], strict=True)]
    return shown


# ---------------------------------------------------------------- drawing

_DEFAULT_PALETTE = ["#1f3a5f", "#b0432d", "#1f7a6f", "#8a6a1c", "#6c757d", "#6e5ea8"]


@dataclass(frozen=True)
class _Look:
    palette: list[str]
    label_size: float


def _apply_style(style: ChartStyle) -> list[str]:
    wanted = list(style.fonts) or ["DejaVu Sans"]
    available = {entry.name for entry in font_manager.fontManager.ttflist}
    families = [name for name in wanted if name in available] or ["DejaVu Sans"]
    plt.rcParams.update({
        "font.family": families, "font.size": style.base_size,
        "axes.titlesize": style.base_size + 1, "legend.fontsize": style.label_size + 0.5,
        "svg.hashsalt": "sectornotes", "svg.fonttype": "none",
        "axes.spines.top": False, "axes.spines.right": False,
        "axes.edgecolor": "#555555", "axes.grid": True, "grid.color": "#e3e3e3",
        "grid.linewidth": 0.6, "axes.axisbelow": True,
    })
    return checked_palette(style.palette)


def checked_palette(palette: tuple[str, ...] | list[str]) -> list[str]:
    """The palette to draw with (the default when empty); SectornotesError naming the first
    entry that is not a colour, instead of every chart failing inside matplotlib."""
    from ..inputs.colours import colour_problem

    for index, value in enumerate(palette):
        problem = colour_problem(index, value)
        if problem:
            raise SectornotesError(f"house.yaml: {problem}")
    return list(palette) or _DEFAULT_PALETTE


def draw_svg(figure: Figure, frame: pd.DataFrame, style: ChartStyle,
             image_format: str = "svg") -> bytes:
    """Draw the frame as the figure's chart kind; SVG bytes with no date or random ids."""
    look = _Look(_apply_style(style), style.label_size)
    categories = list(dict.fromkeys(frame["x"]))
    series_names = list(dict.fromkeys(frame["series"]))
    width = 6.3
    horizontal = figure.kind in ("hbar", "range-bar")
    height = max(1.7, 0.36 * len(categories) + 0.8) if horizontal else 2.45
    chart, axes = plt.subplots(figsize=(width, height))
    unit = frame["unit"].iloc[0] if len(frame) else "count"
    drawer = {"bar": _bars, "hbar": _bars, "grouped-bar": _bars, "stacked-bar": _bars,
              "line": _lines, "range-bar": _ranges}[figure.kind]
    drawer(axes, figure, frame, categories, series_names, look, unit)
    axis_label = figure.y_label if figure.y_label is not None else unit_label(unit, figure.language)
    horizontal = figure.kind in ("hbar", "range-bar")
    (axes.set_xlabel if horizontal else axes.set_ylabel)(axis_label)
    if len(series_names) > 1 or (series_names and series_names[0]):
        axes.legend(frameon=False, ncols=min(4, len(series_names)),
                    loc="upper left", bbox_to_anchor=(0, 1.16))
    chart.tight_layout()
    buffer = io.BytesIO()
    metadata = {"Date": None, "Creator": None} if image_format == "svg" else {"Software": None}
    chart.savefig(buffer, format=image_format, metadata=metadata, dpi=110)
    plt.close(chart)
    return buffer.getvalue()


def _value_text(value: float, unit: str, language: str, decimals: Any = None) -> str:
    places = None if decimals is None or pd.isna(decimals) else int(decimals)
    text = format_number(value, language, decimals=places)
    return text + ("%" if unit == "%" else "")


def _qualified(qualifier: str, language: str) -> str:
    if not qualifier:
        return ""
    from ..language.i18n import text

    return text(language, f"qualifier_{qualifier}")


def _bars(axes: Axes, figure: Figure, frame: pd.DataFrame, categories: list[str],
          series_names: list[str], look: _Look, unit: str) -> None:
    positions = range(len(categories))
    count = len(series_names)
    horizontal = figure.kind == "hbar"
    stacked = figure.kind == "stacked-bar"
    bar_width = 0.7 if stacked or count == 1 else 0.8 / count
    bottoms = [0.0] * len(categories)
    for index, name in enumerate(series_names):
        subset = frame[frame["series"] == name].set_index("x")["value"]
        present = [c for c in categories if c in subset.index]
        values = [float(subset[c]) for c in present]
        offsets = [p if stacked or count == 1 else p - 0.4 + bar_width * (index + 0.5)
                   for p, c in zip(positions, categories, strict=True) if c in subset.index]
        color = look.palette[index % len(look.palette)]
        if horizontal:
            bars = axes.barh(offsets, values, height=bar_width, color=color, label=name or None)
        else:
            below = [bottoms[categories.index(c)] for c in present] if stacked else None
            bars = axes.bar(offsets, values, width=bar_width, color=color, label=name or None,
                            bottom=below)
        rows = frame[frame["series"] == name].set_index("x")
        for bar, category in zip(bars, present, strict=True):
            if bool(rows.loc[category, "estimate"]):
                bar.set_hatch("////")  # a forecast or estimate, not an actual
                bar.set_edgecolor("white")
        labels = [_qualified(str(rows.loc[c, "qualifier"] or ""), figure.language) +
                  _value_text(v, unit, figure.language, rows.loc[c, "decimals"])
                  for c, v in zip(present, values, strict=True)]
        axes.bar_label(bars, labels=labels, fontsize=look.label_size, padding=2,
                       label_type="center" if stacked else "edge",
                       color="white" if stacked else "#222222")
        if stacked:
            for c, v in zip(present, values, strict=True):
                bottoms[categories.index(c)] += v
    if horizontal:
        axes.set_yticks(list(positions), categories)
        axes.invert_yaxis()
        axes.grid(axis="y", visible=False)
        axes.margins(x=0.15)
    else:
        axes.set_xticks(list(positions), categories)
        axes.grid(axis="x", visible=False)
        axes.margins(y=0.15)
        _wrap_ticks(axes, categories, look.label_size)
    axes.axhline(0, color="#555555", linewidth=0.8) if not horizontal else axes.axvline(
        0, color="#555555", linewidth=0.8)


def _wrap_ticks(axes: Axes, categories: list[str], label_size: float) -> None:
    import textwrap

    longest = max((len(c) for c in categories), default=0)
    if longest * len(categories) > 70:
        axes.set_xticks(axes.get_xticks(), [textwrap.fill(c, 14) for c in categories],
                        fontsize=label_size)


def time_positions(periods: list[str]) -> list[int]:
    """Where periods sit on a time axis: days since the first, so gaps are real gaps.

    `periods` are periods ('2024-Q3') or their start dates ('2024-07-01').
    """
    import datetime as dt

    from ..model.figures import period_start

    days = [(dt.date.fromisoformat(p) if len(p) == 10 and p[4] == "-" and p[7] == "-"
             else period_start(p)).toordinal() for p in periods]
    first = min(days) if days else 0
    return [day - first for day in days]


def _lines(axes: Axes, figure: Figure, frame: pd.DataFrame, categories: list[str],
           series_names: list[str], look: _Look, unit: str) -> None:
    on_time_axis = figure.x == "period"
    if on_time_axis:  # points spaced by their dates, not evenly
        where = dict(zip(frame["x"], time_positions(list(frame["starts"])), strict=True))
    for index, name in enumerate(series_names):
        subset = frame[frame["series"] == name]
        xs = [where[x] for x in subset["x"]] if on_time_axis else list(subset["x"])
        axes.plot(xs, list(subset["value"]), marker="o", markersize=4,
                  color=look.palette[index % len(look.palette)], label=name or None)
        for x_value, y_value, places in zip(xs, subset["value"], subset["decimals"],
                                            strict=True):
            axes.annotate(_value_text(y_value, unit, figure.language, places),
                          (x_value, y_value), textcoords="offset points", xytext=(0, 6),
                          ha="center", fontsize=look.label_size)
    if on_time_axis:
        axes.set_xticks([where[c] for c in categories], categories)
    if figure.x == "period" and unit == "rank":
        axes.invert_yaxis()
    axes.margins(y=0.2)


def _ranges(axes: Axes, figure: Figure, frame: pd.DataFrame, categories: list[str],
            series_names: list[str], look: _Look, unit: str) -> None:
    for position, category in enumerate(categories):
        row = frame[frame["x"] == category].iloc[0]
        if pd.notna(row["low"]):
            axes.barh(position, row["high"] - row["low"], left=row["low"], height=0.5,
                      color=look.palette[0])
            text = (f"{_value_text(row['low'], unit, figure.language)}–"
                    f"{_value_text(row['high'], unit, figure.language)}")
            axes.annotate(text, (row["high"], position), xytext=(4, 0),
                          textcoords="offset points", va="center", fontsize=look.label_size)
        else:
            axes.plot([row["value"]], [position], marker="D",
                      color=look.palette[1 % len(look.palette)], markersize=6)
            axes.annotate(_value_text(row["value"], unit, figure.language),
                          (row["value"], position), xytext=(6, 0), textcoords="offset points",
                          va="center", fontsize=look.label_size)
    axes.set_yticks(range(len(categories)), categories)
    axes.invert_yaxis()
    axes.margins(x=0.2)
    if (frame[["value", "low", "high"]].min().min() or 0) >= 0:
        axes.set_xlim(left=0)
    axes.grid(axis="y", visible=False)


def draw_performance(lines: list[tuple[str, list[tuple[Any, float]]]],
                     events: list[tuple[Any, str]], style: ChartStyle,
                     language: str = "en") -> bytes:
    """Series rebased to 100 on a date axis (the first is the subject, the rest its
    benchmarks), with a labelled marker on the subject at each event; SVG bytes."""
    import matplotlib.dates as mdates

    palette = _apply_style(style)
    chart, axes = plt.subplots(figsize=(6.3, 2.5))
    colors = [palette[0]] + [palette[(4 + i) % len(palette)] for i in range(len(lines) - 1)]
    main = lines[0][1] if lines else []
    for (name, points), color in zip(lines, colors, strict=True):
        if not points:
            continue
        axes.plot([day for day, _ in points], [100 * value / points[0][1]
                                               for _, value in points],
                  color=color, linewidth=1.0, label=name)
    if main:
        base = main[0][1]
        by_day = dict(main)
        for index, (day, label) in enumerate(sorted(events)):
            # the rating applies from its date: mark the last close on or before it
            known = [d for d in by_day if d <= day]
            if not known:
                continue
            at = max(known)
            level = 100 * by_day[at] / base
            axes.plot([at], [level], marker="v", color=palette[1 % len(palette)],
                      markersize=6, zorder=3)
            # alternate heights so that labels of nearby events do not overlap
            axes.annotate(label, (at, level), textcoords="offset points",
                          xytext=(0, 7 + 10 * (index % 2)),
                          ha="center", fontsize=style.label_size,
                          color=palette[1 % len(palette)])
    span_days = (main[-1][0] - main[0][0]).days if len(main) > 1 else 0
    # matplotlib.dates carries no annotations (its stubs skip it): untyped calls.
    axes.xaxis.set_major_locator(mdates.MonthLocator(  # type: ignore[no-untyped-call]
        bymonth=(1, 7) if span_days > 500 else (1, 4, 7, 10)))
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))  # type: ignore[no-untyped-call]
    from ..language.i18n import text

    axes.set_ylabel(text(language, "rebased_axis"))
    axes.margins(y=0.18)
    axes.legend(frameon=False, ncols=2, loc="upper left", bbox_to_anchor=(0, 1.18))
    chart.tight_layout()
    buffer = io.BytesIO()
    chart.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(chart)
    return buffer.getvalue()
