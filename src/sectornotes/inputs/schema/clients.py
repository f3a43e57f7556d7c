"""clients.yaml: the distribution list and what each client may receive."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator, Field

from ..urls import MAX_URL_LENGTH, url_problem
from .common import EMAIL, KebabId, LanguageCode, SingleLine, Strict

WATERMARK_FIELD = "{watermark}"


class Entitlement(Strict):
    """What a client may receive."""

    sectors: list[KebabId] = Field(default_factory=list, description="Sector ids the client buys.")
    notes: list[KebabId] = Field(default_factory=list, description="Individual note ids.")
    expires: dt.date | None = Field(None, strict=False, description="Last day of entitlement.")


class Client(Strict):
    """A client on the distribution list."""

    id: KebabId = Field(description="Stable id used in the delivery records.")
    name: SingleLine = Field(description="Name printed on the client's copy and in the email's "
                                         "To: header (one line).")
    emails: list[Annotated[str, Field(pattern=EMAIL)]] = Field(
        min_length=1, description="Delivery addresses.")
    language: LanguageCode = Field("en", description="Preferred language of notes: en, zh or a "
                                 "plugin's.")
    entitlements: Entitlement = Field(description="Sectors and notes the client may receive.")


def _one_click_url(text: str) -> str:
    """The one URL policy (urls.py), and what a one-click unsubscribe needs (RFC 8058)."""
    problem = url_problem(text.replace(WATERMARK_FIELD, "0" * 32))
    if problem is None and not text.lower().startswith("https://"):
        problem = "a one-click unsubscribe address must be https (RFC 8058)"
    if problem is None and WATERMARK_FIELD not in text:
        problem = (f"the address has no '{WATERMARK_FIELD}': the one-click request carries "
                   "nothing else that says who unsubscribes")
    if problem is None and any(char in text for char in ",<>"):
        problem = "the address contains ',', '<' or '>'; percent-encode them (RFC 2369)"
    if problem is not None:
        raise ValueError(problem)
    return text


OneClickUrl = Annotated[str, AfterValidator(_one_click_url), Field(json_schema_extra={
    "format": "uri", "pattern": "^[Hh][Tt][Tt][Pp][Ss]://[^\\s/@]+.*\\{watermark\\}",
    "maxLength": MAX_URL_LENGTH})]


class Unsubscribe(Strict):
    """How a client asks to stop receiving notes (the email's List-Unsubscribe)."""

    address: Annotated[str, Field(pattern=EMAIL)] | None = Field(
        None, description="Address unsubscribe requests are mailed to (default: the sender).")
    url: OneClickUrl | None = Field(
        None, description="https address that unsubscribes with one click (RFC 8058); "
        "'{watermark}' is replaced by the copy's watermark id, which names the client in "
        "the delivery records.")


class Clients(Strict):
    """clients.yaml: the distribution list."""

    clients: list[Client] = Field(description="Clients, each with entitlements.")
    unsubscribe: Unsubscribe | None = Field(
        None, description="Where unsubscribe requests go (default: a mail to the sender).")
