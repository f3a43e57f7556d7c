"""Source documents of every kind behind one interface.

A source is a plain text (`.txt`), a PDF (`.pdf`), a saved web page (`.html`)
or a spreadsheet (`.xlsx`, `.csv`). Whatever its kind, a `Document` gives the
text quotes are found in, where an offset is for readers ("p. 12", "¶ 4") and
for messages, and — for spreadsheets — the cells data points cite. Claims,
`find`, `check` and the source pages ask the document and never branch on
file type.

Extracting a PDF, a web page or a workbook is slow next to the rest of
`check`, so the result is cached by the file's content hash in
build/.state/extract/ (the extractor libraries are imported only on a miss); an
entry is trusted only when its HMAC proves it intact (extractcache.py). Every
kind is read within limits: file size, PDF pages, extracted text, and for a
workbook its zip directory and cells (archives.py, spreadsheets.py).
"""

from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..findings import Finding
from ..inputs.yamlfile import FileProblem, read_text
from .extractcache import read_entry, write_entry
from .grid import Cell, Sheet
from .quotes import SourceText
from .spreadsheets import extract_csv, extract_xlsx

DOCUMENT_SUFFIXES = (".txt", ".pdf", ".html", ".xlsx", ".csv")
EXTRACTOR_VERSION = "2"  # bump when extraction changes: cached results are then ignored
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024  # a PDF, web page or workbook (text: yamlfile's limit)
MAX_PDF_PAGES = 2_000
MAX_EXTRACTED_CHARACTERS = 20_000_000  # text of a PDF or web page; a 500-page filing ~2 M
MAX_PAGE_PIXELS = 16_000_000  # a drawn page: A4 at 1.4x is ~1.4 M; a 200-inch page is not

# The typesetter's hyphen at a line end (U+2010, U+00AD, U+2011): the word continues.
_SOFT_BREAK = re.compile(r"(?<=[^\W\d_])[\u2010\u00ad\u2011][ \t\r]*\n[ \t]*(?=[^\W\d_])")
# A hard hyphen at a line end ("AI-\nrelated"): the hyphen stays, the break goes.
_HARD_BREAK = re.compile(r"(?<=\w)-[ \t\r]*\n[ \t]*(?=\w)")


@dataclass
class Document:
    """A source document: its kind, the text quotes are found in, and where things are."""

    kind: str  # text | pdf | html | sheet
    path: str  # as shown in messages, e.g. seeds/x.pdf
    text: SourceText
    page_starts: tuple[int, ...] = ()  # pdf: offset in `text` where each page starts
    sheets: dict[str, Sheet] = field(default_factory=dict)  # sheet: by name, in order
    digest: str = ""

    @property
    def quotable(self) -> bool:
        """Whether claims quote it (a spreadsheet is cited by cell instead)."""
        return self.kind != "sheet"

    def page_at(self, offset: int) -> int | None:
        """The 1-based page an offset of the text is on (PDFs only)."""
        if not self.page_starts:
            return None
        return bisect.bisect_right(self.page_starts, offset)

    def spans(self, quote: str) -> list[tuple[int, int]]:
        """(start, end) of every occurrence of the quote in the text; in a PDF a hyphen
        inside a word may have been taken for the typesetter's and dropped."""
        return self.text.find_spans(quote, hyphen_optional=self.kind == "pdf")

    def place(self, offset: int) -> tuple[str, int]:
        """Where an offset is, for readers: ('page', 12) or ('paragraph', 4)."""
        page = self.page_at(offset)
        if page is not None:
            return "page", page
        line, _ = self.text.line_col(offset)
        return "paragraph", self.text.paragraph(line)

    def first_sheet(self) -> Sheet | None:
        return next(iter(self.sheets.values()), None)


def document_paths(seeds_dir: Path, source_id: str) -> list[Path]:
    """The document files of a source: seeds/<id>.<txt|pdf|html|xlsx|csv> that exist."""
    return [seeds_dir / f"{source_id}{suffix}" for suffix in DOCUMENT_SUFFIXES
            if (seeds_dir / f"{source_id}{suffix}").is_file()]


