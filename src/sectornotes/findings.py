"""Findings (errors and warnings tied to a file position) and the exception family."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import click

# Exit codes, documented in the README: 0 ok, 1 check/build failed, 2 usage.
EXIT_FAILED = 1
EXIT_USAGE = 2


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

    def as_dict(self) -> dict:
        return asdict(self)


class SectornotesError(click.ClickException):
    """Base of every user-facing error: printed without a traceback."""

    exit_code = EXIT_FAILED


class ProjectError(SectornotesError):
    """The project is missing or cannot be read."""


def did_you_mean(word: str, choices) -> str:
    """A ' (did you mean 'x'?)' hint, or '' when nothing is close."""
    import difflib

    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
