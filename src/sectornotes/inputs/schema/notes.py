"""notes/<note-id>.yaml: a sector note, its sections and the subjects it rates."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from .common import ISIN, TICKER, KebabId, LanguageCode, Regime, SingleLine, Strict, Text


class Section(Strict):
    """A section of a note: a heading, Markdown prose and embedded figures."""

    heading: Text = Field(description="Section heading.")
    body: Text = Field(description="Markdown; cite with [@claim-id], interpolate with {claim-id}.")
    figures: list[KebabId] = Field(default_factory=list, description="Figures shown after the prose.")


class TargetPrice(Strict):
    """A price target."""

    value: float = Field(gt=0, description="The target price.")
    currency: str = Field(pattern=r"^[A-Z]{3}$", description="ISO currency code, e.g. HKD.")


class Subject(Strict):
    """A company or sector a note rates."""

    id: str = Field(pattern=TICKER, description="The ticker (e.g. 0700.HK) or the sector id; "
                    "a company's is its RIC in RIXML.")
    kind: Literal["company", "sector"] = Field(description="company | sector.")
    isin: str | None = Field(None, pattern=ISIN, description="A company's ISIN, e.g. "
                             "KYG875721634 (given to the research aggregators in RIXML).")
    bloomberg: SingleLine | None = Field(None, description="A company's Bloomberg ticker, "
                                         "e.g. '700 HK Equity'.")
    name: SingleLine = Field(description="Name as printed, e.g. 'Tencent' or 'Technology'.")
    name_zh: SingleLine | None = Field(None, description="Name in Chinese notes.")
    rating: KebabId = Field(description="Rating id from the company or sector scale.")
    target: TargetPrice | None = Field(None, description="Target price (companies).")
    series: KebabId | None = Field(None, description="Price or index series in seeds/ "
                                   "(seeds/<id>.csv) for the price and rating chart.")
    benchmark_series: KebabId | None = Field(
        None, description="Benchmark series drawn beside it, e.g. the CSI 300.")


    @field_validator("isin")
    @classmethod
    def _isin_check_digit(cls, isin: str | None) -> str | None:
        if isin is not None and not isin_check_digit_ok(isin):
            raise ValueError(f"ISIN {isin} has a wrong check digit (mistyped?)")
        return isin


def isin_check_digit_ok(isin: str) -> bool:
    """ISO 6166: letters as 10-35, then the Luhn sum of all the digits is a multiple of 10."""
    digits = "".join(str(int(character, 36)) for character in isin)
    total = 0
    for position, digit in enumerate(reversed(digits)):
        value = int(digit) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


class Note(Strict):
    """notes/<note-id>.yaml: a sector note."""

    # Single lines: titles go into mail subjects, PDF metadata and RIXML attributes.
    title: SingleLine = Field(description="Note title.")
    subtitle: SingleLine | None = Field(None, description="Subtitle under the title.")
    sector: KebabId = Field(description="Sector id, also used for client entitlements.")
    sector_label: SingleLine | None = Field(
        None, description="Sector name as printed, e.g. 'Media' or '传媒'.")
    language: LanguageCode = Field(description="Language of the note: en, zh or a plugin's.")
    date: dt.date = Field(strict=False, description="Publication date (YYYY-MM-DD).")
    status: Literal["draft", "approved"] = Field(description="draft | approved.")
    approved_by: KebabId | None = Field(None, description="Analyst id who approved the note.")
    approved_at: dt.datetime | None = Field(None, strict=False, description="When it was approved.")
    release: dt.datetime | None = Field(
        None, strict=False, description="Embargo: not distributed before this date-time, written "
        "with its UTC offset, e.g. 2025-03-05T09:00:00+08:00.")
    rating_scale: Literal["sector", "company"] = Field("sector", description="Which scale the rating uses.")
    rating: KebabId = Field(description="Rating id from house.yaml.")
    previous_rating: KebabId | None = Field(None, description="Previous rating id, if any.")
    analysts: list[KebabId] = Field(min_length=1, description="Analyst ids from house.yaml.")
    key_points: list[Text] = Field(default_factory=list, description="Cover bullet points (Markdown).")
    sections: list[Section] = Field(min_length=1, description="The body of the note.")
    risks: list[Text] = Field(default_factory=list, description="Risk warnings (Markdown).")
    related: list[KebabId] = Field(default_factory=list, description="Ids of related notes.")
    historical: list[KebabId] = Field(
        default_factory=list, description="Superseded claims this note cites on purpose, as "
        "history (e.g. last year's forecast beside this year's).")
    keywords: list[Text] = Field(default_factory=list, description="PDF keywords.")
    completed: dt.datetime | None = Field(
        None, strict=False, description="When the note was completed, with its UTC offset, "
        "e.g. 2025-06-05T07:30:00+08:00 (MAR, CSRC).")
    regimes: list[Regime] | None = Field(
        None, description="Regimes this note is published under, instead of house.yaml's.")
    subjects: list[Subject] = Field(
        default_factory=list, description="What the note rates: companies (with ticker, rating "
        "and target) or the sector; by default the note's sector and rating.")
    update_frequency: str | None = Field(
        None, description="How often the note's view is planned to be updated (MAR), e.g. "
        "'Quarterly, and on material news'.")
    valuation: str | None = Field(
        None, description="Markdown: the basis of valuation or method behind the rating and "
        "any target (MAR; FINRA when a target is given).")
    sensitivity: str | None = Field(
        None, description="Markdown: how the target or view changes with the key assumptions "
        "(MAR, when a target is given).")

    @field_validator("release", "completed")
    @classmethod
    def _has_offset(cls, moment: dt.datetime | None,
                    info: ValidationInfo) -> dt.datetime | None:
        if moment is not None and moment.tzinfo is None:
            what = "release" if info.field_name == "release" else "completion"
            raise ValueError(f"write the {what} time with its UTC offset, e.g. "
                             f"{moment.isoformat()}+08:00, so it means one moment everywhere")
        return moment

    @model_validator(mode="after")
    def _approval(self) -> Note:
        if self.status == "approved" and (self.approved_by is None or self.approved_at is None):
            raise ValueError("an approved note needs 'approved_by' and 'approved_at'")
        return self
