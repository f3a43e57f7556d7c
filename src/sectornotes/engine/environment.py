"""The environment builds use: library versions, native text libraries and font files.

They shape outputs as much as the project's files do, so they are build inputs:
a PDF records WeasyPrint, pydyf, Pango, HarfBuzz and the content hashes of the font
files it can use; a chart records matplotlib and its fonts; HTML its template and
Markdown libraries. A change makes exactly the affected outputs stale, and
`--explain` says "weasyprint 70.0 → 71.0".

Probing costs tens of milliseconds (fontconfig, ctypes, hashing fonts), so the
result is kept in build/.state/environment.json under a cheap key: the installed
distributions' names and versions, the stat of the native libraries and font files
found last time, and the font families asked for. A no-op build computes only the
key. `sectornotes doctor` prints the same probe.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..inputs.atomic import write_text_atomic
from ..version import __version__

# What shapes each kind of output, beyond the project's own files.
PDF_LIBRARIES = ("weasyprint", "pydyf", "tinycss2", "cssselect2", "fonttools", "pillow")
# babel: its CLDR data formats the numbers and dates charts and pages print.
CHART_LIBRARIES = ("matplotlib", "numpy", "pandas", "babel")
HTML_LIBRARIES = ("jinja2", "markdown-it-py", "markupsafe", "babel")
PAGE_LIBRARIES = ("pypdfium2", "pillow")  # source pages: PDF pages drawn as images
EXTRACTORS = ("pypdfium2", "trafilatura", "openpyxl")
PDF_NATIVE = ("pango", "harfbuzz", "harfbuzz-subset", "fontconfig", "cairo")
REPORTED = tuple(dict.fromkeys(PDF_LIBRARIES + CHART_LIBRARIES + HTML_LIBRARIES
                               + PAGE_LIBRARIES + EXTRACTORS + ("pikepdf", "pyyaml",
                                                                "pydantic", "click")))

# Shared objects by their stable names, and the function that returns each version.
_NATIVE = {
    "pango": ("libpango-1.0.so.0", "pango_version_string"),
    "harfbuzz": ("libharfbuzz.so.0", "hb_version_string"),
    "harfbuzz-subset": ("libharfbuzz-subset.so.0", ""),
    "fontconfig": ("libfontconfig.so.1", "FcGetVersion"),
    "cairo": ("libcairo.so.2", "cairo_version_string"),
}
# The families the templates name besides house.yaml's stacks (note.css, charts.py).
TEMPLATE_FAMILIES = ("DejaVu Sans", "Noto Sans CJK SC", "sans-serif")
ENVIRONMENT_FILE = "environment.json"
_FORMAT = 1


@dataclass
class Environment:
    """What the probe found; `missing` lists what a build needs and cannot find."""

    python: str = ""
    libraries: dict[str, str] = field(default_factory=dict)  # distribution → version
    native: dict[str, str] = field(default_factory=dict)  # pango → 1.50.12 ('' = missing)
    native_files: dict[str, str] = field(default_factory=dict)  # pango → its file
    pdf_fonts: dict[str, str] = field(default_factory=dict)  # family → font file
    chart_fonts: dict[str, str] = field(default_factory=dict)  # family → font file
    font_hashes: dict[str, str] = field(default_factory=dict)  # font file → sha256

    def inputs(self, kind: str, families: Iterable[str] = ()) -> dict[str, str]:
        """The environment inputs of one kind of output ('pdf', 'chart', 'html', 'page')."""
        libraries = {"pdf": PDF_LIBRARIES + HTML_LIBRARIES, "chart": CHART_LIBRARIES,
                     "html": HTML_LIBRARIES, "page": PAGE_LIBRARIES + HTML_LIBRARIES}[kind]
        found = {f"lib:{name}": self.libraries.get(name, "missing") for name in libraries}
        if kind == "pdf":
            found.update({f"lib:{name}": self.native.get(name) or "missing"
                          for name in PDF_NATIVE})
        fonts = self.pdf_fonts if kind == "pdf" else self.chart_fonts if kind == "chart" else {}
        # Charts use matplotlib's own font files, PDFs fontconfig's: one name may be two files.
        prefix = "chart-font" if kind == "chart" else "font"
        for family in (*families, *TEMPLATE_FAMILIES) if fonts else ():
            path = fonts.get(family)
            if path:
                found[f"{prefix}:{Path(path).name}"] = self.font_hashes.get(path, "missing")
        return found


def installed_versions() -> dict[str, str]:
    """Every installed distribution → version, from the dist-info folder names (cheap)."""
    versions: dict[str, str] = {}
    for folder in sys.path:
        try:
            entries = os.scandir(folder or ".")
        except OSError:
            continue
        with entries:
            for entry in entries:
                if entry.name.endswith(".dist-info"):
                    name, _, version = entry.name[:-len(".dist-info")].partition("-")
                    versions.setdefault(_canonical(name), version)
    return versions


def _canonical(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def _cheap_key(versions: dict[str, str], previous: Environment | None,
               families: tuple[str, ...]) -> str:
    stats = []
    if previous is not None:
        paths = [*previous.native_files.values(), *previous.font_hashes]
        for path in sorted(set(paths)):
            try:
                stat = os.stat(path)
                stats.append([path, stat.st_size, stat.st_mtime_ns])
            except OSError:
                stats.append([path, None])
    payload = {"versions": {name: versions.get(name, "") for name in REPORTED},
               "python": sys.version, "stats": stats, "families": list(families),
               "format": _FORMAT, "tool": __version__}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def environment_stamp(state_dir: Path) -> str:
    """The cheap key of the environment the last build probed, checked against now.

    It changes when a library is upgraded or a recorded library or font file changes;
    the no-op build compares it without probing anything.
    """
    cached = _read(state_dir / ENVIRONMENT_FILE)
    if cached is None:
        return "unprobed"
    key, previous, families = cached
    return _cheap_key(installed_versions(), previous, families)


def environment(state_dir: Path | None, families: Iterable[str] = (),
                read_from: Path | None = None) -> Environment:
    """The environment for a build, probed only when its cheap key changed.

    `state_dir` is build/.state (None: keep nothing; `read_from` may still name where a
    kept probe is read). `families` are the house's font families, resolved to files
    for PDFs and charts.
    """
    wanted = tuple(dict.fromkeys((*families, *TEMPLATE_FAMILIES)))
    versions = installed_versions()
    cache = state_dir / ENVIRONMENT_FILE if state_dir is not None else None
    source = cache or (read_from / ENVIRONMENT_FILE if read_from is not None else None)
    previous = _read(source) if source is not None else None
    if previous is not None and previous[2] == wanted and \
            previous[0] == _cheap_key(versions, previous[1], wanted):
        return previous[1]
    probed = probe(versions, wanted)
    if cache is not None:
        try:
            write_text_atomic(cache, json.dumps(
                {"format": _FORMAT, "key": _cheap_key(versions, probed, wanted),
                 "families": list(wanted), "environment": asdict(probed)},
                indent=1, sort_keys=True))
        except OSError:
            pass  # a read-only build folder only means probing again next time
    return probed


def _read(path: Path) -> tuple[str, Environment, tuple[str, ...]] | None:
    # Validated when read: anything of another shape is probed again, never trusted.
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if raw.get("format") != _FORMAT or not isinstance(raw.get("key"), str):
            return None
        fields = raw["environment"]
        environment = Environment(
            python=str(fields["python"]),
            **{name: {str(k): str(v) for k, v in fields[name].items()}
               for name in ("libraries", "native", "native_files", "pdf_fonts",
                            "chart_fonts", "font_hashes")})
        families = tuple(str(family) for family in raw["families"])
        return raw["key"], environment, families
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def probe(versions: dict[str, str] | None = None,
          families: Iterable[str] = TEMPLATE_FAMILIES) -> Environment:
    """Look everything up now: versions, native libraries, the font file of each family."""
    versions = versions if versions is not None else installed_versions()
    found = Environment(python=sys.version.split()[0],
                        libraries={name: versions[name] for name in REPORTED if name in versions})
    for name in PDF_NATIVE:
        found.native[name], found.native_files[name] = _native_version(name)
    wanted = tuple(dict.fromkeys(families))
    found.pdf_fonts = {family: path for family in wanted if (path := _fontconfig_file(family))}
    found.chart_fonts = _matplotlib_files(wanted)
    for path in sorted({*found.pdf_fonts.values(), *found.chart_fonts.values()}):
        found.font_hashes[path] = _hash_file(path)
    return found


def _native_version(name: str) -> tuple[str, str]:
    """(version, file) of a shared library, ('', '') when it cannot be loaded."""
    import ctypes

    soname, function = _NATIVE[name]
    try:
        library = ctypes.CDLL(soname)
    except OSError:
        return "", ""
    path = _loaded_file(soname)
    if not function:
        return "present", path
    getter = getattr(library, function)
    if function == "FcGetVersion":
        number = int(getter())
        return f"{number // 10000}.{number // 100 % 100}.{number % 100}", path
    getter.restype = ctypes.c_char_p
    return getter().decode("ascii", "replace"), path


def _loaded_file(soname: str) -> str:
    """The file a loaded shared library came from (its /proc/self/maps entry)."""
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            for line in maps:
                path = line.rstrip("\n").split(maxsplit=5)[-1]
                if Path(path).name.startswith(soname):
                    return path
    except OSError:
        pass
    return ""


def _fontconfig_file(family: str) -> str:
    """The font file fontconfig (as Pango uses it) picks for a family, '' if none."""
    try:
        done = subprocess.run(["fc-match", "-f", "%{file}", family], capture_output=True,
                              text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


_MATPLOTLIB_FONTS = """
import json, sys
from matplotlib import font_manager
available = {entry.name for entry in font_manager.fontManager.ttflist}
files = {}
for family in [*json.loads(sys.argv[1]), "DejaVu Sans"]:  # DejaVu Sans: charts' fallback
    if family in available:  # the regular face, as charts.py asks for the family
        files[family] = str(font_manager.findfont(
            font_manager.FontProperties(family=family), fallback_to_default=False))
print(json.dumps(files))
"""


def _matplotlib_files(families: tuple[str, ...]) -> dict[str, str]:
    """The font file matplotlib uses for each family, asked in a child process: a build
    that draws nothing must not pay for importing matplotlib."""
    try:
        done = subprocess.run([sys.executable, "-c", _MATPLOTLIB_FONTS, json.dumps(families)],
                              capture_output=True, text=True, timeout=120, check=False)
        files = json.loads(done.stdout) if done.returncode == 0 else {}
    except (OSError, subprocess.SubprocessError, ValueError):
        return {}
    return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}


def _hash_file(path: str) -> str:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return "missing"
    return digest.hexdigest()
