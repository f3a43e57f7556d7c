"""Proving claims: each against its source, then what holds across claims.

For each claim `check` proves that its quote occurs in the source, that every
number it states is written in the quote with its unit and means there what
the claim says (`prove_claim`, a `ClaimProof` value per claim: seeds.py caches
them per seed file), and that no two claims state the same metric/entity/period
with different values (`check_across`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from ..findings import Finding, did_you_mean
from ..inputs.schema import Claim
from ..sources.quotes import (
    first_difference,
    normalize,
    weak_quote_problem,
    word_difference,
)
from .numbers import numbers_in
from .registry import ClaimProof, ClaimRegistry, Decimals, RegisteredClaim, Source

if TYPE_CHECKING:
    from .meaning import Binding
    from .periods import FiscalCalendar

# Shorter passages ("e", "5%") occur by chance and prove nothing.
MIN_QUOTE_CHARACTERS = 6


@dataclass
class Vocabulary:
    """What house.yaml adds to the built-in meanings: entity aliases and metrics."""

    aliases: dict[str, list[str]] = field(default_factory=dict)
    metrics: dict[str, tuple[tuple[str, ...], bool]] = field(default_factory=dict)  # families, money
    strict: bool = False  # an unknown metric is then an error, not a warning


def prove_claim(registered: RegisteredClaim, sources: Mapping[str, Source],
                vocabulary: Vocabulary, fiscal_year_ends: Mapping[str, str],
                calendars: Mapping[str, FiscalCalendar] | None = None) -> ClaimProof:
    """Prove one claim against its source: quote, page, numbers, what they mean, periods.

    Reads only the claim, its source (metadata and document), the vocabulary and the
    fiscal calendars, which is what the proof cache keys an entry by.
    """
    claim = registered.claim
    source = sources.get(registered.source_id)
    if source is None:
        return ClaimProof((registered.finding("source", "seed", message=(
            f"source.seed: unknown source '{registered.source_id}'"
            f"{did_you_mean(registered.source_id, sources)}; "
            "it must name a source in seeds/")),))
    if not source.document.quotable:
        from .cells import verify_cells

        proof = verify_cells(registered, source)
        return replace(proof, findings=proof.findings + tuple(
            _cell_vocabulary(registered, vocabulary)))
    if claim.source.quote is None:
        return ClaimProof((registered.finding("source", message=(
            f"claim '{claim.id}': source.quote is missing; copy the passage of "
            f"{source.text_path} that states the claim")),))
    meaningful = len("".join(normalize(claim.source.quote).split()))
    if meaningful < MIN_QUOTE_CHARACTERS:
        return ClaimProof((registered.finding("source", "quote", message=(
            f"claim '{claim.id}': the quote has {meaningful} character(s); a quote must be a "
            f"passage of at least {MIN_QUOTE_CHARACTERS} (besides spaces) that proves the "
            "claim")),))
    spans = source.document.spans(claim.source.quote)
    if not spans:
        return ClaimProof((registered.finding("source", "quote",
                                              message=_quote_not_found(source, claim)),))
    span = spans[0]
    if claim.source.page is not None:
        pages = [source.document.page_at(start) for start, _ in spans]
        if pages[0] is None:
            return ClaimProof((registered.finding("source", "page", message=(
                f"claim '{claim.id}': source.page: {source.text_path} has no pages; remove "
                "'page:'")),))
        if claim.source.page not in pages:
            return ClaimProof((registered.finding("source", "page", message=(
                f"claim '{claim.id}': source.page: the quote is on p. "
                f"{', '.join(str(p) for p in dict.fromkeys(pages))} of {source.text_path}, "
                f"not p. {claim.source.page}; set page: {pages[0]}")),))
        span = spans[pages.index(claim.source.page)]
    page = source.document.page_at(span[0])
    line, col = source.text.line_col(span[0])
    located = ClaimProof((), line, col, " ".join(source.text.text[span[0]:span[1]].split()), page,
                         {"page": page} if page else {})
    if not any(point.derived is None for point in claim.data):  # no number proves it
        weak = weak_quote_problem(claim.source.quote, claim.text)
        if weak:
            return replace(located, findings=(registered.finding(
                "source", "quote", message=f"claim '{claim.id}': {weak}"),))
    findings, decimals = _verify_numbers(registered, vocabulary)
    findings += _verify_periods(registered, source, fiscal_year_ends, calendars or {})
    return replace(located, findings=tuple(findings), decimals=decimals)


def check_across(registry: ClaimRegistry) -> list[Finding]:
    """What no single seed file can prove: derived values over other claims, conflicts
    between claims, and references to unknown claims. Marks the claims concerned invalid."""
    return _verify_derived(registry) + _conflicts(registry) + _unknown_disagreements(registry)


def _verify_derived(registry: ClaimRegistry) -> list[Finding]:
    from .derived import derived_problem

    findings = []
    for registered in registry.claims.values():
        for point_index, point in enumerate(registered.claim.data):
            if point.derived is None:
                continue
            problem = derived_problem(point, registry)
            if problem:
                registry.invalid.add(registered.id)
                findings.append(registered.finding("data", point_index, "derived", message=(
                    f"claim '{registered.id}' data[{point_index}]: {problem}")))
    return findings


def _unknown_disagreements(registry: ClaimRegistry) -> list[Finding]:
    findings = []
    for registered in registry.claims.values():
        for index, other_id in enumerate(registered.claim.disagrees_with):
            if registry.get(other_id) is None and other_id not in registry.unloadable:
                findings.append(registered.finding("disagrees_with", index, message=(
                    f"disagrees_with[{index}]: unknown claim '{other_id}'"
                    f"{registry.hint(other_id)}")))
        newer = registered.claim.superseded_by
        if newer is not None and registry.get(newer) is None \
                and newer not in registry.unloadable:
            findings.append(registered.finding("superseded_by", message=(
                f"superseded_by: unknown claim '{newer}'{registry.hint(newer)}")))
    return findings


def _verify_periods(registered: RegisteredClaim, source: Source,
                    registry_fiscal_ends: Mapping[str, str],
                    calendars: Mapping[str, FiscalCalendar]) -> list[Finding]:
    """Every data point's period is stated by the quote, its context passage or the as-of
    date, and is the period of its number there (proof.periods)."""
    from .periods import period_problem

    claim = registered.claim
    if claim.source.context is not None and source.text.find(claim.source.context) is None:
        return [registered.finding("source", "context", message=(
            f"claim '{claim.id}': source.context is not in {source.text_path}; copy the "
            "passage verbatim"))]
    findings = []
    from .periods import is_fiscal

    for point_index, point in enumerate(claim.data):
        if is_fiscal(point.period) and point.entity not in registry_fiscal_ends:
            findings.append(registered.finding("data", point_index, "period", message=(
                f"claim '{claim.id}' data[{point_index}].period: {point.period} is a fiscal "
                f"period, but when does {point.entity}'s fiscal year end? add it to house.yaml "
                f"fiscal_year_ends (e.g. '{point.entity}: 06-30')")))
            continue
        if point.derived is not None:
            continue  # its inputs' periods are proven where they are declared
        problem = period_problem(point, normalize(claim.source.quote or ""), normalize(
            claim.source.context) if claim.source.context else None, source.meta.date,
            source.meta.as_of, calendars.get(point.entity))
        if problem:
            findings.append(registered.finding("data", point_index, "period", message=(
                f"claim '{claim.id}' data[{point_index}].period: {problem}")))
    return findings


def _verify_numbers(registered: RegisteredClaim, vocabulary: Vocabulary
                    ) -> tuple[list[Finding], Decimals]:
    """Bind every number to its place in the quote and check what the quote says there;
    with the decimals the quote writes each bound number with."""
    from .meaning import bind, order_problem, qualifier_at, written
    from .vocabulary import cue_problem, meaning_of

    aliases = vocabulary.aliases
    claim = registered.claim
    findings = []
    quote = normalize(claim.source.quote or "")
    numbers = numbers_in(quote)
    bound: list[tuple[int, str, Binding]] = []
    decimals: list[tuple[int, str, int]] = []
    for point_index, point in enumerate(claim.data):
        if point.derived is not None:
            continue  # recomputed from its inputs (see verify_derived), not quoted
        for field_name, number in point.numbers():
            binding, problem = bind(quote, point, number, numbers, field_name)
            if binding is None:
                findings.append(registered.finding("data", point_index, field_name, message=(
                    f"claim '{claim.id}' data[{point_index}].{field_name}: {problem}")))
                continue
            bound.append((point_index, field_name, binding))
            digits = quote[binding.number.start:binding.number.end]
            decimals.append((point_index, field_name, len(digits.partition(".")[2])))
            meaning = meaning_of(point.metric, vocabulary.metrics)
            if meaning is None:
                if field_name != "high":
                    findings.append(_unknown_metric(registered, point_index, point.metric,
                                                    vocabulary.strict))
            else:
                problem = cue_problem(quote, binding.number.start, binding.number.end,
                                      written(quote, binding.number), meaning) or (
                    _currency_problem(point.unit) if meaning.money else None)
                if problem:
                    findings.append(registered.finding("data", point_index, "metric", message=(
                        f"claim '{claim.id}' data[{point_index}].metric: {problem}")))
            if point.value is None:
                continue  # a range: its words belong to both ends
            stated = qualifier_at(quote, binding.number)
            if stated != point.qualifier:
                findings.append(registered.finding("data", point_index, message=(
                    f"claim '{claim.id}' data[{point_index}]: " + _qualifier_problem(
                        point.qualifier, stated))))
    for point_index, field_name, binding in bound:
        chain_entities = [claim.data[i].entity for i, _, other in bound
                          if other.chain and other.chain == binding.chain]
        problem = order_problem(quote, claim.data[point_index].entity, binding, chain_entities,
                                aliases)
        if problem:
            findings.append(registered.finding("data", point_index, field_name, message=(
                f"claim '{claim.id}' data[{point_index}].{field_name}: {problem}")))
    return findings, tuple(decimals)


def _cell_vocabulary(registered: RegisteredClaim, vocabulary: Vocabulary) -> list[Finding]:
    """A value read from a cell has no words around it: its metric must still be known,
    and money still needs its currency."""
    from .vocabulary import meaning_of

    findings = []
    for point_index, point in enumerate(registered.claim.data):
        meaning = meaning_of(point.metric, vocabulary.metrics)
        if meaning is None:
            findings.append(_unknown_metric(registered, point_index, point.metric,
                                            vocabulary.strict))
        elif meaning.money and (problem := _currency_problem(point.unit)):
            findings.append(registered.finding("data", point_index, "unit", message=(
                f"claim '{registered.id}' data[{point_index}].unit: {problem}")))
    return findings


def _currency_problem(unit: str) -> str | None:
    from .units import UNITS

    if UNITS[unit].currency is not None:
        return None
    return (f"an amount of money needs a unit with its currency (USD bn, RMB bn, EUR bn …), not "
            f"'{unit}'; if the quote does not say which currency, the amount cannot be a data "
            "point of this metric")


def _unknown_metric(registered: RegisteredClaim, point_index: int, metric: str,
                    strict: bool) -> Finding:
    from .vocabulary import BUILT_IN

    finding = registered.finding("data", point_index, "metric", message=(
        f"claim '{registered.id}' data[{point_index}].metric: '{metric}' is not in the metric "
        f"vocabulary{did_you_mean(metric, BUILT_IN)}; declare it in house.yaml metrics: with "
        "its description, so check knows which words state it"))
    return finding if strict else Finding(finding.path, finding.line, finding.col,
                                          finding.message, "warning")


def _qualifier_problem(declared: str | None, written: str | None) -> str:
    if declared is None:
        return (f"the quote qualifies the number ('{written}'); add qualifier: {written} so "
                "readers see it too")
    if written is None:
        return (f"qualifier: {declared} is not written at the number in the quote; remove it "
                "or quote the words that say it")
    return f"qualifier: {declared}, but the quote says '{written}' at the number"


def _quote_not_found(source: Source, claim: Claim) -> str:
    assert claim.source.quote is not None
    offset, passage = source.text.closest(claim.source.quote)
    line, col = source.text.line_col(offset)
    page = source.document.page_at(offset)
    where = f"p. {page} of {source.text_path}" if page else f"{source.text_path}:{line}:{col}"
    wanted = normalize(claim.source.quote)
    start = source.text.normalized.find(passage)
    extended = source.text.normalized[start:start + len(wanted) + 40] if start >= 0 else passage
    mine, theirs = word_difference(wanted, extended)
    if not mine and not theirs:  # no word differs: fall back to the characters
        at = first_difference(wanted, passage)
        mine, theirs = wanted[at:at + 12], passage[at:at + 12]
    from ..sources.documents import extractor_of

    extractor = extractor_of(source.document.path)
    upgrade = (f"; the text is {extractor}'s extraction of the file: if this quote verified "
               f"before that library was upgraded, the extraction changed, not the source "
               f"(`sectornotes find` shows the text as it is read now)" if extractor else "")
    return (
        f"claim '{claim.id}': quote not found in {source.text_path}; closest passage at "
        f"{where}: \"{_shorten(passage)}\" (quote has \"{mine}\", "
        f"source has \"{theirs}\"); copy the passage verbatim{upgrade}"
    )


def _shorten(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _conflicts(registry: ClaimRegistry) -> list[Finding]:
    seen: dict[tuple[str, str, str], tuple[RegisteredClaim, int]] = {}
    findings = []
    for registered in registry.claims.values():
        for point_index, point in enumerate(registered.claim.data):
            key = (point.metric, point.entity.casefold().strip(), point.period)
            if key not in seen:
                seen[key] = (registered, point_index)
                continue
            other, other_index = seen[key]
            other_point = other.claim.data[other_index]
            if other.id in registered.claim.disagrees_with or \
                    registered.id in other.claim.disagrees_with:
                continue  # an acknowledged disagreement between sources
            if (other_point.value, other_point.low, other_point.high, other_point.unit) == (
                point.value, point.low, point.high, point.unit
            ):
                continue
            line, col = other.document.position(("claims", other.index, "data", other_index))
            registry.invalid.update((registered.id, other.id))
            findings.append(registered.finding("data", point_index, message=(
                f"conflict: claim '{registered.id}' states {point.metric} of {point.entity} "
                f"for {point.period} as {point.stated()}, but claim '{other.id}' "
                f"({other.document.path}:{line}:{col}) states {other_point.stated()}; "
                "correct one, or make the metric, entity or period more specific")))
    return findings
