"""More bad input: house.yaml, file names, transform steps, CLI usage, ports, verify."""

from __future__ import annotations

import socket

from click.testing import CliRunner

from sectornotes.api import check
from sectornotes.commands.cli import cli
from sectornotes.engine.run import build
from sectornotes.inputs.project import Project

from .conftest import FIGURE_YAML, SEED_YAML, replaced


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_invalid_house_yaml_stops_rendering_with_its_position(sample_project):
    house = sample_project / "house.yaml"
    house.write_text(replaced(house.read_text(), "disclaimer:", "disclaimers:"))
    found = [f.format() for f in check(Project(sample_project)).findings]
    assert any(f.startswith("house.yaml:") and "unknown key 'disclaimers' (did you mean "
               "'disclaimer'?)" in f for f in found), found
    result = build(Project(sample_project), formats=("html",))
    assert result.failed == {"house.yaml": "house.yaml is invalid; nothing can be rendered"}
    assert not (sample_project / "build/html").exists()


def test_file_names_must_be_ids(make_project):
    root = make_project({"seeds/Capex Review.yaml": SEED_YAML,
                         "seeds/Capex Review.txt": "text"})
    found = [f.format() for f in check(Project(root)).findings]
    assert "seeds/Capex Review.yaml:1:1: error: file name 'Capex Review.yaml' must be a " \
           "kebab-case id (lowercase letters, digits, hyphens)" in found


def test_a_transform_step_has_exactly_one_key(sample_project):
    (sample_project / "figures/big4-growth.yaml").write_text(
        replaced(
            FIGURE_YAML,
            "  - filter: {metric: [capex-yoy]}",
            "  - {filter: {metric: [capex-yoy]}, sort: {by: value}}",
        )
    )
    found = [f.format() for f in check(Project(sample_project)).findings]
    assert any(
        f.startswith(
            "figures/big4-growth.yaml:5:5: error: transform[0]: each transform "
            "step has exactly one of: filter, convert"
        )
        for f in found
    ), found


def test_distribute_usage_errors(sample_project):
    nothing = run("-C", sample_project, "distribute")
    assert nothing.exit_code == 2 and "name at least one note to distribute" in nothing.output
    unknown = run("-C", sample_project, "distribute", "capex-notes")
    assert unknown.exit_code == 2
    assert "unknown note 'capex-notes' (did you mean 'capex-note'?)" in unknown.output


def test_serve_on_a_busy_port_says_so(sample_project):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run("-C", sample_project, "serve", "--port", port)
    assert result.exit_code == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.output
    assert "choose another port with --port" in result.output


def test_verify_a_file_that_is_not_a_pdf(sample_project, tmp_path):
    fake = tmp_path / "note.pdf"
    fake.write_text("hello")
    result = run("-C", sample_project, "verify", fake)
    assert result.exit_code == 1 and result.output.strip().endswith("not a readable PDF")


def test_serve_stops_cleanly_on_sigterm(sample_project):
    import re
    import signal
    import subprocess
    import sys

    process = subprocess.Popen(
        [sys.executable, "-m", "sectornotes", "serve", "--port", "0"],
        cwd=sample_project,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert re.search(r"Serving http://127\.0\.0\.1:\d+/", process.stderr.readline())
    process.send_signal(signal.SIGTERM)
    code = process.wait(timeout=60)
    log = process.stderr.read()
    assert code == 0, log
    assert "stopped" in log
