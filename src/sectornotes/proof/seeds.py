"""Loading seeds/ into the claim registry, one seed file at a time, each proven once.

A seed file's claims are validated and proven against its source (claims.prove_claim);
the result is a `SeedProof` value, kept in the proof cache (proofcache.py) under the
hashes of what the proof read. With nothing changed, `load_registry` reads one cache
entry per file: no YAML parsed, no source text read. What holds across files (duplicate
ids, derived values, conflicts, references) is checked every time over the registry.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from ..findings import Finding
from ..inputs.project import Project
from ..inputs.schema import Claim, SeedFile, SourceMeta
from ..inputs.yamlfile import DeferredDocument, FileProblem, YamlDocument
from ..sources.documents import Document, document_paths, load_document
from ..sources.readers import document_suffixes
from ..sources.series import Series
from . import proofcache
from .claims import Vocabulary, check_across, prove_claim
from .registry import ClaimProof, ClaimRegistry, RegisteredClaim, Source

if TYPE_CHECKING:
    from .periods import FiscalCalendar

PROOF_DIR = "proof"  # under build/.state/


@dataclass(frozen=True)
class SeedProof:
    """One seed file loaded and proven: its source (if one registers), its claims as
    proven with their proofs (as declared, and None, for a duplicate within the file), and
    the file's own findings."""

    source_id: str
    salvaged: bool
    source: Source | None
    claims: tuple[tuple[RegisteredClaim, ClaimProof | None], ...]
    findings: tuple[Finding, ...]
    unloadable: tuple[tuple[str, str], ...]


def load_registry(project: Project, vocabulary: Vocabulary | None = None,
                  fiscal_year_ends: Mapping[str, str] | None = None,
                  series: Mapping[str, Series] | None = None,
                  use_cache: bool = True, store: bool = True,
                  calendars: Mapping[str, FiscalCalendar] | None = None,
                  ) -> tuple[ClaimRegistry, list[Finding]]:
    """Load and prove every seed file (from the proof cache where its inputs are unchanged)
    and check what holds across them; findings are collected, never raised.

    Without `store`, proofs made this run are not written to the cache (a dry run
    writes nothing); without `use_cache` the cache is neither read nor written.
    """
    vocabulary = vocabulary or Vocabulary()
    fiscal_year_ends = dict(fiscal_year_ends or {})
    calendars = dict(calendars or {})
    loader = _SeedLoader(project, vocabulary, fiscal_year_ends, calendars, use_cache, store)
    proofs = loader.run()
    registry = ClaimRegistry(fiscal_year_ends=fiscal_year_ends, calendars=calendars,
                             series=dict(series or {}))
    findings: list[Finding] = []
    # Valid files first, then those with errors: the order duplicates are reported in.
    for proof in sorted(proofs, key=lambda p: p.salvaged):
        _merge(proof, registry, findings)
    registry.invalid.update(registry.unloadable)  # never built, whatever cites them
    _report_orphan_texts(project, findings)
    findings += check_across(registry)
    return registry, findings


def _merge(proof: SeedProof, registry: ClaimRegistry, findings: list[Finding]) -> None:
    findings.extend(proof.findings)
    for claim_id, display in proof.unloadable:
        registry.unloadable.setdefault(claim_id, display)
    if proof.source is None:
        return
    registry.sources[proof.source_id] = proof.source
    for registered, claim_proof in proof.claims:
        existing = registry.claims.get(registered.id)
        if existing is not None or claim_proof is None:
            findings.append(_duplicate(registered, existing))
            continue
        registry.claims[registered.id] = registered
        findings.extend(claim_proof.findings)
        if claim_proof.failed:
            registry.invalid.add(registered.id)


def _duplicate(registered: RegisteredClaim, existing: RegisteredClaim | None) -> Finding:
    # A duplicate within its file was never proven; the first one is registered by now.
    first = existing or registered
    line, col = first.document.position(("claims", first.index, "id"))
    return registered.finding("id", message=(
        f"duplicate claim id '{registered.id}' (first declared at "
        f"{first.document.path}:{line}:{col}); ids must be unique"))


