"""The records folder: one distribution at a time, and writable before anything is sent."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from ..inputs.project import Project
from .rows import RecordsError


def require_writable(folder: Path, display: str) -> None:
    """Refuse, naming the folder, when the records cannot be written there (before any send)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        raise RecordsError(
            f"{display}: the records folder {folder.name}/ cannot be written "
            f"({error.strerror or error}); every delivery is recorded before it is sent, so "
            "nothing was sent: make it writable (or point -C at a writable copy)") from None


class DistributionLock:
    """One distribution at a time per project: a second run waits for the first.

    A POSIX record lock on records/distribute.lock: released by the OS when the
    holder dies, never inherited by child processes.
    """

    def __init__(self, project: Project, log: Callable[[str], None]):
        self.path = project.records_dir / "distribute.lock"
        self.log = log
        self.handle: TextIO | None = None

    def __enter__(self) -> DistributionLock:
        display = f"{self.path.parent.name}/{self.path.name}"
        require_writable(self.path.parent, display)
        try:
            return self._acquire()
        except OSError as error:
            raise RecordsError(f"{display}: cannot take the distribution lock "
                               f"({error.strerror or error}); nothing was sent") from None

    def _acquire(self) -> DistributionLock:
        handle = open(self.path, "a+")  # noqa: SIM115 - held for the whole run
        try:
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except (BlockingIOError, PermissionError):
            handle.seek(0)
            self.log(f"waiting for another distribution of this project "
                     f"(pid {handle.read().strip() or 'unknown'}) to finish")
            fcntl.lockf(handle, fcntl.LOCK_EX)
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self.handle = handle
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.handle is not None:
            fcntl.lockf(self.handle, fcntl.LOCK_UN)
            self.handle.close()
            self.handle = None
