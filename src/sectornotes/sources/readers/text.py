"""Plain text sources (.txt): read as they are, with the limits of project files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ...inputs.yamlfile import read_text
from . import Reader


def extract_text(path: Path, raw: bytes, display: str) -> dict[str, Any]:
    """The file's text; FileProblem for a binary, huge or mis-encoded file."""
    return {"text": read_text(path, display)}


READERS = (Reader(".txt", "text", extract_text, cached=False),)
