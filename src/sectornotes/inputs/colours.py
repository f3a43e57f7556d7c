"""Chart colours from house.yaml, checked where `check` can report them.

The palette is drawn by matplotlib, which `check` never imports (the lazy-import
rule), so the rule is written here, without it: a colour is hex, `#rgb`, `#rgba`,
`#rrggbb` or `#rrggbbaa` — what house.yaml documents and what every chart, SVG and
stylesheet reads alike. charts.py draws only palettes this module accepts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..findings import Finding
from .yamlfile import YamlDocument

_HEX_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})")


def is_colour(value: object) -> bool:
    """Whether a palette entry is a hex colour."""
    return isinstance(value, str) and _HEX_COLOUR.fullmatch(value) is not None


def colour_problem(index: int, value: object) -> str | None:
    """What is wrong with palette[index], or None."""
    if is_colour(value):
        return None
    return (f"palette[{index}]: {value!r} is not a colour; write it in hex, as '#1f3a5f' "
            "(#rgb, #rrggbb, or with alpha #rgba, #rrggbbaa)")


def palette_findings(palette: Sequence[object], document: YamlDocument | None,
                     path: str = "house.yaml") -> list[Finding]:
    """One finding per palette entry that is not a colour, at its place in house.yaml."""
    findings = []
    for index, value in enumerate(palette):
        problem = colour_problem(index, value)
        if problem is None:
            continue
        findings.append(document.finding(("palette", index), problem) if document is not None
                        else Finding(path, 1, 1, problem))
    return findings
