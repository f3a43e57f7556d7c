"""Checking the regimes a note is published under, and the checks beside them.

Each regime is a declared list of elements (regime.py: the registry; finra.py,
mar.py, csrc.py: the built-ins). `check` verifies every element for every note
that is not a draft and reports each missing one at the place to fill it; `build`
and `distribute` refuse such a note. A regime no one registered is one finding
where it is named. docs/compliance.md lists the same table for readers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..findings import Finding, did_you_mean
from .coverage import effective_disclosure, note_subjects, subject_scale
from .regime import Element, Regime, RegimeContext, registered_regimes

__all__ = ["RegimeContext", "check_regime_names", "check_regimes", "note_regimes"]

if TYPE_CHECKING:
    from ..inputs.schema import Compliance, House
    from ..inputs.yamlfile import YamlDocument
    from ..model.figures import LoadedFigure
    from ..model.notes import LoadedNote
    from ..sources.series import Series

def note_regimes(loaded: LoadedNote, house: House) -> list[str]:
    """The regimes a note is published under: its own list, else the house's."""
    chosen = loaded.spec.regimes if loaded.spec.regimes is not None else house.regimes
    return list(dict.fromkeys(chosen))


def check_regimes(loaded: LoadedNote, context: RegimeContext) -> list[Finding]:
    """Every element missing from a non-draft note, each at the place to fill it (a
    regime not registered is reported by `check_regime_names`, once)."""
    if loaded.spec.status == "draft":
        return []
    findings: list[Finding] = []
    known = registered_regimes()
    for regime_id in note_regimes(loaded, context.house):
        if regime_id in known:
            for element in known[regime_id].elements:
                findings += _missing(known[regime_id], element, loaded, context)
    return findings


def check_regime_names(notes: dict[str, LoadedNote], house: House,
                       house_document: YamlDocument | None) -> list[Finding]:
    """Each regime named in house.yaml or a note is registered: one finding where it is
    written, with a 'did you mean'."""
    known = list(registered_regimes())

    def message(index: int, name: str) -> str:
        return (f"regimes[{index}]: '{name}' is not a regime (one of {', '.join(known)})"
                f"{did_you_mean(name, known)}")

    findings = []
    for index, name in enumerate(house.regimes):
        if name not in known:
            findings.append(house_document.finding(("regimes", index), message(index, name))
                            if house_document else Finding("house.yaml", 1, 1,
                                                           message(index, name)))
    for loaded in notes.values():
        for index, name in enumerate(loaded.spec.regimes or ()):
            if name not in known:
                findings.append(loaded.document.finding(("regimes", index),
                                                        message(index, name)))
    return findings


def regimes_of(regime_ids: list[str]) -> list[Regime]:
    """The registered regimes among these ids, in order."""
    known = registered_regimes()
    return [known[r] for r in regime_ids if r in known]


def _missing(regime: Regime, element: Element, loaded: LoadedNote,
             context: RegimeContext) -> list[Finding]:
    note = loaded.spec
    subjects = note_subjects(note)
    if element.only_with_target and not any(s.target for s in subjects):
        return []
    requires = f"{regime.name} requires {element.requirement}"
    if element.check is not None:
        return element.check(loaded, context, requires)
    if element.place == "note":
        if getattr(note, element.key):
            return []
        return [Finding(loaded.path, 1, 1, f"{requires}; add '{element.key}:'")]
    if element.place == "house":
        keys = {element.key.format(scale=subject_scale(s)) for s in subjects}
        return [_house_finding(context, key, requires) for key in sorted(keys)
                if not _house_value(context.house, key)]
    if element.place == "analysts":
        by_id = {a.id: (index, a) for index, a in enumerate(context.house.analysts)}
        found = []
        for analyst_id in note.analysts:
            if analyst_id in by_id and not getattr(by_id[analyst_id][1], element.key):
                found.append(_house_finding(context, f"analysts.{by_id[analyst_id][0]}."
                                            f"{element.key}", f"{requires}; add "
                                            f"'{element.key}:' to analyst '{analyst_id}'",
                                            hint=False))
        return found
    if element.place == "compliance":
        return [_compliance_finding(context, subject.id, note.date.isoformat(), requires)
                for subject in subjects
                if effective_disclosure(context.compliance, subject.id, note.date) is None]
    if element.place == "series":
        found = []
        for index, subject in enumerate(subjects):
            if subject.series and subject.series in context.series:
                continue
            if note.subjects:
                found.append(loaded.document.finding(("subjects", index), (
                    f"{requires}; add 'series:' to subjects[{index}] ({subject.id}) naming "
                    "a price or index series in seeds/")))
            else:
                found.append(Finding(loaded.path, 1, 1, (
                    f"{requires}; add 'subjects:' with the sector '{subject.id}', its rating "
                    "and a 'series:' naming its index series in seeds/")))
        return found
    raise ValueError(f"unknown place {element.place!r}")


