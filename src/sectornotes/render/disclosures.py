"""The generated part of a note's disclosures: regimes, times, conflicts per subject,
12-month recommendation history, ratings distribution and price-and-rating charts.

`disclosure_data` is the language-free data (the build hashes it, so an edit to
another note's rating or to compliance.yaml rebuilds exactly the notes whose
disclosures change); `disclosure_context` turns it into what the template prints.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from ..compliance.coverage import (
    effective_disclosure,
    finra_category,
    history,
    last_quarter_end,
    months_before,
    note_subjects,
    rating_changes,
    rating_distribution,
    subject_scale,
)
from ..language.formatting import format_date, format_number
from ..language.i18n import rating_label, strings, text
from ..language.languages import localized, name_in

if TYPE_CHECKING:
    from ..inputs.schema import Note, Subject
    from ..loaded.project import LoadedProject

CHART_YEARS = 3


def chart_id(note_id: str, subject_id: str) -> str:
    """The id of a subject's price-and-rating chart in build/figures/."""
    return f"history-{note_id}-{re.sub(r'[^a-z0-9]+', '-', subject_id.lower()).strip('-')}"


def _published(model: LoadedProject) -> dict[str, Note]:
    return {note_id: loaded.spec for note_id, loaded in model.notes.items()}


def rating_events(model: LoadedProject, note_id: str, subject_id: str,
                  start: dt.date) -> list[dict[str, Any]]:
    """Every change of rating or target of a subject from `start` up to this note."""
    note = model.notes[note_id].spec
    return [{"date": change.date.isoformat(), "rating": change.subject.rating,
             "target": change.subject.target.value if change.subject.target else None,
             "scale": subject_scale(change.subject)}
            for change in rating_changes(_published(model), subject_id, (note.date, note_id))
            if change.date >= start]


def chart_data(model: LoadedProject, note_id: str, subject: Subject) -> dict[str, Any] | None:
    """What a subject's price-and-rating chart draws, or None without a series."""
    if not subject.series or subject.series not in model.series:
        return None
    note = model.notes[note_id].spec
    start = months_before(note.date, 12 * CHART_YEARS)
    main = model.series[subject.series]
    benchmark = model.series.get(subject.benchmark_series or "")
    return {
        "id": chart_id(note_id, subject.id), "start": start.isoformat(),
        "end": note.date.isoformat(), "language": note.language,
        "series": {"id": main.id, "name": name_in(main.meta, "instrument", note.language),
                   "digest": main.digest,
                   "currency": main.meta.currency},
        "benchmark": None if benchmark is None else {
            "id": benchmark.id, "name": name_in(benchmark.meta, "instrument", note.language),
            "digest": benchmark.digest},
        "events": rating_events(model, note_id, subject.id, start),
    }


def disclosure_data(model: LoadedProject, note_id: str) -> dict[str, Any]:
    """Everything the note's generated disclosures depend on, as plain data."""
    from ..compliance.regimes import note_regimes

    assert model.house is not None
    loaded = model.notes[note_id]
    note, notes = loaded.spec, _published(model)
    as_of = last_quarter_end(note.date)
    subjects = []
    for subject in note_subjects(note):
        disclosure = effective_disclosure(model.compliance, subject.id, note.date)
        subjects.append({
            "subject": subject.model_dump(mode="json"),
            "disclosure": disclosure.model_dump(mode="json") if disclosure else None,
            "history": [{"note": r.note_id, "date": r.date.isoformat(),
                         "title": notes[r.note_id].title, "rating": r.subject.rating,
                         "scale": subject_scale(r.subject),
                         "target": r.subject.target.model_dump(mode="json")
                         if r.subject.target else None, "analysts": list(r.analysts)}
                        for r in history(notes, note_id, subject.id)],
            "chart": chart_data(model, note_id, subject),
        })
    distribution = [row.__dict__ for row in rating_distribution(
        notes, model.house, model.compliance, as_of)]
    return {"regimes": note_regimes(loaded, model.house), "subjects": subjects,
            "distribution_as_of": as_of.isoformat(), "distribution": distribution,
            "compliance_notice": model.compliance.notice.model_dump()
            if model.compliance and model.compliance.notice else None}


def format_moment(moment: dt.datetime, language: str) -> str:
    """'5 Jun 2025 07:30 (UTC+08:00) · 23:30 UTC 4 Jun 2025', local time then UTC."""
    utc = moment.astimezone(dt.UTC)
    offset = moment.strftime("%z")
    zone = "UTC" if offset in ("+0000", "") else f"UTC{offset[:3]}:{offset[3:]}"
    local = f"{format_date(moment.date(), language)} {moment:%H:%M} ({zone})"
    if zone == "UTC":
        return local
    return f"{local} · {format_date(utc.date(), language)} {utc:%H:%M} UTC"


