"""`sectornotes check`: validate the whole project and prove every claim."""

from __future__ import annotations

from dataclasses import dataclass, field

from .claims import ClaimRegistry, load_registry, verify_claims
from .clients import check_clients, load_clients
from .figures import LoadedFigure, check_figures, load_figures
from .findings import Finding
from .notes import LoadedNote, check_notes, load_notes
from .project import Project
from .schema import House, validate
from .yamlfile import FileProblem, load_yaml


@dataclass
class CheckReport:
    """Everything `check` found, plus the loaded registry for later stages."""

    findings: list[Finding]
    registry: ClaimRegistry
    house: House | None = None
    counts: dict[str, int] = field(default_factory=dict)
    figures: dict[str, LoadedFigure] = field(default_factory=dict)
    notes: dict[str, LoadedNote] = field(default_factory=dict)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        """The JSON shape of `check --format json`."""
        return {
            "ok": self.ok,
            "errors": len(self.errors),
            "warnings": len(self.findings) - len(self.errors),
            "counts": self.counts,
            "findings": [finding.as_dict() for finding in self.findings],
        }


def load_house(project: Project) -> tuple[House | None, list[Finding]]:
    """Load and validate house.yaml."""
    display = project.relative(project.house_path)
    if not project.house_path.is_file():
        return None, [Finding(display, 1, 1, "house.yaml is missing: it names the firm, "
                              "analysts, disclaimers and rating scale (see 'sectornotes init')")]
    try:
        document = load_yaml(project.house_path, display)
    except FileProblem as problem:
        return None, [problem.finding]
    house, findings = validate(House, document)
    return house, findings


def check(project: Project, strict: bool = False) -> CheckReport:
    """Validate every project file and prove every claim; never raises on bad input.

    With `strict`, numbers typed into note prose without a citation are errors.
    """
    house, findings = load_house(project)
    registry, registry_findings = load_registry(project)
    findings += registry_findings
    findings += verify_claims(registry)
    figures, figure_findings = load_figures(project)
    findings += figure_findings + check_figures(project, figures, registry)
    notes, note_findings = load_notes(project)
    findings += note_findings + check_notes(notes, registry, figures, house, strict)
    clients, clients_document, client_findings = load_clients(project)
    findings += client_findings
    if clients is not None:
        findings += check_clients(clients, clients_document, list(notes))
    counts = {
        "sources": len(registry.sources),
        "claims": len(registry.claims),
        "data_points": sum(len(r.claim.data) for r in registry.claims.values()),
        "figures": len(figures),
        "notes": len(notes),
    }
    return CheckReport(sorted(set(findings)), registry, house, counts, figures, notes)
