"""Turning stored text into paths: the one place that decides a name is safe.

Names come back from files anyone can edit or ship (build state, manifests, caches,
records, request paths). Each is checked here before it becomes a path that is read,
written or deleted: relative, no `..`, no backslash or NUL, and — resolved on disk —
inside its base folder without passing through a symbolic link.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from ..errors import SectornotesError

# An output is a file in a folder of build/ (a stage's own folder: html/, pdf/, or one a
# registered stage adds), named with safe characters; never hidden, never the internals.
_OUTPUT_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*(?:/[a-z0-9][a-z0-9_.-]*)+")


class UnsafePath(SectornotesError):
    """A stored or requested name that would leave its folder or pass through a link."""


def relative_problem(name: str) -> str | None:
    """Why `name` is not a plain relative path ('a/b.html'), or None when it is."""
    if not name or "\x00" in name or "\\" in name:
        return "it is empty or has a NUL or backslash"
    pure = PurePosixPath(name)
    if pure.is_absolute() or name.startswith("~"):
        return "it is absolute"
    if any(part in ("..", ".", "") for part in name.split("/")):
        return "it has '..', '.' or an empty part"
    return None


def is_output_name(name: str) -> bool:
    """Whether `name` is one of the outputs build/ can hold (relative to build/)."""
    return relative_problem(name) is None and _OUTPUT_NAME.fullmatch(name) is not None \
        and not name.endswith(".tmp")


def confined(base: Path, name: str, what: str = "path") -> Path:
    """`base / name`, refused unless it stays inside `base` with no symbolic link on the way.

    The file itself need not exist. Raises UnsafePath naming what was refused.
    """
    problem = relative_problem(name)
    if problem is not None:
        raise UnsafePath(f"{what} {name!r} is refused: {problem}")
    path = base
    for part in PurePosixPath(name).parts:
        path = path / part
        if path.is_symlink():
            raise UnsafePath(f"{path} is a symbolic link; {what}s are never read, written or "
                             "removed through links: remove the link")
    if base.is_symlink():
        raise UnsafePath(f"{base} is a symbolic link; {what}s are never read, written or "
                         "removed through links: remove the link")
    return path
