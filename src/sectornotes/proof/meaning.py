"""What a number in a quote means: binding each data point to one occurrence.

`numbers.py` finds where a value is written with its unit. Here each data
point is bound to exactly one of those places, and what the quote says there
must agree with the data point:

- one place only, or the one inside the point's `at:` phrase; the same
  number written twice with its unit is ambiguous until `at:` names it;
- in a list ("A/B/C were +15%/+6%/-3%", "… 141% and 91% respectively",
  分别), the i-th number belongs to the i-th entity: exchanged values are an
  error naming both entities;
- the sign: a negative value needs a minus sign or a word of decline *at its
  own number* ("fell 3%", "下降3%"), and a positive value may not have one;
- a qualifier written at the number ("over", "nearly", "about", 超过, 约,
  以上 …) must be the point's `qualifier:`, and a `qualifier:` must be written.

Everything works on the normalised quote (NFKC, single spaces).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..inputs.lexicon import QUALIFIERS
from .numbers import NumberInQuote, numbers_in, occurrences

if TYPE_CHECKING:
    from ..inputs.schema import DataPoint

# Words of decline that make the number right after them negative ("fell 3%", "下降 3%").
_DECLINE_BEFORE = re.compile(
    r"(?:declin\w*|decreas\w*|fell|fall\w*|drop\w*|down|lower\w*|shrank|shrunk|shrink\w*|"
    r"contract\w*|reduc\w*|slump\w*|plung\w*|negative|下降|下滑|减少|回落|下跌|降低|收窄|缩小|"
    r"负增长|同比下降|同比减少)\s*(?:by|of|about|approximately|nearly|some|约|了)?\s*$",
    re.IGNORECASE)

_CURRENCY_PREFIX = r"(?:US\$|\$|€|¥|￥|RMB|USD|EUR)?\s*"
_LIST_SEPARATOR = re.compile(r"^\s*(?:%|％|x|倍)?\s*(?:/|、)\s*[+\-−–]?$")
_RESPECTIVE_SEPARATOR = re.compile(
    r"^\s*(?:%|％|x|倍|percentage points?|pp|billion|million|bn|m|亿|万)?\s*"
    r"(?:[A-Za-z ]{0,20})?(?:,?\s*and|和|与|及|、|,|，)\s*[+\-−–]?$", re.IGNORECASE)
_RESPECTIVELY = re.compile(r"respectively|分别|依次", re.IGNORECASE)
_GENERIC_WORDS = {"the", "index", "china", "global", "sector", "chain", "industry", "of", "and",
                  "models", "model", "inc", "group", "co", "company"}


@dataclass(frozen=True)
class Binding:
    """Where one number of a data point is written, and the list it belongs to, if any."""

    number: NumberInQuote
    chain: tuple[NumberInQuote, ...] = ()  # the list of numbers it is one of

    @property
    def position_in_chain(self) -> int:
        return self.chain.index(self.number) if self.chain else 0


def written(quote: str, number: NumberInQuote) -> str:
    """The number as the quote writes it, with its sign (not a range's dash)."""
    signed = number.start and quote[number.start - 1] in "+-−–" and (
        number.negative or quote[number.start - 1] == "+")
    return quote[number.start - 1 if signed else number.start:number.end]


def sign_problem(quote: str, number: NumberInQuote, value: float,
                 unit: str = "") -> str | None:
    """Why `value`'s sign disagrees with the number as written, or None.

    A multiple is never negative: "costs fell about 1000 times" is a factor of 1000.
    """
    before = quote[max(0, number.start - 1 - 40):number.start - (
        1 if number.start and quote[number.start - 1] in "+-−–" else 0)]
    decline = _DECLINE_BEFORE.search(before)
    shown = written(quote, number)
    if value < 0 and not number.negative and not decline:
        return (f"the value is negative but the quote writes {shown} without a minus sign "
                "or a word of decline at that number")
    if value > 0 and number.negative:
        return f"the quote writes {shown} but the value is positive; add the minus sign"
    if value > 0 and decline and unit != "x":
        return (f"the quote says '{decline.group(0).strip()}' next to {shown}, but the value "
                "is positive; write it as a negative number")
    return None


def problem_with_number(quote: str, value: float, unit_name: str,
                        numbers: list[NumberInQuote] | None = None) -> str | None:
    """Why `value` in `unit_name` is not written in the quote (with the sign it has there,
    a minus or a word of decline just before it), or None when it is."""
    marked, problem = occurrences(quote, value, unit_name, numbers)
    if problem:
        return problem
    problems = [sign_problem(quote, number, value, unit_name) for number in marked]
    return None if any(p is None for p in problems) else problems[0]


def qualifier_at(quote: str, number: NumberInQuote) -> str | None:
    """The qualifier written at the number ('over', 'about' …), or None."""
    start = number.start - 1 if number.start and quote[number.start - 1] in "+-−–" else number.start
    before = quote[max(0, start - 30):start]
    unit_and_after = _UNIT_AFTER.match(quote, number.end)
    after = quote[unit_and_after.end() if unit_and_after else number.end:][:3]
    for name, english, chinese, suffix in _QUALIFIER_PATTERNS:
        if english.search(before) or chinese.search(before) or (suffix and suffix.match(after)):
            return name
    return None


_UNIT_AFTER = re.compile(r"\s*(?:%|％|倍|x|个百分点|[亿万千百]?(?:美元|元|辆|台|人|名|个|家)?)\s*")
# Compiled once (qualifier_at runs for every bound number): the words before the number,
# in English and Chinese, and the words after it, in the order of QUALIFIERS.
_QUALIFIER_PATTERNS = tuple(
    (name, re.compile(rf"(?<![A-Za-z])(?:{english})\s*{_CURRENCY_PREFIX}$", re.IGNORECASE),
     re.compile(rf"(?:{chinese})\s*{_CURRENCY_PREFIX}$"),
     re.compile(rf"(?:{suffix})") if suffix else None)
    for name, (english, chinese, suffix) in QUALIFIERS.items())


def number_chain(quote: str, numbers: list[NumberInQuote],
                 number: NumberInQuote) -> tuple[NumberInQuote, ...]:
    """The list of numbers `number` is one of ("+15%/+6%/-3%", "141% and 91% respectively")."""
    ordered = sorted(numbers, key=lambda n: n.start)
    index = ordered.index(number)
    respectively = bool(_RESPECTIVELY.search(quote))

    def linked(left: NumberInQuote, right: NumberInQuote) -> bool:
        between = quote[left.end:right.start]
        return bool(_LIST_SEPARATOR.match(between) or (
            respectively and _RESPECTIVE_SEPARATOR.match(between)))

    start = index
    while start > 0 and linked(ordered[start - 1], ordered[start]):
        start -= 1
    end = index
    while end + 1 < len(ordered) and linked(ordered[end], ordered[end + 1]):
        end += 1
    chain = tuple(ordered[start:end + 1])
    return chain if len(chain) > 1 else ()


def bind(quote: str, point: DataPoint, value: float,
         numbers: list[NumberInQuote] | None = None,
         field: str = "value") -> tuple[Binding | None, str | None]:
    """The one place the quote writes this number of the point, or why there is none.

    The two ends of a range bind to a low and a high written together ("60-65").
    """
    numbers = numbers_in(quote) if numbers is None else numbers
    marked, problem = occurrences(quote, value, point.unit, numbers)
    if problem:
        return None, problem
    if point.at is not None:
        hint = " ".join(point.at.split())
        start = quote.find(hint)
        if start < 0:
            return None, f"at: \"{point.at}\" is not a phrase of the quote; copy it from the quote"
        inside = [n for n in marked if start <= n.start and n.end <= start + len(hint)]
        if len(inside) != 1:
            return None, (f"at: \"{point.at}\" must contain the number "
                          f"{written(quote, marked[0])} exactly once")
        marked = inside
    signed = [n for n in marked if sign_problem(quote, n, value, point.unit) is None]
    if not signed:
        return None, sign_problem(quote, marked[0], value, point.unit)
    if len(signed) > 1 and point.value is None:
        signed = [n for n in signed if _range_partner(quote, numbers, n, point, field)] or signed
    if len({n.start for n in signed}) > 1:
        shown = written(quote, signed[0])
        return None, (f"{shown} is written {len(signed)} times in the quote with its unit, so "
                      "which one this point means is ambiguous; add at: \"…\" with a phrase of "
                      f"the quote around the one meant (e.g. at: \"{_phrase(quote, signed[0])}\")")
    number = signed[0]
    return Binding(number, number_chain(quote, numbers, number)), None


def _range_partner(quote: str, numbers: list[NumberInQuote], number: NumberInQuote,
                   point: DataPoint, field: str) -> bool:
    """Whether the other end of the point's range is written next to this number."""
    from .numbers import as_decimal

    low, high = point.bounds()
    for other in numbers:
        if field == "high" and other.end <= number.start and other.value == abs(as_decimal(low)):
            between = quote[other.end:number.start]
        elif field == "low" and other.start >= number.end and other.value == abs(
                as_decimal(high)):
            between = quote[number.end:other.start]
        else:
            continue
        if re.fullmatch(r"\s*(?:%|％)?\s*(?:-|–|—|~|～|to|至|到|与|and)\s*", between):
            return True
    return False


def _phrase(quote: str, number: NumberInQuote) -> str:
    start = max(0, quote.rfind(" ", 0, max(0, number.start - 12)) + 1)
    end = quote.find(" ", number.end + 8)
    return quote[start:end if end > 0 else len(quote)].strip()


def entity_names(entity: str, aliases: dict[str, list[str]]) -> list[str]:
    """The entity and its aliases from house.yaml, casefolded."""
    names = [entity, *aliases.get(entity, [])]
    for canonical, others in aliases.items():
        if entity in others:
            names += [canonical, *others]
    return list(dict.fromkeys(name.casefold() for name in names))


def _distinctive(entity: str, others: list[str]) -> list[str]:
    words = {w for other in others if other != entity for w in re.findall(r"\w+", other.casefold())}
    return [w for w in re.findall(r"\w+", entity.casefold())
            if w not in words and w not in _GENERIC_WORDS and len(w) > 1]


def entity_position(quote: str, entity: str, others: list[str],
                    aliases: dict[str, list[str]]) -> int | None:
    """Where the quote names the entity: its name or an alias, else a word only it has."""
    folded = quote.casefold()
    found = [folded.find(name) for name in entity_names(entity, aliases) if name in folded]
    if found:
        return min(found)
    words = [folded.find(w) for w in _distinctive(entity, others) if re.search(
        rf"\b{re.escape(w)}\b", folded)]
    return min(words) if words else None


def _slash_lists(quote: str) -> list[list[str]]:
    lists = []
    name = r"[^/,;，；。:：()（）\d%％+\-−]+"
    for match in re.finditer(rf"{name}(?:/{name})+", quote):
        items = [item.strip() for item in match.group(0).split("/")]
        if not any(re.search(r"\d", item) for item in items):
            lists.append(items)
    return lists


def _item_matches(item: str, names: list[str]) -> bool:
    item = re.sub(r"^(?:the|a|an)\s+", "", item.casefold().strip())
    last_words = " ".join(item.split()[-4:])  # "As of May 27, the Hang Seng …" → its tail
    return any(last_words in name or name in item for name in names if last_words)


def order_problem(quote: str, entity: str, binding: Binding, chain_entities: list[str],
                  aliases: dict[str, list[str]]) -> str | None:
    """Whether the number's place in its list is the entity's place among the listed names."""
    if not binding.chain:
        return None
    index, count = binding.position_in_chain, len(binding.chain)
    names = entity_names(entity, aliases)
    for items in _slash_lists(quote):
        if len(items) != count:
            continue
        matching = [i for i, item in enumerate(items) if _item_matches(item, names)]
        if not matching:
            continue
        if index in matching:
            return None
        place = matching[0]
        return (f"the quote lists '{_clean_item(items[place])}' as item {place + 1} of {count}, "
                f"so its number is {written(quote, binding.chain[place])}, not "
                f"{written(quote, binding.number)} (item {index + 1}, "
                f"'{_clean_item(items[index])}'): values exchanged?")
    positions = {e: entity_position(quote, e, chain_entities, aliases) for e in chain_entities}
    if len(set(chain_entities)) < 2:
        return None
    missing = [e for e, p in positions.items() if p is None]
    if missing:
        return (f"cannot tell which number of the list {_chain_text(quote, binding)} belongs to "
                f"'{missing[0]}': the quote does not name it; add the name the quote uses to "
                "house.yaml entities (as an alias)")
    order = sorted(dict.fromkeys(chain_entities), key=lambda e: positions[e] or 0)
    if order.index(entity) != index:
        other = order[index] if index < len(order) else order[-1]
        return (f"'{entity}' is named {_ordinal(order.index(entity) + 1)} in the quote but this "
                f"value is the {_ordinal(index + 1)} number of {_chain_text(quote, binding)}, "
                f"which is '{other}''s: values exchanged?")
    return None


def _clean_item(item: str) -> str:
    """A list item as a name: without a leading article or trailing lowercase words."""
    words = re.sub(r"^(?:the|a|an)\s+", "", item.strip(), flags=re.IGNORECASE).split(" ")
    while len(words) > 1 and words[-1][:1].islower():
        words.pop()
    return " ".join(words)


def _chain_text(quote: str, binding: Binding) -> str:
    return "/".join(written(quote, n) for n in binding.chain)


def _ordinal(n: int) -> str:
    return {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth"}.get(n, f"{n}th")
