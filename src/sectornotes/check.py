"""`sectornotes check`: validate the whole project and prove every claim.

The work is done by `load_project`; checking is reading its findings.
"""

from __future__ import annotations

from .model import LoadedProject, load_project
from .project import Project

# The report `check` returns is the loaded project itself.
CheckReport = LoadedProject


def check(project: Project, strict: bool = False) -> LoadedProject:
    """Validate every project file and prove every claim; never raises on bad input.

    With `strict`, numbers typed into note prose without a citation are errors.
    """
    return load_project(project, strict=strict)
