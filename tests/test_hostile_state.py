"""A build folder anyone could have shipped: forged state, planted links, a full disk.

Nothing outside build/ is ever deleted or written, a damaged state only means rebuilding,
and every failure ends with a message naming the path, never a traceback.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sectornotes.commands.cli import cli
from sectornotes.engine.run import build
from sectornotes.engine.state import State
from sectornotes.inputs.paths import UnsafePath, confined, is_output_name
from sectornotes.inputs.project import Project

from .conftest import fill, small_disk

pytestmark = pytest.mark.slow  # full builds on forged build folders

HTML = ("html",)


def _state_path(root: Path) -> Path:
    return root / "build/.state/state.json"


def _forge(root: Path, names: list[str], record: object | None = None) -> None:
    state_path = _state_path(root)
    raw = json.loads(state_path.read_text(encoding="utf-8"))
    template = next(iter(raw["outputs"].values()))
    for name in names:
        raw["outputs"][name] = template if record is None else record
    state_path.write_text(json.dumps(raw), encoding="utf-8")


@pytest.mark.parametrize("name_of", [
    lambda victim: str(victim),                              # absolute
    lambda victim: f"../../{victim.parent.name}/{victim.name}",   # climbing out
    lambda victim: f"html/../../../{victim.parent.name}/{victim.name}",
    lambda victim: f"html\\..\\..\\{victim.name}",            # backslashes
    lambda victim: f"html/./../../{victim.name}",
])
def test_a_forged_state_key_never_deletes_a_file_outside_build(sample_project, tmp_path,
                                                                 name_of):
    victim = tmp_path / "precious.txt"
    victim.write_text("keep me", encoding="utf-8")
    assert build(Project(sample_project), formats=HTML).ok
    _forge(sample_project, [name_of(victim)])
    result = build(Project(sample_project), formats=HTML)
    assert result.ok and victim.read_text(encoding="utf-8") == "keep me"
    assert not result.removed


def test_a_state_record_of_the_wrong_shape_is_rebuilt_not_a_crash(sample_project):
    assert build(Project(sample_project), formats=HTML).ok
    for record in ({"inputs": 5, "sha256": "x", "size": 1}, {"inputs": {}, "sha256": 5,
                   "size": "1"}, 7, {"inputs": {"a": 1}, "sha256": "x", "size": 1}):
        raw = json.loads(_state_path(sample_project).read_text(encoding="utf-8"))
        raw["outputs"]["html/capex-note.html"] = record
        _state_path(sample_project).write_text(json.dumps(raw), encoding="utf-8")
        result = build(Project(sample_project), formats=HTML)
        assert result.ok and "html/capex-note.html" in result.built


def test_only_the_layouts_own_names_are_output_names():
    assert is_output_name("html/capex-note.html") and is_output_name("data/big4-growth.csv")
    assert is_output_name("counts/capex-note.txt")  # a registered stage's own folder
    for name in ("/etc/passwd", "../x.html", "html/../x.html", "manifest.json", "html\\x.html",
                 "html/x.html\x00", ".state/state.json", "html/.x.html", "HTML/X.html", "",
                 "html/.capex-note.html.abc.tmp", "html//x.html"):
        assert not is_output_name(name), name


def test_confined_refuses_links_and_climbing(tmp_path):
    base = tmp_path / "build"
    (base / "html").mkdir(parents=True)
    assert confined(base, "html/a.html") == base / "html/a.html"
    (base / "sources").symlink_to(tmp_path)
    for name in ("sources/a.html", "../a", "/a", "a\\b", "a/./b"):
        with pytest.raises(UnsafePath):
            confined(base, name)


def test_a_link_planted_in_build_is_never_written_through(sample_project, tmp_path):
    assert build(Project(sample_project), formats=HTML).ok
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.rmtree(sample_project / "build/html")
    (sample_project / "build/html").symlink_to(outside)
    result = build(Project(sample_project), formats=HTML)
    assert not result.ok and list(outside.iterdir()) == []
    message = result.failed["html/capex-note.html"]
    assert message == (f"{sample_project / 'build/html'} is a symbolic link; outputs are never "
                       "read, written or removed through links: remove the link")


def test_build_as_a_link_is_refused_by_build_and_clean(sample_project, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("mine", encoding="utf-8")
    (sample_project / "build").symlink_to(elsewhere)
    for command in (["clean"], ["build", "--format", "html"]):
        result = CliRunner().invoke(cli, ["-C", str(sample_project), *command])
        assert result.exit_code == 1, result.output
        assert "is a symbolic link" in result.output and "Traceback" not in result.output
    assert (elsewhere / "keep.txt").read_text(encoding="utf-8") == "mine"


def test_a_full_disk_ends_with_a_message_naming_the_path(sample_project, tmp_path):
    with small_disk(tmp_path / "disk", "200k") as disk:
        project_copy = disk / "project"
        shutil.copytree(sample_project, project_copy, ignore=shutil.ignore_patterns("build"))
        fill(disk)
        done = subprocess.run([sys.executable, "-m", "sectornotes", "-C", str(project_copy),
                               "build", "--format", "html"], capture_output=True, text=True,
                              check=False)
        assert done.returncode == 1
        printed = done.stdout + done.stderr
        assert "Traceback" not in printed and "No space left on device" in printed
        assert "cannot write " in printed
        state = State.load(project_copy / "build/.state/state.json")
        for name, record in state.outputs.items():  # recorded only once written whole
            assert record.intact(project_copy / "build" / name)
