"""SMTP: settings from options or the environment, one connection for many messages.

Nothing about the relay comes from a project file. Before anything is sent,
`SmtpConnection.open` connects, says EHLO, negotiates TLS and logs in, so a
wrong host, port, certificate or password fails the run at once, naming
host:port and the cause.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from dataclasses import dataclass

from ..errors import SectornotesError, UsageError

ENVIRONMENT = {
    "host": "SECTORNOTES_SMTP_HOST", "port": "SECTORNOTES_SMTP_PORT",
    "security": "SECTORNOTES_SMTP_SECURITY", "user": "SECTORNOTES_SMTP_USER",
    "password": "SECTORNOTES_SMTP_PASSWORD", "sender": "SECTORNOTES_SMTP_FROM",
    "cafile": "SECTORNOTES_SMTP_CAFILE",
}
SECURITY = ("none", "starttls", "ssl")


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
    timeout: float = 30.0
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


@dataclass
class SendOutcome:
    """One attempt: `sent`, `temporary` (try again later) or `permanent`, with the reply."""

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
            # smtplib sends bytes as they are: the message already uses CRLF line ends.
            code, text = smtp.data(message)
        except smtplib.SMTPResponseException as error:
            return _refused(smtp, error.smtp_code, error.smtp_error)
        if code != 250:
            return _refused(smtp, code, text)
        return SendOutcome("sent", f"{code} {_text(text)}")


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
