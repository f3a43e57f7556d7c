"""Which notes may go out, and to whom: refusals, entitlements, one copy per address."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import SectornotesError, UsageError
from ..inputs.mailsafe import header_problem
from ..render import outputs
from .records import Records, normalized_address

if TYPE_CHECKING:
    from ..loaded.project import LoadedProject


class DistributionRefused(SectornotesError):
    """The note may not be distributed as it stands."""


@dataclass
class Recipient:
    """An entitled client address."""

    client_id: str
    client_name: str
    address: str


@dataclass
class NotePlan:
    """Who receives a note, who does not and why."""

    note_id: str
    title: str
    build_sha256: str
    pdf_bytes: bytes
    recipients: list[Recipient]
    excluded: list[tuple[str, str]] = field(default_factory=list)  # (client name, reason)


def plan_note(model: LoadedProject, note_id: str, today: dt.date,
              now: dt.datetime | None = None) -> NotePlan:
    """Check that the note may go out and list its recipients; raise DistributionRefused.

    Refused: a note that fails check, a draft, a release time still to come
    (an embargo), a PDF that is missing or stale.
    """
    from ..loaded.project import require_note
    from ..model.clients import entitlement

    note = require_note(model, note_id).spec
    if note.status != "approved":
        raise DistributionRefused(f"{note_id}: the note is a draft; set status: approved, "
                                  "approved_by and approved_at before distributing it")
    if not model.ok:
        first = model.errors[0].format()
        raise DistributionRefused(f"{note_id}: check fails with {len(model.errors)} error(s), "
                                  f"first: {first}")
    now = now or dt.datetime.now(dt.UTC)
    if note.release is not None and now < note.release:
        release_utc = note.release.astimezone(dt.UTC)
        raise DistributionRefused(
            f"{note_id}: embargoed until {note.release.isoformat()} "
            f"({release_utc.strftime('%Y-%m-%d %H:%M')} UTC); distribute it after that time")
    build_sha256, pdf_bytes = built_pdf(model, note_id)
    _require_approval(model, note_id, build_sha256)
    if model.clients is None:
        raise DistributionRefused("clients.yaml is missing: it lists who may receive notes "
                                  "(see 'sectornotes schema')")
    _require_header_safe_title(model, note_id)
    plan = NotePlan(note_id, note.title, build_sha256, pdf_bytes, [])
    receiving: dict[str, str] = {}  # normalised address → client name
    for client in model.clients.clients:
        reason = entitlement(client, note_id, note, today)
        if reason:
            plan.excluded.append((client.name, reason))
            continue
        for address in client.emails:
            key = normalized_address(address)
            if key in receiving:
                plan.excluded.append((client.name, f"{address} already receives this note "
                                                   f"(for {receiving[key]}): one copy per address"))
                continue
            receiving[key] = client.name
            plan.recipients.append(Recipient(client.id, client.name, address.strip()))
    _require_header_safe_recipients(model, plan)
    return plan


def _require_header_safe_title(model: LoadedProject, note_id: str) -> None:
    """The title is the email's Subject: refused at its place before anything is recorded."""
    loaded = model.notes[note_id]
    problem = header_problem(loaded.spec.title)
    if problem:
        finding = loaded.document.finding(("title",), (
            f"title: {loaded.spec.title!r} {problem}; the title is the email's subject: "
            "write it on one line"))
        raise DistributionRefused(f"{finding.format()}; nothing was sent")


def _require_header_safe_recipients(model: LoadedProject, plan: NotePlan) -> None:
    """Names and addresses go into To: `check` refuses bad ones; this holds even without it."""
    for recipient in plan.recipients:
        for what, value in (("name", recipient.client_name), ("address", recipient.address)):
            problem = header_problem(value)
            if problem:
                raise DistributionRefused(
                    f"{model.project.relative(model.project.clients_path)}: client "
                    f"'{recipient.client_id}': {what} {value!r} {problem}; it goes into the "
                    "email's To header: write it on one line; nothing was sent")


def entitlement_date(requested: dt.date | None, today: dt.date, backdate: bool,
                     warn: Callable[[str], None]) -> dt.date:
    """The date entitlements are judged on: today, a later day, or (only with backdate) earlier.

    A past date would re-entitle a client whose entitlement has lapsed since, so
    it is refused unless asked for explicitly, and then said out loud.
    """
    if requested is None or requested >= today:
        return requested or today
    if not backdate:
        raise UsageError(
            f"--date {requested.isoformat()} is before today ({today.isoformat()}): "
            "entitlements would be judged as of then, so a client whose entitlement has "
            "lapsed since would receive the note; omit --date, or add --backdate if a past "
            "date is really meant")
    warn(f"warning: --backdate: entitlements are judged as of {requested.isoformat()}, "
         f"not today ({today.isoformat()}); clients whose entitlement lapsed since are "
         "included, and the footer carries that date")
    return requested


def built_pdf(model: LoadedProject, note_id: str) -> tuple[str, bytes]:
    """The note's PDF as built (sha256, bytes); refused when missing or stale."""
    from ..engine.run import build
    from ..engine.state import sha256_bytes
    from ..loaded.project import require_note

    require_note(model, note_id)
    pdf = outputs.note_pdf(note_id)
    stale = build(model.project, (note_id,), formats=("pdf",), dry_run=True)
    pdf_path = model.project.build_dir / pdf
    if stale.reasons.get(pdf) or not pdf_path.is_file():
        reasons = "; ".join(stale.reasons.get(pdf, ["output missing"]))
        raise DistributionRefused(f"{note_id}: build/{pdf} is stale ({reasons}); "
                                  f"run 'sectornotes build {note_id}' first")
    pdf_bytes = pdf_path.read_bytes()
    return sha256_bytes(pdf_bytes), pdf_bytes


def _require_approval(model: LoadedProject, note_id: str, build_sha256: str) -> None:
    """Only exactly the PDF a supervisor approved may go out."""
    with Records(model.project, read_only=True) as records:
        trail = records.approvals(note_id)
    if any(a.build_sha256 == build_sha256 for a in trail):
        return
    if trail:
        last = trail[-1]
        raise DistributionRefused(
            f"{note_id}: build {build_sha256[:12]} is not approved; the approved build is "
            f"{last.build_sha256[:12]} ({last.approver}, {last.approved_at}), and the PDF has "
            f"changed since; review it and run 'sectornotes approve {note_id} --by NAME'")
    raise DistributionRefused(f"{note_id}: build {build_sha256[:12]} has no supervisory approval; "
                              f"review it and run 'sectornotes approve {note_id} --by NAME'")

