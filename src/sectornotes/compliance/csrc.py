"""The China Securities Regulatory Commission's rules for securities research reports."""

from __future__ import annotations

from .elements import COMPLETED, DISCLOSURES
from .regime import Element, Regime

REGIME = Regime("csrc", "CSRC", (
    Element("licence", "the institution's licence statement and number", "house",
            "firm.licence"),
    Element("registration", "each analyst's registration number (执业证书编号)", "analysts",
            "registration"),
    Element("certification", "the analyst statement (分析师声明)", "house", "certification"),
    Element("risks", "risk warnings (风险提示)", "note", "risks"),
    Element("recipient-notice", "a statement that receiving the note does not make the "
            "recipient a client", "house", "recipient_notice"),
    COMPLETED,
    DISCLOSURES,
), report_label=True)
