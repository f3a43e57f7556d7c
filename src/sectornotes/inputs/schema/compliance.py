"""compliance.yaml: conflicts of interest per subject, with effective dates."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from .common import KebabId, Localized, Strict


class Disclosure(Strict):
    """The firm's relationship with a subject, from a date on."""

    effective: dt.date = Field(strict=False, description="First day these facts hold.")
    banking_past_12_months: bool = Field(description="Investment-banking compensation received "
                                         "from the subject in the past 12 months.")
    banking_next_3_months: bool = Field(description="Investment-banking compensation expected "
                                        "or sought in the next 3 months.")
    holdings_1pct: bool = Field(description="The firm beneficially owns 1% or more of a class "
                                "of the subject's equity.")
    market_making: bool = Field(description="The firm makes a market in the subject's shares.")
    analyst_holdings: list[KebabId] = Field(default_factory=list, description="Analysts (ids) "
                                            "who hold the subject's securities.")
    other: Localized | None = Field(None, description="Any other material conflict.")


class ComplianceSubject(Strict):
    """A subject's disclosures over time."""

    disclosures: list[Disclosure] = Field(min_length=1, description="Facts by effective date.")


class Compliance(Strict):
    """compliance.yaml: conflicts of interest per subject, with effective dates."""

    notice: Localized | None = Field(None, description="E.g. that the data are invented.")
    subjects: dict[str, ComplianceSubject] = Field(
        default_factory=dict, description="By subject id: a ticker or a sector id.")
