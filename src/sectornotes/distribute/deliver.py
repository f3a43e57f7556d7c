"""`sectornotes distribute NOTE...`: plan every note, then deliver each copy exactly once.

Every note is planned (and may be refused) before anything is sent. One run
at a time per project (a second waits); the relay is checked before the
first message; one SMTP session carries every message; a recipient whose
delivery fails temporarily is retried in a later round, so it never holds up
the others. Each delivery is recorded as in flight before its DATA and as
sent after; an in-flight delivery left by a killed run is reported, not
resent, unless `resend_unknown`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..inputs.project import Project
from ..language.i18n import text
from ..language.languages import languages
from .compose import Letter, MailingList, compose_letter, mailing_list, message_bytes, message_id_for
from .plan import DistributionRefused, NotePlan, plan_note
from .records import Delivery, DistributionLock, Records, normalized_address
from .transport import SendOutcome, SmtpConnection, SmtpSettings

if TYPE_CHECKING:
    from ..loaded.project import LoadedProject

DEFAULT_RETRY_DELAYS = (1.0, 4.0, 15.0)
STAMP_BATCH = 200  # copies stamped at once: bounded memory


@dataclass
class DistributionResult:
    """What one run did."""

    sent: list[Delivery] = field(default_factory=list)
    skipped: list[Delivery] = field(default_factory=list)  # sent (or refused) before
    failed: list[Delivery] = field(default_factory=list)
    unknown: list[Delivery] = field(default_factory=list)  # in flight when a run died
    plans: list[NotePlan] = field(default_factory=list)
    connections: int = 0

    @property
    def ok(self) -> bool:
        """Nothing failed and nothing is left in doubt."""
        return not self.failed and not self.unknown

    def earlier(self, note_id: str, address: str) -> Delivery | None:
        """The delivery of this note to this address settled (or in doubt) before the run."""
        key = normalized_address(address)
        return next((d for d in (*self.skipped, *self.unknown)
                     if d.note == note_id and d.address_key == key), None)


def distribute(project: Project, note_ids: Sequence[str], settings: SmtpSettings,
               today: dt.date, dry_run: bool = False,
               retry_delays: Sequence[float] = DEFAULT_RETRY_DELAYS,
               log: Callable[[str], None] = print, now: dt.datetime | None = None,
               resend_unknown: bool = False) -> DistributionResult:
    """Plan every note first (refusing before anything is sent), then deliver."""
    from ..loaded.project import load_project

    model = load_project(project)
    result = DistributionResult()
    result.plans = [plan_note(model, note_id, today, now) for note_id in note_ids]
    if dry_run:
        _earlier(project, result)
        return result
    settings.require()
    assert settings.sender is not None  # require() refused otherwise
    letters = {plan.note_id: _letter(model, plan) for plan in result.plans}
    mailing = mailing_list(model, settings.sender)
    connection = SmtpConnection(settings)
    with DistributionLock(project, log), Records(project) as records:
        if any(_unsettled(records, plan) for plan in result.plans):
            connection.open()  # fails fast, naming host:port, before anything is recorded
        work = [_Pending(plan, d) for plan in result.plans
                for d in _reserve(records, plan, settings.sender, result, resend_unknown, log)]
        if work:
            try:
                _deliver_all(model, work, letters, (settings.sender, mailing), connection,
                             records, today, retry_delays, result, log)
            finally:
                connection.close()
    result.connections = connection.connections
    return result


def _earlier(project: Project, result: DistributionResult) -> None:
    """What a run would not send: copies sent or refused for good before, or in doubt."""
    with Records(project, read_only=True) as records:
        for plan in result.plans:
            for recipient in plan.recipients:
                found = records.find(plan.note_id, plan.build_sha256, recipient.address)
                if found is not None and found.status in ("sent", "permanent-failure"):
                    result.skipped.append(found)
                elif found is not None and found.status == "in-flight":
                    result.unknown.append(found)


def _letter(model: LoadedProject, plan: NotePlan) -> Letter:
    """The note's email, refused before anything is recorded if its subject is no header."""
    from ..inputs.mailsafe import header_problem

    letter = compose_letter(model, plan.note_id)
    problem = header_problem(letter.subject)
    if problem:
        raise DistributionRefused(f"notes/{plan.note_id}.yaml: the email subject "
                                  f"{letter.subject!r} (title and rating label) {problem}; "
                                  "write the title and the rating labels in house.yaml on one "
                                  "line; nothing was sent")
    return letter


@dataclass
class _Pending:
    plan: NotePlan
    delivery: Delivery
    copy: bytes = b""
    first_dissemination: str = ""


def _now_minutes() -> str:
    """Now, as the first dissemination time of a note never sent before (UTC, minutes)."""
    return dt.datetime.now(dt.UTC).replace(second=0, microsecond=0).isoformat()


def _minutes(moment: str) -> str:
    """'2025-06-05 01:00 UTC' from an ISO 8601 UTC time."""
    return dt.datetime.fromisoformat(moment).astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def _unsettled(records: Records, plan: NotePlan) -> bool:
    """Whether some recipient of the plan has no delivery sent or refused for good."""
    for recipient in plan.recipients:
        found = records.find(plan.note_id, plan.build_sha256, recipient.address)
        if found is None or found.status in ("pending", "failed"):
            return True
    return False