def _conflict_lines(firm: str, name: str, disclosure: dict[str, Any], language: str,
                    analyst_names: dict[str, str]) -> list[str]:
    says = []
    for key in ("banking_past_12_months", "banking_next_3_months", "holdings_1pct",
                "market_making"):
        form = "yes" if disclosure[key] else "no"
        says.append(text(language, f"disclose_{key}_{form}", firm=firm, name=name))
    holders = [analyst_names.get(a, a) for a in disclosure["analyst_holdings"]]
    if holders:
        says.append(text(language, "disclose_analyst_holdings_yes",
                         analysts=text(language, "list_separator").join(holders), name=name))
    else:
        says.append(text(language, "disclose_analyst_holdings_no", name=name))
    if disclosure.get("other"):
        says.append(disclosure["other"][language])
    return says


def disclosure_context(model: LoadedProject, note_id: str, language: str) -> dict[str, Any]:
    """The generated disclosures as the note template prints them."""
    from ..compliance.regimes import regimes_of

    house = model.house
    assert house is not None
    note = model.notes[note_id].spec
    data = disclosure_data(model, note_id)
    firm = localized(house.firm.name, language)
    analyst_names = {a.id: name_in(a, "name", language) for a in house.analysts}
    subjects = []
    for item in data["subjects"]:
        subject = item["subject"]
        name = name_in(subject, "name", language)
        disclosure = item["disclosure"]
        subjects.append({
            "id": subject["id"], "name": name, "kind": subject["kind"],
            "rating": rating_label(house, subject["kind"], subject["rating"], language),
            "target": _target_text(subject.get("target"), language),
            "conflicts": _conflict_lines(firm, name, disclosure, language, analyst_names)
            if disclosure else [],
            "history": [{"date": format_date(dt.date.fromisoformat(row["date"]), language),
                         "title": row["title"], "this": row["note"] == note_id,
                         "rating": rating_label(house, row["scale"], row["rating"], language),
                         "target": _target_text(row["target"], language) or "–",
                         "analysts": text(language, "list_separator").join(
                             analyst_names.get(a, a) for a in row["analysts"])}
                        for row in item["history"]],
            "chart": None if item["chart"] is None else {
                "src": f"../figures/{item['chart']['id']}.svg",
                "title": text(language, "chart_title", name=name),
                "caption": _chart_caption(item["chart"], model, language)},
        })
    as_of = dt.date.fromisoformat(data["distribution_as_of"])
    distribution = []
    for row in data["distribution"]:
        if not any(r["scale"] == row["scale"] and r["count"] for r in data["distribution"]):
            continue
        distribution.append({
            "scale": strings(language)[f"{row['scale']}_scale"],
            "rating": rating_label(house, row["scale"], row["rating_id"], language),
            "category": text(language, "category_" + finra_category(
                house, row["scale"], row["rating_id"])),
            "count": row["count"], "share": format_number(row["share"], language, decimals=0),
            "banking": row["banking"],
            "banking_share": format_number(row["banking_share"], language, decimals=0)})
    regimes = regimes_of(data["regimes"])
    return {
        "regimes": data["regimes"],
        # What the template prints by, as the regimes declare it (compliance/regime.py).
        "csrc": any(r.report_label for r in regimes),
        "first_dissemination": any(r.states_first_dissemination for r in regimes),
        "certification_label": next((r.certification_label for r in regimes
                                     if r.certification_label != "certification"),
                                    "certification"),
        "regime_names": text(language, "list_separator").join(r.name for r in regimes),
        "completed": format_moment(note.completed, language) if note.completed else None,
        "release": format_moment(note.release, language) if note.release else None,
        "subjects": subjects, "distribution": distribution,
        "distribution_as_of": format_date(as_of, language),
        "compliance_notice": (data["compliance_notice"] or {}).get(language),
        "licence": localized(house.firm.licence.statement, language).replace(
            "{number}", house.firm.licence.number) if house.firm.licence else None,
    }


def _target_text(target: dict[str, Any] | None, language: str) -> str | None:
    if not target:
        return None
    return f"{target['currency']} {format_number(target['value'], language)}"


def _chart_caption(chart: dict[str, Any], model: LoadedProject, language: str) -> str:
    series = model.series[chart["series"]["id"]]
    names = [chart["series"]["name"]]
    if chart["benchmark"]:
        names.append(chart["benchmark"]["name"])
    illustrative = series.meta.illustrative or (
        chart["benchmark"] is not None and model.series[chart["benchmark"]["id"]].meta.illustrative)
    plotted = series.between(dt.date.fromisoformat(chart["start"]),
                             dt.date.fromisoformat(chart["end"]))
    last = plotted[-1][0] if plotted else series.meta.as_of
    return text(language, "chart_caption", names=text(language, "list_separator").join(names),
                provider=series.meta.provider, as_of=format_date(last, language)) + (
        text(language, "chart_illustrative") if illustrative else "")
