"""Saved web pages (.html, with trafilatura): the article's text, a paragraph per block.

trafilatura is imported only when a page is extracted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ...findings import Finding
from ...inputs.yamlfile import FileProblem
from . import MAX_EXTRACTED_CHARACTERS, Reader, too_big


def extract_html(path: Path, raw: bytes, display: str) -> dict[str, Any]:
    import trafilatura

    html = raw.decode("utf-8", errors="replace")
    text = trafilatura.extract(html, include_comments=False, include_tables=True,
                               favor_recall=True, deduplicate=False)
    if text and len(text) > MAX_EXTRACTED_CHARACTERS:
        raise too_big(display, f"holds more than {MAX_EXTRACTED_CHARACTERS:,} characters of "
                       "text, over the limit for a source")
    if not text or not text.strip():
        raise FileProblem(Finding(display, 1, 1, "no readable text found in this web page; "
                                  "save the article page itself (File > Save page as, "
                                  "HTML only)"))
    # One paragraph per line in the extract: a blank line between them for ¶ numbers.
    return {"text": "\n\n".join(line.strip() for line in text.splitlines() if line.strip())}


READERS = (Reader(".html", "html", extract_html, package="trafilatura"),)
