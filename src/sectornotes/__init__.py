"""sectornotes: reproducible equity-research sector notes built from verified claims.

The public API (see docs/api.md)::

    import sectornotes

    project = sectornotes.load_project("path/to/project")
    if project.ok:
        sectornotes.build("path/to/project", notes=["china-ai"], formats=["html"])

Names load on first use, so `import sectornotes` (and every CLI start) stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .version import __version__

if TYPE_CHECKING:
    from .api import (
        build,
        check,
        load_project,
        query_claims,
        render_note_html,
        render_note_pdf,
    )
    from .errors import ProjectError, SectornotesError, UnknownNote, UsageError
    from .inputs.project import Project

_EXPORTS = {
    "build": "api", "check": "api", "load_project": "api", "query_claims": "api",
    "render_note_html": "api", "render_note_pdf": "api",
    "ProjectError": "errors", "SectornotesError": "errors", "UnknownNote": "errors",
    "UsageError": "errors", "Project": "inputs.project",
}

__all__ = [
    "Project", "ProjectError", "SectornotesError", "UnknownNote", "UsageError", "__version__",
    "build", "check", "load_project", "query_claims", "render_note_html", "render_note_pdf",
]


def __getattr__(name: str) -> Any:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'sectornotes' has no attribute '{name}'")
    import importlib

    value = getattr(importlib.import_module(f".{module_name}", __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value
