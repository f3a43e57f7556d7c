"""How `check` and a no-op build scale with the claims: issue 21's measurement.

    .venv/bin/python bench/scale.py                          # 2,000, 32,000, 100,000 claims
    .venv/bin/python bench/scale.py --sizes 2000 32000 --repeat 3

For each size a synthetic project (bench/synth.py: two data points a claim, 1,600
claims a source file, at least 20 sources, 10 notes, 20 figures) is measured:
the floor (load every YAML file once with PyYAML's C loader, in its own process),
`check` cold (no proof cache), with nothing changed and after one edited claim, a
no-op `build --format html`, and the peak memory of a cold `check`. Each figure is
the median of `--repeat` runs, printed with its ratio to the floor of the same run,
in wall-clock time and in CPU time (user + system of the process): on a shared
machine the CPU ratio is the steadier one.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from run import edit_claim  # noqa: E402
from synth import claim_id, generate  # noqa: E402

CLAIMS_PER_SOURCE = 1_600  # a seed file of about 670 KB, well under the 2 MB limit
FLOOR = """\
import pathlib, yaml
for path in sorted(pathlib.Path('.').rglob('*.yaml')):
    if 'build' not in path.parts:
        yaml.load(path.read_text(encoding='utf-8'), Loader=yaml.CSafeLoader)
"""


@dataclass
class Run:
    wall: float
    cpu: float
    rss_mb: float


def environment() -> dict[str, str]:
    """This checkout's code, with its bytecode cached as an installed package's is."""
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run(command: list[str], cwd: Path) -> Run:
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=environment(), stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    stderr = process.stderr.read() if process.stderr else b""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed in {cwd}:\n{stderr.decode()}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def median(runs: list[Run]) -> Run:
    return Run(statistics.median(r.wall for r in runs), statistics.median(r.cpu for r in runs),
               statistics.median(r.rss_mb for r in runs))


def sectornotes(*args: str) -> list[str]:
    return [sys.executable, "-m", "sectornotes", *args]


def line(label: str, measured: Run, floor: Run, target: str = "") -> None:
    print(f"  {label:<34} {measured.wall:8.2f} s wall {measured.wall / floor.wall:6.2f}x   "
          f"{measured.cpu:8.2f} s cpu {measured.cpu / floor.cpu:6.2f}x   {target}", flush=True)


def bench(workdir: Path, claims: int, repeat: int) -> dict[str, Run]:
    project = workdir / f"synth-{claims}"
    sources = max(20, claims // CLAIMS_PER_SOURCE)
    generate(project, claims, 10, 20, sources)
    print(f"== {claims:,} claims ({sources} sources, 10 notes, 20 figures), "
          f"medians of {repeat}", flush=True)
    floor = median([run([sys.executable, "-c", FLOOR], project) for _ in range(repeat)])
    print(f"  {'floor: every YAML file, C loader':<34} {floor.wall:8.2f} s wall"
          f"{'':12}{floor.cpu:8.2f} s cpu", flush=True)
    cold = []
    for _ in range(repeat):
        shutil.rmtree(project / "build" / ".state" / "proof", ignore_errors=True)
        cold.append(run(sectornotes("check"), project))
    results = {"floor": floor, "cold": median(cold)}
    line("check, cold (no proof cache)", results["cold"], floor, "target <= 2.5x floor")
    results["unchanged"] = median([run(sectornotes("check"), project) for _ in range(repeat)])
    edited = []
    for attempt in range(repeat):
        edit_claim(project, "source-00.yaml", claim_id(attempt * 7 + 3))
        edited.append(run(sectornotes("check"), project))
    results["edited"] = median(edited)
    for key, label in (("unchanged", "check, nothing changed"), ("edited", "check, one claim edited")):
        ratio = results[key].cpu / results["cold"].cpu
        line(label, results[key], floor, f"{ratio:.3f}x cold (cpu); target <= 0.15x")
    results["html"] = run(sectornotes("build", "--format", "html"), project)
    line("build --format html, first", results["html"], floor)
    results["noop"] = median([run(sectornotes("build", "--format", "html"), project)
                              for _ in range(repeat)])
    line("no-op build --format html", results["noop"], floor)
    print(f"  {'peak memory of check, cold':<34} {results['cold'].rss_mb:8.0f} MB"
          f"{'':9}target <= 300 MB at 32,000", flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description="how check and build scale with the claims")
    parser.add_argument("--sizes", type=int, nargs="+", default=[2_000, 32_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "src")], check=True)
    with tempfile.TemporaryDirectory(prefix="sectornotes-scale-") as temp:
        results = {claims: bench(Path(temp), claims, args.repeat) for claims in args.sizes}
    smallest = min(results)
    print("== growth", flush=True)
    for claims in sorted(results)[1:]:
        factor = claims / smallest
        noop = results[claims]["noop"].cpu / results[smallest]["noop"].cpu
        cold = results[claims]["cold"].cpu / results[smallest]["cold"].cpu
        print(f"  {smallest:,} -> {claims:,} claims (x{factor:.0f}): cold check x{cold:.1f}, "
              f"no-op build x{noop:.2f} (cpu; target <= 2x at 32,000)", flush=True)


if __name__ == "__main__":
    main()