class _Recorded(Mapping[str, Source]):
    """The sources, noting which ones a proof looked up (its entry depends on them)."""

    def __init__(self, sources: Mapping[str, Source]):
        self.sources, self.read, self.listed = sources, set[str](), False

    def __getitem__(self, source_id: str) -> Source:
        self.read.add(source_id)
        return self.sources[source_id]

    def get(self, source_id: str, default: Any = None) -> Any:
        self.read.add(source_id)
        return self.sources.get(source_id, default)

    def __iter__(self) -> Iterator[str]:
        self.listed = True
        return iter(self.sources)

    def __len__(self) -> int:
        self.listed = True
        return len(self.sources)


@dataclass
class _Pending:
    """A seed file parsed and validated this run, its claims still to prove."""

    source_id: str
    salvaged: bool
    source: Source | None
    claims: list[tuple[RegisteredClaim, bool]]  # (claim, a duplicate within its file)
    findings: list[Finding]
    unloadable: dict[str, str] = field(default_factory=dict)
    proofs: dict[int, ClaimProof] = field(default_factory=dict)
    reads: set[str] = field(default_factory=set)
    listed: bool = False


class _SeedLoader:
    """One run over seeds/: cached files are taken as they are, the others proven."""

    def __init__(self, project: Project, vocabulary: Vocabulary,
                 fiscal_year_ends: dict[str, str], calendars: dict[str, FiscalCalendar],
                 use_cache: bool, store: bool):
        self.project, self.vocabulary = project, vocabulary
        self.fiscal_year_ends, self.use_cache = fiscal_year_ends, use_cache
        self.calendars = calendars
        self.store = use_cache and store
        self.cache_dir = project.build_dir / ".state" / PROOF_DIR
        self.context = proofcache.context_digest(vocabulary, fiscal_year_ends, calendars)
        self.files = project.seed_files()
        self.digests = {path.stem: proofcache.source_digest(
            path, document_paths(project.seeds_dir, path.stem)) for path in self.files}
        self.digests[proofcache.ALL_SOURCES] = proofcache.sources_digest(self.digests)
        self.sources: dict[str, Source] = {}

    def key(self, source_id: str) -> str:
        return f"{self.context}:{self.digests[source_id]}"

    def run(self) -> list[SeedProof]:
        done: list[SeedProof] = []
        pending: list[_Pending] = []
        for path in self.files:
            cached = self._cached(path.stem) if self.use_cache and _is_id(path.stem) else None
            if cached is not None:
                done.append(cached)
                source = cached.source
            else:
                pending.append(self._parse(path))
                source = pending[-1].source
            if source is not None:
                self.sources[path.stem] = source
        for item in pending:  # every source is known now, including those cited by seed:
            self._prove(item)
            done.append(self._finish(item))
        return done

    # ------------------------------------------------------------ cached

    def _cached(self, source_id: str) -> SeedProof | None:
        entry = proofcache.read_entry(self.cache_dir, source_id, self.key(source_id),
                                      self.digests)
        if entry is None:
            return None
        yaml_path = self.project.seeds_dir / f"{source_id}.yaml"
        display = self.project.relative(yaml_path)
        document = DeferredDocument(display, yaml_path)
        source = None
        if entry.meta is not None:
            source = self._source(source_id, entry.meta, display)
            if source is None or source.text_path != entry.document:
                return None  # the documents are not where the entry saw them
        if any(not 0 <= point < len(item.claim.data) for item in entry.claims
               for point, _, _ in (item.proof.decimals if item.proof else ())):
            return None  # intact and ours, yet not of these claims: prove them again
        claims = tuple(_cached_claim(item, source_id, document) for item in entry.claims)
        return SeedProof(source_id, entry.salvaged, source, claims,
                         tuple(proofcache.row_finding(row) for row in entry.findings),
                         tuple(entry.unloadable))

    def _source(self, source_id: str, meta: SourceMeta, display: str) -> Source | None:
        candidates = document_paths(self.project.seeds_dir, source_id)
        if len(candidates) != 1 or self.project.leaves_project(candidates[0]):
            return None
        document_file = candidates[0]
        shown = self.project.relative(document_file)
        extract_dir = self.project.build_dir / ".state" / "extract"

        def read() -> Document:
            return load_document(document_file, shown, extract_dir)

        return Source(source_id, meta, read, display, shown)

    # ------------------------------------------------------------ proving

    def _parse(self, path: Path) -> _Pending:
        from ..inputs.loading import load_file

        loaded, document, findings = load_file(self.project, path, SeedFile, positions=False)
        if loaded is not None:
            return self._register(path.stem, loaded.spec.source,
                                  list(enumerate(loaded.spec.claims)), loaded.document,
                                  findings, salvaged=False)
        if not _is_id(path.stem):
            return _Pending(path.stem, False, None, [], findings)
        return self._salvage(path.stem, document, findings)

    def _salvage(self, source_id: str, document: YamlDocument | None,
                 findings: list[Finding]) -> _Pending:
        """The valid claims of a seed file that has errors; the others marked unloadable.

        One wrong value must be one finding: the file's other claims still load, and notes
        citing the broken claim are not told it is unknown (its file's errors say why).
        """
        display = f"seeds/{source_id}.yaml"
        pending = _Pending(source_id, True, None, [], findings)
        raw = document.data if document is not None and isinstance(document.data, dict) else {}
        claims = raw.get("claims")
        if document is None or not isinstance(claims, list):
            try:
                text = (self.project.seeds_dir / f"{source_id}.yaml").read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                return pending
            for claim_id in _DECLARED_ID.findall(text):
                pending.unloadable.setdefault(claim_id, display)
            return pending
        valid: list[tuple[int, Claim]] = []
        for index, item in enumerate(claims):
            try:
                valid.append((index, Claim.model_validate(item)))
            except ValidationError:
                claim_id = item.get("id") if isinstance(item, dict) else None
                if isinstance(claim_id, str):
                    pending.unloadable.setdefault(claim_id, display)
        try:
            meta = SourceMeta.model_validate(raw.get("source"))
        except ValidationError:
            for _, claim in valid:
                pending.unloadable.setdefault(claim.id, display)
            return pending
        registered = self._register(source_id, meta, valid, document, findings, salvaged=True)
        registered.unloadable.update(pending.unloadable)
        return registered

    def _register(self, source_id: str, meta: SourceMeta, claims: list[tuple[int, Claim]],
                  document: YamlDocument, findings: list[Finding], salvaged: bool) -> _Pending:
        pending = _Pending(source_id, salvaged, None, [], findings)
        display = document.path
        candidates = document_paths(self.project.seeds_dir, source_id)
        if len(candidates) > 1:
            shown = ", ".join(self.project.relative(c) for c in candidates)
            findings.append(Finding(display, 1, 1, f"two documents for one source ({shown}); "
                                    "keep one, or give the other its own id and .yaml"))
            return pending
        if not candidates:
            suffixes = "|".join(s.lstrip(".") for s in document_suffixes())
            findings.append(Finding(display, 1, 1, f"source document seeds/{source_id}."
                                    f"<{suffixes}> is missing; put the document beside this file"))
            return pending
        if self.project.leaves_project(candidates[0]):
            return pending  # reported as a link leaving the project; never read
        lazy = self._source(source_id, meta, display)
        assert lazy is not None
        try:
            loaded = lazy.document
        except FileProblem as problem:
            findings.append(problem.finding)
            return pending
        pending.source = Source(source_id, meta, loaded, display, lazy.text_path)
        if isinstance(document, DeferredDocument):  # its parsed data is no longer needed
            document = DeferredDocument(document.path, self.project.seeds_dir / f"{source_id}.yaml")
        seen: set[str] = set()
        for index, claim in claims:
            registered = RegisteredClaim(claim, claim.source.seed or source_id, document, index)
            pending.claims.append((registered, claim.id in seen))
            seen.add(claim.id)
        return pending

    def _prove(self, pending: _Pending) -> None:
        recorded = _Recorded(self.sources)
        for position, (registered, duplicate) in enumerate(pending.claims):
            if not duplicate:
                pending.proofs[position] = prove_claim(registered, recorded, self.vocabulary,
                                                       self.fiscal_year_ends, self.calendars)
        pending.reads = recorded.read - {pending.source_id}
        pending.listed = recorded.listed
        if pending.source is not None:  # its text is read again only if asked for
            lazy = self._source(pending.source_id, pending.source.meta, pending.source.yaml_path)
            if lazy is not None:
                self.sources[pending.source_id] = pending.source = lazy

    def _finish(self, pending: _Pending) -> SeedProof:
        claims = tuple((registered, None) if position not in pending.proofs else
                       (pending.proofs[position].applied_to(registered), pending.proofs[position])
                       for position, (registered, _) in enumerate(pending.claims))
        proof = SeedProof(pending.source_id, pending.salvaged, pending.source, claims,
                          tuple(pending.findings), tuple(pending.unloadable.items()))
        if self.store and _is_id(pending.source_id):
            self._store(pending, proof)
        return proof

    def _store(self, pending: _Pending, proof: SeedProof) -> None:
        reads = {source_id: self.digests.get(source_id, proofcache.MISSING)
                 for source_id in sorted(pending.reads)}
        if pending.listed:
            reads[proofcache.ALL_SOURCES] = self.digests[proofcache.ALL_SOURCES]
        source = proof.source
        proofcache.write_entry(self.cache_dir, {
            "format": proofcache.ENTRY_FORMAT, "source": proof.source_id,
            "key": self.key(proof.source_id), "reads": reads, "salvaged": proof.salvaged,
            "meta": None if source is None else source.meta.model_dump(mode="json"),
            "document": "" if source is None else source.text_path,
            "findings": [proofcache.finding_row(f) for f in proof.findings],
            "unloadable": [list(pair) for pair in proof.unloadable],
            "claims": [{"index": registered.index,
                        "claim": registered.claim.model_dump(mode="json"),
                        "proof": None if claim_proof is None else _stored(claim_proof)}
                       for registered, claim_proof in proof.claims]})


