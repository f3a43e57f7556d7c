"""FINRA Rule 2241 (US): what it requires of a research note."""

from __future__ import annotations

from .elements import BENCHMARK, DISCLOSURES
from .regime import Element, Regime

REGIME = Regime("finra", "FINRA 2241", (
    Element("certification", "the analyst certification (Reg AC)", "house", "certification"),
    BENCHMARK,
    DISCLOSURES,
    Element("price-chart", "a price chart marking each rating change of each subject",
            "series"),
    Element("valuation", "the valuation method behind a target price", "note", "valuation",
            only_with_target=True),
    Element("risks", "the risks that may impede the rating or target", "note", "risks"),
), certification_label="certification_regac", states_first_dissemination=True)
