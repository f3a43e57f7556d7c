"""The library's exception family: plain exceptions, with the exit code the CLI uses.

Nothing here knows about click; `cli.main` turns these into messages and exit
codes (0 ok, 1 check/build failed, 2 usage).
"""

from __future__ import annotations

from collections.abc import Iterable

EXIT_FAILED = 1
EXIT_USAGE = 2


class SectornotesError(Exception):
    """Base of every user-facing error: printed without a traceback."""

    exit_code = EXIT_FAILED

    @property
    def message(self) -> str:
        return str(self)


class ProjectError(SectornotesError):
    """The project is missing or cannot be read."""


class UsageError(SectornotesError):
    """The command names something that does not exist, or combines options wrongly."""

    exit_code = EXIT_USAGE


class UnknownNote(UsageError):
    """A note named on the command line or in a call does not exist."""


def did_you_mean(word: str, choices: Iterable[object]) -> str:
    """A ' (did you mean 'x'?)' hint, or '' when nothing is close."""
    import difflib

    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def unknown_note(note_id: str, known: Iterable[str]) -> UnknownNote:
    """The one error for a note id the project does not have."""
    return UnknownNote(f"unknown note '{note_id}'{did_you_mean(note_id, known)}; "
                       "list the notes with 'ls notes/'")
