"""sectornotes: reproducible equity-research sector notes built from verified claims."""

from __future__ import annotations

__version__ = "0.1.0"
