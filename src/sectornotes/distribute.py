"""`sectornotes distribute NOTE...`: watermarked copies to entitled clients over SMTP.

A note is refused when it is a draft, fails `check`, or its PDF is stale. Each
entitled address gets one email with its own copy, derived from the built PDF
(never re-rendered): a visible "Prepared for …" footer and an embedded id tied
to the ledger. The ledger makes re-runs send nothing twice and lets a killed
run resume; temporary SMTP failures are retried with backoff.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import hashlib
import os
import secrets
import smtplib
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from .errors import EXIT_USAGE, SectornotesError
from .ledger import Delivery, Ledger
from .project import Project

DEFAULT_RETRY_DELAYS = (1.0, 4.0, 15.0)


class DistributionRefused(SectornotesError):
    """The note may not be distributed as it stands."""


class UnknownNoteToSend(DistributionRefused):
    """The command line names a note the project does not have."""

    exit_code = EXIT_USAGE


@dataclass
class SmtpSettings:
    """Where and how to send; from options or SECTORNOTES_SMTP_* variables, never a file."""

    host: str = "localhost"
    port: int = 25
    security: str = "none"  # none | starttls | ssl
    user: str | None = None
    password: str | None = None
    sender: str = "research@localhost"
    timeout: float = 30.0
    cafile: str | None = None  # a private CA for the relay's certificate

    @classmethod
    def from_environment(cls, **overrides) -> SmtpSettings:
        environment = {
            "host": os.environ.get("SECTORNOTES_SMTP_HOST"),
            "port": os.environ.get("SECTORNOTES_SMTP_PORT"),
            "security": os.environ.get("SECTORNOTES_SMTP_SECURITY"),
            "user": os.environ.get("SECTORNOTES_SMTP_USER"),
            "password": os.environ.get("SECTORNOTES_SMTP_PASSWORD"),
            "sender": os.environ.get("SECTORNOTES_SMTP_FROM"),
            "cafile": os.environ.get("SECTORNOTES_SMTP_CAFILE"),
        }
        values = {k: v for k, v in environment.items() if v is not None}
        values.update({k: v for k, v in overrides.items() if v is not None})
        if "port" in values:
            values["port"] = int(values["port"])
        elif values.get("security") == "ssl":
            values["port"] = 465
        return cls(**values)


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
    excluded: list[tuple[str, str]]  # (client name, reason)
    subject: str
    body: str


@dataclass
class DistributionResult:
    """Counts and problems of one run."""

    sent: list[Delivery] = field(default_factory=list)
    skipped: list[Delivery] = field(default_factory=list)
    failed: list[Delivery] = field(default_factory=list)
    plans: list[NotePlan] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


def plan_note(project: Project, note_id: str, today: dt.date, report=None) -> NotePlan:
    """Check that the note may go out and list its recipients; raise DistributionRefused."""
    from .api import check
    from .clients import entitlement, load_clients
    from .engine import build
    from .state import hash_file

    report = report or check(project)
    if note_id not in report.notes:
        if (project.notes_dir / f"{note_id}.yaml").exists():
            raise DistributionRefused(f"{note_id}: the note fails check; run 'sectornotes check'")
        from .findings import did_you_mean

        raise UnknownNoteToSend(f"unknown note '{note_id}'{did_you_mean(note_id, report.notes)}")
    note = report.notes[note_id].spec
    if note.status != "approved":
        raise DistributionRefused(f"{note_id}: the note is a draft; set status: approved, "
                                  "approved_by and approved_at before distributing it")
    if not report.ok:
        first = report.errors[0].format()
        raise DistributionRefused(f"{note_id}: check fails with {len(report.errors)} error(s), "
                                  f"first: {first}")
    plan = build(project, (note_id,), formats=("pdf",), dry_run=True)
    pdf_path = project.build_dir / "pdf" / f"{note_id}.pdf"
    if plan.reasons or not pdf_path.is_file():
        reasons = "; ".join(plan.reasons.get(f"pdf/{note_id}.pdf", ["output missing"]))
        raise DistributionRefused(f"{note_id}: build/pdf/{note_id}.pdf is stale ({reasons}); "
                                  f"run 'sectornotes build {note_id}' first")
    clients, _, problems = load_clients(project)
    if clients is None:
        raise DistributionRefused("clients.yaml is missing or invalid: it lists who may "
                                  "receive notes" + (f" ({problems[0].format()})" if problems else ""))
    recipients, excluded = [], []
    for client in clients.clients:
        reason = entitlement(client, note_id, note, today)
        if reason:
            excluded.append((client.name, reason))
        else:
            recipients += [Recipient(client.id, client.name, email) for email in client.emails]
    pdf_bytes = pdf_path.read_bytes()
    subject, body = compose_text(report, note_id)
    return NotePlan(note_id, note.title, hash_file(pdf_path), pdf_bytes, recipients, excluded,
                    subject, body)


def compose_text(report, note_id: str) -> tuple[str, str]:
    """Subject and plain-text body from the note's title, rating and key points."""
    from .markdown import plain_text

    note = report.notes[note_id].spec
    language = note.language
    scale = {r.id: r for r in getattr(report.house.ratings, note.rating_scale)}
    rating = getattr(scale[note.rating].label, language)
    previous = getattr(scale[note.previous_rating].label, language) if note.previous_rating else None
    values = {"rating": rating, "previous-rating": previous or ""}
    points = [f"- {plain_text(p, report.registry, language, values)}" for p in note.key_points]
    if language == "zh":
        rating_line = f"评级：{rating}" + (f"（上次评级：{previous}）" if previous else "")
        lines = [note.title, note.subtitle or "", rating_line, "", "投资要点：", *points, "",
                 "附件 PDF 为贵机构专属副本，请勿转发。"]
    else:
        rating_line = f"Rating: {rating}" + (f" (previous: {previous})" if previous else "")
        lines = [note.title, note.subtitle or "", rating_line, "", "Key points:", *points, "",
                 "The attached PDF is prepared for you alone; please do not forward it."]
    return f"{note.title} — {rating}", "\n".join(line for line in lines if line is not None)


