"""PDF sources (.pdf, with pypdfium2): the text layer, page by page.

The text is normalised for matching (a typesetter's hyphen at a line end is removed,
line ends unified), pages are separated by a blank line and their starts kept, so a
quote's place reads "p. 12". pypdfium2 is imported only when a PDF is extracted.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ...findings import Finding
from ...inputs.yamlfile import FileProblem
from . import MAX_EXTRACTED_CHARACTERS, Reader, too_big

MAX_PDF_PAGES = 2_000

# The typesetter's hyphen at a line end (U+2010, U+00AD, U+2011): the word continues.
_SOFT_BREAK = re.compile(r"(?<=[^\W\d_])[\u2010\u00ad\u2011][ \t\r]*\n[ \t]*(?=[^\W\d_])")
# A hard hyphen at a line end ("AI-\nrelated"): the hyphen stays, the break goes.
_HARD_BREAK = re.compile(r"(?<=\w)-[ \t\r]*\n[ \t]*(?=\w)")


def pdf_pages(path: Path | bytes, display: str = "") -> list[tuple[str, list[int]]]:
    """Each page's text as the PDF engine reads it, with its engine char index per char;
    FileProblem past MAX_PDF_PAGES pages or MAX_EXTRACTED_CHARACTERS characters."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(path)
    pages = []
    try:
        if len(document) > MAX_PDF_PAGES:
            raise too_big(display, f"has {len(document):,} pages, over the limit of "
                           f"{MAX_PDF_PAGES:,} for a source")
        left = MAX_EXTRACTED_CHARACTERS
        for page in document:
            textpage = page.get_textpage()
            text = textpage.get_text_range()
            left -= len(text)
            if left < 0:
                raise too_big(display, f"holds more than {MAX_EXTRACTED_CHARACTERS:,} "
                               "characters of text, over the limit for a source")
            pages.append((text, list(range(len(text)))))
            textpage.close()
            page.close()
    finally:
        document.close()
    return pages


def normalize_pdf_text(text: str) -> tuple[str, list[int]]:
    """A page's text for matching, with the index in `text` of each kept character.

    Line ends become '\\n'; a typesetter's hyphen at a line end is removed with the break
    ('peri‐\\nod' → 'period'); a hard hyphen keeps itself but loses the break
    ('AI-\\nrelated' → 'AI-related'); control characters go.
    """
    return _without(text, [_SOFT_BREAK, _HARD_BREAK])


def _without(text: str, patterns: list[re.Pattern[str]]) -> tuple[str, list[int]]:
    keep = [True] * len(text)
    for pattern in patterns:
        for match in pattern.finditer(text):
            start = match.start() + (1 if pattern is _HARD_BREAK else 0)
            for index in range(start, match.end()):
                keep[index] = False
    for index, char in enumerate(text):
        # '\r' goes ('\r\n' line ends), as do other control characters
        if (ord(char) < 32 and char not in "\n\t") or char in "\ufffe\uffff":
            keep[index] = False
    kept = [i for i, flag in enumerate(keep) if flag]
    return "".join(text[i] for i in kept), kept


def extract_pdf(path: Path, raw: bytes, display: str) -> dict[str, Any]:
    try:
        pages = pdf_pages(raw, display)
    except FileProblem:
        raise
    except Exception as error:  # pdfium raises its own PdfiumError for damaged files
        raise FileProblem(Finding(display, 1, 1, f"cannot read this PDF ({error}); export it "
                                  "again, or replace it with a copy that opens")) from None
    parts, starts, offset = [], [], 0
    for page_text, _ in pages:
        clean, _ = normalize_pdf_text(page_text)
        starts.append(offset)
        parts.append(clean)
        offset += len(clean) + 2  # pages are separated by a blank line
    text = "\n\n".join(parts)
    if not text.strip():
        raise FileProblem(Finding(display, 1, 1, (
            f"this PDF has no text layer ({len(pages)} page(s) of images, e.g. a scan); "
            "quotes cannot be verified against it. Use a PDF with text, or the publisher's "
            "text version (sectornotes does no OCR)")))
    return {"text": text, "page_starts": starts}


READERS = (Reader(".pdf", "pdf", extract_pdf, package="pypdfium2"),)