def _house_value(house: House, dotted: str) -> object:
    value: object = house
    for part in dotted.split("."):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


def _house_finding(context: RegimeContext, dotted: str, requires: str,
                   hint: bool = True) -> Finding:
    parts = tuple(int(p) if p.isdigit() else p for p in dotted.split("."))
    message = f"{requires}; add '{dotted}:' to house.yaml" if hint else requires
    if context.house_document is None:
        return Finding("house.yaml", 1, 1, message)
    return context.house_document.finding(parts, message, of_key=True)


def _compliance_finding(context: RegimeContext, subject_id: str, day: str,
                        requires: str) -> Finding:
    document = context.compliance_document
    if document is None:
        return Finding("compliance.yaml", 1, 1, (
            f"{requires}; create compliance.yaml with an entry for '{subject_id}' effective "
            f"on or before {day}"))
    if context.compliance is not None and subject_id in context.compliance.subjects:
        return document.finding(("subjects", subject_id), (
            f"{requires}; '{subject_id}' has no disclosures effective on or before {day}: "
            "add one with an earlier 'effective:'"), of_key=True)
    return document.finding(("subjects",), (
        f"{requires}; add '{subject_id}:' under 'subjects:' with its disclosures"), of_key=True)


# ---------------------------------------------------------------- checks beside the regimes

_HOLD_WORDS = ("hold", "neutral", "market perform", "持有", "中性", "同步大市", "跟随大市")


def check_rating_scales(house: House, document: YamlDocument | None) -> list[Finding]:
    """A rating scale must not contradict itself: bands best first, touching without gaps
    or overlaps; a 'Hold' spans the benchmark; a written definition states the scale's
    own bounds and its one horizon."""
    import re

    def at(*key: object) -> tuple[str, int, int]:
        line, col = document.position(("ratings", *key)) if document else (1, 1)
        return (document.path if document else "house.yaml", line, col)

    findings = []
    for scale in ("company", "sector"):
        ratings = getattr(house.ratings, scale)
        for index, rating in enumerate(ratings):
            label = f"ratings.{scale}[{index}] ({rating.id})"
            if index == 0 and rating.max_relative_return is not None:
                findings.append(Finding(*at(scale, index), (
                    f"{label}: the best rating has no upper bound; remove "
                    "'max_relative_return'")))
            if index == len(ratings) - 1 and rating.min_relative_return is not None:
                findings.append(Finding(*at(scale, index), (
                    f"{label}: the lowest rating has no lower bound; remove "
                    "'min_relative_return'")))
            if index > 0:
                above = ratings[index - 1]
                if rating.max_relative_return != above.min_relative_return:
                    findings.append(Finding(*at(scale, index), (
                        f"{label}: its upper bound ({rating.max_relative_return}) must be the "
                        f"lower bound of '{above.id}' ({above.min_relative_return}), so every "
                        "return has exactly one rating")))
            spans_zero = ((rating.min_relative_return or -1) < 0 <
                          (rating.max_relative_return or 1)) or (
                rating.min_relative_return is None and rating.max_relative_return is None)
            if any(w in f"{rating.label.en} {rating.label.zh}".lower() for w in _HOLD_WORDS) \
                    and not spans_zero:
                findings.append(Finding(*at(scale, index), (
                    f"{label}: '{rating.label.en}' means performing in line with the benchmark, "
                    f"but its band ({rating.min_relative_return}% to "
                    f"{rating.max_relative_return}%) does not include 0%")))
            if rating.definition is None:
                continue
            bounds = {abs(b) for b in (rating.min_relative_return, rating.max_relative_return)
                      if b is not None}
            for variant in type(rating.definition).model_fields:  # each text it is written in
                written = getattr(rating.definition, variant)
                months = {int(m) for m in re.findall(r"(\d+)\s*(?:months?|个月)", written)}
                if months - {house.ratings.horizon_months}:
                    findings.append(Finding(*at(scale, index, "definition", variant), (
                        f"{label}: the definition says {sorted(months)[0]} months but the "
                        f"scale's horizon is {house.ratings.horizon_months} "
                        "(ratings.horizon_months); every rating has one horizon")))
                percents = {abs(float(p)) for p in re.findall(r"[-+±]?(\d+(?:\.\d+)?)\s*%",
                                                              written)}
                if percents - bounds:
                    findings.append(Finding(*at(scale, index, "definition", variant), (
                        f"{label}: the definition states {sorted(percents - bounds)[0]:g}% but "
                        f"the rating's bounds are {sorted(bounds) or 'open'}; write the "
                        "bounds it has, or remove 'definition' to have it written for you")))
    return findings


