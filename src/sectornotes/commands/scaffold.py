"""`sectornotes init DIR`: a new project that builds at once."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from ..errors import ProjectError

SCAFFOLD = Path(__file__).parent.parent / "scaffold"


def init_project(target: Path) -> list[Path]:
    """Create a project in `target` (which must be missing or empty); return the files made."""
    from .editorschemas import editor_mapping, write_schemas

    if target.exists() and any(target.iterdir()):
        raise ProjectError(f"{target} is not empty; choose a new folder for the project")
    made = []
    for source in sorted(SCAFFOLD.rglob("*")):
        if source.is_file() and "__pycache__" not in source.parts:
            destination = target / source.relative_to(SCAFFOLD)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, destination)
            made.append(destination)
    made += write_schemas(target, target / ".schemas")
    settings = {"yaml.schemas": editor_mapping(target)}
    vscode = target / ".vscode" / "settings.json"
    vscode.parent.mkdir()
    vscode.write_text(json.dumps(settings, indent=2) + "\n", encoding="utf-8")
    gitignore = target / ".gitignore"
    # records/ holds client addresses and delivery history: kept, backed up, not committed.
    gitignore.write_text("build/\nrecords/\n", encoding="utf-8")
    return made + [vscode, gitignore]
