"""The one declaration of every YAML file kind.

The same pydantic models validate project files (`check`) and produce the
JSON Schema editors use (`sectornotes schema`). Every field carries a
one-line description that shows in both.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails

from ..findings import Finding, did_you_mean
from .lexicon import FAMILIES, QUALIFIER_NAMES, UNIT_NAMES
from .urls import MAX_URL_LENGTH, url_problem
from .yamlfile import YamlDocument, date_problem

KEBAB = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
EMAIL = r"^[^@\s\x00-\x1f\x7f<>,;]+@[^@\s\x00-\x1f\x7f<>,;]+\.[^@\s\x00-\x1f\x7f<>,;]+$"
SINGLE_LINE = r"^[^\x00-\x1f\x7f]+$"  # no line breaks or control characters (mail headers)
_PERIOD_PART = r"(?:FY\d{4}(?:-(?:Q[1-4]|H[12]))?|\d{4}(?:-(?:Q[1-4]|H[12]|\d{2}(?:-\d{2})?))?)"
PERIOD = rf"^{_PERIOD_PART}(?:/{_PERIOD_PART})?$"
TICKER = r"^[A-Za-z0-9][A-Za-z0-9.\-]{0,39}$"

_PATTERN_HELP = {
    KEBAB: "kebab-case (lowercase letters, digits and single hyphens, e.g. 'big4-capex-2024')",
    EMAIL: "an email address",
    SINGLE_LINE: "one line of text, without line breaks or control characters",
    PERIOD: "a period: YYYY, YYYY-Qn, YYYY-Hn, YYYY-MM, YYYY-MM-DD, a fiscal FYYYYY, "
            "FYYYYY-Qn or FYYYYY-Hn, or a span A/B",
    TICKER: "a ticker or sector id (letters, digits, '.' and '-', e.g. 0700.HK)",
}

KebabId = Annotated[str, Field(pattern=KEBAB, min_length=1, max_length=80)]


def registered_names(builtins: tuple[str, ...]) -> WithJsonSchema:
    """The JSON Schema of an extension's name (a figure kind, a regime): the built-ins
    offered to editors, any kebab-case name accepted, since plugins register more. The
    model takes any name; `check` looks it up in its registry (with its place and a
    'did you mean')."""
    return WithJsonSchema({"anyOf": [{"enum": list(builtins)},
                                     {"type": "string", "pattern": KEBAB}]})
Text = Annotated[str, Field(min_length=1)]
SingleLine = Annotated[str, Field(min_length=1, pattern=SINGLE_LINE)]
Unit = Literal[UNIT_NAMES]  # type: ignore[valid-type]


def _checked_url(text: str) -> str:
    """The one URL policy (urls.py) applied where a user writes a link."""
    problem = url_problem(text)
    if problem is not None:
        raise ValueError(problem)
    return text


# Editors get the gist of the policy as a pattern; `check` applies all of it, with messages.
WebUrl = Annotated[str, AfterValidator(_checked_url), Field(json_schema_extra={
    "format": "uri", "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://[^\\s/@]+", "maxLength": MAX_URL_LENGTH})]


class Strict(BaseModel):
    """Base: unknown keys are errors and values are not silently coerced."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


# ---------------------------------------------------------------- seeds


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

    # Decimals the quote writes for each number (set when check binds it): "74.0%" stays 74.0.
    _decimals: dict[str, int] = PrivateAttr(default_factory=dict)

    def decimals(self, field: str = "value") -> int | None:
        """How many decimals the source writes for this number, once check has bound it."""
        return self._decimals.get(field)

    def record_decimals(self, field: str, decimals: int) -> None:
        """Remember the precision the quote writes (called by check)."""
        self._decimals[field] = decimals

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
    language: Literal["en", "zh"] = Field(description="Language of the text: en or zh.")
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

    def publisher_in(self, language: str) -> str:
        """The publisher as a note in `language` names it."""
        return (self.publisher_zh or self.publisher) if language == "zh" else self.publisher

    def digest_of_in(self, language: str) -> str | None:
        """Whose report a digest summarises, as a note in `language` names it."""
        return (self.digest_of_zh or self.digest_of) if language == "zh" else self.digest_of
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


# ---------------------------------------------------------------- house.yaml

