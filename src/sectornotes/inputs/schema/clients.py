"""clients.yaml: the distribution list and what each client may receive."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field

from .common import EMAIL, KebabId, LanguageCode, SingleLine, Strict


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


class Clients(Strict):
    """clients.yaml: the distribution list."""

    clients: list[Client] = Field(description="Clients, each with entitlements.")
