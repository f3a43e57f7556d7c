"""Atomic writes: a reader sees the old file or the new one, never half of one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _process_umask() -> int:
    mask = os.umask(0o022)  # reading the umask means setting it: put it straight back
    os.umask(mask)
    return mask


_UMASK = _process_umask()


def write_bytes_atomic(target: Path, content: bytes, private: bool = False) -> None:
    """Write to a temp file in the same folder, then rename over the target.

    The rename is atomic, so a killed process leaves the old file or the new one.
    No fsync: after a power cut a truncated output fails its recorded hash and is
    rebuilt, so durability is not worth its cost on every write. The file gets the
    mode any new file gets (0644 under the usual umask), so a web server or a colleague
    can read outputs; `private` keeps it to its owner (0600), as for records.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                         dir=target.parent)
    try:
        os.fchmod(handle, 0o600 if private else 0o666 & ~_UMASK)
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def write_text_atomic(target: Path, text: str, private: bool = False) -> None:
    """UTF-8 text version of write_bytes_atomic."""
    write_bytes_atomic(target, text.encode("utf-8"), private)
