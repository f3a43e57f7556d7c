"""The EU Market Abuse Regulation (MAR, Delegated Regulation 2016/958): investment
recommendations."""

from __future__ import annotations

from .elements import BENCHMARK, COMPLETED, DISCLOSURES
from .regime import Element, Regime

REGIME = Regime("mar", "MAR", (
    Element("competent-authority", "the producer's competent authority", "house",
            "firm.competent_authority"),
    COMPLETED,
    Element("update-frequency", "the planned frequency of updates", "note", "update_frequency"),
    Element("valuation", "a summary of the basis of valuation or method", "note", "valuation"),
    Element("risks", "the risks to the recommendation", "note", "risks"),
    Element("sensitivity", "the sensitivity of the target to its key assumptions", "note",
            "sensitivity", only_with_target=True),
    BENCHMARK,
    DISCLOSURES,
), states_first_dissemination=True)
