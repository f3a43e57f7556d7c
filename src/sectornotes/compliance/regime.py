"""Regimes as a registry: what a regime (FINRA 2241, MAR, the CSRC …) requires of a note.

A `Regime` is a declared list of `Element`s and a few facts the note's template
prints by. The built-in regimes are one module each (finra.py, mar.py, csrc.py)
and register with `register_regime`, as a plugin does through an entry point of
group `sectornotes.regimes` naming a `Regime` (or a sequence of them):

    [project.entry-points."sectornotes.regimes"]
    sfc = "mypackage.sfc:REGIME"

`regimes.check_regimes` checks every element for every non-draft note.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..plugins import PluginError, Registry

if TYPE_CHECKING:
    from ..findings import Finding
    from ..inputs.schema import Compliance, House
    from ..inputs.yamlfile import YamlDocument
    from ..model.notes import LoadedNote
    from ..sources.series import Series

@dataclass
class RegimeContext:
    """What the elements are checked against."""

    house: House
    house_document: YamlDocument | None
    compliance: Compliance | None
    compliance_document: YamlDocument | None
    series: dict[str, Series]


PLACES = ("note", "house", "analysts", "compliance", "series", "custom")


@dataclass(frozen=True)
class Element:
    """One thing a regime requires of a published note, and where it is filled in.

    `place` is where the element lives: 'note' (a key of the note), 'house' (a key of
    house.yaml, dotted; '{scale}' stands for each rating scale the note uses),
    'analysts' (a key of each signing analyst in house.yaml), 'compliance' (an entry
    in force for each subject in compliance.yaml), 'series' (a price series for each
    subject) or 'custom': `check(note, context, requires)` returns the findings, where
    `requires` is the sentence to start each with ("SFC requires …"). With
    `only_with_target`, it is required only when a subject has a target.
    """

    id: str
    requirement: str
    place: str
    key: str = ""
    only_with_target: bool = False
    check: Callable[[LoadedNote, RegimeContext, str], list[Finding]] | None = None


@dataclass(frozen=True)
class Regime:
    """A regime notes may be published under (`regimes:` in house.yaml or a note).

    `name` is how messages and the note name it ("FINRA 2241"). The note's template
    prints by three facts: `certification_label` (the UI string heading the analyst
    certification), `states_first_dissemination` (the cover says when the note was
    first disseminated) and `report_label` (the cover is labelled a securities research
    report, as the CSRC requires).
    """

    id: str
    name: str
    elements: tuple[Element, ...]
    certification_label: str = "certification"
    states_first_dissemination: bool = False
    report_label: bool = False


def register_regime(regime: Regime, origin: str = "") -> None:
    """Accept `regimes: [<regime.id>]`; an id has one regime, an element a known place."""
    where = origin or f"regime '{regime.id}'"
    if regime.id in REGIMES.items:
        raise PluginError(f"{where}: regime '{regime.id}' is already registered by "
                          f"{REGIMES.origins[regime.id]}")
    for element in regime.elements:
        if element.place not in PLACES or (element.place == "custom") != (
                element.check is not None):
            raise PluginError(f"{where}: element '{element.id}' has place "
                              f"'{element.place}'; places are {', '.join(PLACES)} (a "
                              "'custom' element, and only it, has a check)")
    REGIMES.add(regime.id, regime, origin or regime.id)


REGIMES = Registry("sectornotes.regimes", Regime,
                   tuple(f"{__package__}.{name}" for name in ("finra", "mar", "csrc")),
                   "REGIME", register_regime)


def registered_regimes() -> dict[str, Regime]:
    """Every regime by id: the built-ins, then the plugins' (loaded once)."""
    return REGIMES.all()


def regime(regime_id: str) -> Regime | None:
    """The regime of that id, or None."""
    return registered_regimes().get(regime_id)

