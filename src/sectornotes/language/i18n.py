"""Every word the tool itself prints into a note, page or email: one table per language,
declared by the language's own module (en.py, zh.py, or a plugin's; see languages.py).

Ratings' labels come from house.yaml; `rating_label` is the one lookup.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from .languages import language as language_of
from .languages import localized

if TYPE_CHECKING:
    from ..inputs.schema import House, Rating


def strings(language: str) -> Mapping[str, str]:
    """The UI strings of a language (English for an unknown one)."""
    return language_of(language).strings


def text(language: str, key: str, **values: object) -> str:
    """One UI string, with `{name}` fields filled in."""
    return strings(language)[key].format(**values)


def rating_scale(house: House, scale: str) -> list[Rating]:
    """The ratings of a scale ('company' or 'sector'), best first."""
    return list(getattr(house.ratings, scale))


def find_rating(house: House, scale: str, rating_id: str) -> Rating | None:
    """A rating of a scale by id, or None."""
    return next((r for r in rating_scale(house, scale) if r.id == rating_id), None)


def rating_label(house: House, scale: str, rating_id: str | None, language: str) -> str | None:
    """The label a reader sees for a rating id ('outperform' → 'Outperform' / '增持')."""
    if rating_id is None:
        return None
    rating = find_rating(house, scale, rating_id)
    return localized(rating.label, language) if rating is not None else rating_id


def rating_definition(house: House, scale: str, rating: Rating, language: str) -> str:
    """A rating's definition: as written in house.yaml, else from its bounds, the one
    horizon and the scale's benchmark (so the table cannot contradict the scale)."""
    if rating.definition is not None:
        return localized(rating.definition, language)
    named = getattr(house.ratings.benchmark, scale, None) if house.ratings.benchmark else None
    benchmark = localized(named, language) if named else text(language, "the_benchmark")

    def percent(value: float) -> str:
        return f"{value:+g}%".replace("-", "−")

    low, high = rating.min_relative_return, rating.max_relative_return
    form = ("between" if low is not None and high is not None
            else "above" if low is not None else "below")
    return text(language, f"definition_{form}", months=house.ratings.horizon_months,
                benchmark=benchmark, low=percent(low) if low is not None else "",
                high=percent(high) if high is not None else "")
