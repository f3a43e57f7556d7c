"""The loaded project: every file read, validated and proved, once.

`load_project` is the only way commands see a project: `check` reports its
findings, `build` renders from it, `claims`, `find`, `diff`, `serve` and
`distribute` read it. Loading is cached by content: asking again for a
project whose input files did not change returns the same model without
re-verifying anything.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..findings import Finding, fold_follow_ons
from ..inputs.project import Project, content_digest

if TYPE_CHECKING:
    from ..inputs.schema import Clients, Compliance, House
    from ..inputs.yamlfile import YamlDocument
    from ..model.figures import LoadedFigure
    from ..model.notes import LoadedNote
    from ..proof.claims import Vocabulary
    from ..proof.periods import FiscalCalendar
    from ..proof.registry import ClaimRegistry
    from ..sources.series import Series


@dataclass
class LoadedProject:
    """A project as every command sees it, with everything `check` found in it."""

    project: Project
    findings: list[Finding]
    registry: ClaimRegistry
    house: House | None = None
    figures: dict[str, LoadedFigure] = field(default_factory=dict)
    notes: dict[str, LoadedNote] = field(default_factory=dict)
    clients: Clients | None = None
    clients_document: YamlDocument | None = None
    counts: dict[str, int] = field(default_factory=dict)
    strict: bool = False
    series: dict[str, Series] = field(default_factory=dict)
    compliance: Compliance | None = None
    # Per note, what its regimes require and it lacks: build and distribute refuse it.
    regime_gaps: dict[str, list[Finding]] = field(default_factory=dict)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def errors_in(self, path: str) -> list[Finding]:
        """The errors reported in one project file (path as in findings)."""
        return [f for f in self.findings if f.path == path and f.severity == "error"]

    def as_dict(self) -> dict[str, object]:
        """The JSON shape of `check --format json`."""
        return {
            "ok": self.ok,
            "errors": len(self.errors),
            "warnings": len(self.findings) - len(self.errors),
            "counts": self.counts,
            "findings": [finding.as_dict() for finding in self.findings],
        }


_CACHE: OrderedDict[tuple[str, bool, str], LoadedProject] = OrderedDict()
_CACHE_SIZE = 4


def load_project(project: Project | Path | str, strict: bool = False,
                 cache: bool = True, store_proofs: bool = True) -> LoadedProject:
    """Load, validate and prove a whole project; never raises on bad input.

    With `strict`, numbers typed into note prose without a citation are errors.
    The result is cached by the content of the project's files, so a second
    call after no edit costs one read of those files. Proofs are kept per seed file in
    build/.state/proof/ (proof/seeds.py); without `store_proofs` (a dry run) none is
    written.
    """
    if not isinstance(project, Project):
        project = Project(Path(project))
    from ..version import __version__

    key = (str(project.root), strict,
           content_digest([*project.input_files(), project.clients_path], __version__))
    if cache and key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    loaded = _load(project, strict, store_proofs)
    if cache:
        _CACHE[key] = loaded
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return loaded


def _load(project: Project, strict: bool, store_proofs: bool = True) -> LoadedProject:
    from ..compliance.coverage import load_compliance
    from ..inputs.colours import palette_findings
    from ..model.clients import check_clients, load_clients
    from ..model.figures import check_figures, load_figures
    from ..model.notes import check_notes, load_notes
    from ..proof.periods.calendars import entity_calendars
    from ..proof.seeds import load_registry
    from ..sources.series import load_series

    house, house_document, findings = load_house_document(project)
    if house is not None:
        findings += palette_findings(house.palette, house_document)
    for link in project.escaping_links():
        shown = link.relative_to(project.root).as_posix()
        findings.append(Finding(shown, 1, 1, (
            f"{shown} is a symbolic link to {link.resolve()}, outside the project; it is not "
            "read: copy the file into the project instead")))
    calendars: dict[str, FiscalCalendar] = {}
    if house is not None:
        calendars, calendar_problems = entity_calendars(house)
        if house_document is not None:
            findings += [house_document.finding(path, message)
                         for path, message in calendar_problems]
    series, series_findings = load_series(project)
    registry, registry_findings = load_registry(
        project, _vocabulary(house, strict),
        {name: calendar.month_end() for name, calendar in calendars.items()}, series,
        store=store_proofs, calendars=calendars)
    findings += registry_findings
    figures, figure_findings = load_figures(project)
    findings += figure_findings + check_figures(project, figures, registry)
    notes, note_findings = load_notes(project)
    findings += note_findings + check_notes(notes, registry, figures, house, strict)
    clients, clients_document, client_findings = load_clients(project)
    findings += client_findings
    if clients is not None and clients_document is not None:
        findings += check_clients(clients, clients_document, list(notes))
    findings += _language_findings(registry, figures, notes, clients, clients_document)
    compliance, compliance_document, compliance_findings = load_compliance(project)
    findings += series_findings + compliance_findings
    regime_gaps: dict[str, list[Finding]] = {}
    if house is not None:
        findings += _check_publishing(project, house, house_document, notes, figures, series,
                                      compliance, compliance_document, regime_gaps, registry)
    counts = {
        "sources": len(registry.sources),
        "claims": len(registry.claims),
        "data_points": sum(len(r.claim.data) for r in registry.claims.values()),
        "figures": len(figures),
        "notes": len(notes),
    }
    return LoadedProject(project, sorted(set(fold_follow_ons(findings))), registry, house, figures, notes,
                         clients, clients_document, counts, strict, series, compliance,
                         regime_gaps)


def _check_publishing(project: Project, house: House, house_document: YamlDocument | None,
                      notes: dict[str, LoadedNote], figures: dict[str, LoadedFigure],
                      series: dict[str, Series],
                      compliance: Compliance | None, compliance_document: YamlDocument | None,
                      regime_gaps: dict[str, list[Finding]],
                      registry: ClaimRegistry) -> list[Finding]:
    """Rating scales, subjects, compliance data and every regime's elements."""
    from ..compliance.regimes import (
        RegimeContext,
        check_compliance_data,
        check_coverage_agrees,
        check_coverage_ratings,
        check_previous_ratings,
        check_rating_scales,
        check_regime_names,
        check_regimes,
        check_subjects,
    )

    findings = check_rating_scales(house, house_document) + check_previous_ratings(notes)
    findings += check_regime_names(notes, house, house_document)
    findings += check_coverage_ratings(figures, house)
    findings += check_coverage_agrees(notes, figures, registry)
    if compliance is not None and compliance_document is not None:
        findings += check_compliance_data(compliance, compliance_document, house)
    series_files = {p.stem for p in project.series_files()}
    context = RegimeContext(house, house_document, compliance, compliance_document, series)
    for note_id, loaded in notes.items():
        findings += check_subjects(loaded, house, series, series_files)
        gaps = check_regimes(loaded, context)
        if gaps:
            regime_gaps[note_id] = gaps
        findings += gaps
    return findings