def check_subjects(loaded: LoadedNote, house: House, series: dict[str, Series],
                   series_files: set[str]) -> list[Finding]:
    """Each declared subject's rating is on its scale and its series exist."""
    from ..findings import did_you_mean
    from ..language.i18n import rating_scale

    findings = []
    for index, subject in enumerate(loaded.spec.subjects):
        ids = [r.id for r in rating_scale(house, subject_scale(subject))]
        if subject.rating not in ids:
            findings.append(loaded.document.finding(("subjects", index, "rating"), (
                f"subjects[{index}].rating: '{subject.rating}' is not a {subject.kind} rating "
                f"in house.yaml (one of {', '.join(ids)}){did_you_mean(subject.rating, ids)}")))
        for key in ("series", "benchmark_series"):
            wanted = getattr(subject, key)
            if wanted and wanted not in series and wanted not in series_files:
                findings.append(loaded.document.finding(("subjects", index, key), (
                    f"subjects[{index}].{key}: no series '{wanted}' in seeds/ (expected "
                    f"seeds/{wanted}.csv and seeds/{wanted}.yaml)"
                    f"{did_you_mean(wanted, series)}")))
        if subject.target and subject.kind != "company":
            findings.append(loaded.document.finding(("subjects", index, "target"), (
                f"subjects[{index}].target: only a company has a target price")))
    if loaded.spec.subjects and loaded.spec.rating not in {
            s.rating for s in loaded.spec.subjects if s.kind == loaded.spec.rating_scale}:
        findings.append(loaded.document.finding(("rating",), (
            f"rating: '{loaded.spec.rating}' is not the rating of any {loaded.spec.rating_scale} "
            "subject in 'subjects'; the cover and the subjects must agree")))
    return findings


def check_compliance_data(compliance: Compliance, document: YamlDocument,
                          house: House) -> list[Finding]:
    """Analysts named as holders exist; effective dates of a subject are distinct."""
    from ..findings import did_you_mean

    analyst_ids = [a.id for a in house.analysts]
    findings = []
    for subject_id, subject in compliance.subjects.items():
        seen = set()
        for index, disclosure in enumerate(subject.disclosures):
            where = ("subjects", subject_id, "disclosures", index)
            if disclosure.effective in seen:
                findings.append(document.finding((*where, "effective"), (
                    f"subjects.{subject_id}.disclosures[{index}].effective: "
                    f"{disclosure.effective} is used twice; one entry per date")))
            seen.add(disclosure.effective)
            for held, analyst in enumerate(disclosure.analyst_holdings):
                if analyst not in analyst_ids:
                    findings.append(document.finding((*where, "analyst_holdings", held), (
                        f"subjects.{subject_id}.disclosures[{index}].analyst_holdings[{held}]: "
                        f"'{analyst}' is not an analyst in house.yaml"
                        f"{did_you_mean(analyst, analyst_ids)}")))
    return findings


