"""A toy Hong Kong SFC regime: CE numbers for the analysts and at least two risks."""

from __future__ import annotations

from sectornotes.compliance.regime import Element, Regime, RegimeContext
from sectornotes.findings import Finding
from sectornotes.model.notes import LoadedNote


def two_risks(loaded: LoadedNote, context: RegimeContext, requires: str) -> list[Finding]:
    if len(loaded.spec.risks) >= 2:
        return []
    return [loaded.document.finding(("risks",), f"{requires}; add another under 'risks:'")]


REGIME = Regime("sfc", "SFC", (
    Element("ce-number", "each analyst's CE number", "analysts", "registration"),
    Element("two-risks", "at least two risks", "custom", check=two_risks),
))
