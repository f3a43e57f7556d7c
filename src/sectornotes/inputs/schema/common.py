"""Field types and the base model every file kind shares."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, WithJsonSchema

from ..lexicon import FISCAL_YEAR_END_PATTERN, UNIT_NAMES
from ..urls import MAX_URL_LENGTH, url_problem

KEBAB = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
EMAIL = r"^[^@\s\x00-\x1f\x7f<>,;]+@[^@\s\x00-\x1f\x7f<>,;]+\.[^@\s\x00-\x1f\x7f<>,;]+$"
SINGLE_LINE = r"^[^\x00-\x1f\x7f]+$"  # no line breaks or control characters (mail headers)
_PERIOD_PART = r"(?:FY\d{4}(?:-(?:Q[1-4]|H[12]))?|\d{4}(?:-(?:Q[1-4]|H[12]|\d{2}(?:-\d{2})?))?)"
PERIOD = rf"^{_PERIOD_PART}(?:/{_PERIOD_PART})?$"
TICKER = r"^[A-Za-z0-9][A-Za-z0-9.\-]{0,39}$"
LANGUAGE_TAG = r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$"  # BCP 47-like: en, zh, zh-Hant
ISIN = r"^[A-Z]{2}[A-Z0-9]{9}[0-9]$"
GICS = r"^[1-9][0-9](?:[0-9]{2}){0,3}$"

PATTERN_HELP = {
    KEBAB: "kebab-case (lowercase letters, digits and single hyphens, e.g. 'big4-capex-2024')",
    EMAIL: "an email address",
    SINGLE_LINE: "one line of text, without line breaks or control characters",
    PERIOD: "a period: YYYY, YYYY-Qn, YYYY-Hn, YYYY-MM, YYYY-MM-DD, a fiscal FYYYYY, "
            "FYYYYY-Qn or FYYYYY-Hn, or a span A/B",
    TICKER: "a ticker or sector id (letters, digits, '.' and '-', e.g. 0700.HK)",
    LANGUAGE_TAG: "a language code (e.g. 'en', 'zh', 'zh-Hant')",
    ISIN: "an ISIN: two letters, nine letters or digits and a check digit (e.g. KYG875721634)",
    GICS: "a GICS code of 2, 4, 6 or 8 digits (sector, industry group, industry, "
          "sub-industry, e.g. 45)",
    FISCAL_YEAR_END_PATTERN: "a fiscal year end: MM-DD ('06-30') or a 52/53-week rule "
                             "('last Sunday of January', 'Saturday nearest October 31')",
}

KebabId = Annotated[str, Field(pattern=KEBAB, min_length=1, max_length=80)]


def registered_names(builtins: tuple[str, ...], pattern: str = KEBAB) -> WithJsonSchema:
    """The JSON Schema of an extension's name (a figure kind, a regime, a language): the
    built-ins offered to editors, any name of the pattern accepted, since plugins
    register more. The model takes any name; `check` looks it up in its registry (with
    its place and a 'did you mean')."""
    return WithJsonSchema({"anyOf": [{"enum": list(builtins)},
                                     {"type": "string", "pattern": pattern}]})

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


# language/languages.py
LanguageCode = Annotated[str, Field(pattern=LANGUAGE_TAG, max_length=35),
                         registered_names(("en", "zh"), LANGUAGE_TAG)]

# compliance/regime.py
Regime = Annotated[str, Field(min_length=1, max_length=80),
                   registered_names(("finra", "mar", "csrc"))]


class Localized(Strict):
    """A text in English and Chinese."""

    en: Text = Field(description="English text.")
    zh: Text = Field(description="Chinese text.")
