"""Elements several regimes require in the same words."""

from __future__ import annotations

from .regime import Element

CERTIFICATION = Element("certification", "the analyst certification", "house", "certification")
BENCHMARK = Element("benchmark", "a named benchmark for each rating scale", "house",
                    "ratings.benchmark.{scale}")
DISCLOSURES = Element("disclosures", "the firm's conflicts of interest for each subject "
                      "(banking, holdings, market making)", "compliance")
COMPLETED = Element("completed", "the date and time the note was completed", "note",
                    "completed")
