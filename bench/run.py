"""sectornotes benchmarks: each figure printed with its baseline from the same run.

    .venv/bin/python bench/run.py            # everything (a few minutes)
    .venv/bin/python bench/run.py --quick    # skip the 50-note synthetic project

Timings are wall-clock medians of several runs on this machine; ratios compare
against a baseline measured in the same invocation, so a loaded machine moves
both sides together.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO / "src"))

from synth import claim_id, copy_sample, generate  # noqa: E402


def timed(command: list[str], cwd: Path, repeat: int = 1) -> float:
    """Median wall time of a command, in seconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def sectornotes(*args: str) -> list[str]:
    return [str(Path(PYTHON).parent / "sectornotes"), *args]


def line(label: str, value: float, baseline: float | None = None, unit: str = "s",
         target: str = "") -> None:
    ratio = f"  ratio {value / baseline:5.2f}x" if baseline else ""
    print(f"{label:<58} {value:8.3f} {unit}{ratio}  {target}", flush=True)


def edit_claim(project: Path, seed: str, claim: str) -> None:
    """Reword the `text:` of one claim (its meaning for the build changes)."""
    path = project / "seeds" / seed
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, text in enumerate(lines) if text.strip() == f"- id: {claim}")
    index = next(i for i in range(start, len(lines)) if lines[i].lstrip().startswith("text:"))
    if lines[index].rstrip().endswith((">-", ">", "|", "|-")):  # a block scalar: edit its body
        index += 1
        indent = len(lines[index]) - len(lines[index].lstrip())
        lines[index] = lines[index][:indent] + "(restated) " + lines[index][indent:]
    else:
        lines[index] = lines[index].replace("text: ", "text: (restated) ", 1)
    path.write_text("".join(lines), encoding="utf-8")


def bench_sample(workdir: Path) -> None:
    print("== the sample project (3 notes, 19 figures, 203 claims, 8 sources: txt, pdf, html, xlsx)")
    baseline = timed([PYTHON, "-c", "import click, yaml"], workdir, repeat=7)
    line("baseline: python -c 'import click, yaml'", baseline)
    serial = copy_sample(workdir / "serial")
    cold_1 = timed(sectornotes("build", "-j", "1"), serial)
    line("cold build -j 1", cold_1)
    parallel = copy_sample(workdir / "parallel")
    cold_2 = timed(sectornotes("build", "-j", "2"), parallel)
    line("cold build -j 2 (vs -j 1)", cold_2, cold_1)
    noop = timed(sectornotes("build"), serial, repeat=7)
    line("no-op build (vs import click, yaml)", noop, baseline, target="target <= 1.5x")
    check = timed(sectornotes("check"), serial, repeat=5)
    line("check (vs import click, yaml)", check, baseline, target="target < 0.5 s")
    cold_check = copy_sample(workdir / "cold-check")  # no extraction cache: PDF, web, xlsx read
    line("check, sources not yet extracted (vs warm check)",
         timed(sectornotes("check"), cold_check), check, target="target < 3 s")
    seed, claim = _claim_cited_by_one_note(serial)
    edit_claim(serial, seed, claim)
    edit = timed(sectornotes("build"), serial)
    line("edit one claim cited by one note, rebuild (vs cold -j 1)", edit, cold_1,
         target="target <= 0.4x")
    pdf_seconds = _pdf_render_time(serial)
    for note_id, seconds in pdf_seconds.items():
        line(f"PDF render, warm process: {note_id}", seconds)


def _claim_cited_by_one_note(project: Path) -> tuple[str, str]:
    from sectornotes.api import check
    from sectornotes.inputs.project import Project
    from sectornotes.model.figures import figure_claim_ids
    from sectornotes.model.notes import cited_claim_ids

    report = check(Project(project))
    plotted = {c for f in report.figures.values()
               for c in figure_claim_ids(f.spec, report.registry)}
    counts: dict[str, int] = {}
    for loaded in report.notes.values():
        for claim in cited_claim_ids(loaded.spec):
            counts[claim] = counts.get(claim, 0) + 1
    claim = sorted(c for c, n in counts.items() if n == 1 and c not in plotted)[0]
    return f"{report.registry.get(claim).source_id}.yaml", claim


def _pdf_render_time(project: Path) -> dict[str, float]:
    code = f"""
import datetime, time
from pathlib import Path
from sectornotes.api import check
from sectornotes.inputs.project import Project
from sectornotes.engine.stages import render_note_page
from sectornotes.render.pdf import render_pdf
project = Project({str(project)!r})
report = check(project)
warm_up = datetime.date(2025, 1, 1)
render_pdf('<p>warm-up</p>', project.build_dir / 'html', project.root, [], warm_up)
for note_id, loaded in sorted(report.notes.items()):
    html = render_note_page(report, note_id, 'pdf').html
    started = time.perf_counter()
    render_pdf(html, project.build_dir / 'html', project.root, [], loaded.spec.date)
    print(note_id, time.perf_counter() - started)
"""
    output = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, check=True)
    return {name: float(seconds) for name, seconds in
            (row.split() for row in output.stdout.splitlines())}


def bench_synthetic(workdir: Path, sizes: list[int]) -> None:
    print("== synthetic projects (1,000 claims, 100 figures; notes as listed; -j 2)")
    baseline = timed([PYTHON, "-c", "import click, yaml"], workdir, repeat=5)
    line("baseline: python -c 'import click, yaml'", baseline)
    cold_times = {}
    for notes in sizes:
        project = workdir / f"synth-{notes}"
        generate(project, 1000, notes, 100)
        check = timed(sectornotes("check"), project, repeat=3)
        cold = timed(sectornotes("build", "-j", "2"), project)
        noop = timed(sectornotes("build"), project, repeat=5)
        edit_claim(project, "source-00.yaml", claim_id(13))
        edit = timed(sectornotes("build", "-j", "2"), project)
        cold_times[notes] = cold
        line(f"{notes:>3} notes: check (vs import click, yaml)", check, baseline)
        line(f"{notes:>3} notes: cold build", cold)
        line(f"{notes:>3} notes: no-op build (vs import click, yaml)", noop, baseline)
        line(f"{notes:>3} notes: one-claim edit ({claim_id(13)}), rebuild (vs cold)", edit, cold)
    smallest = sizes[0]
    for notes in sizes[1:]:
        line(f"cold build growth {smallest} -> {notes} notes (notes x{notes / smallest:.0f})",
             cold_times[notes], cold_times[smallest], unit="s", target="linear expected")


def main() -> None:
    parser = argparse.ArgumentParser(description="sectornotes benchmarks")
    parser.add_argument("--quick", action="store_true", help="skip the 50-note project")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sectornotes-bench-") as temp:
        workdir = Path(temp)
        bench_sample(workdir)
        bench_synthetic(workdir, [10, 20] if args.quick else [10, 50])


if __name__ == "__main__":
    main()