def stamp_copies(pdf_bytes: bytes, stamps: list[tuple[str, str]],
                 fonts: list[str]) -> list[bytes]:
    """One copy per (visible footer text, watermark id): the base PDF plus an update.

    Every footer is typeset in one WeasyPrint pass (a page each, so the text uses
    embedded fonts). Each copy is the base PDF's bytes, untouched, followed by a
    PDF incremental update that overlays its footer on every page and carries its
    watermark id in the document info and the file identifier. Writing a copy is
    then a concatenation, not a rewrite of the whole file.
    """
    from html import escape

    import weasyprint

    from .pdf import font_config
    from .render import css_font_list

    pages = "".join(f"<section><p>{escape(text)}</p></section>" for text, _ in stamps)
    html = (f"<html><head><style>@page {{ size: A4; margin: 0 }} section {{ height: 297mm; "
            f"position: relative; page-break-after: always }} p {{ position: absolute; left: 0; "
            f"right: 0; bottom: 6mm; margin: 0; text-align: center; font: 6.5pt "
            f"{css_font_list(['DejaVu Sans', *fonts])}; color: #8a8f98 }}</style></head>"
            f"<body>{pages}</body></html>")
    overlay_bytes = weasyprint.HTML(string=html).write_pdf(font_config=font_config())
    update = _IncrementalStamp(pdf_bytes, overlay_bytes)
    return [update.copy(index, watermark_id) for index, (_, watermark_id) in enumerate(stamps)]


