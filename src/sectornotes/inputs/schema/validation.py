"""Validating a parsed YAML document: the model, or findings at their positions.

Messages are the project's own words, one finding per cause, with "did you
mean …?" for unknown keys.
"""

from __future__ import annotations

import re
from typing import TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from ...findings import Finding, did_you_mean
from ..yamlfile import YamlDocument, date_problem
from .common import PATTERN_HELP, Strict

StrictModel = TypeVar("StrictModel", bound="Strict")
# Where pydantic reports an error: keys and list indexes, from the top of the document.
Location = tuple[int | str, ...]


def validate(model: type[StrictModel], document: YamlDocument
             ) -> tuple[StrictModel | None, list[Finding]]:
    """Validate a parsed YAML document; return the model or positioned findings."""
    own = list(document.problems.values())
    try:
        spec = model.model_validate(document.data)
    except ValidationError as exc:
        found = [_finding(model, document, error) for error in exc.errors()
                 if not _under_problem(document, error["loc"])]
        return None, own + found
    return (None, own) if own else (spec, [])


def _under_problem(document: YamlDocument, location: Location) -> bool:
    """The error is about a value already reported as impossible (one finding per cause)."""
    path = tuple(part for part in location if not _is_union_branch(part))
    return any(path[:len(key)] == key for key in document.problems)


def _visible(text: str) -> str:
    """Control characters written as escapes, so a message never breaks a terminal line."""
    return "".join(repr(c)[1:-1] if ord(c) < 32 or ord(c) == 127 else c for c in text)


def _finding(model: type[Strict], document: YamlDocument, error: ErrorDetails) -> Finding:
    location = tuple(part for part in error["loc"] if not _is_union_branch(part))
    where = _dotted(location)
    kind = error["type"]
    if kind == "extra_forbidden":
        known = _fields_at(model, location[:-1])
        hint = did_you_mean(str(location[-1]), known)
        listing = "" if hint else f"; known keys: {', '.join(sorted(known))}"
        return document.finding(location, f"{_dotted(location[:-1]) or 'top level'}: "
                                f"unknown key '{location[-1]}'{hint}{listing}", of_key=True)
    if kind == "missing":
        parent = _dotted(location[:-1])
        return document.finding(location[:-1], f"{parent or 'top level'}: missing required key "
                                f"'{location[-1]}'")
    if kind == "string_pattern_mismatch":
        pattern = error["ctx"]["pattern"]
        message = (f"{where}: '{_visible(str(error['input']))}' is not "
                   f"{PATTERN_HELP.get(pattern, pattern)}")
        return document.finding(location, message)
    if kind == "literal_error":
        choices = re.findall(r"'([^']*)'", error["ctx"]["expected"])
        hint = did_you_mean(error["input"], choices)
        return document.finding(location, f"{where}: '{error['input']}' is not one of "
                                f"{', '.join(choices)}{hint}")
    message = _own_message(error) or error["msg"].removeprefix("Value error, ")
    written = re.fullmatch(r"\s*([+\-−]?\d[\d,]*(?:\.\d+)?)\s*(.*?)\s*", str(error["input"]))
    if location and location[-1] in ("value", "low", "high") and isinstance(
            error["input"], str) and written:
        number, unit = written.group(1).replace(",", "").replace("−", "-"), written.group(2)
        hint = f" and its unit in 'unit:' (\"{unit}\")" if unit else ""
        return document.finding(location, f"{where}: write the number alone, {number}{hint}: "
                                f"'{error['input']}' is text, not a number")
    if (kind.endswith("_type") or kind.endswith("_parsing")) and not kind.startswith("date"):
        message += f", got {type(error['input']).__name__} {error['input']!r}"[:120]
    return document.finding(location, f"{where}: {message}" if where else message)


_BOUNDS = {"greater_than_equal": ("ge", "at least"), "greater_than": ("gt", "more than"),
           "less_than_equal": ("le", "at most"), "less_than": ("lt", "less than")}
_TYPES = {"int_type": "a whole number", "int_parsing": "a whole number",
          "int_from_float": "a whole number", "float_type": "a number",
          "float_parsing": "a number", "string_type": "text", "bool_type": "true or false",
          "bool_parsing": "true or false", "list_type": "a list", "dict_type": "a mapping",
          "model_type": "a mapping (key: value)", "date_type": "a date (YYYY-MM-DD)",
          "datetime_type": "a date and time (YYYY-MM-DDTHH:MM+08:00)"}


def _own_message(error: ErrorDetails) -> str | None:
    """The project's own words for the common value errors (never a library's wording)."""
    kind, value = error["type"], error["input"]
    if kind in _BOUNDS:
        key, words = _BOUNDS[kind]
        return f"{value!r} is out of range: it must be {words} {error['ctx'][key]}"
    if kind in _TYPES:
        return f"expected {_TYPES[kind]}"
    if kind.startswith(("date", "datetime")) and isinstance(value, str):
        why = date_problem(value)
        what = "a date and time" if ":" in value else "a date"
        return f"{_visible(value)} is not {what} ({why})" if why else (
            f"'{_visible(value)}' is not a date; write YYYY-MM-DD"
            if kind.startswith("date_") else
            f"'{_visible(value)}' is not a date and time; write YYYY-MM-DDTHH:MM+08:00")
    return None


def _is_union_branch(part: object) -> bool:
    # pydantic adds 'float', 'function-after[...]' etc. to locations inside unions.
    return isinstance(part, str) and ("[" in part or part in {"float", "int", "str", "none"})


def _dotted(location: Location) -> str:
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _fields_at(model: type[BaseModel], location: Location) -> list[str]:
    current: object = model
    for part in location:
        if isinstance(part, int):
            continue
        field_info = getattr(current, "model_fields", {}).get(part)
        if field_info is None:
            return []
        current = _model_inside(field_info.annotation)
    return list(getattr(current, "model_fields", {}))


def _model_inside(annotation: object) -> object:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in getattr(annotation, "__args__", ()):
        found = _model_inside(argument)
        if found is not None:
            return found
    return None
