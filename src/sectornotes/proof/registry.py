"""The registry of a project's sources and proven claims, by id.

`seeds.load_registry` makes it from seeds/ (proving each claim, or taking its
proof from the proof cache); cells, derived values and every part of the model
look claims up here. A registered claim is an immutable value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from ..findings import Finding, did_you_mean

if TYPE_CHECKING:
    from ..inputs.schema import Claim, SourceMeta
    from ..inputs.yamlfile import PathKey, YamlDocument
    from ..sources.documents import Document
    from ..sources.quotes import SourceText
    from ..sources.series import Series
    from .periods import FiscalCalendar


@dataclass
class Source:
    """A source: id, metadata, its document (text, PDF, web page or spreadsheet) and the
    YAML file describing it.

    `reader` is the document or what reads it: the document is then read when first
    asked for, so a `check` whose proofs all come from the proof cache never reads a
    source's text.
    """

    id: str
    meta: SourceMeta
    reader: Document | Callable[[], Document] = field(repr=False)
    yaml_path: str
    text_path: str = ""  # the document's path as messages show it, e.g. seeds/x.pdf
    _document: Document | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not callable(self.reader):
            self._document = self.reader
        if not self.text_path and self._document is not None:
            self.text_path = self._document.path

    @property
    def document(self) -> Document:
        """The source document, read on first use."""
        if self._document is None:
            assert callable(self.reader)
            self._document = self.reader()
        return self._document

    @property
    def text(self) -> SourceText:
        """The text quotes are found in (extracted, for a PDF or a web page)."""
        return self.document.text


# Positions and readings of a number's decimals: (data point index, field, decimals).
Decimals = tuple[tuple[int, str, int], ...]


@dataclass(frozen=True)
class RegisteredClaim:
    """A validated claim with where it was declared and, once proven, where its quote sits.

    Immutable: the proof returns a new value (`proven`) instead of writing into this one,
    so a claim reads the same whoever asked for it first.
    """

    claim: Claim
    source_id: str
    document: YamlDocument
    index: int  # position in the file's `claims` list
    quote_line: int = 0
    quote_col: int = 0
    quoted: str = ""  # the source's own text of the quote (what readers are shown)
    page: int | None = None  # PDF sources: the page the quote is on
    # What the claim was proved against beyond its own fields (cells read, their values):
    # part of the claim's hash, so changing one cell rebuilds only what cites it.
    evidence: dict[str, object] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.claim.id

    def finding(self, *key_path: object, message: str) -> Finding:
        return self.document.finding(("claims", self.index, *key_path), message)

    def proven(self, quote_line: int, quote_col: int, quoted: str, page: int | None,
               evidence: dict[str, object], decimals: Decimals) -> RegisteredClaim:
        """This claim as its proof found it: a new value whose data points carry the
        decimals the source writes (the declared claim is left as it was)."""
        return replace(self, claim=with_decimals(self.claim, decimals), quote_line=quote_line,
                       quote_col=quote_col, quoted=quoted, page=page, evidence=evidence)


def with_decimals(claim: Claim, decimals: Decimals) -> Claim:
    """A copy of the claim whose data points know the decimals the source writes."""
    if not decimals:
        return claim
    by_point: dict[int, dict[str, int]] = {}
    for point_index, field_name, places in decimals:
        by_point.setdefault(point_index, {})[field_name] = places
    data = [point.with_decimals(by_point[point_index]) if point_index in by_point else point
            for point_index, point in enumerate(claim.data)]
    return claim.model_copy(update={"data": data})


@dataclass
class ClaimRegistry:
    """Every source and claim of a project, by id."""

    sources: dict[str, Source] = field(default_factory=dict)
    claims: dict[str, RegisteredClaim] = field(default_factory=dict)
    invalid: set[str] = field(default_factory=set)  # claims that failed verification
    # Claims declared in a seed file that has errors, by id → that file: citing them is
    # not another error (the cause is reported where it is), and they are never built.
    unloadable: dict[str, str] = field(default_factory=dict)
    fiscal_year_ends: dict[str, str] = field(default_factory=dict)  # entity → MM-DD
    calendars: dict[str, FiscalCalendar] = field(default_factory=dict)  # entity → its calendar
    series: dict[str, Series] = field(default_factory=dict)  # price and index series by id

    def get(self, claim_id: str) -> RegisteredClaim | None:
        return self.claims.get(claim_id)

    def hint(self, claim_id: str) -> str:
        """A did-you-mean hint for an unknown claim id."""
        return did_you_mean(claim_id, self.claims)

    def unknown_claim(self, document: YamlDocument, key_path: PathKey, label: str,
                      claim_id: str, advice: str = "") -> Finding:
        """The finding for a reference to a claim that is not registered.

        A claim declared in a seed file with errors gives a follow-on finding, which
        `fold_follow_ons` folds into one line per cause instead of one per citation.
        """
        line, col = document.position(key_path)
        return self.unknown_claim_at(document.path, line, col, label, claim_id, advice)

    def unknown_claim_at(self, path: str, line: int, col: int, label: str, claim_id: str,
                         advice: str = "") -> Finding:
        """`unknown_claim` at a position already computed."""
        cause = self.unloadable.get(claim_id)
        if cause is not None:
            return Finding(path, line, col, f"{label}: claim '{claim_id}' is declared in "
                           f"{cause}, which has errors", follows=cause)
        return Finding(path, line, col,
                       f"{label}: unknown claim '{claim_id}'{self.hint(claim_id)}{advice}")


@dataclass(frozen=True)
class ClaimProof:
    """What proving one claim against its source found: its findings, where the quote (or
    first cell) is, the source's own text of it, and the decimals of each bound number."""

    findings: tuple[Finding, ...] = ()
    quote_line: int = 0
    quote_col: int = 0
    quoted: str = ""
    page: int | None = None
    evidence: dict[str, object] = field(default_factory=dict)
    decimals: Decimals = ()

    @property
    def failed(self) -> bool:
        """An error (a warning still builds)."""
        return any(finding.severity == "error" for finding in self.findings)

    def applied_to(self, registered: RegisteredClaim) -> RegisteredClaim:
        """The proven claim: a new value, the registered one left as it was."""
        return registered.proven(self.quote_line, self.quote_col, self.quoted, self.page,
                                 self.evidence, self.decimals)