class _IncrementalStamp:
    """The objects every copy's update shares, prepared once per batch."""

    def __init__(self, pdf_bytes: bytes, overlay_bytes: bytes):
        import io
        import re

        import pikepdf

        self.base = pdf_bytes if pdf_bytes.endswith(b"\n") else pdf_bytes + b"\n"
        self.overlay = pikepdf.open(io.BytesIO(overlay_bytes))
        # Objects stay valid only while their Pdf lives: keep it with them.
        self.work = work = pikepdf.open(io.BytesIO(pdf_bytes))
        original = pikepdf.open(io.BytesIO(pdf_bytes))
        self.base_size = int(work.trailer.Size)
        self.previous_xref = int(re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", pdf_bytes).group(1))
        # All footers share one set of fonts and resources: overlay page 0 stands in for
        # all of them, and each copy only swaps in its own page's content stream.
        form = work.copy_foreign(self.overlay.pages[0].as_form_xobject())
        for page in work.pages:
            page.add_overlay(form)
        self.form_number = form.objgen[0]
        self.form_dictionary = pikepdf.Dictionary(form.stream_dict)
        self.info = pikepdf.Dictionary(work.docinfo)
        self.root = work.trailer.Root.objgen
        self.shared: dict[int, bytes] = {}
        for obj in work.objects:
            number = obj.objgen[0]
            if number == self.form_number or number == 0:
                continue
            changed = number >= self.base_size or obj.unparse(resolved=True) != \
                original.get_object(obj.objgen).unparse(resolved=True)
            if changed:
                self.shared[number] = _serialize(obj)

    def copy(self, index: int, watermark_id: str) -> bytes:
        import pikepdf

        content = self.overlay.pages[index].obj.Contents
        raw = content.read_raw_bytes()
        form = pikepdf.Dictionary(self.form_dictionary)
        form.Length = len(raw)
        if "/Filter" in content.stream_dict:
            form.Filter = content.stream_dict.Filter
        objects = dict(self.shared)
        objects[self.form_number] = _object_bytes(self.form_number, form.unparse(), raw)
        info_number = max(max(objects), self.base_size - 1) + 1
        info = pikepdf.Dictionary(self.info)
        info.SectornotesWatermark = watermark_id
        objects[info_number] = _object_bytes(info_number, info.unparse())
        return _append_update(self.base, objects, self.root, info_number, watermark_id,
                              self.previous_xref)


def _serialize(obj) -> bytes:
    import pikepdf

    number = obj.objgen[0]
    if isinstance(obj, pikepdf.Stream):
        raw = obj.read_raw_bytes()
        dictionary = pikepdf.Dictionary(obj.stream_dict)
        dictionary.Length = len(raw)
        return _object_bytes(number, dictionary.unparse(), raw)
    return _object_bytes(number, obj.unparse(resolved=True))


def _object_bytes(number: int, body: bytes, stream: bytes | None = None) -> bytes:
    if stream is None:
        return b"%d 0 obj\n%s\nendobj\n" % (number, body)
    return b"%d 0 obj\n%s\nstream\n%s\nendstream\nendobj\n" % (number, body, stream)


def _append_update(base: bytes, objects: dict[int, bytes], root: tuple[int, int],
                   info_number: int, watermark_id: str, previous_xref: int) -> bytes:
    """base + objects + a cross-reference stream chained to the base's (/Prev)."""
    out = bytearray(base)
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += objects[number]
    xref_number = max(offsets) + 1
    offsets[xref_number] = len(out)
    numbers = sorted(offsets)
    ranges: list[list[int]] = []
    for number in numbers:
        if ranges and ranges[-1][0] + ranges[-1][1] == number:
            ranges[-1][1] += 1
        else:
            ranges.append([number, 1])
    rows = b"".join(b"\x01" + offsets[n].to_bytes(4, "big") + b"\x00\x00" for n in numbers)
    identifier = "<" + watermark_id.encode("ascii").hex() + ">"
    index = " ".join(f"{start} {count}" for start, count in ranges)
    header = (f"<< /Type /XRef /Size {xref_number + 1} /W [1 4 2] /Index [{index}] "
              f"/Root {root[0]} {root[1]} R /Info {info_number} 0 R "
              f"/ID [{identifier} {identifier}] /Prev {previous_xref} /Length {len(rows)} >>")
    out += _object_bytes(xref_number, header.encode("ascii"), rows)
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[xref_number]
    return bytes(out)


def build_message(settings: SmtpSettings, plan: NotePlan, delivery: Delivery,
                  copy: bytes) -> EmailMessage:
    """The email for one delivery, with its watermarked PDF attached."""
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = formataddr((delivery.client_name, delivery.address))
    message["Subject"] = plan.subject
    message["Message-ID"] = make_msgid(idstring=delivery.watermark_id, domain="sectornotes")
    message["X-Sectornotes-Watermark"] = delivery.watermark_id
    message.set_content(plan.body)
    message.add_attachment(copy, maintype="application", subtype="pdf",
                           filename=f"{plan.note_id}.pdf")
    return message


def send(settings: SmtpSettings, message: EmailMessage, address: str,
         retry_delays=DEFAULT_RETRY_DELAYS, sleep: Callable = time.sleep) -> tuple[str, str]:
    """Deliver one message: ('sent'|'failed'|'permanent-failure', last SMTP response)."""
    response = ""
    for attempt, delay in enumerate((0.0, *retry_delays)):
        if attempt:
            sleep(delay)
        try:
            code, text = _deliver(settings, message, address)
            return "sent", f"{code} {text}"
        except smtplib.SMTPResponseException as error:
            response = f"{error.smtp_code} {_text(error.smtp_error)}"
            if 500 <= error.smtp_code < 600:
                return "permanent-failure", response
        except smtplib.SMTPRecipientsRefused as error:
            code, text = next(iter(error.recipients.values()))
            response = f"{code} {_text(text)}"
            if 500 <= code < 600:
                return "permanent-failure", response
        except (OSError, smtplib.SMTPException) as error:  # refused, reset, timed out
            response = f"connection failed: {error}"
    return "failed", response


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _deliver(settings: SmtpSettings, message: EmailMessage, address: str) -> tuple[int, str]:
    context = ssl.create_default_context(cafile=settings.cafile)
    if settings.security == "ssl":
        connection = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout,
                                      context=context)
    else:
        connection = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    with connection as smtp:
        smtp.ehlo()
        if settings.security == "starttls":
            smtp.starttls(context=context)
            smtp.ehlo()
        if settings.user:
            smtp.login(settings.user, settings.password or "")
        code, text = smtp.mail(settings.sender)
        if code != 250:
            raise smtplib.SMTPSenderRefused(code, text, settings.sender)
        code, text = smtp.rcpt(address)
        if code not in (250, 251):
            raise smtplib.SMTPRecipientsRefused({address: (code, text)})
        # smtplib sends bytes as they are: the message must already use CRLF line ends.
        code, text = smtp.data(message.as_bytes(policy=email.policy.SMTP))
        if code != 250:
            raise smtplib.SMTPDataError(code, text)
        return code, _text(text)


