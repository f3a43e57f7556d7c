"""The proof cache: per seed file, what proving its claims found, trusted only when it
proves it was written here, for exactly the inputs the proof read.

An entry in build/.state/proof/<source-id>.json holds the file's validated claims, their
proofs (findings, quote positions, decimals, evidence) and the file's own findings. It is
used when its key matches: the hashes of the seed YAML, of the source documents (with the
extracting library's version), of every other source a claim of it cites, of the house
vocabulary and fiscal calendars, of this tool's code and version and of the libraries
that parse and validate (PyYAML, pydantic). `check` then neither parses the file nor
reads its source.

Every entry carries an HMAC-SHA256 over its bytes, keyed with the same per-user key as
the extraction cache (sources/extractcache.py): an entry a project brings along, or
one edited by hand, fails it and is ignored. A verified entry is still validated
field by field (pydantic) before use; no path in it is ever opened.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sys
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from ..findings import Finding
from ..inputs.schema import Claim, SourceMeta

ENTRY_FORMAT = 1
MAX_ENTRY_BYTES = 64 * 1024 * 1024  # a seed file is at most 2 MB of YAML
_DOMAIN = b"sectornotes proof cache\0"

FindingRow = tuple[str, int, int, str, str, str]
Evidence = dict[str, int | dict[str, float | int | str | bool | None]]


class _Shape(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class CachedProof(_Shape):
    """One claim's proof as stored."""

    findings: list[FindingRow]
    line: int
    col: int
    quoted: str
    page: int | None
    evidence: Evidence
    decimals: list[tuple[int, str, int]]


class CachedClaim(_Shape):
    """A validated claim (by its index in the file) and its proof."""

    index: int
    claim: Claim
    proof: CachedProof | None  # None: a duplicate in its own file, never proven


class Entry(_Shape):
    """One seed file's entry."""

    format: int
    source: str
    key: str
    reads: dict[str, str]  # other sources the proofs read → their digests
    salvaged: bool  # the file has errors; its valid claims were kept
    meta: SourceMeta | None  # None: no source registered from this file
    document: str  # the document's display path ('' when none was registered)
    findings: list[FindingRow]
    unloadable: list[tuple[str, str]]
    claims: list[CachedClaim]


def entry_path(cache_dir: Path, source_id: str) -> Path:
    """The file of a seed's entry (the id is a validated kebab-case file stem)."""
    return cache_dir / f"{source_id}.json"


def finding_row(finding: Finding) -> FindingRow:
    return (finding.path, finding.line, finding.col, finding.message, finding.severity,
            finding.follows)


def row_finding(row: FindingRow) -> Finding:
    return Finding(*row)


def read_entry(cache_dir: Path, source_id: str, key: str,
               digests: Mapping[str, str]) -> Entry | None:
    """The entry of a seed file, or None unless it is intact, ours and for these inputs:
    `key` is the file's own key, `digests` every source's digest by id now."""
    from ..sources.extractcache import signing_key

    secret = signing_key()
    if secret is None:
        return None
    path = entry_path(cache_dir, source_id)
    try:
        if path.is_symlink() or path.stat().st_size > MAX_ENTRY_BYTES:
            return None
        raw = path.read_bytes()
    except OSError:
        return None
    mac, _, payload = raw.partition(b"\n")
    expected = hmac.new(secret, _DOMAIN + source_id.encode() + b"\0" + payload,
                        hashlib.sha256).hexdigest().encode()
    if not hmac.compare_digest(mac, expected):
        return None
    try:
        # Pydantic's own JSON parser (strict: a JSON array is a tuple, nothing is coerced).
        entry = Entry.model_validate_json(payload)
    except (ValueError, ValidationError):
        return None
    if entry.format != ENTRY_FORMAT or entry.source != source_id or entry.key != key:
        return None
    if any(digests.get(other, MISSING) != digest for other, digest in entry.reads.items()):
        return None
    return entry


def write_entry(cache_dir: Path, entry: dict[str, Any]) -> None:
    """Store an entry with its HMAC; a cache that cannot be written only costs time."""
    from ..inputs.atomic import write_bytes_atomic
    from ..sources.extractcache import signing_key

    secret = signing_key()
    if secret is None:
        return
    source_id = str(entry["source"])
    try:
        payload = json.dumps(entry, ensure_ascii=False, allow_nan=False,
                             separators=(",", ":")).encode("utf-8")
        if len(payload) > MAX_ENTRY_BYTES or cache_dir.is_symlink():
            return
        mac = hmac.new(secret, _DOMAIN + source_id.encode() + b"\0" + payload,
                       hashlib.sha256).hexdigest().encode()
        cache_dir.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(entry_path(cache_dir, source_id), mac + b"\n" + payload)
    except (OSError, TypeError, ValueError):
        pass


# ---------------------------------------------------------------- keys

MISSING = "missing"
ALL_SOURCES = "*"  # a proof that listed every source id (a did-you-mean hint)


def source_digest(yaml_path: Path, documents: list[Path]) -> str:
    """What a source is to a proof: its YAML and each document's bytes, with the library
    and rules that extract its text."""
    from ..sources.documents import extractor_key

    digest = hashlib.sha256()
    for path in [yaml_path, *documents]:
        try:
            content = path.read_bytes()
        except OSError:
            content = b"<unreadable>"
        extractor = "" if path == yaml_path else extractor_key(path.suffix)
        digest.update(f"{path.name}\0{extractor}\0{len(content)}\0".encode())
        digest.update(content)
    return digest.hexdigest()


def sources_digest(digests: Mapping[str, str]) -> str:
    """One digest of every source (for proofs that depend on which sources exist)."""
    return hashlib.sha256(json.dumps(sorted(digests.items())).encode()).hexdigest()


def context_digest(vocabulary: object, fiscal_year_ends: Mapping[str, str],
                   calendars: Mapping[str, object] | None = None) -> str:
    """The proof's inputs beyond the seed: house vocabulary, fiscal calendars (year ends,
    52/53-week rules, fiscal-only entities), this tool's version and code, and the
    parsing and validating libraries' versions."""
    return hashlib.sha256(json.dumps(
        [ENTRY_FORMAT, repr(vocabulary), sorted(fiscal_year_ends.items()),
         sorted((name, repr(calendar)) for name, calendar in (calendars or {}).items()),
         _tool_digest()]).encode()).hexdigest()


@cache
def _tool_digest() -> str:
    """This package's version and code (a change of a rule in a working copy counts as
    much as a release) and the versions of the libraries the proof runs on."""
    from importlib.metadata import PackageNotFoundError, version

    from ..version import __version__

    digest = hashlib.sha256(f"{__version__}\0{sys.version}\0".encode())
    for package in ("pyyaml", "pydantic", "pydantic-core"):
        try:
            digest.update(f"{package}={version(package)}\0".encode())
        except PackageNotFoundError:
            digest.update(f"{package}=?\0".encode())
    root = Path(__file__).resolve().parent.parent
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()
