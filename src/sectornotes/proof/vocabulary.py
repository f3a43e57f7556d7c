"""The metric vocabulary: what a metric id means, and the words a quote uses for it.

A metric belongs to families (a growth basis such as year-on-year, a share, a
P/E, a rank …); each family has cue words in English and Chinese. The cue
nearest to a bound number, in its clause, must be of one of the metric's
families: `capex-yoy` bound to "+17% sequentially" is an error naming the
word found. Built-in metrics and the `-yoy`/`-qoq` forms of every known
metric are known; a project adds its own in house.yaml (`metrics:`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..inputs.lexicon import FAMILY_CUES

# Built-in metrics (a growth form `<metric>-yoy` / `-qoq` of any known metric is known too).
BUILT_IN: dict[str, tuple[str, ...]] = {
    "capex": (), "capex-guidance": (), "revenue": (), "net-income": (), "net-profit": (),
    "gross-margin": ("margin",), "gross-margin-change": ("margin",),
    "net-margin": ("margin",), "operating-margin": ("margin",),
    "pe-ttm": ("pe",), "pe-ttm-percentile": ("pe",), "pe-forward": ("pe",),
    "market-share": ("share",), "shipment-share": ("share",), "penetration-rate": ("share",),
    "index-return": (), "index-gain": (), "price": (), "target-price": (),
    "download-rank": ("rank",), "monthly-active-users": (), "daily-active-users": (),
    "shipments": (), "sales": (), "exports": (),
}


# Built-in metrics that are amounts of money: their unit must name a currency.
MONEY = {"capex", "capex-guidance", "revenue", "net-income", "net-profit", "price",
         "target-price"}


@dataclass(frozen=True)
class MetricMeaning:
    """The families a metric belongs to (empty: a level with no distinguishing cue)."""

    metric: str
    families: tuple[str, ...]
    money: bool = False  # an amount of money: its unit names a currency


def meaning_of(metric: str, declared: dict[str, tuple[tuple[str, ...], bool]]
               ) -> MetricMeaning | None:
    """The meaning of a metric id, or None when neither built in nor declared."""
    if metric in declared:
        families, money = declared[metric]
        return MetricMeaning(metric, families, money)
    if metric in BUILT_IN:
        return MetricMeaning(metric, BUILT_IN[metric], metric in MONEY)
    for suffix, family in (("-yoy", "yoy"), ("-qoq", "qoq")):
        if metric.endswith(suffix):
            base = meaning_of(metric.removesuffix(suffix), declared)
            if base is not None:
                return MetricMeaning(metric, (family,))
    return None


_CLAUSE_END = re.compile(r"[,;，；。:：()（）]|\band\b|\bwhile\b|\bbut\b")
_CUES = sorted(((cue, family) for family, cues in FAMILY_CUES.items() for cue in cues),
               key=lambda item: -len(item[0]))
# Compiled once: nearest_cue runs for every bound number of every claim.
_CUE_PATTERNS = [(cue, re.compile(rf"(?<![a-z]){re.escape(cue)}(?![a-z])" if cue.isascii()
                                  else re.escape(cue)), family) for cue, family in _CUES]


def clause_around(quote: str, start: int, end: int) -> tuple[int, int]:
    """The clause holding quote[start:end]: up to the nearest comma, semicolon, 'and' …"""
    left = 0
    for match in _CLAUSE_END.finditer(quote, 0, start):
        left = match.end()
    right_match = _CLAUSE_END.search(quote, end)
    return left, right_match.start() if right_match else len(quote)


def nearest_cue(quote: str, start: int, end: int) -> tuple[str, str] | None:
    """(word as written, family) of the cue nearest to quote[start:end] in its clause."""
    left, right = clause_around(quote, start, end)
    folded = quote.casefold()
    best: tuple[int, str, str] | None = None
    taken: list[tuple[int, int]] = []
    clause = folded[left:right]
    for cue, pattern, family in _CUE_PATTERNS:
        if cue not in clause:  # the pattern matches the cue itself: most cues are absent
            continue
        for match in pattern.finditer(clause):
            cue_start, cue_end = left + match.start(), left + match.end()
            if any(s <= cue_start < e for s, e in taken):
                continue  # inside a longer cue already found
            taken.append((cue_start, cue_end))
            distance = start - cue_end if cue_end <= start else max(0, cue_start - end)
            if best is None or distance < best[0]:
                best = (distance, quote[cue_start:cue_end], family)
    return (best[1], best[2]) if best else None


def cue_problem(quote: str, start: int, end: int, shown: str,
                meaning: MetricMeaning) -> str | None:
    """Why the cue nearest the number contradicts the metric, or None."""
    found = nearest_cue(quote, start, end)
    if found is None:
        return None
    word, family = found
    if family in meaning.families:
        return None
    if not meaning.families and family not in ("yoy", "qoq"):
        return None  # a level metric next to a share/rank/P/E word: not a contradiction
    expected = ", ".join(meaning.families) or "a level (no growth word)"
    return (f"the quote says '{word}' next to {shown}, which is a {family} figure, but metric "
            f"'{meaning.metric}' is {expected}; use the metric the quote states")