# compliance/regime.py
Regime = Annotated[str, Field(min_length=1, max_length=80),
                   registered_names(("finra", "mar", "csrc"))]


class Localized(Strict):
    """A text in English and Chinese."""

    en: Text = Field(description="English text.")
    zh: Text = Field(description="Chinese text.")


class Analyst(Strict):
    """An analyst who may sign notes."""

    id: KebabId = Field(description="Id used by notes to name the analyst.")
    name: SingleLine = Field(description="Name in English.")
    name_zh: SingleLine | None = Field(None, description="Name in Chinese.")
    registration: SingleLine | None = Field(None, description="Regulatory registration number "
                                     "(CSRC: 执业证书编号).")
    email: SingleLine | None = Field(None, description="Contact address.")
    coverage: list[KebabId] = Field(default_factory=list, description="Sectors covered.")


class Rating(Strict):
    """One step of a rating scale, defined by relative return over the horizon."""

    id: KebabId = Field(description="Id notes use, e.g. 'buy', 'outperform'.")
    label: Localized = Field(description="Label shown on the cover.")
    definition: Localized | None = Field(
        None, description="Definition printed in the rating table; by default it is written "
        "from the bounds, the horizon and the scale's benchmark, so it cannot contradict them. "
        "A definition given here must state the same bounds and horizon.")
    min_relative_return: float | None = Field(None, description="Lower bound, % vs benchmark.")
    max_relative_return: float | None = Field(None, description="Upper bound, % vs benchmark.")


class ScaleBenchmarks(Strict):
    """The benchmark each rating scale is measured against."""

    company: Localized | None = Field(None, description="Benchmark of company ratings, e.g. "
                                      "'the main index of the stock's primary listing market'.")
    sector: Localized | None = Field(None, description="Benchmark of sector ratings, e.g. "
                                     "'the CSI 300 Index'.")


class RatingScale(Strict):
    """Company and sector rating scales."""

    horizon_months: int = Field(ge=1, le=36, description="The one horizon, in months, over "
                                "which every rating is measured.")
    benchmark: ScaleBenchmarks | None = Field(
        None, description="The named benchmark of each scale (FINRA and MAR require one).")
    benchmarks: Localized | None = Field(None, description="More about benchmarks per market, "
                                         "printed under the rating tables.")
    company: list[Rating] = Field(description="Company ratings, best first.")
    sector: list[Rating] = Field(description="Sector ratings, best first.")


class Licence(Strict):
    """The institution's securities licence (CSRC: 经营证券期货业务许可证)."""

    number: SingleLine = Field(description="Licence number as the regulator issued it.")
    statement: Localized = Field(description="The licence statement; '{number}' is replaced "
                                 "by the number.")


class Firm(Strict):
    """The research house publishing the notes."""

    name: Localized = Field(description="Firm name.")
    sample_notice: Localized | None = Field(None, description="Statement that the house is "
                                            "fictional (sample projects only).")
    regulatory_statement: Localized | None = Field(None, description="Other regulatory "
                                                   "statements.")
    licence: Licence | None = Field(None, description="Securities licence (required by CSRC).")
    competent_authority: Localized | None = Field(
        None, description="The regulator supervising the producer (required by MAR), e.g. "
        "'Authorised and regulated by the Financial Conduct Authority'.")
    address: str | None = Field(None, description="Postal address.")
    website: WebUrl | None = Field(None, description="Web address (http or https).")


class MetricSpec(Strict):
    """A metric of the project's vocabulary, beyond the built-in ones."""

    description: Text = Field(description="What the metric measures, in a few words.")
    families: list[Literal[FAMILIES]] = Field(  # type: ignore[valid-type]
        default_factory=list, description="Families whose words the quote uses for it: yoy, qoq, "
        "margin, share, pe, rank (none for a plain level or count).")
    money: bool = Field(False, description="An amount of money: its unit must name a currency.")


class ChartType(Strict):
    """The type scale of charts, in points."""

    base_size: float = Field(9.0, description="Axis labels and ticks.")
    label_size: float = Field(7.5, description="Value labels on bars and points, legends.")