def distribute(project: Project, note_ids: tuple[str, ...], settings: SmtpSettings,
               today: dt.date, dry_run: bool = False, retry_delays=DEFAULT_RETRY_DELAYS,
               log: Callable[[str], None] = print) -> DistributionResult:
    """Plan every note first (refusing before anything is sent), then deliver."""
    from .api import check

    report = check(project)
    result = DistributionResult()
    result.plans = [plan_note(project, note_id, today, report) for note_id in note_ids]
    if dry_run:
        return result
    ledger = Ledger(project.build_dir / "distribution.sqlite")
    try:
        for plan in result.plans:
            _deliver_plan(project, plan, settings, today, ledger, result, retry_delays, log,
                          report.house.fonts.get("zh", []))
    finally:
        ledger.close()
    return result


def _deliver_plan(project, plan: NotePlan, settings, today, ledger: Ledger,
                  result: DistributionResult, retry_delays, log, fonts) -> None:
    pending = []
    for recipient in plan.recipients:
        delivery = ledger.reserve(plan.note_id, plan.build_sha256, recipient.client_id,
                                  recipient.client_name, recipient.address, secrets.token_hex(16))
        if delivery.status in ("sent", "permanent-failure"):
            result.skipped.append(delivery)
        else:
            pending.append(delivery)
    date_text = today.isoformat()
    for start in range(0, len(pending), 200):  # stamp in batches: bounded memory
        batch = pending[start:start + 200]
        stamps = [(f"Prepared for {d.client_name} · {date_text} · ref {d.watermark_id[:12]}",
                   d.watermark_id) for d in batch]
        for delivery, copy in zip(batch, stamp_copies(plan.pdf_bytes, stamps, fonts),
                                  strict=True):
            message = build_message(settings, plan, delivery, copy)
            status, response = send(settings, message, delivery.address, retry_delays)
            ledger.update(delivery.id, status, response, hashlib.sha256(copy).hexdigest())
            delivery.status, delivery.smtp_response = status, response
            (result.sent if status == "sent" else result.failed).append(delivery)
            log(f"{status}: {plan.note_id} → {delivery.client_name} <{delivery.address}>: "
                f"{response}")


