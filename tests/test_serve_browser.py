"""`serve` in real headless Chromium: live reload, error overlay, recovery, clean exit."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from .conftest import missing_tool, replaced

pytestmark = pytest.mark.slow
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture
def server(sample_project):
    process = subprocess.Popen([sys.executable, "-m", "sectornotes", "serve", "--port", "0"],
                               cwd=sample_project, stderr=subprocess.PIPE, text=True)
    line = process.stderr.readline()
    match = re.search(r"Serving (http://127\.0\.0\.1:\d+/)", line)
    assert match, line
    log: list[str] = []
    # Drain stderr as it comes, so a full pipe can never block the server.
    reader = threading.Thread(target=lambda: log.extend(process.stderr), daemon=True)
    reader.start()
    process.log, process.reader = log, reader
    yield match.group(1), sample_project, process
    if process.poll() is None:
        process.kill()
        process.wait()


@pytest.fixture
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        missing_tool("Debian's chromium is not installed")
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield chromium
        chromium.close()


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(replaced(text, old, new), encoding="utf-8")


def test_live_reload_overlay_and_recovery(server, browser):
    url, project, process = server
    page = browser.new_page()
    page.goto(url + "html/capex-note.html")
    page.wait_for_selector("text=$58.86bn", timeout=30_000)

    # Edit the claim's value (and its quote and source, which must agree) on disk.
    replace_in(project / "seeds/capex-review.txt", "58.86 billion", "61.25 billion")
    seed = project / "seeds/capex-review.yaml"
    replace_in(seed, "value: 58.86,", "value: 61.25,")
    replace_in(seed, "increased to 58.86 billion", "increased to 61.25 billion")
    page.wait_for_selector("text=$61.25bn", timeout=30_000)

    note = project / "notes/capex-note.yaml"
    good = note.read_text(encoding="utf-8")
    note.write_text(replaced(good, "analysts: [lin-mei]", "analysts: [lin-mei"), encoding="utf-8")
    overlay = page.wait_for_selector("#sectornotes-overlay", timeout=30_000)
    assert "notes/capex-note.yaml:" in overlay.inner_text()
    assert "YAML syntax error" in overlay.inner_text()

    note.write_text(good, encoding="utf-8")
    page.wait_for_selector("#sectornotes-overlay", state="detached", timeout=30_000)
    page.wait_for_selector("text=$61.25bn", timeout=30_000)

    index = browser.new_page()
    index.goto(url)
    assert "Capex note" in index.inner_text("body") and "Outperform" in index.inner_text("body")

    process.send_signal(signal.SIGINT)
    deadline = time.time() + 60
    while process.poll() is None and time.time() < deadline:
        time.sleep(0.1)
    if process.returncode is None:  # show where it hangs before failing
        process.send_signal(signal.SIGUSR1)
        time.sleep(2)
        pytest.fail("serve did not stop on Ctrl-C:\n" + "".join(process.log)[-6000:])
    assert process.returncode == 0
    process.reader.join(timeout=10)
    log = "".join(process.log)
    assert "stopped" in log
    assert "Traceback" not in log, log
