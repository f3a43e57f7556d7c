"""Findings: errors and warnings tied to a file position."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .errors import did_you_mean

__all__ = ["Finding", "did_you_mean"]


@dataclass(frozen=True, order=True)
class Finding:
    """One problem found in a project file, with a 1-based line and column."""

    path: str
    line: int
    col: int
    message: str
    severity: str = "error"
    # The file whose errors this one follows from (a citation of a claim that could not
    # be loaded); such findings are folded into one line per cause.
    follows: str = field(default="", compare=False)

    def format(self) -> str:
        """The `path:line:col: error: message` form editors and CI understand."""
        return f"{self.path}:{self.line}:{self.col}: {self.severity}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        record = asdict(self)
        if not self.follows:
            del record["follows"]
        return record


def fold_follow_ons(findings: list[Finding]) -> list[Finding]:
    """One line per file with errors instead of one per place that cites its claims.

    The folded line is a note, not an error: the error is the cause, reported once at
    its place: "3 places in notes/a.yaml, figures/b.yaml cite claims of seeds/x.yaml,
    which has errors; fix those first".
    """
    kept = [f for f in findings if not f.follows]
    by_cause: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.follows:
            by_cause.setdefault(finding.follows, []).append(finding)
    for cause, followers in sorted(by_cause.items()):
        first = min(followers)
        files = ", ".join(dict.fromkeys(f.path for f in sorted(followers)))
        count = len(followers)
        kept.append(Finding(first.path, first.line, first.col, (
            f"{count} place{'s' if count > 1 else ''} in {files} cite{'' if count > 1 else 's'} "
            f"claims of {cause}, which has errors; fix those first"), severity="note"))
    return kept
