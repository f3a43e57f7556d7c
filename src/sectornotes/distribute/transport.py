"""SMTP: settings from options or the environment, one connection for many messages.

Nothing about the relay comes from a project file. Before anything is sent,
`SmtpConnection.open` connects, says EHLO, negotiates TLS and logs in, so a
wrong host, port, certificate or password fails the run at once, naming
host:port and the cause.
"""

from __future__ import annotations

import math
import os
import re
import smtplib
import ssl
from dataclasses import dataclass
from email.utils import parseaddr

from ..errors import SectornotesError, UsageError
from ..inputs.mailsafe import header_problem

ENVIRONMENT = {
    "host": "SECTORNOTES_SMTP_HOST", "port": "SECTORNOTES_SMTP_PORT",
    "security": "SECTORNOTES_SMTP_SECURITY", "user": "SECTORNOTES_SMTP_USER",
    "password": "SECTORNOTES_SMTP_PASSWORD", "sender": "SECTORNOTES_SMTP_FROM",
    "cafile": "SECTORNOTES_SMTP_CAFILE", "timeout": "SECTORNOTES_SMTP_TIMEOUT",
}
SECURITY = ("none", "starttls", "ssl")
DEFAULT_TIMEOUT = 30.0
MAX_TIMEOUT = 3600.0  # an hour: beyond that a relay is not answering


class SmtpUnavailable(SectornotesError):
    """The relay cannot be reached or refuses this client; nothing was sent."""


@dataclass
class SmtpSettings:
    """Where and how to send; from options or SECTORNOTES_SMTP_* variables, never a file."""

    host: str | None = None
    port: int = 25
    security: str = "none"  # none | starttls | ssl
    user: str | None = None
    password: str | None = None
    sender: str | None = None
    timeout: float = DEFAULT_TIMEOUT  # seconds to wait for each reply of the relay
    cafile: str | None = None  # a private CA for the relay's certificate

    @classmethod
    def from_environment(cls, **overrides: str | int | None) -> SmtpSettings:
        """Options win over SECTORNOTES_SMTP_* variables; the password is environment only."""
        values: dict[str, object] = {key: os.environ[name] for key, name in ENVIRONMENT.items()
                                     if os.environ.get(name)}
        values.update({k: v for k, v in overrides.items() if v is not None})
        if "port" in values:
            try:
                values["port"] = int(str(values["port"]))
            except ValueError:
                raise UsageError(f"SMTP port '{values['port']}' is not a number "
                                 "(--smtp-port or SECTORNOTES_SMTP_PORT)") from None
        elif values.get("security") == "ssl":
            values["port"] = 465
        if "timeout" in values:
            values["timeout"] = parse_timeout(values["timeout"])
        return cls(**values)  # type: ignore[arg-type]  # keys are the fields above

    @property
    def address(self) -> str:
        """host:port, as messages name the relay."""
        return f"{self.host}:{self.port}"

    def require(self) -> None:
        """Refuse to send without a configured relay and sender (no silent localhost)."""
        missing = []
        if not self.host:
            missing.append("the SMTP server (--smtp-host or SECTORNOTES_SMTP_HOST)")
        if not self.sender:
            missing.append("the sender address (--smtp-from or SECTORNOTES_SMTP_FROM)")
        if self.security not in SECURITY:
            missing.append(f"a security mode of {', '.join(SECURITY)} (--smtp-security or "
                           "SECTORNOTES_SMTP_SECURITY)")
        if missing:
            raise UsageError("cannot send: set " + " and ".join(missing) +
                             "; port (--smtp-port, SECTORNOTES_SMTP_PORT), login "
                             "(--smtp-user, SECTORNOTES_SMTP_USER) and password "
                             "(SECTORNOTES_SMTP_PASSWORD) as your relay needs; "
                             "--dry-run shows the recipients without sending")
        _require_sender(self.sender or "")


def parse_timeout(value: object) -> float:
    """Seconds to wait for the relay: a number above 0, at most an hour."""
    try:
        seconds = float(str(value).strip())
    except ValueError:
        seconds = math.nan
    if not (0 < seconds <= MAX_TIMEOUT):  # also refuses nan and inf
        raise UsageError(f"SMTP timeout '{value}' is not a number of seconds between 0 and "
                         f"{MAX_TIMEOUT:g} (--smtp-timeout or SECTORNOTES_SMTP_TIMEOUT)")
    return seconds


