"""house.yaml: firm, analysts, disclaimers, rating scale, fonts and palette."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Discriminator, Field, Tag, ValidationInfo, field_validator

from ..lexicon import FAMILIES, FISCAL_YEAR_END_PATTERN
from .common import GICS, KebabId, Localized, Regime, SingleLine, Strict, Text, WebUrl


class Analyst(Strict):
    """An analyst who may sign notes."""

    id: KebabId = Field(description="Id used by notes to name the analyst.")
    name: SingleLine = Field(description="Name in English.")
    name_zh: SingleLine | None = Field(None, description="Name in Chinese.")
    family_name: SingleLine | None = Field(
        None, description="Family name as it is written in 'name' (e.g. 'Lin' of 'Lin Mei'); "
        "by default the last word of the name.")
    registration: SingleLine | None = Field(None, description="Regulatory registration number "
                                     "(CSRC: 执业证书编号).")
    email: SingleLine | None = Field(None, description="Contact address.")
    coverage: list[KebabId] = Field(default_factory=list, description="Sectors covered.")

    @field_validator("family_name")
    @classmethod
    def _family_name_in_name(cls, family_name: str | None,
                             info: ValidationInfo) -> str | None:
        name = info.data.get("name")
        if family_name is not None and name and f" {family_name} " not in f" {name} ":
            raise ValueError(f"'{family_name}' is not a word of the name '{name}'")
        return family_name


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


class GicsMatch(Strict):
    """The GICS classification matching one of the house's sectors."""

    code: str = Field(pattern=GICS, description="GICS code: 2 digits for a sector, 4 for an "
                      "industry group, 6 for an industry, 8 for a sub-industry (e.g. 45).")
    name: SingleLine = Field(description="Its GICS name, e.g. 'Information Technology'.")


FiscalYearEnd = Annotated[str, Field(
    pattern=FISCAL_YEAR_END_PATTERN, description="When the fiscal year ends: MM-DD ('06-30'), or a "
    "52/53-week rule ('last Sunday of January', 'Saturday nearest October 31').")]


class Entity(Strict):
    """An entity sources write about: its other names and its fiscal calendar."""

    aliases: list[str] = Field(default_factory=list, description="Other names sources use, "
                               "e.g. ['Hang Seng Technology Index', '恒生科技指数'].")
    parent: str | None = Field(None, description="The entity this one is part of (a segment's "
                               "company): it has the parent's fiscal calendar unless it says "
                               "its own.")
    fiscal_year_end: FiscalYearEnd | None = Field(
        None, description="When its fiscal year ends (FY2025 is the year ending in 2025).")
    fiscal_only: bool | None = Field(
        None, description="Its sources write only fiscal periods: 'third quarter 2025' without "
        "'fiscal' means FY2025-Q3.")
    quarter_weeks: list[Annotated[int, Field(ge=1, le=27)]] | None = Field(
        None, min_length=4, max_length=4, description="Weeks in each quarter of a 52/53-week "
        "year, e.g. [12, 12, 12, 16]; the last quarter ends with the year (default 13 each).")


# An entity is a list of names or a mapping; the value's shape picks the branch, so a bad
# mapping is reported once, at its own key (the tags contain "[" to stay out of locations).
EntityDeclaration = Annotated[
    Annotated[list[str], Tag("names[]")] | Annotated[Entity, Tag("entity[]")],
    Discriminator(lambda value: "names[]" if isinstance(value, list) else "entity[]")]


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
    fiscal_year_ends: dict[str, FiscalYearEnd] = Field(
        default_factory=dict, description="When an entity's fiscal year ends, for its FY "
        "periods: 'Microsoft: 06-30' makes FY2025 July 2024 to June 2025 (the same as "
        "entities: {Microsoft: {fiscal_year_end: '06-30'}}).")
    freshness_days: int = Field(
        90, ge=1, description="How old (in days before the note) a fact's source may be before "
        "the note must say 'as of' when it cites it.")
    gics: dict[KebabId, GicsMatch] = Field(
        default_factory=dict, description="The GICS match of each sector id notes use, given "
        "to the research aggregators in RIXML beside the house's own sector.")
    entities: dict[str, EntityDeclaration] = Field(
        default_factory=dict, description="Entities as sources write them: a list of other "
        "names (e.g. 'Hang Seng Tech Index': ['Hang Seng Technology Index', '恒生科技指数']), "
        "used to find which number of a list is the entity's, or {aliases, parent, "
        "fiscal_year_end, fiscal_only, quarter_weeks} with its fiscal calendar.")

    def entity(self, name: str) -> Entity:
        """An entity's declaration (an alias list is an entity with only aliases)."""
        declared = self.entities.get(name)
        if isinstance(declared, Entity):
            return declared
        return Entity(aliases=declared or [])

    def aliases(self) -> dict[str, list[str]]:
        """Every entity's other names."""
        return {name: self.entity(name).aliases for name in self.entities}
