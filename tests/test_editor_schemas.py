"""The schemas `sectornotes schema` writes, in the editors' own YAML engine.

yaml-language-server (VS Code's YAML support; pinned in package.json, installed by
`make test` with npm ci) runs as a language server over stdio, with the project's
mapping (.schemas/yaml.schemas.json, or .vscode/settings.json from `init`) as its
settings. Files `check` accepts get no error; planted mistakes each get one where
they are. Messages are the server's own: only positions are asserted.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from sectornotes.commands.cli import cli

from .conftest import REPO_ROOT, missing_tool, replaced
from .yamlls import SERVER, YamlLanguageServer, errors

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", autouse=True)
def _server_installed():
    if shutil.which("node") is None or not SERVER.exists():
        missing_tool("yaml-language-server is not installed: run `npm ci`")


def sample_copy(root: Path) -> Path:
    for part in ("seeds", "figures", "notes"):
        shutil.copytree(REPO_ROOT / part, root / part)
    for part in ("house.yaml", "compliance.yaml", "clients.yaml"):
        shutil.copy(REPO_ROOT / part, root / part)
    return root


def with_schemas(root: Path) -> dict[str, list[str]]:
    result = CliRunner().invoke(cli, ["-C", str(root), "schema", "--out", str(root / ".schemas")])
    assert result.exit_code == 0, result.output
    return json.loads((root / ".schemas/yaml.schemas.json").read_text(encoding="utf-8"))


def project_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.yaml")
                  if not {"build", ".schemas"} & set(p.relative_to(root).parts))


def editor_errors(root: Path, mapping: dict[str, list[str]]) -> list[str]:
    server = YamlLanguageServer(root, mapping)
    try:
        return errors(server.diagnostics(project_files(root)))
    finally:
        server.close()


def test_the_sample_project_has_no_error_in_the_editor(tmp_path):
    root = sample_copy(tmp_path / "sample")
    mapping = with_schemas(root)
    series = sorted(p.stem for p in (root / "seeds").glob("*.csv"))
    assert mapping["./.schemas/series.schema.json"] == [f"seeds/{s}.yaml" for s in series]
    assert all(f"!seeds/{s}.yaml" in mapping["./.schemas/seed.schema.json"] for s in series)
    assert len(project_files(root)) >= 40
    assert editor_errors(root, mapping) == []


def test_an_init_project_has_no_error_in_the_editor(tmp_path):
    root = tmp_path / "fresh"
    result = CliRunner().invoke(cli, ["init", str(root)])
    assert result.exit_code == 0, result.output
    mapping = json.loads((root / ".vscode/settings.json").read_text())["yaml.schemas"]
    assert editor_errors(root, mapping) == []


def test_a_yaml_1_1_loader_s_dates_are_valid_too(tmp_path):
    # YAML 1.1 tools read unquoted 2025-02-05 and 2025-06-03T09:00:00 as dates, not strings.
    root = sample_copy(tmp_path / "sample")
    with_schemas(root)
    result = subprocess.run(
        ["node", str(Path(__file__).parent / "yaml11_validate.js"), str(root),
         str(root / ".schemas/yaml.schemas.json")], capture_output=True, text=True, check=True,
        env={**os.environ, "NODE_PATH": str(REPO_ROOT / "node_modules")})
    lines = result.stdout.splitlines()
    assert len(lines) == len(project_files(root))
    assert [line for line in lines if not line.endswith(": ok")] == []


def plant(path: Path, old: str, new: str) -> int:
    """Replace `old` by `new` in the file; return the 1-based line of the change."""
    text = path.read_text(encoding="utf-8")
    path.write_text(replaced(text, old, new), encoding="utf-8")
    return text[:text.index(old)].count("\n") + 1


def test_each_planted_mistake_is_reported_where_it_is(tmp_path):
    root = sample_copy(tmp_path / "planted")
    # seeds/ (data point, claim id), notes/, figures/, house.yaml and a series file
    planted = {
        "unknown metric": ("seeds/citic-tech-outlook-2025h2.yaml", plant(
            root / "seeds/citic-tech-outlook-2025h2.yaml", "metric: nev-exports-yoy",
            "metric: nev-export-yoy")),
        "no such date": ("notes/tech-outlook-2025h2.yaml", plant(
            root / "notes/tech-outlook-2025h2.yaml", "date: 2025-06-05", "date: 2025-02-30")),
        "unknown key": ("figures/big4-csp-capex-growth.yaml", plant(
            root / "figures/big4-csp-capex-growth.yaml", "caption:", "captoin:")),
        "wrong type": ("house.yaml", plant(root / "house.yaml", "{base_size: 9,",
                                           "{base_size: nine,")),
        "bad id": ("seeds/cms-ai-terminal-aidc.yaml", plant(
            root / "seeds/cms-ai-terminal-aidc.yaml", "- id: ai-jevons-paradox-cycle",
            "- id: AI_Jevons_Paradox")),
        "seed key in a series file": ("seeds/csi300-illustrative.yaml", plant(
            root / "seeds/csi300-illustrative.yaml", "series:", "claims: []\nseries:")),
    }
    found = editor_errors(root, with_schemas(root))
    places = {":".join(line.split(":")[:2]) for line in found}
    for mistake, (path, line) in planted.items():
        assert f"{path}:{line}" in places, (mistake, found)
    assert len(places) == len(planted), found  # nothing else is reported
