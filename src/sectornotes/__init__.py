"""sectornotes: reproducible equity-research sector notes built from verified claims.

The public API (see docs/api.md)::

    import sectornotes

    project = sectornotes.load_project("path/to/project")
    if project.ok:
        sectornotes.build("path/to/project", notes=["china-ai"], formats=["html"])
"""

from __future__ import annotations

from .api import (
    build,
    check,
    load_project,
    query_claims,
    render_note_html,
    render_note_pdf,
)
from .errors import ProjectError, SectornotesError, UnknownNote, UsageError
from .project import Project
from .version import __version__

__all__ = [
    "Project",
    "ProjectError",
    "SectornotesError",
    "UnknownNote",
    "UsageError",
    "__version__",
    "build",
    "check",
    "load_project",
    "query_claims",
    "render_note_html",
    "render_note_pdf",
]
