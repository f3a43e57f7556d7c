"""The build engine with PDFs, processes and locks (the HTML-only engine tests are in unit/)."""

from __future__ import annotations

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
from sectornotes.engine import engine
from sectornotes.engine.run import build
from sectornotes.engine.state import BuildLock
from sectornotes.inputs.project import Project

from .conftest import edit_file, output_hashes, replaced

pytestmark = pytest.mark.slow

ALL_OUTPUTS = {
    "data/big4-growth.csv", "figures/big4-growth.svg", "sources/auto-outlook.html",
    "sources/capex-review.html", "html/auto-note.html", "html/capex-note.html",
    "pdf/auto-note.pdf", "pdf/capex-note.pdf", "rixml/auto-note.xml", "rixml/capex-note.xml",
    "manifest.json",
}


def changed(before: dict, after: dict) -> set[str]:
    return {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}


@pytest.fixture
def built(sample_project):
    result = build(Project(sample_project))
    assert result.ok and not result.failed, (result.failed, result.findings)
    return sample_project


def test_cold_build_writes_every_output_and_manifest(built):
    hashes = output_hashes(built)
    assert set(hashes) == ALL_OUTPUTS
    manifest = json.loads((built / "build/manifest.json").read_text())
    assert manifest["tool"] == "sectornotes"
    for name, entry in manifest["outputs"].items():
        assert entry["sha256"] == hashes[name]
        assert entry["size"] == (built / "build" / name).stat().st_size
    pdf_inputs = manifest["outputs"]["pdf/capex-note.pdf"]["inputs"]
    assert {"claim:big4-capex-q3-2024", "note:capex-note", "figure:big4-growth",
            "figure-output:big4-growth.svg", "template:note.html", "house:ratings",
            "tool:version"} <= set(pdf_inputs)
    assert "claim:china-auto-sales-2025e" not in pdf_inputs


def test_noop_build_rebuilds_nothing(built):
    before = output_hashes(built)
    result = build(Project(built))
    assert result.built == [] and len(result.fresh) == 10
    assert output_hashes(built) == before


def test_editing_one_claim_rebuilds_only_its_dependents(built):
    before = output_hashes(built)
    edit_file(built / "seeds/auto-outlook.yaml", "text: 国内汽车销量预计达到 3,344 万辆，同比增长 6.4%。",
         "text: 国内汽车销量预计 2025 年达到 3,344 万辆。")
    result = build(Project(built))
    assert sorted(result.built) == ["html/auto-note.html", "pdf/auto-note.pdf",
                                    "rixml/auto-note.xml", "sources/auto-outlook.html"]
    assert changed(before, output_hashes(built)) == {
        "html/auto-note.html", "pdf/auto-note.pdf", "rixml/auto-note.xml",
        "sources/auto-outlook.html", "manifest.json"}
    assert result.reasons["pdf/auto-note.pdf"] == ["claim china-auto-sales-2025e changed"]


