"""Languages as a registry: a note's `language:` names a registered `Language`.

A `Language` is one module's declaration (en.py, zh.py): the table of UI strings the
tool prints (i18n.py looks them up), its Babel locale and date pattern (formatting.py),
the units as its readers write them, and the typographic rules the rendering code asks
for instead of branching on the language's name: separators of a source line, the
`lang` tag, whether lines join without spaces, which variant of house.yaml's texts and
of `name_zh`-style fields it reads, its RIXML code and any CSS of its own.

Adding a language is one module declaring a `Language` plus a registration: a built-in
is listed in `LANGUAGES`; a package declares an entry point of group
`sectornotes.languages` naming its `Language` (the recipe is in docs/architecture.md,
"Where to add …"). Its strings must have every key the English table has.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..findings import did_you_mean
from ..plugins import PluginError, Registry

if TYPE_CHECKING:
    from ..findings import Finding
    from ..inputs.yamlfile import YamlDocument


@dataclass(frozen=True)
class Language:
    """One language the tool writes notes, pages and emails in.

    `locale` is the Babel (CLDR) locale of its numbers and month names, `date_pattern`
    the CLDR pattern of a date in prose. `units` gives (prefix, suffix) per unit;
    `rescale` the factor a unit's value is shown multiplied by (USD bn in Chinese is
    亿美元: x10); `unit_label(unit)` is an axis label. `comma` and `semicolon` separate a
    source line's parts and sources, `source_prefix` starts it, `citing` is how a digest
    names whose report it summarises. `html_lang` is the BCP 47 tag of its text and
    `rixml_code` its ISO 639-2/T code. `texts` is the variant of house.yaml's texts
    (`en:`/`zh:`) and of `*_zh` name fields it reads; `script` a regular expression
    matching its own script, when names written otherwise should be translated;
    `joins_lines` says a YAML line fold joins without a space (Chinese). `css` is
    stylesheet text added to its notes.
    """

    code: str
    locale: str
    html_lang: str
    strings: Mapping[str, str]
    units: Mapping[str, tuple[str, str]]
    unit_label: Callable[[str], str]
    date_pattern: str
    rixml_code: str
    rescale: Mapping[str, Decimal] = field(default_factory=dict)
    comma: str = ", "
    semicolon: str = "; "
    source_prefix: str = "Source: "
    citing: str = "{name}, citing {digest_of}"
    texts: str = "en"
    script: str = ""
    joins_lines: bool = False
    css: str = ""


def register_language(language: Language, origin: str = "") -> None:
    """Write notes in `language.code`; its strings must cover the English table's keys
    and its units every unit the English table has."""
    where = origin or f"language '{language.code}'"
    if language.code in LANGUAGES.items:
        raise PluginError(f"{where}: language '{language.code}' is already registered")
    if language.texts not in ("en", "zh"):  # the variants house.yaml's texts are written in
        raise PluginError(f"{where}: texts must be 'en' or 'zh', not '{language.texts}'")
    english = LANGUAGES.items.get("en")
    for table, keys in (("strings", language.strings), ("units", language.units)):
        missing = sorted(set(getattr(english, table)) - set(keys)) if english else []
        if missing:
            raise PluginError(f"{where}: its {table} lack {len(missing)} key(s) of the "
                              f"English table, e.g. '{missing[0]}'")
    LANGUAGES.add(language.code, language, where)


LANGUAGES = Registry("sectornotes.languages", Language,
                     tuple(f"{__package__}.{name}" for name in ("en", "zh")), "LANGUAGE",
                     register_language, sequences=False)


def languages() -> dict[str, Language]:
    """Every language by code: the built-ins, then the plugins' (loaded once)."""
    return LANGUAGES.all()


def language(code: str) -> Language:
    """The language of that code; English for an unknown one (check reports it)."""
    known = languages()
    return known.get(code, known["en"])


def localized(value: Any, code: str) -> str:
    """A house.yaml text (`en:` / `zh:`) in the variant a note in `code` reads."""
    return str(getattr(value, language(code).texts))


def name_in(holder: Any, name: str, code: str) -> Any:
    """A name as a note in `code` prints it: its `{name}_zh`-style variant when the
    language reads that variant and it is given, else the name itself (`holder` a
    model or a mapping)."""
    variant = f"{name}_{language(code).texts}"
    if isinstance(holder, Mapping):
        return holder.get(variant) or holder[name]
    return getattr(holder, variant, None) or getattr(holder, name)


def unknown_language(document: YamlDocument, key_path: tuple[str | int, ...],
                     code: str) -> Finding | None:
    """The finding for a `language:` no language is registered for, at its place."""
    known = list(languages())
    if code in known:
        return None
    label = ".".join(str(k) if isinstance(k, str) else f"[{k}]" for k in key_path)
    return document.finding(key_path, (
        f"{label.replace('.[', '[')}: '{code}' is not a language (one of {', '.join(known)})"
        f"{did_you_mean(code, known)}"))