def load_document(path: Path, display: str, cache_dir: Path | None) -> Document:
    """Read a source document of any kind; raise FileProblem with a positioned finding."""
    suffix = path.suffix.lower()
    if suffix == ".txt":
        return Document("text", display, SourceText(read_text(path, display)))
    size = path.stat().st_size
    if size > MAX_DOCUMENT_BYTES:
        raise FileProblem(Finding(display, 1, 1, f"file is {size / 1048576:.1f} MB, over the "
                                  f"{MAX_DOCUMENT_BYTES // 1048576} MB limit for a source"))
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    extractor = _extractor_version(suffix)
    extracted = read_entry(cache_dir, digest, suffix, extractor)
    if extracted is None:
        extracted = _EXTRACTORS[suffix](path, raw, display)
        write_entry(cache_dir, digest, suffix, extractor, extracted)
    if suffix in (".xlsx", ".csv"):
        sheets = {name: Sheet(name, {ref: Cell(*cell) for ref, cell in data["cells"].items()},
                              data["max_row"], data["max_column"])
                  for name, data in extracted["sheets"].items()}
        return Document("sheet", display, SourceText(extracted["text"]), sheets=sheets,
                        digest=digest)
    return Document("pdf" if suffix == ".pdf" else "html", display,
                    SourceText(extracted["text"]), tuple(extracted.get("page_starts", ())),
                    digest=digest)


_EXTRACTOR_PACKAGES = {".pdf": "pypdfium2", ".html": "trafilatura", ".xlsx": "openpyxl",
                       ".csv": ""}


def extractor_of(path: str) -> str:
    """The library and version that turned a source of this kind into text ('' for text):
    named in a quote error, since an upgrade of it can change the text quotes match."""
    suffix = Path(path).suffix.lower()
    package = _EXTRACTOR_PACKAGES.get(suffix, "")
    if not package:
        return ""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"{package} {version(package)}"
    except PackageNotFoundError:
        return package


def _extractor_version(suffix: str) -> str:
    """This tool's extraction rules and the extracting library's version: a cached result
    from another version of either is extracted again."""
    from importlib.metadata import PackageNotFoundError, version

    package = _EXTRACTOR_PACKAGES.get(suffix, "")
    try:
        return f"{EXTRACTOR_VERSION}/{package}-{version(package)}" if package else \
            EXTRACTOR_VERSION
    except PackageNotFoundError:
        return EXTRACTOR_VERSION


# ---------------------------------------------------------------- PDF