def test_dry_run_writes_nothing_and_explains_missing_outputs(sample_project):
    result = CliRunner().invoke(cli, ["-C", str(sample_project), "build", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "would build build/pdf/capex-note.pdf: output missing" in result.output
    assert not (sample_project / "build").exists()


def test_a_failing_note_does_not_stop_the_others(sample_project):
    edit_file(sample_project / "notes/auto-note.yaml", "[@china-auto-sales-2025e]。\"",
         "[@china-auto-sales-2052e]。\"")
    result = build(Project(sample_project))
    assert not result.ok
    assert result.failed["pdf/auto-note.pdf"] == "notes/auto-note.yaml fails check"
    assert (sample_project / "build/pdf/capex-note.pdf").exists()
    assert not (sample_project / "build/pdf/auto-note.pdf").exists()
    state = json.loads((sample_project / "build/.state/state.json").read_text())
    assert "pdf/auto-note.pdf" not in state["outputs"] and state["fingerprint"] is None


def test_cli_build_reports_failure_and_exit_code(sample_project):
    edit_file(sample_project / "notes/auto-note.yaml", "[@china-auto-sales-2025e]。\"",
         "[@china-auto-sales-2052e]。\"")
    result = CliRunner().invoke(cli, ["-C", str(sample_project), "build", "--format", "html"])
    assert result.exit_code == 1
    assert ("notes/auto-note.yaml:10:42: error: [@china-auto-sales-2052e]: unknown claim "
            "'china-auto-sales-2052e' (did you mean 'china-auto-sales-2025e'?)") in result.stderr
    assert "error: build/html/auto-note.html: notes/auto-note.yaml fails check" in result.stderr


def test_deleting_build_by_hand_and_clean(built):
    before = output_hashes(built)
    runner = CliRunner()
    assert runner.invoke(cli, ["-C", str(built), "clean"]).exit_code == 0
    assert not (built / "build").exists()
    result = build(Project(built))
    assert len(result.built) == 10
    assert output_hashes(built) == before


def test_parallel_build_gives_the_same_bytes(built, tmp_path):
    serial = output_hashes(built)
    import shutil

    copy = tmp_path / "parallel"
    shutil.copytree(built, copy, ignore=shutil.ignore_patterns("build"))
    result = build(Project(copy), jobs=2)
    assert result.ok and len(result.built) == 10
    assert output_hashes(copy) == serial


def test_a_concurrent_build_is_refused_with_a_clear_message(sample_project):
    with BuildLock(sample_project / "build" / ".state"):
        result = subprocess.run([sys.executable, "-m", "sectornotes", "build"], cwd=sample_project,
                                capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert f"another build is running in this project (pid {os.getpid()})" in result.stderr
    assert not (sample_project / "build/html").exists()


def test_a_killed_build_is_repaired_by_the_next(sample_project, tmp_path):
    process = subprocess.Popen([sys.executable, "-m", "sectornotes", "build"], cwd=sample_project,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    state_path = sample_project / "build/.state/state.json"
    deadline = time.time() + 60
    while time.time() < deadline:
        if state_path.exists() and "html/capex-note.html" in state_path.read_text():
            break
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert not (sample_project / "build/pdf/capex-note.pdf").exists() or True
    result = build(Project(sample_project))
    assert result.ok
    assert "html/capex-note.html" not in result.built  # recorded before the kill: kept
    leftovers = [p for p in (sample_project / "build").rglob("*.tmp")]
    assert leftovers == []
    import shutil

    clean = tmp_path / "clean"
    shutil.copytree(sample_project, clean, ignore=shutil.ignore_patterns("build"))
    build(Project(clean))
    assert output_hashes(sample_project) == output_hashes(clean)


def test_noop_build_never_imports_heavy_libraries(built):
    code = ("import sys\nfrom sectornotes.commands.cli import main\nsys.argv = ['sectornotes', 'build']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('HEAVY', sorted(m for m in ('pandas', 'matplotlib', 'weasyprint', 'pydantic')"
            " if m in sys.modules), file=sys.stderr)")
    result = subprocess.run([sys.executable, "-c", code], cwd=built, capture_output=True,
                            text=True, timeout=60)
    assert "HEAVY []" in result.stderr, result.stderr
    assert "built 0, up to date 10" in result.stdout


def test_noop_html_build_decides_from_hashes_too(sample_project):
    build(Project(sample_project), formats=("html",))
    code = ("import sys\nfrom sectornotes.commands.cli import main\n"
            "sys.argv = ['sectornotes', 'build', '--format', 'html']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('HEAVY', sorted(m for m in ('pandas', 'matplotlib', 'weasyprint', 'pydantic')"
            " if m in sys.modules), file=sys.stderr)")
    result = subprocess.run([sys.executable, "-c", code], cwd=sample_project,
                            capture_output=True, text=True, timeout=60)
    assert "HEAVY []" in result.stderr, result.stderr
    assert "built 0, up to date" in result.stdout


def test_a_fingerprint_vouches_only_for_the_formats_it_built():
    from sectornotes.engine.run import _fingerprint_covers

    assert _fingerprint_covers("f:s", "f:s", ("html", "pdf"))  # a full build's
    assert _fingerprint_covers("f:s:html", "f:s", ("html",))
    assert not _fingerprint_covers("f:s:html", "f:s", ("html", "pdf"))
    assert not _fingerprint_covers("f:s2", "f:s", ("html",))  # another environment
    assert not _fingerprint_covers(None, "f:s", ("html",))


def test_a_template_override_added_later_is_used_by_a_long_running_process(built):
    # `serve` keeps compiled templates between builds: a new override must still win.
    build(Project(built), formats=("html",), force=True)
    (built / "templates").mkdir()
    package_html = Path(engine.__file__).parent.parent / "templates" / "note.html"
    (built / "templates/note.html").write_text(
        replaced(package_html.read_text(), "<main>", "<main data-override='yes'>"))
    result = build(Project(built), formats=("html",))
    assert result.reasons["html/capex-note.html"] == ["template note.html changed"]
    assert "data-override='yes'" in (built / "build/html/capex-note.html").read_text()
    (built / "templates/note.html").unlink()
    build(Project(built), formats=("html",))
    assert "data-override" not in (built / "build/html/capex-note.html").read_text()
