"""Notes: loading them and checking everything they refer to.

Citations, interpolated values, figures, analysts, ratings and related notes
must all resolve; each problem is reported at the exact place it is written.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..findings import Finding, did_you_mean
from ..inputs.project import Project
from ..language.languages import language as language_of
from ..language.languages import languages, name_in
from ..proof.registry import ClaimRegistry
from .references import NOTE_VALUES, Reference, references_in, uncited_numbers

if TYPE_CHECKING:
    # The schema (pydantic) loads only when a file is read: a no-op build never needs it.
    from ..inputs.loading import Loaded
    from ..inputs.schema import House, Note, SourceMeta
    from ..inputs.yamlfile import PathKey
    from .figures import LoadedFigure

    LoadedNote = Loaded[Note]


def __getattr__(name: str) -> object:
    # `LoadedNote` stays importable (plugins annotate with it) without loading the schema early.
    if name == "LoadedNote":
        from ..inputs.loading import Loaded
        from ..inputs.schema import Note

        return Loaded[Note]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def load_notes(project: Project) -> tuple[dict[str, LoadedNote], list[Finding]]:
    """Every notes/*.yaml, validated."""
    from ..inputs.loading import load_folder
    from ..inputs.schema import Note

    return load_folder(project, project.note_files(), Note)


def prose_fields(note: Note) -> Iterator[tuple[PathKey, str]]:
    """(key path, Markdown text) of every piece of prose that may cite claims."""
    for index, point in enumerate(note.key_points):
        yield ("key_points", index), point
    for index, section in enumerate(note.sections):
        yield ("sections", index, "body"), section.body
    for key in ("valuation", "sensitivity"):
        if getattr(note, key):
            yield (key,), getattr(note, key)
    for index, risk in enumerate(note.risks):
        yield ("risks", index), risk


def cited_claim_ids(note: Note) -> list[str]:
    """Claims the note cites or interpolates, in order of first use."""
    ids: list[str] = []
    for _, prose in prose_fields(note):
        ids.extend(r.target for r in references_in(prose) if r.kind == "claim" or (
            r.kind == "value" and r.target not in NOTE_VALUES))
    return list(dict.fromkeys(ids))


def cited_series_points(note: Note) -> list[tuple[str, str]]:
    """(series id, date) of every series value the note's prose quotes."""
    points = [(r.target, r.field or "") for _, prose in prose_fields(note)
              for r in references_in(prose) if r.kind == "series"]
    return list(dict.fromkeys(points))


def embedded_figure_ids(note: Note) -> list[str]:
    """Figures shown in the note, in order."""
    return list(dict.fromkeys(f for section in note.sections for f in section.figures))


def check_notes(notes: dict[str, LoadedNote], registry: ClaimRegistry,
                figures: dict[str, LoadedFigure],
                house: House | None, strict: bool = False) -> list[Finding]:
    """Every reference in every note resolves; with strict, no uncited numbers."""
    findings: list[Finding] = []
    for loaded in notes.values():
        findings += _check_people_and_ratings(loaded, house)
        findings += _check_figures(loaded, figures, registry)
        findings += _check_prose(loaded, registry, strict)
        findings += _later_sources(loaded, registry, figures)
        findings += _names_in_language(loaded, registry)
        findings += _superseded(loaded, registry)
        if house is not None:
            findings += _stale_facts(loaded, registry, house.freshness_days)
        for index, related in enumerate(loaded.spec.related):
            if related not in notes:
                findings.append(loaded.document.finding(("related", index), (
                    f"related[{index}]: unknown note '{related}'{did_you_mean(related, notes)}")))
    return findings


def _check_people_and_ratings(loaded: LoadedNote, house: House | None) -> list[Finding]:
    if house is None:
        return []
    note, document = loaded.spec, loaded.document
    findings = []
    analyst_ids = [a.id for a in house.analysts]
    for index, analyst in enumerate(note.analysts):
        if analyst not in analyst_ids:
            findings.append(document.finding(("analysts", index), (
                f"analysts[{index}]: '{analyst}' is not an analyst in house.yaml"
                f"{did_you_mean(analyst, analyst_ids)}")))
    if note.approved_by and note.approved_by not in analyst_ids:
        findings.append(document.finding(("approved_by",), (
            f"approved_by: '{note.approved_by}' is not an analyst in house.yaml"
            f"{did_you_mean(note.approved_by, analyst_ids)}")))
    scale = getattr(house.ratings, note.rating_scale)
    rating_ids = [r.id for r in scale]
    for key in ("rating", "previous_rating"):
        value = getattr(note, key)
        if value is not None and value not in rating_ids:
            findings.append(document.finding((key,), (
                f"{key}: '{value}' is not a {note.rating_scale} rating in house.yaml "
                f"(one of {', '.join(rating_ids)}){did_you_mean(value, rating_ids)}")))
    return findings


def _check_figures(loaded: LoadedNote, figures: dict[str, LoadedFigure],
                   registry: ClaimRegistry) -> list[Finding]:

    findings = []
    for section_index, section in enumerate(loaded.spec.sections):
        for index, figure_id in enumerate(section.figures):
            where = ("sections", section_index, "figures", index)
            label = f"sections[{section_index}].figures[{index}]"
            figure = figures.get(figure_id)
            if figure is None:
                findings.append(loaded.document.finding(where, (
                    f"{label}: unknown figure '{figure_id}'{did_you_mean(figure_id, figures)}")))
            elif figure.spec.language != loaded.spec.language and all(
                    code in languages() for code in (figure.spec.language, loaded.spec.language)):
                # an unregistered language is one finding where it is written, no more
                findings.append(loaded.document.finding(where, (
                    f"{label}: figure '{figure_id}' is labelled in '{figure.spec.language}' but "
                    f"the note is in '{loaded.spec.language}'; use a figure in the note's language")))
    return findings


def _check_prose(loaded: LoadedNote, registry: ClaimRegistry, strict: bool) -> list[Finding]:
    findings = []
    embedded = embedded_figure_ids(loaded.spec)
    for key_path, prose in prose_fields(loaded.spec):
        seen: Counter[str] = Counter()
        for reference in references_in(prose):
            problem = _reference_problem(reference, registry, embedded, loaded.spec)
            occurrence = seen[reference.written]
            seen[reference.written] += 1
            if problem:
                line, col = loaded.document.position_in_value(key_path, reference.written,
                                                              occurrence)
                if reference.kind in ("claim", "value") and registry.get(
                        reference.target) is None and reference.target not in NOTE_VALUES:
                    findings.append(registry.unknown_claim_at(
                        loaded.path, line, col, reference.written, reference.target))
                else:
                    findings.append(Finding(loaded.path, line, col, problem))
        if strict:
            findings += _unattributed_views(loaded, key_path, prose, registry)
            for number, occurrence in uncited_numbers(prose):
                line, col = loaded.document.position_in_value(key_path, number, occurrence)
                findings.append(Finding(loaded.path, line, col, (
                    f"'{number}' is typed into the prose without a citation; cite the claim "
                    "([@claim-id]) or interpolate it ({claim-id})")))
    return findings


_HOUSE_VIEW = re.compile(r"\b(?:[Ww]e|[Oo]ur|us)\b|我们|我司")
_SENTENCE = re.compile(r"(?<=[.!?])\s+|(?<=[。！？；])|\n\s*[-*]")
_GENERIC_NAME_WORDS = {"securities", "research", "co", "ltd", "group", "bank", "the", "and",
                       "of", "china", "international", "capital", "holdings"}


def _firm_names(meta: SourceMeta) -> list[str]:
    """The ways prose may name a source's firm: its names, their distinctive words."""
    names = [meta.publisher, meta.publisher_zh or "", meta.digest_of or "",
             meta.digest_of_zh or ""]
    found = set()
    for name in filter(None, names):
        found.add(name.casefold())
        for word in re.findall(r"[A-Za-z]+", name):
            if word.casefold() not in _GENERIC_NAME_WORDS and len(word) > 2:
                found.add(word.casefold())
        found.update(re.findall(r"[\u4e00-\u9fff]{2}", re.sub(r"证券|研究|新闻|经济", "", name)))
    return sorted(found)


def _unattributed_views(loaded: LoadedNote, key_path: tuple[object, ...], prose: str,
                        registry: ClaimRegistry) -> list[Finding]:
    """A house-view sentence ("we …") resting only on third-party opinions must say whose."""
    findings = []
    for sentence in _SENTENCE.split(prose):
        if not _HOUSE_VIEW.search(sentence):
            continue
        cited = [registry.get(r.target) for r in references_in(sentence) if r.kind == "claim"]
        claims = [c for c in cited if c is not None]
        if not claims or any(c.claim.kind != "opinion" for c in claims):
            continue
        folded = sentence.casefold()
        unnamed = [c for c in claims
                   if not any(name in folded for name in
                              _firm_names(registry.sources[c.source_id].meta))]
        if unnamed:
            first = unnamed[0]
            meta = registry.sources[first.source_id].meta
            line, col = loaded.document.position_in_value(key_path, sentence.strip()[:20])
            findings.append(Finding(loaded.path, line, col, (
                f"a house-view sentence rests only on third-party opinion(s) "
                f"({', '.join(c.id for c in unnamed)}, from {meta.publisher}); say whose view it "
                f"is (e.g. 'we agree with {name_in(meta, 'publisher', loaded.spec.language)} "
                "that …') "
                "or cite evidence of the house's own")))
    return findings


def _superseded(loaded: LoadedNote, registry: ClaimRegistry) -> list[Finding]:
    """Citing a claim a newer one replaces is an error, unless the note says it is history."""
    findings = []
    for claim_id in cited_claim_ids(loaded.spec):
        registered = registry.get(claim_id)
        newer = registered.claim.superseded_by if registered else None
        if newer and claim_id not in loaded.spec.historical:
            line, col = loaded.document.position(("title",))
            findings.append(Finding(loaded.path, line, col, (
                f"cites claim '{claim_id}', which claim '{newer}' supersedes; cite '{newer}', "
                f"or list '{claim_id}' under historical: if the note means the old figure")))
    return findings


_AS_OF = re.compile(r"\bas of\b|截至|截止|(?<!\d)(?:19|20)\d{2}(?!\d)|\b[1-4]Q\d{2}\b|\bQ[1-4]\b|"
                    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|\d+\s*月",
                    re.IGNORECASE)


def _stale_facts(loaded: LoadedNote, registry: ClaimRegistry, days: int) -> list[Finding]:
    """A fact from a source older than the freshness window, cited as if current: a warning
    saying 'as of' what date (a sentence naming a date or period is not 'as if current')."""
    import datetime as dt

    findings: list[Finding] = []
    note = loaded.spec
    oldest = note.date - dt.timedelta(days=days)
    warned: set[str] = set()
    for key_path, prose in prose_fields(note):
        for sentence in _SENTENCE.split(prose):
            if _AS_OF.search(sentence):
                continue
            for reference in references_in(sentence):
                registered = registry.get(reference.target) if reference.kind != "figure" else None
                if registered is None or registered.claim.kind != "fact" or \
                        reference.target in warned:
                    continue
                source = registry.sources[registered.source_id]
                if source.meta.date < oldest:
                    warned.add(reference.target)
                    line, col = loaded.document.position_in_value(key_path, reference.written)
                    findings.append(Finding(loaded.path, line, col, (
                        f"{reference.written}: claim '{reference.target}' comes from "
                        f"{source.id} of {source.meta.date}, {(note.date - source.meta.date).days} "
                        f"days before the note; say 'as of {source.meta.date}' (or the period) "
                        "where it is cited"), "warning"))
    return findings


def _names_in_language(loaded: LoadedNote, registry: ClaimRegistry) -> list[Finding]:
    """A note in a language of its own script (Chinese) names the firms it cites in it
    (publisher_zh on the source)."""
    spoken = language_of(loaded.spec.language)
    if not spoken.script:
        return []
    variant = f"publisher_{spoken.texts}"
    missing = []
    for claim_id in cited_claim_ids(loaded.spec):
        registered = registry.get(claim_id)
        source = registry.sources.get(registered.source_id) if registered else None
        if source is not None and not getattr(source.meta, variant, None) and not re.search(
                spoken.script, source.meta.publisher) and source.id not in missing:
            missing.append(source.id)
    if not missing:
        return []
    finding = loaded.document.finding(("language",), (
        f"language: {spoken.code}, but {', '.join(f'seeds/{m}.yaml' for m in missing)} name "
        f"the publisher only in English; add {variant} (and digest_of_{spoken.texts}) so the "
        "note names the firm in its language"))
    return [Finding(finding.path, finding.line, finding.col, finding.message, "warning")]


def _later_sources(loaded: LoadedNote, registry: ClaimRegistry,
                   figures: dict[str, LoadedFigure]) -> list[Finding]:
    """A note cannot rely on documents published after it: one error, at its date."""
    from .figures import figure_claim_ids

    note = loaded.spec
    claim_ids = list(cited_claim_ids(note))
    for figure_id in embedded_figure_ids(note):
        if figure_id in figures:
            claim_ids += figure_claim_ids(figures[figure_id].spec, registry)
    later: dict[str, list[str]] = {}
    for claim_id in dict.fromkeys(claim_ids):
        registered = registry.get(claim_id)
        source = registry.sources.get(registered.source_id) if registered else None
        if source is not None and source.meta.date > note.date:
            later.setdefault(f"{source.id} ({source.meta.date})", []).append(claim_id)
    if not later:
        return []
    listing = "; ".join(f"{name}: {', '.join(ids[:3])}{' …' if len(ids) > 3 else ''}"
                        for name, ids in later.items())
    return [loaded.document.finding(("date",), (
        f"date: the note is dated {note.date} but relies on sources published after it "
        f"({listing}); date the note on or after its latest source, or drop those claims"))]


def _reference_problem(reference: Reference, registry: ClaimRegistry,
                       embedded: list[str], note: Note | None = None) -> str | None:
    if reference.kind == "figure":
        if reference.target not in embedded:
            return (f"{reference.written}: figure '{reference.target}' is not embedded in this "
                    f"note{did_you_mean(reference.target, embedded)}; add it to a section's "
                    "'figures'")
        return None
    if reference.kind == "series":
        return _series_point_problem(reference, registry)
    if reference.kind == "value" and reference.target in NOTE_VALUES:
        if reference.target == "previous-rating" and note is not None and \
                note.previous_rating is None:
            return f"{reference.written}: the note has no previous_rating"
        return None
    registered = registry.get(reference.target)
    if registered is None:
        return (f"{reference.written}: unknown claim '{reference.target}'"
                f"{registry.hint(reference.target)}")
    if reference.kind == "value":
        data = registered.claim.data
        if not data:
            return (f"{reference.written}: claim '{reference.target}' has no data to "
                    "interpolate; cite it with [@...] instead")
        metrics = [point.metric for point in data]
        if reference.field and reference.field.isdigit():
            if not 1 <= int(reference.field) <= len(data):
                return (f"{reference.written}: claim '{reference.target}' has {len(data)} data "
                        f"point(s); use {{{reference.target}.1}} to {{{reference.target}."
                        f"{len(data)}}}")
        elif reference.field not in (None, "value") and reference.field not in metrics:
            return (f"{reference.written}: claim '{reference.target}' has no metric "
                    f"'{reference.field}' (it has {', '.join(metrics)})"
                    f"{did_you_mean(reference.field, metrics)}")
    return None


def _series_point_problem(reference: Reference, registry: ClaimRegistry) -> str | None:
    import datetime as dt

    series = registry.series.get(reference.target)
    if series is None:
        return (f"{reference.written}: unknown series '{reference.target}'"
                f"{did_you_mean(reference.target, registry.series)} (a series is "
                "seeds/<id>.csv with seeds/<id>.yaml)")
    try:
        day = dt.date.fromisoformat(reference.field or "")
    except ValueError:
        return f"{reference.written}: '{reference.field}' is not a date (YYYY-MM-DD)"
    if series.value_on(day) is None:
        before = [d for d, _ in series.points if d < day]
        after = [d for d, _ in series.points if d > day]
        nearest = ", ".join(str(d) for d in (before[-1:] + after[:1]))
        return (f"{reference.written}: {series.csv_path} has no value on {day}"
                + (f" (nearest: {nearest})" if nearest else ""))
    return None