class House(Strict):
    """house.yaml: firm, analysts, disclaimers, rating scale, fonts and palette."""

    firm: Firm = Field(description="The publishing firm.")
    analysts: list[Analyst] = Field(description="Analysts who may sign notes.")
    regimes: list[Regime] = Field(default_factory=list, description="The regimes notes are "
                                  "published under: finra, mar, csrc (a note may override).")
    disclaimer: Localized = Field(description="Legal disclaimer printed in every note.")
    recipient_notice: Localized | None = Field(
        None, description="That receiving a note does not make the recipient a client "
        "(required by CSRC).")
    certification: Localized | None = Field(
        None, description="Analyst certification (Reg AC; 分析师声明).")
    risk_statement: Localized | None = Field(None, description="General risk statement.")
    ratings: RatingScale = Field(description="Rating scale definitions.")
    fonts: dict[str, list[str]] = Field(default_factory=dict, description="Font stacks per language.")
    palette: list[str] = Field(default_factory=list, description="Chart colours, hex.")
    chart_type: ChartType = Field(default_factory=ChartType, description="Chart type scale.")
    logo: str | None = Field(None, description="Path of a logo image inside the project.")
    metrics: dict[KebabId, MetricSpec] = Field(
        default_factory=dict, description="The project's own metrics (beyond the built-in "
        "vocabulary), each with what it measures and the families of words that state it.")
    fiscal_year_ends: dict[str, Annotated[str, Field(pattern=r"^(0[1-9]|1[0-2])-[0-3]\d$")]] = Field(
        default_factory=dict, description="When an entity's fiscal year ends (MM-DD), for its "
        "FY periods: 'Microsoft: 06-30' makes FY2025 July 2024 to June 2025.")
    freshness_days: int = Field(
        90, ge=1, description="How old (in days before the note) a fact's source may be before "
        "the note must say 'as of' when it cites it.")
    entities: dict[str, list[str]] = Field(
        default_factory=dict, description="Other names of an entity as sources write them "
        "(e.g. 'Hang Seng Tech Index': ['Hang Seng Technology Index', '恒生科技指数']), used to "
        "find which number of a list is the entity's.")


# ---------------------------------------------------------------- figures

CLAIM_KINDS = ("bar", "grouped-bar", "hbar", "stacked-bar", "line", "range-bar", "table")
# model/figurekinds.py
ChartKind = Annotated[str, Field(min_length=1, max_length=80),
                      registered_names((*CLAIM_KINDS, "performance", "coverage"))]
Column = Literal["entity", "period", "metric", "claim_id"]


class FigureQuery(Strict):
    """Select data points by what they measure instead of listing claims."""

    metric: list[KebabId] = Field(default_factory=list, description="Metrics to include.")
    entity: list[Text] = Field(default_factory=list, description="Entities to include.")
    period: list[str] = Field(default_factory=list, description="Periods to include.")
    tags: list[KebabId] = Field(default_factory=list, description="Claims must have all these tags.")
    source: list[KebabId] = Field(default_factory=list, description="Only claims from these sources.")


class SortStep(Strict):
    """Order rows."""

    by: Literal["value", "entity", "period", "metric", "claim_id"] = Field(description="Column.")
    descending: bool = Field(False, description="Largest first.")


class GrowthStep(Strict):
    """Per-entity change against the previous period, in % (adds rows of unit %)."""

    over: Literal["period"] = Field("period", description="Ordered column to compare along.")


class ShareStep(Strict):
    """Each value as a % of the total within a group."""

    within: Literal["period", "metric", "entity"] = Field("period", description="Grouping column.")


class TransformStep(Strict):
    """One step of the pandas pipeline; exactly one key per step."""

    filter: dict[str, list[str | float]] | None = Field(
        None, description="Keep rows whose column value is listed, e.g. {metric: [capex]}.")
    convert: Unit | None = Field(None, description="Convert every value to this unit.")
    sort: SortStep | None = Field(None, description="Order rows.")
    growth: GrowthStep | None = Field(None, description="Compute growth along periods.")
    share: ShareStep | None = Field(None, description="Compute shares of a total.")
    relabel: dict[str, dict[str, str]] | None = Field(
        None, description="Display names per column, e.g. {entity: {Big-4 US CSPs: Big-4}}.")

    @model_validator(mode="after")
    def _exactly_one(self) -> TransformStep:
        chosen = [name for name in type(self).model_fields if getattr(self, name) is not None]
        if len(chosen) != 1:
            raise ValueError("each transform step has exactly one of: "
                             + ", ".join(type(self).model_fields))
        return self


