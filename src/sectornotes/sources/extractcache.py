"""The extraction cache: text extracted from PDFs, web pages and workbooks, trusted only
when it proves it was written here, for this file, by this extractor.

An entry in build/.state/extract/ is what `check` proves quotes against, so an edited
entry would prove a quote the source does not hold. Every entry therefore carries an
HMAC-SHA256 over its content, the source file's sha256 and the extractor's name and
version, keyed with a random key kept in the user's cache folder — outside the
project, so a project folder, archive or repository that arrives with a `build/`
cannot bring entries that pass. An entry that fails its HMAC or its shape check, is
too large, or cannot be parsed is discarded and the source extracted again; when no
key can be kept, nothing is cached (extraction only costs time).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import os
import secrets
from pathlib import Path
from typing import Any

ENTRY_FORMAT = 2
MAX_ENTRY_BYTES = 64 * 1024 * 1024  # a bounded source (documents.py) extracts to far less
_KEY_BYTES = 32


def key_path() -> Path | None:
    """Where this user's cache key is kept ($XDG_CACHE_HOME or ~/.cache), or None."""
    base = os.environ.get("XDG_CACHE_HOME")
    try:
        root = Path(base) if base else Path.home() / ".cache"
    except RuntimeError:  # no home directory
        return None
    return root / "sectornotes" / "extract-cache.key"


def signing_key() -> bytes | None:
    """This user's key for signing cache entries (extraction here, proofs in
    proof/proofcache.py), made on first use; None when it can be neither read nor made."""
    return _key()


def _key() -> bytes | None:
    """This user's key, made on first use; None when it can be neither read nor made."""
    path = key_path()
    if path is None:
        return None
    try:
        key = path.read_bytes()
    except OSError:
        key = b""
    if len(key) == _KEY_BYTES:
        return key
    return _make_key(path)


def _make_key(path: Path) -> bytes | None:
    # Written to a private temp file, then linked into place: two processes making the
    # key at once both end up with the one that won the link.
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(secrets.token_bytes(_KEY_BYTES))
        try:
            os.link(temp, path)
        except FileExistsError:
            pass
        finally:
            temp.unlink(missing_ok=True)
        key = path.read_bytes()
    except OSError:
        return None
    return key if len(key) == _KEY_BYTES else None


def _signed_bytes(extractor: str, source_digest: str, suffix: str, data: Any) -> bytes:
    return json.dumps([ENTRY_FORMAT, extractor, source_digest, suffix, data], sort_keys=True,
                      ensure_ascii=False, separators=(",", ":"), allow_nan=False
                      ).encode("utf-8")


def _mac(key: bytes, extractor: str, source_digest: str, suffix: str, data: Any) -> str:
    return hmac.new(key, _signed_bytes(extractor, source_digest, suffix, data),
                    hashlib.sha256).hexdigest()


def entry_path(cache_dir: Path, source_digest: str, suffix: str) -> Path:
    """The file of one source's entry (the digest is ours: sha256 hex)."""
    return cache_dir / f"{source_digest}{suffix}.json"


def read_entry(cache_dir: Path | None, source_digest: str, suffix: str,
               extractor: str) -> dict[str, Any] | None:
    """The cached extraction of a source, or None unless it is intact and ours."""
    key = _key() if cache_dir is not None else None
    if cache_dir is None or key is None:
        return None
    path = entry_path(cache_dir, source_digest, suffix)
    try:
        if path.is_symlink() or path.stat().st_size > MAX_ENTRY_BYTES:
            return None
        entry = json.loads(path.read_text(encoding="utf-8"), parse_constant=_refuse_constant)
    except (OSError, ValueError):
        return None
    if not isinstance(entry, dict) or not isinstance(entry.get("mac"), str):
        return None
    data = entry.get("data")
    try:
        expected = _mac(key, extractor, source_digest, suffix, data)
    except (TypeError, ValueError):
        return None
    if not hmac.compare_digest(expected, entry["mac"]) or not valid_shape(suffix, data):
        return None
    return data


def write_entry(cache_dir: Path | None, source_digest: str, suffix: str, extractor: str,
                data: dict[str, Any]) -> None:
    """Store an extraction with its HMAC; a cache that cannot be written only costs time."""
    key = _key() if cache_dir is not None else None
    if cache_dir is None or key is None:
        return
    from ..inputs.atomic import write_text_atomic

    try:
        entry = {"format": ENTRY_FORMAT, "extractor": extractor, "source": source_digest,
                 "data": data, "mac": _mac(key, extractor, source_digest, suffix, data)}
        text = json.dumps(entry, ensure_ascii=False, allow_nan=False)
        if cache_dir.is_symlink() or len(text) > MAX_ENTRY_BYTES:
            return
        cache_dir.mkdir(parents=True, exist_ok=True)
        write_text_atomic(entry_path(cache_dir, source_digest, suffix), text)
    except (OSError, TypeError, ValueError):
        pass


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} in a cache entry")


# ---------------------------------------------------------------- shape


def valid_shape(suffix: str, data: Any) -> bool:
    """Whether an extraction has the shape its kind's extractor writes (defence in
    depth behind the HMAC: a reader never meets a field of the wrong type)."""
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        return False
    if suffix == ".pdf":
        return set(data) == {"text", "page_starts"} and _valid_pages(data)
    if suffix == ".html":
        return set(data) == {"text"}
    if suffix in (".xlsx", ".csv"):
        sheets = data.get("sheets")
        return set(data) == {"text", "sheets"} and isinstance(sheets, dict) and all(
            isinstance(name, str) and _valid_sheet(sheet) for name, sheet in sheets.items())
    return False


def _valid_pages(data: dict[str, Any]) -> bool:
    starts, length = data["page_starts"], len(data["text"])
    if not isinstance(starts, list) or not starts or starts[0] != 0:
        return False
    return all(_is_int(a) and _is_int(b) and a <= b <= length
               for a, b in zip(starts, starts[1:] + [length], strict=True))


def _valid_sheet(sheet: Any) -> bool:
    from .grid import split_reference

    if not isinstance(sheet, dict) or set(sheet) != {"cells", "max_row", "max_column"}:
        return False
    max_row, max_column, cells = sheet["max_row"], sheet["max_column"], sheet["cells"]
    if not (_is_int(max_row) and _is_int(max_column) and isinstance(cells, dict)):
        return False
    for reference, cell in cells.items():
        where = split_reference(reference) if isinstance(reference, str) else None
        if where is None or where[0] > max_row or where[1] > max_column:
            return False
        if not (isinstance(cell, list) and len(cell) == 3 and _valid_value(cell[0])
                and isinstance(cell[1], str) and isinstance(cell[2], bool)):
            return False
    return True


def _valid_value(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    return value is None or isinstance(value, bool | int | str)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
