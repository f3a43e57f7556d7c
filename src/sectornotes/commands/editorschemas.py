"""The JSON Schemas and the editor mapping `sectornotes schema` and `init` write.

The metric enum is the vocabulary's built-in metrics and the house's own, each also in
its `-yoy` and `-qoq` forms (what `check` knows); the mapping sends each series'
seeds/<id>.yaml to the series schema and every other seeds/*.yaml to the seed schema.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic.json_schema import JsonSchemaValue

from ..inputs.atomic import write_text_atomic
from ..proof.vocabulary import BUILT_IN


def known_metrics(root: Path | None) -> list[str]:
    """The metric names `check` knows in the project at `root` (the built-ins without one)."""
    names = set(BUILT_IN) | set(_house_metrics(root) if root is not None else [])
    return sorted(names | {f"{name}-{basis}" for name in names for basis in ("yoy", "qoq")})


def _house_metrics(root: Path) -> list[str]:
    """The keys of house.yaml's `metrics:`, read leniently: a broken house.yaml is `check`'s
    to report, and the schemas are written all the same."""
    from ..inputs.yamlfile import FileProblem, load_yaml

    path = root / "house.yaml"
    if not path.is_file():
        return []
    try:
        data = load_yaml(path, "house.yaml").data
    except FileProblem:
        return []
    metrics = data.get("metrics") if isinstance(data, dict) else None
    return [str(name) for name in metrics] if isinstance(metrics, dict) else []


def project_schemas(root: Path | None) -> dict[str, JsonSchemaValue]:
    """JSON Schema of every file kind for the project at `root` (or for none)."""
    from ..inputs.schema import json_schemas

    return json_schemas(known_metrics(root))


def editor_mapping(root: Path | None, schemas_dir: str = "./.schemas") -> dict[str, list[str]]:
    """VS Code's `yaml.schemas` value: each schema file and the project files it applies to."""
    from ..inputs.schema import schema_globs, series_ids

    globs = schema_globs(series_ids(root) if root is not None else ())
    return {f"{schemas_dir}/{kind}.schema.json": patterns for kind, patterns in globs.items()}


def write_schemas(root: Path | None, out_dir: Path) -> list[Path]:
    """Write <kind>.schema.json for every kind and yaml.schemas.json (the editor mapping,
    relative to the project root) into `out_dir`; return the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, schema in project_schemas(root).items():
        target = out_dir / f"{kind}.schema.json"
        write_text_atomic(target, json.dumps(schema, indent=2, ensure_ascii=False) + "\n")
        written.append(target)
    mapping = editor_mapping(root, _relative(out_dir, root))
    target = out_dir / "yaml.schemas.json"
    write_text_atomic(target, json.dumps(mapping, indent=2) + "\n")
    return written + [target]


def _relative(folder: Path, root: Path | None) -> str:
    """How the project's editor settings name `folder`: ./relative inside the project."""
    if root is None:
        return folder.resolve().as_posix()
    try:
        inside = folder.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return folder.resolve().as_posix()
    return "." if inside == "." else f"./{inside}"
