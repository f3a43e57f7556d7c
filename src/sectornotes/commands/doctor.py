"""`sectornotes doctor`: the environment builds will use, against the last build's.

It prints Python, the libraries that shape outputs, Pango and HarfBuzz (and whether
HarfBuzz can subset fonts, without which a CJK PDF takes twenty times longer), the
font file found for each house font and for CJK text, then what differs from the
versions recorded in build/manifest.json. It fails when something the README's
install step provides is missing, naming the Debian package that provides it.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from ..engine.environment import REPORTED, Environment, environment
from ..inputs.project import Project

# What a build needs from the system, and the Debian package that provides it (the
# Makefile's DEB_NOTES list).
NEEDED_NATIVE = {"pango": "libpango-1.0-0", "harfbuzz": "libharfbuzz0b",
                 "harfbuzz-subset": "libharfbuzz-subset0", "fontconfig": "libfontconfig1"}
NEEDED_TOOLS = {"fc-match": "fontconfig", "pdftotext": "poppler-utils", "qpdf": "qpdf"}
CJK_FAMILY = "Noto Sans CJK SC"
CJK_PACKAGE = "fonts-noto-cjk"


@dataclass
class DoctorReport:
    """What `doctor` found: lines to print, problems that fail it, drift since the build."""

    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    drift: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def doctor(project: Project) -> DoctorReport:
    """Probe the environment now (nothing cached) and compare it with the last build."""
    house_families = _house_families(project)
    found = environment(None, house_families)
    report = DoctorReport()
    report.lines.append(f"python {found.python}")
    for name in REPORTED:
        report.lines.append(f"{name} {found.libraries.get(name, 'not installed')}")
    for name, package in NEEDED_NATIVE.items():
        version = found.native.get(name) or ""
        shown = "available" if version == "present" else version or "missing"
        report.lines.append(f"{name} {shown}")
        if not version:
            hint = (" (without it every PDF subsets fonts with fontTools: a CJK PDF takes "
                    "about 8 s instead of 0.4 s)" if name == "harfbuzz-subset" else "")
            report.problems.append(f"{name} is missing{hint}; install the Debian package "
                                   f"{package} (make notes does)")
    for tool, package in NEEDED_TOOLS.items():
        if shutil.which(tool) is None:
            report.problems.append(f"{tool} is missing; install the Debian package {package}")
    _fonts(found, house_families, report)
    report.drift = _drift(project, found)
    return report


def _house_families(project: Project) -> list[str]:
    # house.yaml read without the project model: doctor must work on a broken project.
    try:
        import yaml

        house = yaml.safe_load(project.house_path.read_text(encoding="utf-8")) or {}
        stacks = house.get("fonts") or {}
        return [str(f) for stack in stacks.values() for f in stack if f != "sans-serif"]
    except (OSError, ValueError, AttributeError, TypeError, yaml.YAMLError):
        return []


def _fonts(found: Environment, families: list[str], report: DoctorReport) -> None:
    for family in dict.fromkeys([*families, CJK_FAMILY]):
        path = found.pdf_fonts.get(family, "")
        matched = Path(path).name if path else "nothing"
        exact = path and _family_of(path, family)
        report.lines.append(f"font '{family}': {matched}{'' if exact else ' (a substitute)'}")
        if family == CJK_FAMILY and not exact:
            report.problems.append(f"no '{CJK_FAMILY}' font for Chinese text; install the "
                                   f"Debian package {CJK_PACKAGE}")


def _family_of(path: str, family: str) -> bool:
    """Whether the matched file really is the family (fontconfig always matches something)."""
    squashed = family.replace(" ", "").lower()
    return squashed[:8] in Path(path).name.replace("-", "").lower()


def _drift(project: Project, found: Environment) -> list[str]:
    """What differs from the versions and fonts the last build recorded."""
    try:
        manifest = json.loads((project.build_dir / "manifest.json").read_text(encoding="utf-8"))
        records = manifest["outputs"].values()
        recorded = sorted({(key, value) for record in records
                           for key, value in record["inputs"].items()
                           if key.startswith(("lib:", "font:", "chart-font:"))})
    except (OSError, ValueError, KeyError, AttributeError, TypeError):
        return []
    current: dict[str, str] = {}
    for kind in ("pdf", "chart", "page", "html"):
        current.update(found.inputs(kind, list(found.pdf_fonts) + list(found.chart_fonts)))
    drift = []
    for key, value in recorded:
        now = current.get(key, "missing")
        if now != value and not (now == "missing" and key.startswith("chart-font:")):
            kind, _, name = key.partition(":")
            drift.append(f"{name}: {value} when built, {now} now" if kind == "lib" else
                         f"font {name}: changed since the last build")
    return list(dict.fromkeys(drift))