def _require_sender(sender: str) -> None:
    """The sender is the From header and the envelope: one address, on one line."""
    problem = header_problem(sender)
    name, address = parseaddr(sender)
    if problem is None and not re.fullmatch(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+", address):
        problem = "is not an email address"
    if problem:
        raise UsageError(f"the sender address {sender!r} {problem} (--smtp-from or "
                         "SECTORNOTES_SMTP_FROM); write one address, e.g. "
                         "research@example.com, on one line")


@dataclass
class SendOutcome:
    """One attempt: `sent`, `temporary` (try again later), `permanent` or `unknown`.

    `unknown` means the whole message went to the relay and no reply came (the
    connection dropped or timed out after the end of DATA): the relay may have
    accepted it, so it must not be sent again without reconciliation.
    """

    status: str
    response: str


class SmtpConnection:
    """One session with the relay, reopened when it drops; used for every message of a run."""

    def __init__(self, settings: SmtpSettings):
        self.settings = settings
        self.smtp: smtplib.SMTP | None = None
        self.connections = 0  # how many sessions were opened (one, unless the relay dropped)

    def open(self) -> None:
        """Connect, EHLO, TLS and login; raise SmtpUnavailable naming host:port and the cause."""
        self.close()
        settings = self.settings
        try:
            context = ssl.create_default_context(cafile=settings.cafile)
            smtp: smtplib.SMTP
            if settings.security == "ssl":
                smtp = smtplib.SMTP_SSL(settings.host or "", settings.port,
                                        timeout=settings.timeout, context=context)
            else:
                smtp = smtplib.SMTP(settings.host or "", settings.port, timeout=settings.timeout)
            smtp.ehlo()
            if settings.security == "starttls":
                smtp.starttls(context=context)
                smtp.ehlo()
            if settings.user:
                smtp.login(settings.user, settings.password or "")
        except smtplib.SMTPAuthenticationError as error:
            raise SmtpUnavailable(f"{settings.address} refused the login of "
                                  f"'{settings.user}': {error.smtp_code} {_text(error.smtp_error)}"
                                  "; check SECTORNOTES_SMTP_USER and SECTORNOTES_SMTP_PASSWORD"
                                  ) from None
        except (OSError, smtplib.SMTPException) as error:
            raise SmtpUnavailable(f"cannot deliver through {settings.address} "
                                  f"({settings.security}): {_describe(error)}; nothing was sent"
                                  ) from None
        self.smtp = smtp
        self.connections += 1

    def close(self) -> None:
        """QUIT the session, if one is open; a session already gone is no error."""
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass  # already gone
            self.smtp = None

    def send(self, message: bytes, address: str) -> SendOutcome:
        """Deliver one message to one address over the open session (reopened if needed)."""
        try:
            if self.smtp is None:
                self.open()
            assert self.smtp is not None
            return self._transaction(self.smtp, message, address)
        except SmtpUnavailable as error:
            return SendOutcome("temporary", str(error))
        except _MaybeDelivered as error:
            self.close()
            return SendOutcome("unknown", f"no reply after the whole message was sent: "
                                          f"{error}")
        except smtplib.SMTPServerDisconnected as error:
            self.smtp = None
            return SendOutcome("temporary", f"connection lost: {error}")
        except OSError as error:
            self.close()
            return SendOutcome("temporary", f"connection failed: {_describe(error)}")

    def _transaction(self, smtp: smtplib.SMTP, message: bytes, address: str) -> SendOutcome:
        sender = self.settings.sender or ""
        try:
            code, text = smtp.mail(sender)
            if code != 250:
                return _refused(smtp, code, text)
            code, text = smtp.rcpt(address)
            if code not in (250, 251):
                return _refused(smtp, code, text)
            code, text = _data(smtp, message)
        except smtplib.SMTPResponseException as error:
            return _refused(smtp, error.smtp_code, error.smtp_error)
        if code != 250:
            return _refused(smtp, code, text)
        return SendOutcome("sent", f"{code} {_text(text)}")


class _MaybeDelivered(Exception):
    """The end of DATA was sent, but no reply came: the relay may have the message."""


def _data(smtp: smtplib.SMTP, message: bytes) -> tuple[int, bytes]:
    """DATA, the message and its end; a reply lost after the end is _MaybeDelivered.

    smtplib's own `data()` reports "sent, no reply" like "never sent", so a
    retry would deliver a second copy: here the two are told apart.
    """
    code, reply = smtp.docmd("DATA")
    if code != 354:
        return code, reply
    # The message already uses CRLF line ends; a line starting with '.' is doubled.
    payload = re.sub(rb"(?m)^\.", b"..", message)
    if not payload.endswith(b"\r\n"):
        payload += b"\r\n"
    smtp.send(payload + b".\r\n")  # a failure here: the end never went, nothing delivered
    try:
        return smtp.getreply()
    except (smtplib.SMTPServerDisconnected, OSError) as error:
        raise _MaybeDelivered(_describe(error)) from None


def _refused(smtp: smtplib.SMTP, code: int, text: bytes | str) -> SendOutcome:
    try:
        smtp.rset()  # a clean transaction for the next message
    except (OSError, smtplib.SMTPException):
        pass
    status = "permanent" if 500 <= code < 600 else "temporary"
    return SendOutcome(status, f"{code} {_text(text)}")


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _describe(error: BaseException) -> str:
    if isinstance(error, ConnectionRefusedError):
        return "connection refused (is the server running, and is this its port?)"
    if isinstance(error, ssl.SSLError):
        return f"TLS failed: {error.reason or error} (a private CA? --smtp-cafile)"
    if isinstance(error, TimeoutError):
        return "timed out"
    return str(error) or type(error).__name__
