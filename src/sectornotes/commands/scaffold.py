"""`sectornotes init DIR`: a new project that builds at once."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from ..errors import ProjectError

SCAFFOLD = Path(__file__).parent.parent / "scaffold"


def init_project(target: Path) -> list[Path]:
    """Create a project in `target` (which must be missing or empty); return the files made."""
    from ..inputs.schema import SCHEMA_GLOBS, json_schemas

    if target.exists() and any(target.iterdir()):
        raise ProjectError(f"{target} is not empty; choose a new folder for the project")
    made = []
    for source in sorted(SCAFFOLD.rglob("*")):
        if source.is_file() and "__pycache__" not in source.parts:
            destination = target / source.relative_to(SCAFFOLD)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, destination)
            made.append(destination)
    schemas_dir = target / ".schemas"
    schemas_dir.mkdir(parents=True)
    for kind, schema in json_schemas().items():
        path = schemas_dir / f"{kind}.schema.json"
        path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        made.append(path)
    settings = {"yaml.schemas": {f"./.schemas/{kind}.schema.json": globs
                                 for kind, globs in SCHEMA_GLOBS.items()}}
    vscode = target / ".vscode" / "settings.json"
    vscode.parent.mkdir()
    vscode.write_text(json.dumps(settings, indent=2) + "\n", encoding="utf-8")
    gitignore = target / ".gitignore"
    # records/ holds client addresses and delivery history: kept, backed up, not committed.
    gitignore.write_text("build/\nrecords/\n", encoding="utf-8")
    return made + [vscode, gitignore]