def check_previous_ratings(notes: dict[str, LoadedNote]) -> list[Finding]:
    """A note's previous rating is the rating of the last published note on its subject, when
    the project has one: the cover and the recommendation history must tell one story."""
    from .coverage import recommendations

    published = {note_id: loaded.spec for note_id, loaded in notes.items()}
    findings = []
    for note_id, loaded in notes.items():
        note = loaded.spec
        cover = next((s for s in note_subjects(note) if subject_scale(s) == note.rating_scale),
                     None)
        if note.status == "draft" or cover is None:
            continue
        earlier = [r for r in recommendations(published)
                   if r.subject.id == cover.id and subject_scale(r.subject) == note.rating_scale
                   and (r.date, r.note_id) < (note.date, note_id)]
        if not earlier:
            continue
        last = earlier[-1]
        if note.previous_rating != last.subject.rating:
            written = (f"'{note.previous_rating}'" if note.previous_rating
                       else "missing (an initiation)")
            findings.append(loaded.document.finding(("previous_rating",), (
                f"previous_rating: {written}, but the last note on '{last.subject.id}', "
                f"{last.note_id} ({last.date}), rated it '{last.subject.rating}'; set "
                f"previous_rating: {last.subject.rating}")))
    return findings


def check_coverage_ratings(figures: dict[str, LoadedFigure], house: House) -> list[Finding]:
    """Each company of a coverage table carries a company rating of the house's scale."""
    from ..findings import did_you_mean
    from ..language.i18n import rating_scale

    ids = [r.id for r in rating_scale(house, "company")]
    findings = []
    for loaded in figures.values():
        for index, row in enumerate(loaded.spec.rows):
            if row.rating not in ids:
                findings.append(loaded.document.finding(("rows", index, "rating"), (
                    f"rows[{index}].rating: '{row.rating}' is not a company rating in "
                    f"house.yaml (one of {', '.join(ids)}){did_you_mean(row.rating, ids)}")))
    return findings


def check_coverage_agrees(notes: dict[str, LoadedNote], figures: dict[str, LoadedFigure],
                          registry: object) -> list[Finding]:
    """A coverage table embedded in a note gives each company the rating and target the note's
    subjects give it: the table and the disclosures must tell one story."""
    from ..model.notes import embedded_figure_ids

    findings = []
    for loaded in notes.values():
        subjects = {s.id: s for s in loaded.spec.subjects}
        for figure_id in embedded_figure_ids(loaded.spec):
            figure = figures.get(figure_id)
            if figure is None or figure.spec.kind != "coverage":
                continue
            for index, row in enumerate(figure.spec.rows):
                subject = subjects.get(row.ticker)
                if subject is None:
                    findings.append(figure.document.finding(("rows", index, "ticker"), (
                        f"rows[{index}]: {row.ticker} is rated in this table but is not a "
                        f"subject of {loaded.path}; add it to the note's 'subjects'")))
                    continue
                if subject.rating != row.rating:
                    findings.append(figure.document.finding(("rows", index, "rating"), (
                        f"rows[{index}].rating: '{row.rating}', but {loaded.path} rates "
                        f"{row.ticker} '{subject.rating}'")))
                claim = getattr(registry, "claims", {}).get(row.target or "")
                value = claim.claim.data[0].value if claim and claim.claim.data else None
                if subject.target and value is not None and value != subject.target.value:
                    findings.append(figure.document.finding(("rows", index, "target"), (
                        f"rows[{index}].target: {row.target} states {value:g}, but "
                        f"{loaded.path} gives {row.ticker} a target of "
                        f"{subject.target.value:g}")))
    return findings
