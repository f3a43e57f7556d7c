"""Findings: errors and warnings tied to a file position."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from .errors import did_you_mean

__all__ = ["Finding", "did_you_mean"]


@dataclass(frozen=True, order=True)
class Finding:
    """One problem found in a project file, with a 1-based line and column."""

    path: str
    line: int
    col: int
    message: str
    severity: str = "error"

    def format(self) -> str:
        """The `path:line:col: error: message` form editors and CI understand."""
        return f"{self.path}:{self.line}:{self.col}: {self.severity}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return asdict(self)