class FigureEvent(Strict):
    """A dated event marked on a performance chart."""

    date: dt.date = Field(strict=False, description="When it happened.")
    label: Text = Field(description="A few words shown at the mark.")
    claim: KebabId | None = Field(None, description="The claim that says it happened (it gets "
                                  "an endnote, like every number shown).")


class CoverageRow(Strict):
    """One covered company of a coverage table: every number is a claim or a series point."""

    company: Text = Field(description="Name as printed.")
    ticker: str = Field(pattern=TICKER, description="Ticker.")
    rating: KebabId = Field(description="Company rating id from house.yaml.")
    target: KebabId | None = Field(None, description="Claim stating the target price.")
    price: KebabId | None = Field(None, description="Claim stating the price (e.g. a model "
                                  "cell), or use price_series and price_date.")
    price_series: KebabId | None = Field(None, description="Price series in seeds/.")
    price_date: dt.date | None = Field(None, strict=False, description="Date of the price read "
                                       "from price_series.")
    eps: list[KebabId] = Field(default_factory=list, max_length=2, description="Claims stating "
                               "EPS for the next two fiscal years (FY1, FY2).")


class Figure(Strict):
    """figures/<figure-id>.yaml: a chart or table built from claims or series."""

    title: SingleLine = Field(description="Figure title, shown above the chart.")
    language: Literal["en", "zh"] = Field("en", description="Language of labels and source line.")
    kind: ChartKind = Field(description="bar | grouped-bar | hbar | stacked-bar | line | range-bar | table.")
    claims: list[KebabId] = Field(default_factory=list, description="Claims whose data to plot.")
    query: FigureQuery | None = Field(None, description="Or: select data points by metric/entity/tag.")
    transform: list[TransformStep] = Field(default_factory=list, description="Shaping steps in order.")
    x: Column = Field("entity", description="Column along the category axis.")
    series: Column | None = Field(None, description="Column that splits bars or lines into series.")
    unit: Unit | None = Field(None, description="Display unit; values are converted to it.")
    y_label: str | None = Field(None, description="Value-axis label (default: the unit).")
    labels: dict[str, str] = Field(default_factory=dict, description="Display names for categories.")
    caption: str | None = Field(None, description="Caption text; the source line is added for you.")
    notes: str | None = Field(None, description="Notes printed under the figure.")
    python: str | None = Field(None, description="'file.py:function' in figures/ for custom shapes.")
    allow_mixed: str | None = Field(
        None, description="Why one series may mix period lengths or metrics (e.g. quarters "
        "beside a full-year forecast); the caption states it.")
    plot: list[KebabId] = Field(default_factory=list, description="kind performance: series "
                                "ids in seeds/, the subject first, then its benchmarks.")
    start: dt.date | None = Field(None, strict=False, description="kind performance: first "
                                  "date (default: one year before the end).")
    end: dt.date | None = Field(None, strict=False, description="kind performance: last date "
                                "(default: the last common date).")
    events: list[FigureEvent] = Field(default_factory=list, description="kind performance: "
                                      "dated events to mark, each with its claim.")
    ratings_of: str | None = Field(None, description="kind performance: a subject id (sector or "
                                   "ticker) whose rating changes in the project's notes are "
                                   "marked.")
    rows: list[CoverageRow] = Field(default_factory=list, description="kind coverage: one row "
                                    "per covered company.")

    @model_validator(mode="after")
    def _has_data(self) -> Figure:
        if self.kind == "performance":
            if not self.plot:
                raise ValueError("a performance chart names its series in 'plot'")
            return self
        if self.kind == "coverage":
            if not self.rows:
                raise ValueError("a coverage table lists its companies in 'rows'")
            return self
        if self.kind in CLAIM_KINDS and not self.claims and self.query is None and \
                self.python is None:
            raise ValueError("give 'claims', a 'query' or a 'python' function")
        return self


# ---------------------------------------------------------------- notes


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

    id: str = Field(pattern=TICKER, description="The ticker (e.g. 0700.HK) or the sector id.")
    kind: Literal["company", "sector"] = Field(description="company | sector.")
    name: SingleLine = Field(description="Name as printed, e.g. 'Tencent' or 'Technology'.")
    name_zh: SingleLine | None = Field(None, description="Name in Chinese notes.")
    rating: KebabId = Field(description="Rating id from the company or sector scale.")
    target: TargetPrice | None = Field(None, description="Target price (companies).")
    series: KebabId | None = Field(None, description="Price or index series in seeds/ "
                                   "(seeds/<id>.csv) for the price and rating chart.")
    benchmark_series: KebabId | None = Field(
        None, description="Benchmark series drawn beside it, e.g. the CSI 300.")


