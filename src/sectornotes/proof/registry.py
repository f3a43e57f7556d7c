"""The registry of a project's sources and claims, by id: what the proof reads and fills.

`claims.load_registry` fills it from seeds/; cells, derived values and every
part of the model look claims up here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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
    YAML file describing it."""

    id: str
    meta: SourceMeta
    document: Document
    yaml_path: str

    @property
    def text(self) -> SourceText:
        """The text quotes are found in (extracted, for a PDF or a web page)."""
        return self.document.text

    @property
    def text_path(self) -> str:
        """The document's path as messages show it, e.g. seeds/x.pdf."""
        return self.document.path


@dataclass
class RegisteredClaim:
    """A validated claim with where it was declared and where its quote sits."""

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
