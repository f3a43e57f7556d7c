"""Chart colours from house.yaml, checked where `check` can report them.

The palette is drawn by matplotlib, which `check` never imports (the lazy-import
rule), so the rule is written here, without it: a colour is hex, `#rgb`, `#rgba`,
`#rrggbb` or `#rrggbbaa` — what house.yaml documents and what every chart, SVG and
stylesheet reads alike. charts.py draws only palettes this module accepts.

Every palette colour must also be readable (WCAG 2.1 AA, 4.5:1 against the white page):
charts write text in palette colours (rating events on the price chart) and white text
on them (stacked-bar labels), so a pale colour makes some label unreadable.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..findings import Finding
from .yamlfile import YamlDocument

_HEX_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})")
# WCAG 2.1 AA for text of normal size (success criterion 1.4.3).
MIN_CONTRAST = 4.5
WHITE = (255, 255, 255)


def is_colour(value: object) -> bool:
    """Whether a palette entry is a hex colour."""
    return isinstance(value, str) and _HEX_COLOUR.fullmatch(value) is not None


def colour_problem(index: int, value: object) -> str | None:
    """What is wrong with palette[index], or None."""
    if is_colour(value):
        return None
    return (f"palette[{index}]: {value!r} is not a colour; write it in hex, as '#1f3a5f' "
            "(#rgb, #rrggbb, or with alpha #rgba, #rrggbbaa)")


def rgb(colour: str, background: tuple[int, int, int] = WHITE) -> tuple[int, int, int]:
    """The red, green and blue of a hex colour as seen on `background` (alpha composited)."""
    digits = colour[1:]
    if len(digits) in (3, 4):
        digits = "".join(2 * d for d in digits)
    channels = [int(digits[i:i + 2], 16) for i in range(0, len(digits), 2)]
    alpha = channels[3] / 255 if len(channels) == 4 else 1.0
    red, green, blue = (round(alpha * c + (1 - alpha) * b)
                        for c, b in zip(channels[:3], background, strict=True))
    return red, green, blue


def _luminance(colour: tuple[int, int, int]) -> float:
    """Relative luminance, as WCAG 2.1 defines it."""
    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4
    red, green, blue = (linear(c) for c in colour)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str = "#ffffff") -> float:
    """The WCAG contrast ratio of two hex colours (1 to 21), alpha composited on white."""
    lighter, darker = sorted((_luminance(rgb(first)), _luminance(rgb(second))), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def darker_readable(colour: str) -> str:
    """The same hue darkened just enough to reach MIN_CONTRAST on white (a suggestion)."""
    red, green, blue = rgb(colour)
    for step in range(100, -1, -1):
        candidate = "#" + "".join(f"{round(c * step / 100):02x}" for c in (red, green, blue))
        if contrast_ratio(candidate) >= MIN_CONTRAST:
            return candidate
    return "#000000"


def contrast_problem(index: int, value: str) -> str | None:
    """Why palette[index] (a colour) is too pale for text on white, or None."""
    ratio = contrast_ratio(value)
    if ratio >= MIN_CONTRAST:
        return None
    return (f"palette[{index}]: {value!r} has a contrast of {ratio:.2f}:1 on white, under the "
            f"{MIN_CONTRAST}:1 that chart labels written in it or on it need (WCAG 2.1 AA); a "
            f"darker shade such as '{darker_readable(value)}' reaches it")


def palette_findings(palette: Sequence[object], document: YamlDocument | None,
                     path: str = "house.yaml") -> list[Finding]:
    """One finding per palette entry that is not a colour, or too pale to read text in or on,
    at its place in house.yaml."""
    findings = []
    for index, value in enumerate(palette):
        problem = colour_problem(index, value)
        if problem is None and isinstance(value, str):
            problem = contrast_problem(index, value)
        if problem is None:
            continue
        findings.append(document.finding(("palette", index), problem) if document is not None
                        else Finding(path, 1, 1, problem))
    return findings
