"""Live preview latency: saving a claim value until the open page shows the new number.

    .venv/bin/python bench/serve_latency.py

Runs `sectornotes serve` on a copy of the sample project, opens the note in
headless Chromium, rewrites one claim's value (with its quote and source) and
times until the new number is visible. Baseline, in the same run: a cold
HTML-only build of that note in a fresh process.
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from synth import copy_sample  # noqa: E402

NOTE = "tech-outlook-2025h2"
SEED = "citic-tech-outlook-2025h2"
CLAIM_VALUE, QUOTE_TEXT = "39.2", "39.2 times"


def set_value(project: Path, old: str, new: str) -> None:
    for suffix in ("txt", "yaml"):
        path = project / "seeds" / f"{SEED}.{suffix}"
        path.write_text(path.read_text(encoding="utf-8").replace(f"{old} times", f"{new} times")
                        .replace(f"value: {old}", f"value: {new}"), encoding="utf-8")


def main() -> None:
    binary = Path(sys.executable).parent / "sectornotes"
    with tempfile.TemporaryDirectory() as temp:
        cold_project = copy_sample(Path(temp) / "cold")
        started = time.perf_counter()
        subprocess.run([binary, "build", NOTE, "--format", "html"], cwd=cold_project, check=True,
                       capture_output=True)
        cold = time.perf_counter() - started
        project = copy_sample(Path(temp) / "serve")
        server = subprocess.Popen([binary, "serve", "--port", "0"], cwd=project,
                                  stderr=subprocess.PIPE, text=True)
        url = re.search(r"(http://\S+)", server.stderr.readline()).group(1)
        samples = []
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path="/usr/bin/chromium", headless=True,
                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
                page = browser.new_page()
                page.goto(f"{url}html/{NOTE}.html")
                page.wait_for_selector("text=39.2x", timeout=60_000)
                time.sleep(8)  # let the first background PDF build finish
                value = CLAIM_VALUE
                for new in ("39.4", "39.6", "39.8"):
                    started = time.perf_counter()
                    set_value(project, value, new)
                    page.wait_for_selector(f"text={new}x", timeout=60_000)
                    samples.append(time.perf_counter() - started)
                    value = new
                    time.sleep(8)  # the PDF rebuild runs after the HTML one
                browser.close()
        finally:
            server.terminate()
            server.wait()
    live = statistics.median(samples)
    print(f"cold HTML build of {NOTE} (new process)          {cold:7.3f} s")
    print(f"save claim value → new number on the open page      {live:7.3f} s  "
          f"ratio {live / cold:5.2f}x  (samples: {', '.join(f'{s:.2f}' for s in samples)})")


if __name__ == "__main__":
    main()