def pdf_pages(path: Path | bytes, display: str = "") -> list[tuple[str, list[int]]]:
    """Each page's text as the PDF engine reads it, with its engine char index per char;
    FileProblem past MAX_PDF_PAGES pages or MAX_EXTRACTED_CHARACTERS characters."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(path)
    pages = []
    try:
        if len(document) > MAX_PDF_PAGES:
            raise _too_big(display, f"has {len(document):,} pages, over the limit of "
                           f"{MAX_PDF_PAGES:,} for a source")
        left = MAX_EXTRACTED_CHARACTERS
        for page in document:
            textpage = page.get_textpage()
            text = textpage.get_text_range()
            left -= len(text)
            if left < 0:
                raise _too_big(display, f"holds more than {MAX_EXTRACTED_CHARACTERS:,} "
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


def _too_big(display: str, text: str) -> FileProblem:
    return FileProblem(Finding(display, 1, 1, f"this source {text}; split it, or keep "
                               "only the part the claims quote"))


def _extract_pdf(path: Path, raw: bytes, display: str) -> dict[str, Any]:
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


# ---------------------------------------------------------------- web pages


def _extract_html(path: Path, raw: bytes, display: str) -> dict[str, Any]:
    import trafilatura

    html = raw.decode("utf-8", errors="replace")
    text = trafilatura.extract(html, include_comments=False, include_tables=True,
                               favor_recall=True, deduplicate=False)
    if text and len(text) > MAX_EXTRACTED_CHARACTERS:
        raise _too_big(display, f"holds more than {MAX_EXTRACTED_CHARACTERS:,} characters of "
                       "text, over the limit for a source")
    if not text or not text.strip():
        raise FileProblem(Finding(display, 1, 1, "no readable text found in this web page; "
                                  "save the article page itself (File > Save page as, "
                                  "HTML only)"))
    # One paragraph per line in the extract: a blank line between them for ¶ numbers.
    return {"text": "\n\n".join(line.strip() for line in text.splitlines() if line.strip())}


_EXTRACTORS = {".pdf": _extract_pdf, ".html": _extract_html, ".xlsx": extract_xlsx,
               ".csv": extract_csv}


# ---------------------------------------------------------------- pictures of quoted pages


@dataclass
class PageImage:
    """A PDF page drawn as an image, with the boxes of the passages quoted on it."""

    number: int
    png: bytes
    width: float  # points
    height: float
    boxes: list[tuple[str, float, float, float, float]]  # claim id, left, top, width, height (%)


def pdf_page_images(path: Path, document: Document,
                    spans: dict[str, tuple[int, int]], scale: float = 1.4) -> list[PageImage]:
    """The pages holding quoted passages, each with a box per line of each passage.

    `spans` are (start, end) offsets of quotes in `document.text`; they are mapped back
    to the PDF engine's characters, whose boxes give the passage's real position.
    """
    import io

    import pypdfium2 as pdfium

    wanted: dict[int, list[tuple[str, int, int]]] = {}
    for claim_id, (start, end) in spans.items():
        first, last = document.page_at(start), document.page_at(max(start, end - 1))
        for page in range(first or 1, (last or 1) + 1):
            page_start = document.page_starts[page - 1]
            wanted.setdefault(page, []).append(
                (claim_id, max(start, page_start) - page_start, end - page_start))
    images = []
    pdf = pdfium.PdfDocument(path)
    try:
        for number in sorted(wanted):
            page = pdf[number - 1]
            width, height = page.get_size()
            textpage = page.get_textpage()
            _, kept = normalize_pdf_text(textpage.get_text_range())
            boxes = []
            for claim_id, start, end in wanted[number]:
                chars = [textpage.get_charbox(kept[i], loose=True)
                         for i in range(start, min(end, len(kept)))
                         if not textpage.get_text_range(kept[i], 1).isspace()]
                for left, bottom, right, top in _line_boxes(chars):
                    boxes.append((claim_id, 100 * left / width, 100 * (height - top) / height,
                                  100 * (right - left) / width, 100 * (top - bottom) / height))
            buffer = io.BytesIO()
            page.render(scale=_bounded_scale(width, height, scale)).to_pil().save(
                buffer, format="PNG", optimize=True)
            images.append(PageImage(number, buffer.getvalue(), width, height, boxes))
            textpage.close()
            page.close()
    finally:
        pdf.close()
    return images


def _bounded_scale(width: float, height: float, scale: float) -> float:
    """The scale to draw a page at, reduced so its picture stays within MAX_PAGE_PIXELS
    (a PDF may declare a page of any size; its picture would take width x height x 4
    bytes)."""
    pixels = max(width * height, 1.0) * scale * scale
    return scale if pixels <= MAX_PAGE_PIXELS else scale * (MAX_PAGE_PIXELS / pixels) ** 0.5


def _line_boxes(chars: list[tuple[float, float, float, float]]
                ) -> list[tuple[float, float, float, float]]:
    """Character boxes (left, bottom, right, top) merged into one box per line."""
    lines: list[list[float]] = []
    for left, bottom, right, top in chars:
        if lines and abs(lines[-1][1] - bottom) < 0.5 * (top - bottom + 1) and \
                left >= lines[-1][0] - 1:
            line = lines[-1]
            line[0], line[1] = min(line[0], left), min(line[1], bottom)
            line[2], line[3] = max(line[2], right), max(line[3], top)
        else:
            lines.append([left, bottom, right, top])
    pad = 1.5
    return [(a - pad, b - pad, c + pad, d + pad) for a, b, c, d in lines]