def _stored(proof: ClaimProof) -> dict[str, object]:
    return {"findings": [proofcache.finding_row(f) for f in proof.findings],
            "line": proof.quote_line, "col": proof.quote_col, "quoted": proof.quoted,
            "page": proof.page, "evidence": proof.evidence,
            "decimals": [list(d) for d in proof.decimals]}


def _cached_claim(item: proofcache.CachedClaim, source_id: str, document: YamlDocument
                  ) -> tuple[RegisteredClaim, ClaimProof | None]:
    """A claim and its proof as the cache holds them, the claim as proven."""
    seed = item.claim.source.seed or source_id
    stored = item.proof
    if stored is None:
        return RegisteredClaim(item.claim, seed, document, item.index), None
    proof = ClaimProof(tuple(proofcache.row_finding(row) for row in stored.findings),
                       stored.line, stored.col, stored.quoted, stored.page,
                       dict(stored.evidence), tuple(stored.decimals))
    # The claim was validated from the entry just now: a new value no one else holds, so
    # its points are given their decimals as they are made, not copied (see with_decimals).
    for point_index, field_name, places in proof.decimals:
        item.claim.data[point_index].__pydantic_private__["_decimals"][field_name] = places  # type: ignore[index]
    return RegisteredClaim(item.claim, seed, document, item.index, proof.quote_line,
                           proof.quote_col, proof.quoted, proof.page, proof.evidence), proof


_DECLARED_ID = re.compile(r"^[ -]*id:[ ]*['\"]?([a-z0-9][a-z0-9-]*)['\"]?[ ]*(?:#.*)?$", re.M)
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def _is_id(stem: str) -> bool:
    return _ID.fullmatch(stem) is not None


def _report_orphan_texts(project: Project, findings: list[Finding]) -> None:
    if not project.seeds_dir.is_dir():
        return
    for text_path in sorted(project.seeds_dir.iterdir()):
        if text_path.suffix in (".txt", ".pdf", ".html", ".xlsx") and \
                not text_path.with_suffix(".yaml").exists():
            findings.append(Finding(
                project.relative(text_path), 1, 1,
                f"source document has no metadata file; create seeds/{text_path.stem}.yaml "
                "with a 'source:' block",
            ))
