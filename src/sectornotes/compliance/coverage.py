"""Coverage over time: what each note rates, the 12-month recommendation history of a
subject, the distribution of ratings, and the firm's conflicts from compliance.yaml.

The project's notes are the history: a note dated before another on the same
subject is a previous recommendation. Drafts are not published and never count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..findings import Finding
from ..inputs.schema import Compliance, Disclosure, House, Note, Subject
from ..language.i18n import rating_scale

if TYPE_CHECKING:
    from ..inputs.project import Project
    from ..inputs.yamlfile import YamlDocument

HISTORY_MONTHS = 12


def note_subjects(note: Note) -> list[Subject]:
    """What a note rates: its declared subjects, else its sector with the note's rating."""
    if note.subjects:
        return list(note.subjects)
    return [Subject(id=note.sector, kind="sector", name=note.sector_label or note.sector,
                    rating=note.rating)]


def subject_scale(subject: Subject) -> str:
    """The rating scale a subject is rated on."""
    return subject.kind


@dataclass(frozen=True)
class Recommendation:
    """One published rating of one subject."""

    note_id: str
    date: dt.date
    subject: Subject
    analysts: tuple[str, ...]


def recommendations(notes: dict[str, Note]) -> list[Recommendation]:
    """Every published (non-draft) rating in the project, oldest first."""
    found = [Recommendation(note_id, note.date, subject, tuple(note.analysts))
             for note_id, note in notes.items() if note.status != "draft"
             for subject in note_subjects(note)]
    return sorted(found, key=lambda r: (r.date, r.note_id, r.subject.id))


def rating_changes(notes: dict[str, Note], subject_id: str,
                   until: tuple[dt.date, str] | None = None) -> list[Recommendation]:
    """The recommendations on a subject that changed its rating or target, oldest first;
    with `until` (date, note id), none published after that note."""
    changes: list[Recommendation] = []
    previous: tuple[str, float | None] | None = None
    for recommendation in recommendations(notes):
        if recommendation.subject.id != subject_id:
            continue
        if until is not None and (recommendation.date, recommendation.note_id) > until:
            continue
        subject = recommendation.subject
        current = (subject.rating, subject.target.value if subject.target else None)
        if current != previous:
            changes.append(recommendation)
        previous = current
    return changes


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier (the month's last day when it has fewer days)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for candidate in range(day.day, 27, -1):
        try:
            return dt.date(year, month, candidate)
        except ValueError:
            continue
    return dt.date(year, month, min(day.day, 28))


def history(notes: dict[str, Note], note_id: str, subject_id: str,
            months: int = HISTORY_MONTHS) -> list[Recommendation]:
    """Recommendations on a subject in the `months` up to and including this note, oldest
    first; a later note is never history."""
    note = notes[note_id]
    start = months_before(note.date, months)
    return [r for r in recommendations(notes) if r.subject.id == subject_id
            and start <= r.date <= note.date
            and (r.date < note.date or r.note_id <= note_id)]


def last_quarter_end(day: dt.date) -> dt.date:
    """The last calendar quarter end strictly before `day`."""
    quarter_start_month = 3 * ((day.month - 1) // 3) + 1
    return dt.date(day.year, quarter_start_month, 1) - dt.timedelta(days=1)


def finra_category(house: House, scale: str, rating_id: str) -> str:
    """Buy, hold or sell, as FINRA 2241 asks ratings to be grouped: a band wholly above the
    benchmark is buy, wholly below it sell, and one that spans it hold."""
    rating = next(r for r in rating_scale(house, scale) if r.id == rating_id)
    low, high = rating.min_relative_return, rating.max_relative_return
    if low is not None and low >= 0:
        return "buy"
    if high is not None and high <= 0:
        return "sell"
    return "hold"


@dataclass(frozen=True)
class DistributionRow:
    """One rating of a scale: how many subjects carry it and how many are banking clients."""

    scale: str
    rating_id: str
    count: int
    share: float
    banking: int
    banking_share: float


def rating_distribution(notes: dict[str, Note], house: House, compliance: Compliance | None,
                        as_of: dt.date) -> list[DistributionRow]:
    """Each subject's latest rating on or before `as_of`, counted per rating of each scale,
    with the share of them that were investment-banking clients in the 12 months to then."""
    latest: dict[str, Recommendation] = {}
    for recommendation in recommendations(notes):
        if recommendation.date <= as_of:
            latest[recommendation.subject.id] = recommendation
    rows = []
    for scale in ("company", "sector"):
        rated = [r for r in latest.values() if subject_scale(r.subject) == scale]
        for rating in rating_scale(house, scale):
            holders = [r for r in rated if r.subject.rating == rating.id]
            banking = sum(1 for r in holders
                          if (d := effective_disclosure(compliance, r.subject.id, as_of))
                          and d.banking_past_12_months)
            rows.append(DistributionRow(
                scale, rating.id, len(holders),
                100.0 * len(holders) / len(rated) if rated else 0.0, banking,
                100.0 * banking / len(holders) if holders else 0.0))
    return rows


def effective_disclosure(compliance: Compliance | None, subject_id: str,
                         day: dt.date) -> Disclosure | None:
    """The subject's disclosures in force on `day`: the latest effective on or before it."""
    if compliance is None or subject_id not in compliance.subjects:
        return None
    in_force = [d for d in compliance.subjects[subject_id].disclosures if d.effective <= day]
    return max(in_force, key=lambda d: d.effective) if in_force else None


def load_compliance(project: Project
                    ) -> tuple[Compliance | None, YamlDocument | None, list[Finding]]:
    """compliance.yaml, validated (None when the project has none)."""
    from ..inputs.schema import validate
    from ..inputs.yamlfile import FileProblem, load_yaml

    path = project.compliance_path
    if not path.is_file() or project.leaves_project(path):
        return None, None, []
    try:
        document = load_yaml(path, project.relative(path))
    except FileProblem as problem:
        return None, None, [problem.finding]
    compliance, findings = validate(Compliance, document)
    return compliance, document, findings
