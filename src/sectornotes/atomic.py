"""Atomic writes: a reader sees the old file or the new one, never half of one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_bytes_atomic(target: Path, content: bytes) -> None:
    """Write to a temp file in the same folder, then rename over the target.

    The rename is atomic, so a killed process leaves the old file or the new one.
    No fsync: after a power cut a truncated output fails its recorded hash and is
    rebuilt, so durability is not worth its cost on every write.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                         dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def write_text_atomic(target: Path, text: str) -> None:
    """UTF-8 text version of write_bytes_atomic."""
    write_bytes_atomic(target, text.encode("utf-8"))
