"""A build that cannot be fooled: killed builds, clean during a build, missing resources,
damaged state and manifest (processes and real PDFs: slow tier)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from sectornotes.commands.cli import cli
from sectornotes.engine.run import build
from sectornotes.engine.state import BuildLock
from sectornotes.inputs.project import PACKAGE_TEMPLATES, Project

from .conftest import output_hashes, replaced

pytestmark = pytest.mark.slow


def start_build(root: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "sectornotes", "build", *args], cwd=root,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(condition, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.01)
    raise AssertionError("timed out")


def children_of(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in path.read_text().split()] if path.exists() else []


def test_kill_9_during_a_parallel_build_then_an_immediate_build_succeeds(repo_project):
    # Kill the build while its worker processes exist: they used to inherit the lock
    # (flock) and, orphaned, held it forever.
    sample_project = repo_project
    for attempt in range(2):
        process = start_build(sample_project, "-j", "2", "--force")
        wait_for(lambda process=process: bool(children_of(process.pid)) or
                 process.poll() is not None)
        workers = children_of(process.pid)
        assert workers, "the build finished before its workers could be seen"
        time.sleep(0.05 * attempt)
        process.send_signal(signal.SIGKILL)
        process.wait()
        try:
            second = subprocess.run([sys.executable, "-m", "sectornotes", "build", "-j", "2"],
                                    cwd=sample_project, capture_output=True, text=True,
                                    timeout=120)
        finally:
            for worker in workers:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(worker, signal.SIGKILL)
        assert "another build is running" not in second.stderr
        assert second.returncode == 0, second.stderr


def test_a_lock_file_naming_a_dead_process_is_taken_over(sample_project):
    lock = sample_project / "build/.state/lock"
    lock.parent.mkdir(parents=True)
    lock.write_text("999999")
    assert build(Project(sample_project), formats=("html",)).ok
    assert lock.read_text() != "999999"


def test_clean_during_a_build_is_refused_and_the_build_completes(sample_project):
    process = start_build(sample_project)
    wait_for(lambda: (sample_project / "build/.state/lock").exists() and
             (sample_project / "build/.state/lock").read_text().strip() == str(process.pid))
    cleaning = subprocess.run([sys.executable, "-m", "sectornotes", "clean"], cwd=sample_project,
                              capture_output=True, text=True, timeout=60)
    _, errors = process.communicate(timeout=120)
    assert cleaning.returncode == 1
    assert f"another build is running in this project (pid {process.pid}); wait for it to " \
           "finish and run the clean again" in cleaning.stderr
    assert process.returncode == 0, errors
    assert (sample_project / "build/pdf/capex-note.pdf").is_file()


def test_clean_in_the_same_process_as_a_build_is_refused(sample_project):
    (sample_project / "build/html").mkdir(parents=True)
    with BuildLock(sample_project / "build/.state"):
        result = CliRunner().invoke(cli, ["-C", str(sample_project), "clean"])
    assert result.exit_code == 1 and "another build is running" in result.output
    assert (sample_project / "build/html").is_dir()


def test_a_pdf_whose_image_fails_to_load_fails_and_is_not_recorded(sample_project):
    (sample_project / "templates").mkdir()
    template = (PACKAGE_TEMPLATES / "note.html").read_text(encoding="utf-8")
    (sample_project / "templates/note.html").write_text(replaced(
        template, "<main>", "<main><img src='../figures/no-such-chart.svg'>"), encoding="utf-8")
    result = build(Project(sample_project))
    assert not result.ok
    message = result.failed["pdf/capex-note.pdf"]
    assert message.startswith("WeasyPrint could not load a resource: Failed to load image at")
    assert "no-such-chart.svg" in message
    assert not (sample_project / "build/pdf/capex-note.pdf").exists()
    state = json.loads((sample_project / "build/.state/state.json").read_text())
    assert "pdf/capex-note.pdf" not in state["outputs"]


def test_a_damaged_manifest_is_repaired_by_a_noop_build(sample_project):
    assert build(Project(sample_project)).ok
    manifest = sample_project / "build/manifest.json"
    good = manifest.read_text()
    before = output_hashes(sample_project)
    for garbage in ("{not json", json.dumps({"outputs": [1, 2]}), ""):
        manifest.write_text(garbage)
        result = build(Project(sample_project))
        assert result.built == [] and result.ok
        assert manifest.read_text() == good
    assert output_hashes(sample_project) == before


def test_outputs_are_readable_by_others_under_the_process_umask(sample_project):
    # A web server or a colleague reads build/; mkstemp's 0600 must not leak into outputs.
    import stat

    from sectornotes.engine.run import build
    from sectornotes.inputs.project import Project

    assert build(Project(sample_project), formats=("html",)).ok
    written = [p for p in (sample_project / "build").rglob("*") if p.is_file()
               and ".state" not in p.parts]
    assert written
    umask = os.umask(0o022)
    os.umask(umask)
    for path in written:
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask, path  # 0644 under 022