@dataclass
class Verification:
    """What `verify` found out about a PDF."""

    kind: str  # client-copy | base-build | unknown
    intact: bool
    message: str


def verify_pdf(project: Project, pdf_bytes: bytes) -> Verification:
    """Which note, build and client a PDF came from, and whether it was altered."""
    import io
    import json

    import pikepdf

    digest = hashlib.sha256(pdf_bytes).hexdigest()
    watermark = None
    try:
        with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
            watermark = str(pdf.docinfo.get("/SectornotesWatermark", "")) or None
            if watermark is None and "/ID" in pdf.trailer:
                watermark = bytes(pdf.trailer.ID[0]).decode("ascii", "replace")
    except pikepdf.PdfError:
        return Verification("unknown", False, "not a readable PDF")
    ledger_path = project.build_dir / "distribution.sqlite"
    if watermark and ledger_path.is_file():
        ledger = Ledger(ledger_path)
        try:
            delivery = ledger.by_watermark(watermark)
        finally:
            ledger.close()
        if delivery is not None:
            intact = delivery.copy_sha256 == digest
            state = "intact" if intact else "ALTERED since it was sent (hash differs)"
            return Verification("client-copy", intact, (
                f"client copy of note {delivery.note} (build {delivery.build_sha256[:12]}) "
                f"for {delivery.client_name} <{delivery.address}> [{delivery.client_id}], "
                f"{delivery.status} {delivery.updated_at}, watermark {watermark}: {state}"))
    manifest_path = project.build_dir / "manifest.json"
    if manifest_path.is_file():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        for output, entry in manifest["outputs"].items():
            if entry["sha256"] == digest:
                return Verification("base-build", True, (
                    f"the base build build/{output} (sectornotes {manifest['version']}), "
                    "not a client copy: intact"))
            # A client copy is its base build, byte for byte, plus an appended update.
            size = entry["size"]
            if len(pdf_bytes) > size and hashlib.sha256(pdf_bytes[:size]).hexdigest() == \
                    entry["sha256"] and output.startswith("pdf/"):
                return Verification("unknown", False, (
                    f"a copy derived from build/{output}, watermark {watermark}, but not "
                    "recorded in this project's ledger"))
    if watermark and len(watermark) == 32:
        return Verification("unknown", False, (
            f"watermark {watermark} is not in this project's ledger"))
    return Verification("unknown", False, "not a copy or build recorded by this project")
