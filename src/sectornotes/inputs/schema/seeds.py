"""seeds/<source-id>.yaml: a source's metadata and the claims drawn from it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Literal

from pydantic import Field, PrivateAttr, field_validator, model_validator

from ..lexicon import QUALIFIER_NAMES
from .common import PERIOD, KebabId, LanguageCode, SingleLine, Strict, Text, Unit, WebUrl


class Derived(Strict):
    """How a data point is computed from others."""

    formula: Text = Field(description="Arithmetic over the inputs' names: + - * / and "
                                      "parentheses, e.g. 'meta / big4 * 100'.")
    inputs: dict[str, str] = Field(
        min_length=1, description="Each name of the formula: 'claim-id' (its first data "
        "point), 'claim-id.metric' or 'claim-id.N'.")


class DataPoint(Strict):
    """One number stated by a claim."""

    metric: KebabId = Field(description="What is measured, kebab-case, e.g. 'capex', 'pe-ttm'.")
    entity: Text = Field(description="Who or what it is measured for, e.g. 'Meta'.")
    period: str = Field(pattern=PERIOD, description="When: YYYY, YYYY-Qn, YYYY-Hn, YYYY-MM(-DD), "
                        "fiscal FY2025 / FY2025-Q3 / FY2025-H1, or a span A/B.")
    unit: Unit = Field(description="Unit; decides how the number must be written in the quote.")
    value: float | None = Field(None, description="The number, as written in the quote.")
    cell: str | None = Field(None, pattern=r"^(?:[^!]{1,100}!)?\$?[A-Za-z]{1,3}\$?\d{1,7}$",
                             description="Spreadsheet sources: the cell holding the value, "
                             "'Sheet!D14' or 'D14' (first sheet).")
    row: str | None = Field(None, description="Spreadsheet sources: the label of the row "
                            "holding the value (with 'column').")
    column: str | None = Field(None, description="Spreadsheet sources: the header of the "
                               "column holding the value (with 'row'), e.g. FY2025E.")
    sheet: str | None = Field(None, description="Spreadsheet sources: the sheet of 'row' and "
                              "'column' (default: the first).")
    low: float | None = Field(None, description="Lower end of a range such as '$60-65 billion'.")
    high: float | None = Field(None, description="Upper end of a range.")
    qualifier: Literal[QUALIFIER_NAMES] | None = Field(  # type: ignore[valid-type]
        None, description="Required when the quote qualifies the number: over, under, nearly, "
        "about, up-to, at-least ('over $12.3 billion', '约 1000 倍', '20%以上').")
    at: str | None = Field(None, description="A phrase of the quote containing the number, "
                           "when the quote writes it more than once.")
    derived: Derived | None = Field(None, description="Computed from other data points "
                                    "instead of written in the quote; check recomputes it.")

    @field_validator("period", mode="before")
    @classmethod
    def _date_as_period(cls, period: object) -> object:
        # An unquoted 2025-01-22 reaches us as a date; it is a valid period.
        return period.isoformat() if isinstance(period, dt.date) else period

    @model_validator(mode="after")
    def _value_or_range(self) -> DataPoint:
        if self.value is None and (self.low is None or self.high is None):
            raise ValueError("give either 'value' or both 'low' and 'high'")
        if self.value is not None and (self.low is not None or self.high is not None):
            raise ValueError("give either 'value' or 'low'/'high', not both")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(f"'low' ({self.low:g}) is greater than 'high' ({self.high:g})")
        return self

    def numbers(self) -> list[tuple[str, float]]:
        """The (field, number) pairs this point states."""
        if self.value is not None:
            return [("value", self.value)]
        low, high = self.bounds()
        return [("low", low), ("high", high)]

    def bounds(self) -> tuple[float, float]:
        """(low, high) of a range; the validator guarantees both when there is no value."""
        if self.low is None or self.high is None:
            raise ValueError("not a range")
        return self.low, self.high

    def first_number(self) -> float:
        """The value, or the low end of a range."""
        return self.value if self.value is not None else self.bounds()[0]

    # Decimals the quote writes for each number, on the proven copy (`with_decimals`) only:
    # "74.0%" stays 74.0, and the declared point reads the same before and after a check.
    _decimals: dict[str, int] = PrivateAttr(default_factory=dict)

    def decimals(self, field: str = "value") -> int | None:
        """How many decimals the source writes for this number, once check has bound it."""
        return self._decimals.get(field)

    def with_decimals(self, decimals: Mapping[str, int]) -> DataPoint:
        """A copy that knows the precision the source writes (this point is left as it is)."""
        point = self.model_copy()  # its private attributes are a new dict: set them there
        point.__pydantic_private__["_decimals"] = {**self._decimals, **decimals}  # type: ignore[index]
        return point

    def stated(self) -> str:
        """The value as a short human string, e.g. '60–65 USD bn', '74.0 %'."""
        def shown(field: str, number: float) -> str:
            places = self.decimals(field)
            return f"{number:.{places}f}" if places is not None else f"{number:g}"

        if self.value is not None:
            amount = shown("value", self.value)
        else:
            low, high = self.bounds()
            amount = f"{shown('low', low)}–{shown('high', high)}"
        return f"{amount} {self.unit}"


class ClaimSource(Strict):
    """Where a claim comes from."""

    quote: Text | None = Field(None, description="Verbatim passage from the source document "
                               "that states the claim (text, PDF and web sources; a "
                               "spreadsheet is cited by cell in each data point instead).")
    page: int | None = Field(None, ge=1, description="PDF sources: the page the quote is on "
                             "(optional; verified when given).")
    context: str | None = Field(
        None, description="A second verbatim passage (the heading or sentence naming the "
        "period, say), verified like the quote.")
    seed: KebabId | None = Field(
        None, description="Source id in seeds/ (defaults to the file the claim is in)."
    )

    @field_validator("seed", mode="before")
    @classmethod
    def _no_paths(cls, seed: object) -> object:
        if isinstance(seed, str) and ("/" in seed or "\\" in seed or ".." in seed):
            raise ValueError(
                f"'{seed}' is a path; 'seed' must be the id of a source in seeds/ "
                "(the file name without .txt)"
            )
        return seed


class Claim(Strict):
    """A fact, estimate, forecast or opinion, proven by a verbatim quote."""

    id: KebabId = Field(description="Stable id, kebab-case, unique in the project.")
    text: Text = Field(description="The claim in one sentence, in the analyst's words.")
    kind: Literal["fact", "estimate", "forecast", "opinion"] = Field(
        description="fact | estimate | forecast | opinion."
    )
    data: list[DataPoint] = Field(default_factory=list, description="Numbers the claim states.")
    source: ClaimSource = Field(default_factory=ClaimSource, description="The quote proving "
                                "the claim (a spreadsheet's claims cite cells instead).")
    tags: list[KebabId] = Field(default_factory=list, description="Sector and theme tags.")
    disagrees_with: list[KebabId] = Field(
        default_factory=list,
        description="Claims that state the same metric differently on purpose (e.g. two "
                    "sources' estimates); such a pair is not reported as a conflict.")
    superseded_by: KebabId | None = Field(
        None, description="A newer claim that replaces this one; citing this one is then an "
        "error unless the note lists it in 'historical'.")


class SourceMeta(Strict):
    """Metadata of a source document."""

    title: SingleLine = Field(description="The document's title.")
    publisher: Text = Field(description="The firm whose analysis it is.")
    date: dt.date = Field(strict=False, description="Publication date (YYYY-MM-DD), best known.")
    date_note: str | None = Field(None, description="How the date was established, if inferred.")
    language: LanguageCode = Field(description="Language of the text: en, zh or a plugin's.")
    kind: Literal["research-note", "news-digest", "company-filing", "web-page", "model",
                  "data"] = Field(description="research-note | news-digest | company-filing | "
                                  "web-page | model (an analyst's estimates) | data.")
    tier: Literal["company", "broker-research", "news-digest", "data-vendor", "house"] | None = \
        Field(None, description="What kind of source it is for readers: company (primary), "
              "broker-research, news-digest (secondary), data-vendor or house (the house's own "
              "model); defaults from kind.")

    def reader_tier(self) -> str:
        """The tier shown to readers: the declared one, else what `kind` implies."""
        return self.tier or {"news-digest": "news-digest", "web-page": "news-digest",
                             "company-filing": "company", "model": "house",
                             "data": "data-vendor"}.get(self.kind, "broker-research")
    digest_of: str | None = Field(None, description="For a news digest: whose report it summarises.")
    publisher_zh: str | None = Field(None, description="The publisher's name in Chinese, for "
                                     "Chinese notes (e.g. 中信证券).")
    digest_of_zh: str | None = Field(None, description="digest_of in Chinese.")
    url: WebUrl | None = Field(None, description="Where the document was published, if known "
                               "(an http or https address).")
    authors: list[Text] = Field(default_factory=list, description="Named authors.")
    as_of: dt.date | None = Field(None, strict=False, description="The date the source's figures "
                                  "are as of, when it states one (a period ending then, or its "
                                  "year, needs no other mention).")


class SeedFile(Strict):
    """seeds/<source-id>.yaml: a source's metadata and the claims drawn from it."""

    source: SourceMeta = Field(description="Metadata of the source document beside this file.")
    claims: list[Claim] = Field(default_factory=list, description="Claims drawn from the source.")
