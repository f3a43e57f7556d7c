"""The lazy-import rule, written once.

`check`, `claims`, `find` and a no-op `build` must start fast, so the heavy
libraries below are imported only inside the stage that needs them (charts,
PDFs, stamping). A no-op build also skips validation, hence pydantic.
Tests import every other module and run those commands to enforce this.
"""

from __future__ import annotations

import sys

# Imported only by charts.py, pdf.py and stamp.py, inside the stage that needs them.
HEAVY_MODULES = ("pandas", "matplotlib", "weasyprint", "pikepdf")
# A no-op build trusts its recorded hashes and does not even validate the YAML.
NOOP_BUILD_ALSO_AVOIDS = ("pydantic",)
# Modules that exist to wrap a heavy library (they may import it at top level).
HEAVY_WRAPPERS = ("sectornotes.render.charts", "sectornotes.render.pdf", "sectornotes.distribute.stamp")


def heavy_modules_loaded(names: tuple[str, ...] = HEAVY_MODULES) -> list[str]:
    """Which of `names` this process has imported."""
    return sorted(name for name in names if name in sys.modules)