class Note(Strict):
    """notes/<note-id>.yaml: a sector note."""

    # Single lines: titles go into mail subjects, PDF metadata and RIXML attributes.
    title: SingleLine = Field(description="Note title.")
    subtitle: SingleLine | None = Field(None, description="Subtitle under the title.")
    sector: KebabId = Field(description="Sector id, also used for client entitlements.")
    sector_label: SingleLine | None = Field(
        None, description="Sector name as printed, e.g. 'Media' or '传媒'.")
    language: Literal["en", "zh"] = Field(description="Language of the note: en or zh.")
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


# ---------------------------------------------------------------- compliance.yaml


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


# ---------------------------------------------------------------- series


class SeriesMeta(Strict):
    """seeds/<id>.yaml beside seeds/<id>.csv: what a price or index series is."""

    instrument: Text = Field(description="What is priced, e.g. 'CSI 300 Index'.")
    instrument_zh: str | None = Field(None, description="Its name in Chinese.")
    currency: str | None = Field(None, pattern=r"^[A-Z]{3}$", description="ISO currency, if a "
                                 "price (an index has none).")
    provider: Text = Field(description="Who supplied the data.")
    as_of: dt.date = Field(strict=False, description="Date of the last value.")
    illustrative: bool = Field(False, description="The data are invented for a sample.")


class SeriesFile(Strict):
    """seeds/<id>.yaml of a series: its metadata."""

    series: SeriesMeta = Field(description="Metadata of the series in seeds/<id>.csv.")


# ---------------------------------------------------------------- clients.yaml

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
    language: Literal["en", "zh"] = Field("en", description="Preferred language of notes.")
    entitlements: Entitlement = Field(description="Sectors and notes the client may receive.")


class Clients(Strict):
    """clients.yaml: the distribution list."""

    clients: list[Client] = Field(description="Clients, each with entitlements.")


FILE_KINDS: dict[str, type[Strict]] = {
    "seed": SeedFile, "series": SeriesFile, "figure": Figure, "note": Note, "house": House,
    "clients": Clients, "compliance": Compliance,
}

SCHEMA_GLOBS = {
    # A series' seeds/<id>.yaml shares the seeds' glob; editors apply the seed schema to it.
    "seed": ["seeds/*.yaml"], "series": [], "figure": ["figures/*.yaml"],
    "note": ["notes/*.yaml"], "house": ["house.yaml"], "clients": ["clients.yaml"],
    "compliance": ["compliance.yaml"],
}


# ---------------------------------------------------------------- validation


StrictModel = TypeVar("StrictModel", bound="Strict")


def validate(model: type[StrictModel], document: YamlDocument
             ) -> tuple[StrictModel | None, list[Finding]]:
    """Validate a parsed YAML document; return the model or positioned findings."""
    own = list(document.problems.values())
    try:
        spec = model.model_validate(document.data)
    except ValidationError as exc:
        found = [_finding(model, document, error) for error in exc.errors()
                 if not _under_problem(document, error["loc"])]
        return None, own + found
    return (None, own) if own else (spec, [])


def _under_problem(document: YamlDocument, location: tuple) -> bool:
    """The error is about a value already reported as impossible (one finding per cause)."""
    path = tuple(part for part in location if not _is_union_branch(part))
    return any(path[:len(key)] == key for key in document.problems)


def _visible(text: str) -> str:
    """Control characters written as escapes, so a message never breaks a terminal line."""
    return "".join(repr(c)[1:-1] if ord(c) < 32 or ord(c) == 127 else c for c in text)


