"""Loading a folder of YAML files of one kind, validated, with their documents."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from ..findings import Finding
from .project import Project
from .schema import Strict, validate
from .yamlfile import FileProblem, YamlDocument, load_yaml, load_yaml_fast

SpecT = TypeVar("SpecT", bound=Strict)


@dataclass
class Loaded(Generic[SpecT]):
    """A validated YAML file: its id (file stem), model and parsed document."""

    id: str
    spec: SpecT
    document: YamlDocument

    @property
    def path(self) -> str:
        return self.document.path


def load_folder(project: Project, files: list[Path], model: type[SpecT],
                invalid: dict[str, YamlDocument | None] | None = None,
                ) -> tuple[dict[str, Loaded[SpecT]], list[Finding]]:
    """Load every file; invalid ones are reported and left out.

    With `invalid`, each file left out is put there by id: its parsed document when it
    failed validation, None when it could not be parsed (callers salvage what they can).
    """
    loaded: dict[str, Loaded[SpecT]] = {}
    findings: list[Finding] = []
    for file_path in files:
        one, document, problems = load_file(project, file_path, model)
        findings.extend(problems)
        if one is not None:
            loaded[one.id] = one
        elif invalid is not None and _is_kebab(file_path.stem):
            invalid[file_path.stem] = document
    return loaded, findings


def load_file(project: Project, file_path: Path, model: type[SpecT], positions: bool = True,
              ) -> tuple[Loaded[SpecT] | None, YamlDocument | None, list[Finding]]:
    """One file validated: (loaded, its document, findings); loaded is None when invalid,
    and the document None when it could not be parsed.

    Without `positions` the file is parsed by PyYAML's C loader and its positions are
    composed only when a finding needs one (same findings, less time and memory).
    """
    display = project.relative(file_path)
    if not _is_kebab(file_path.stem):
        return None, None, [Finding(display, 1, 1, f"file name '{file_path.name}' must be a "
                                    "kebab-case id (lowercase letters, digits, hyphens)")]
    try:
        document = load_yaml(file_path, display) if positions else \
            load_yaml_fast(file_path, display)
    except FileProblem as problem:
        return None, None, [problem.finding]
    spec, problems = validate(model, document)
    if spec is None:
        return None, document, problems
    return Loaded(file_path.stem, spec, document), document, problems


_KEBAB = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def _is_kebab(name: str) -> bool:
    return _KEBAB.fullmatch(name) is not None
