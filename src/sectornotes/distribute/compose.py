"""The email each client receives: subject, a short text and HTML body, the PDF attached.

The body gives the title, the rating and the key points, and points to the
disclosures at the end of the PDF. Every word comes from i18n.py.
"""

from __future__ import annotations

import base64
import datetime as dt
import email.policy
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr
from html import escape
from typing import TYPE_CHECKING
from urllib.parse import quote

from ..inputs.schema.clients import WATERMARK_FIELD
from ..language.i18n import rating_label, text
from ..language.languages import language as spoken
from ..language.languages import localized
from .headers import subject_header

if TYPE_CHECKING:
    from ..loaded.project import LoadedProject
    from .records import Delivery


@dataclass
class Letter:
    """What every recipient of a note reads, before their own copy is attached."""

    subject: str
    text: str
    html: str


def compose_letter(model: LoadedProject, note_id: str) -> Letter:
    """Subject and bodies from the note's title, rating and key points."""
    from ..render.markdown import plain_text

    house = model.house
    assert house is not None  # a note that passes check has a house
    note = model.notes[note_id].spec
    language = note.language
    rating = rating_label(house, note.rating_scale, note.rating, language) or note.rating
    previous = rating_label(house, note.rating_scale, note.previous_rating, language)
    values = {"rating": rating, "previous-rating": previous or ""}
    points = [plain_text(p, model.registry, language, values) for p in note.key_points]
    rating_line = text(language, "email_rating", rating=rating) + (
        text(language, "email_previous", previous=previous) if previous else "")
    lines = [note.title, note.subtitle or "", rating_line, "",
             text(language, "email_key_points"), *[f"- {p}" for p in points], "",
             text(language, "email_disclosures"), text(language, "email_personal")]
    head = (f'<!DOCTYPE html><html lang="{escape(spoken(language).html_lang)}"><head>'
            f'<meta charset="utf-8"><title>{escape(note.title)}</title></head>')
    html = (f"{head}<body><h1>{escape(note.title)}</h1>"
            + (f"<p><em>{escape(note.subtitle)}</em></p>" if note.subtitle else "")
            + f"<p><strong>{escape(rating_line)}</strong></p>"
            + f"<p>{escape(text(language, 'email_key_points'))}</p><ul>"
            + "".join(f"<li>{escape(p)}</li>" for p in points) + "</ul>"
            + f"<p>{escape(text(language, 'email_disclosures'))}</p>"
            + f"<p>{escape(text(language, 'email_personal'))}</p></body></html>")
    return Letter(f"{note.title} — {rating}", "\n".join(line for line in lines), html)


@dataclass(frozen=True)
class MailingList:
    """The house's notes as a mailing list: its List-Id and where unsubscribing goes."""

    list_id: str  # '"Firm" <sector-notes.house.example>'
    unsubscribe_mailto: str
    unsubscribe_url: str | None = None  # https, with '{watermark}' (clients.yaml)

    def unsubscribe(self, watermark_id: str) -> str:
        """The List-Unsubscribe value: the mailto, then the one-click address (RFC 2369)."""
        targets = [self.unsubscribe_mailto]
        if self.unsubscribe_url:
            targets.append(self.unsubscribe_url.replace(WATERMARK_FIELD, watermark_id))
        return ", ".join(f"<{target}>" for target in targets)


def mailing_list(model: LoadedProject, sender: str) -> MailingList:
    """List headers from the house's firm, the sender's domain and clients.yaml."""
    address = parseaddr(sender)[1] or sender
    domain = sender_domain(sender)
    firm = model.house.firm.name if model.house is not None else None
    name = localized(firm, "en") if firm is not None else ""
    # The phrase is a quoted string, which may hold only printable ASCII (RFC 5322).
    phrase = (f'"{name}" ' if name and name.isascii() and name.isprintable()
              and not any(char in name for char in '"\\') else "")
    unsubscribe = model.clients.unsubscribe if model.clients is not None else None
    mailbox = (unsubscribe.address if unsubscribe and unsubscribe.address else address)
    # RFC 6068 qchar; ',' is escaped too, as it separates List-Unsubscribe's targets.
    mailto = quote(mailbox, safe="!$'()*+;:@")
    return MailingList(f"{phrase}<sector-notes.{domain}>",
                       f"mailto:{mailto}?subject=unsubscribe",
                       unsubscribe.url if unsubscribe else None)


def sender_domain(sender: str | None) -> str:
    """The domain of the sender's address, for ids the house owns (RFC 2919, 5322)."""
    domain = parseaddr(sender or "")[1].rpartition("@")[2].strip().lower()
    if domain and not domain.isascii():
        try:
            domain = domain.encode("idna").decode("ascii")
        except UnicodeError:
            domain = ""
    return domain if domain and all(c.isalnum() or c in "-." for c in domain) \
        else "sectornotes.invalid"


def message_id_for(watermark_id: str, note_id: str, sender: str | None) -> str:
    """A Message-ID fixed per delivery, so a retried message can be recognised downstream."""
    domain = (sender or "").rpartition("@")[2].strip("> ") or "sectornotes.invalid"
    return f"<{watermark_id}.{note_id}@{domain}>"


# Stands in for the PDF while the email package lays the message out: encoding a large
# attachment with it costs ~30 ms, base64 in C well under 1 ms. 57 bytes = one base64 line.
_PLACEHOLDER = b"sectornotes-attachment-placeholder-" + b"#" * 22
_PLACEHOLDER_LINE = base64.b64encode(_PLACEHOLDER)


def message_bytes(sender: str, letter: Letter, mailing: MailingList, delivery: Delivery,
                  note_id: str, copy: bytes, now: dt.datetime) -> bytes:
    """The email for one delivery, ready for SMTP DATA (CRLF line ends), PDF attached."""
    message = build_message(sender, letter, mailing, delivery, note_id, _PLACEHOLDER, now)
    layout = message.as_bytes(policy=email.policy.SMTP)
    if layout.count(_PLACEHOLDER_LINE) != 1:
        raise AssertionError("the attachment placeholder must occur once in the layout")
    flat = base64.b64encode(copy)
    encoded = b"\r\n".join(flat[i:i + 76] for i in range(0, len(flat), 76))  # MIME's line length
    return layout.replace(_PLACEHOLDER_LINE, encoded)


def build_message(sender: str, letter: Letter, mailing: MailingList, delivery: Delivery,
                  note_id: str, copy: bytes, now: dt.datetime) -> EmailMessage:
    """The email for one delivery, with its watermarked PDF attached."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = formataddr((delivery.client_name, delivery.address))
    message["Subject"] = subject_header(letter.subject)  # folded so it unfolds exactly
    message["Date"] = format_datetime(now)
    message["Message-ID"] = delivery.message_id
    message["X-Sectornotes-Watermark"] = delivery.watermark_id
    message["List-Id"] = mailing.list_id
    message["List-Unsubscribe"] = mailing.unsubscribe(delivery.watermark_id)
    if mailing.unsubscribe_url:  # one click only over https, never for the mailto (RFC 8058)
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(letter.text)
    message.add_alternative(letter.html, subtype="html")
    message.add_attachment(copy, maintype="application", subtype="pdf",
                           filename=f"{note_id}.pdf")
    return message