def _finding(model: type[Strict], document: YamlDocument, error: ErrorDetails) -> Finding:
    location = tuple(part for part in error["loc"] if not _is_union_branch(part))
    where = _dotted(location)
    kind = error["type"]
    if kind == "extra_forbidden":
        known = _fields_at(model, location[:-1])
        hint = did_you_mean(str(location[-1]), known)
        listing = "" if hint else f"; known keys: {', '.join(sorted(known))}"
        return document.finding(location, f"{_dotted(location[:-1]) or 'top level'}: "
                                f"unknown key '{location[-1]}'{hint}{listing}", of_key=True)
    if kind == "missing":
        parent = _dotted(location[:-1])
        return document.finding(location[:-1], f"{parent or 'top level'}: missing required key "
                                f"'{location[-1]}'")
    if kind == "string_pattern_mismatch":
        pattern = error["ctx"]["pattern"]
        message = (f"{where}: '{_visible(str(error['input']))}' is not "
                   f"{_PATTERN_HELP.get(pattern, pattern)}")
        return document.finding(location, message)
    if kind == "literal_error":
        choices = re.findall(r"'([^']*)'", error["ctx"]["expected"])
        hint = did_you_mean(error["input"], choices)
        return document.finding(location, f"{where}: '{error['input']}' is not one of "
                                f"{', '.join(choices)}{hint}")
    message = _own_message(error) or error["msg"].removeprefix("Value error, ")
    written = re.fullmatch(r"\s*([+\-−]?\d[\d,]*(?:\.\d+)?)\s*(.*?)\s*", str(error["input"]))
    if location and location[-1] in ("value", "low", "high") and isinstance(
            error["input"], str) and written:
        number, unit = written.group(1).replace(",", "").replace("−", "-"), written.group(2)
        hint = f" and its unit in 'unit:' (\"{unit}\")" if unit else ""
        return document.finding(location, f"{where}: write the number alone, {number}{hint}: "
                                f"'{error['input']}' is text, not a number")
    if (kind.endswith("_type") or kind.endswith("_parsing")) and not kind.startswith("date"):
        message += f", got {type(error['input']).__name__} {error['input']!r}"[:120]
    return document.finding(location, f"{where}: {message}" if where else message)


_BOUNDS = {"greater_than_equal": ("ge", "at least"), "greater_than": ("gt", "more than"),
           "less_than_equal": ("le", "at most"), "less_than": ("lt", "less than")}
_TYPES = {"int_type": "a whole number", "int_parsing": "a whole number",
          "int_from_float": "a whole number", "float_type": "a number",
          "float_parsing": "a number", "string_type": "text", "bool_type": "true or false",
          "bool_parsing": "true or false", "list_type": "a list", "dict_type": "a mapping",
          "model_type": "a mapping (key: value)", "date_type": "a date (YYYY-MM-DD)",
          "datetime_type": "a date and time (YYYY-MM-DDTHH:MM+08:00)"}


def _own_message(error: ErrorDetails) -> str | None:
    """The project's own words for the common value errors (never a library's wording)."""
    kind, value = error["type"], error["input"]
    if kind in _BOUNDS:
        key, words = _BOUNDS[kind]
        return f"{value!r} is out of range: it must be {words} {error['ctx'][key]}"
    if kind in _TYPES:
        return f"expected {_TYPES[kind]}"
    if kind.startswith(("date", "datetime")) and isinstance(value, str):
        why = date_problem(value)
        what = "a date and time" if ":" in value else "a date"
        return f"{_visible(value)} is not {what} ({why})" if why else (
            f"'{_visible(value)}' is not a date; write YYYY-MM-DD"
            if kind.startswith("date_") else
            f"'{_visible(value)}' is not a date and time; write YYYY-MM-DDTHH:MM+08:00")
    return None


def _is_union_branch(part: object) -> bool:
    # pydantic adds 'float', 'function-after[...]' etc. to locations inside unions.
    return isinstance(part, str) and ("[" in part or part in {"float", "int", "str", "none"})


def _dotted(location: tuple) -> str:
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _fields_at(model: type[BaseModel], location: tuple) -> list[str]:
    current: object = model
    for part in location:
        if isinstance(part, int):
            continue
        field_info = getattr(current, "model_fields", {}).get(part)
        if field_info is None:
            return []
        current = _model_inside(field_info.annotation)
    return list(getattr(current, "model_fields", {}))


def _model_inside(annotation: object) -> object:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in getattr(annotation, "__args__", ()):
        found = _model_inside(argument)
        if found is not None:
            return found
    return None


def json_schemas() -> dict[str, dict]:
    """JSON Schema of every YAML file kind, keyed by kind."""
    return {kind: model.model_json_schema() for kind, model in FILE_KINDS.items()}
