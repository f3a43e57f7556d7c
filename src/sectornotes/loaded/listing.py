"""Selecting and printing claims for `sectornotes claims`."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..proof.registry import ClaimRegistry, RegisteredClaim
    from .project import LoadedProject


@dataclass(frozen=True)
class ClaimFilter:
    """What `sectornotes claims` filters on; empty fields match everything."""

    query: str | None = None
    source_ids: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    metric: str | None = None
    kind: str | None = None
    only_ids: frozenset[str] | None = None
    exclude_ids: frozenset[str] = frozenset()

    def matches(self, registered: RegisteredClaim) -> bool:
        claim = registered.claim
        if self.only_ids is not None and claim.id not in self.only_ids:
            return False
        if claim.id in self.exclude_ids:
            return False
        if self.source_ids and registered.source_id not in self.source_ids:
            return False
        if any(tag not in claim.tags for tag in self.tags):
            return False
        if self.metric and all(point.metric != self.metric for point in claim.data):
            return False
        if self.kind and claim.kind != self.kind:
            return False
        if self.query:
            haystack = f"{claim.id}\n{claim.text}\n{claim.source.quote or ''}".casefold()
            return all(word in haystack for word in self.query.casefold().split())
        return True


def claim_usage(model: LoadedProject) -> tuple[dict[str, list[str]], set[str]]:
    """The claims each note cites, and every claim used by a note or figure."""
    from ..model.figures import figure_claim_ids
    from ..model.notes import cited_claim_ids

    cited = {note_id: cited_claim_ids(loaded.spec) for note_id, loaded in model.notes.items()}
    used = {claim for claims in cited.values() for claim in claims}
    for loaded in model.figures.values():
        used.update(figure_claim_ids(loaded.spec, model.registry))
    return cited, used


def query_claims(model: LoadedProject, claim_filter: ClaimFilter | None = None, *,
                 cited_by: str | None = None, unused: bool = False) -> list[RegisteredClaim]:
    """The claims `sectornotes claims` lists: filtered, cited by a note, or unused."""
    from .project import require_note

    claim_filter = claim_filter or ClaimFilter()
    if cited_by is not None or unused:
        cited, used = claim_usage(model)
        if cited_by is not None:
            require_note(model, cited_by)
            claim_filter = replace(claim_filter, only_ids=frozenset(cited[cited_by]))
        if unused:
            claim_filter = replace(claim_filter, exclude_ids=claim_filter.exclude_ids | used)
    return select_claims(model.registry, claim_filter)


def select_claims(registry: ClaimRegistry, claim_filter: ClaimFilter) -> list[RegisteredClaim]:
    """Claims matching the filter, in project order."""
    return [r for r in registry.claims.values() if claim_filter.matches(r)]


def format_claims(registry: ClaimRegistry, selected: list[RegisteredClaim],
                  output_format: str) -> str:
    """Render claims as text (one block each), JSON, or bare ids."""
    if output_format == "ids":
        return "\n".join(r.id for r in selected)
    if output_format == "json":
        return json.dumps([_as_dict(r) for r in selected], ensure_ascii=False, indent=2)
    lines = []
    for registered in selected:
        claim = registered.claim
        numbers = "; ".join(f"{p.metric} {p.entity} {p.period} = {p.stated()}" for p in claim.data)
        lines.append(f"{claim.id}  [{claim.kind}]  {registered.source_id}  "
                     f"{', '.join(claim.tags)}")
        lines.append(f"    {claim.text}")
        if numbers:
            lines.append(f"    {numbers}")
    lines.append(f"{len(selected)} of {len(registry.claims)} claims")
    return "\n".join(lines)


def _as_dict(registered: RegisteredClaim) -> dict[str, Any]:
    data = registered.claim.model_dump(mode="json", exclude_none=True)
    data["source"]["seed"] = registered.source_id
    return data
