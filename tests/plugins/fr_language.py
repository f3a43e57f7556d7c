"""A toy French: a few strings of its own over the English table, French units, and
Babel's French separators (58,86) and month names (5 mars 2025)."""

from __future__ import annotations

from sectornotes.language.en import RESCALE, STRINGS, UNITS, unit_label
from sectornotes.language.languages import Language

LANGUAGE = Language(
    "fr", locale="fr", html_lang="fr",
    strings={**STRINGS, "key_points": "Points clés", "rating": "Opinion sectorielle",
             "previous": "Précédente", "colon": " : ", "analysts": "Analystes",
             "page_footer": "Page {page} sur {pages}", "figure": "Graphique",
             "maintained": "maintenue", "upgraded": "relevée", "downgraded": "abaissée"},
    units={**UNITS, "%": ("", "\u202f%"), "USD bn": ("", "\u00a0Md$")},
    unit_label=unit_label, date_pattern="d MMMM y", rixml_code="fra", rescale=RESCALE,
    source_prefix="Source : ", semicolon=" ; ", citing="{name}, citant {digest_of}")

# Broken on purpose: what a language lacking part of the table is told.
INCOMPLETE = Language("fr", locale="fr", html_lang="fr", strings={"key_points": "Points clés"},
                      units=UNITS, unit_label=unit_label, date_pattern="d MMMM y",
                      rixml_code="fra")
