"""Loading a folder of YAML files of one kind, validated, with their documents."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from ..findings import Finding
from .project import Project
from .schema import Strict, validate
from .yamlfile import FileProblem, YamlDocument, load_yaml

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
        display = project.relative(file_path)
        if not _is_kebab(file_path.stem):
            findings.append(Finding(display, 1, 1, f"file name '{file_path.name}' must be a "
                                    "kebab-case id (lowercase letters, digits, hyphens)"))
            continue
        try:
            document = load_yaml(file_path, display)
        except FileProblem as problem:
            findings.append(problem.finding)
            if invalid is not None:
                invalid[file_path.stem] = None
            continue
        spec, problems = validate(model, document)
        findings.extend(problems)
        if spec is not None:
            loaded[file_path.stem] = Loaded(file_path.stem, spec, document)
        elif invalid is not None:
            invalid[file_path.stem] = document
    return loaded, findings


def _is_kebab(name: str) -> bool:
    import re

    return re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", name) is not None