def _reserve(records: Records, plan: NotePlan, sender: str, result: DistributionResult,
             resend_unknown: bool, log: Callable[[str], None]) -> list[Delivery]:
    pending = []
    for recipient in plan.recipients:
        watermark = secrets.token_hex(16)
        delivery = records.reserve(plan.note_id, plan.build_sha256, recipient.client_id,
                                   recipient.client_name, recipient.address, watermark,
                                   message_id_for(watermark, plan.note_id, sender))
        if delivery.status in ("sent", "permanent-failure"):
            result.skipped.append(delivery)
        elif delivery.status == "in-flight" and not resend_unknown:
            result.unknown.append(delivery)
            log(f"unknown: {plan.note_id} → {delivery.client_name} <{delivery.address}> was "
                f"being sent when a run stopped (Message-ID {delivery.message_id}); look it up "
                "in the relay's log, then run with --resend-unknown only if it never left")
        else:
            pending.append(delivery)
    return pending


def _deliver_all(model: LoadedProject, work: list[_Pending], letters: dict[str, Letter],
                 sender: tuple[str, MailingList], connection: SmtpConnection,
                 records: Records, today: dt.date,
                 retry_delays: Sequence[float], result: DistributionResult,
                 log: Callable[[str], None]) -> None:
    rounds = [0.0, *retry_delays]
    for round_number, delay in enumerate(rounds):
        if not work:
            return
        if delay:
            log(f"retrying {len(work)} delivery(ies) in {delay:g} s")
            time.sleep(delay)
        last_round = round_number == len(rounds) - 1
        retry: list[_Pending] = []
        for start in range(0, len(work), STAMP_BATCH):
            batch = work[start:start + STAMP_BATCH]
            _stamp(model, batch, today, records)
            for item in batch:
                outcome = _send_one(item, letters[item.plan.note_id], sender, connection,
                                    records)
                if outcome.status == "temporary" and not last_round:
                    records.mark(item.delivery, "pending", outcome.response)
                    retry.append(item)
                    continue
                _finish(item, outcome, records, result, log)
            for item in batch:
                if item not in retry:
                    item.copy = b""  # sent or settled: free the memory
        work = retry


def _stamp(model: LoadedProject, batch: list[_Pending], today: dt.date,
           records: Records) -> None:
    from .stamp import stamp_copies

    by_note: dict[str, list[_Pending]] = {}
    for item in batch:
        if not item.copy:
            by_note.setdefault(item.plan.note_id, []).append(item)
    for items in by_note.values():
        plan = items[0].plan
        assert model.house is not None  # plan_note refused a project that fails check
        # The footer is English in every language (as ever), but a client's name may be
        # written in another script (Chinese): the fonts of the languages with a script of
        # their own come along, so it is never set in boxes.
        fonts = list(dict.fromkeys(font for spoken in languages().values() if spoken.script
                                   for font in model.house.fonts.get(spoken.code, [])))
        # MAR and FINRA ask when a note was first disseminated: the records know, and
        # for a note never sent before it is this run (recorded once a copy is sent).
        first = records.first_dissemination(plan.note_id) or _now_minutes()
        stamps = [(text("en", "email_stamp", client=i.delivery.client_name,
                        date=today.isoformat(), ref=i.delivery.watermark_id[:12])
                   + text("en", "stamp_first_dissemination", at=_minutes(first)),
                   i.delivery.watermark_id) for i in items]
        for item in items:
            item.first_dissemination = first
        for item, copy in zip(items, stamp_copies(plan.pdf_bytes, stamps, fonts), strict=True):
            item.copy = copy


def _send_one(item: _Pending, letter: Letter, sender: tuple[str, MailingList],
              connection: SmtpConnection, records: Records) -> SendOutcome:
    now = dt.datetime.now(dt.UTC)
    address, mailing = sender
    message = message_bytes(address, letter, mailing, item.delivery, item.plan.note_id,
                            item.copy, now)
    records.mark_in_flight(item.delivery, hashlib.sha256(item.copy).hexdigest())
    return connection.send(message, item.delivery.address)


def _finish(item: _Pending, outcome: SendOutcome, records: Records,
            result: DistributionResult, log: Callable[[str], None]) -> None:
    if outcome.status == "unknown":
        # The relay had the whole message and did not answer: it may have accepted it.
        # The row stays in flight, as after a crash, for reconciliation; never resent.
        records.mark(item.delivery, "in-flight", outcome.response)
        result.unknown.append(item.delivery)
        log(f"unknown: {item.plan.note_id} → {item.delivery.client_name} "
            f"<{item.delivery.address}>: {outcome.response} (Message-ID "
            f"{item.delivery.message_id}); look it up in the relay's log, then run with "
            "--resend-unknown only if it never left")
        return
    status = {"sent": "sent", "permanent": "permanent-failure", "temporary": "failed"}[
        outcome.status]
    if status == "sent":  # first, so a stop right after the send cannot lose it
        records.record_dissemination(item.plan.note_id, item.first_dissemination)
    records.mark(item.delivery, status, outcome.response)
    (result.sent if status == "sent" else result.failed).append(item.delivery)
    log(f"{status}: {item.plan.note_id} → {item.delivery.client_name} "
        f"<{item.delivery.address}>: {outcome.response}")