def _language_findings(registry: ClaimRegistry, figures: dict[str, LoadedFigure],
                       notes: dict[str, LoadedNote], clients: Clients | None,
                       clients_document: YamlDocument | None) -> list[Finding]:
    """Each `language:` names a registered language: one finding where it is written."""
    from ..language.languages import unknown_language

    found = []
    documents = {r.source_id: r.document for r in reversed(list(registry.claims.values()))}
    for source_id, source in registry.sources.items():
        if source_id in documents:  # a seed without claims is never shown in its language
            found.append(unknown_language(documents[source_id], ("source", "language"),
                                          source.meta.language))
    for figure in figures.values():
        found.append(unknown_language(figure.document, ("language",), figure.spec.language))
    for note in notes.values():
        found.append(unknown_language(note.document, ("language",), note.spec.language))
    for index, client in enumerate(clients.clients if clients and clients_document else ()):
        assert clients_document is not None
        found.append(unknown_language(clients_document, ("clients", index, "language"),
                                      client.language))
    return [finding for finding in found if finding is not None]


def _vocabulary(house: House | None, strict: bool) -> Vocabulary:
    from ..proof.claims import Vocabulary

    if house is None:
        return Vocabulary(strict=strict)
    return Vocabulary(house.aliases(),
                      {m: (tuple(spec.families), spec.money) for m, spec in house.metrics.items()},
                      strict)


def load_house(project: Project) -> tuple[House | None, list[Finding]]:
    """Load and validate house.yaml."""
    house, _, findings = load_house_document(project)
    return house, findings


def load_house_document(project: Project
                        ) -> tuple[House | None, YamlDocument | None, list[Finding]]:
    """house.yaml validated, with its parsed document (for positions)."""
    from ..inputs.schema import House, validate
    from ..inputs.yamlfile import FileProblem, load_yaml

    display = project.relative(project.house_path)
    if not project.house_path.is_file() or project.leaves_project(project.house_path):
        return None, None, [Finding(display, 1, 1, "house.yaml is missing: it names the firm, "
                                    "analysts, disclaimers and rating scale (see 'sectornotes "
                                    "init')")]
    try:
        document = load_yaml(project.house_path, display)
    except FileProblem as problem:
        return None, None, [problem.finding]
    house, findings = validate(House, document)
    return house, document, findings


def require_note(model: LoadedProject, note_id: str) -> LoadedNote:
    """The loaded note, or the one unknown-note error (a note that fails to load says so)."""
    from ..errors import SectornotesError, unknown_note

    if note_id in model.notes:
        return model.notes[note_id]
    if (model.project.notes_dir / f"{note_id}.yaml").exists():
        raise SectornotesError(f"{note_id}: notes/{note_id}.yaml fails check; "
                               "run 'sectornotes check'")
    raise unknown_note(note_id, model.notes)
