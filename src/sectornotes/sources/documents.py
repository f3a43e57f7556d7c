"""Source documents of every kind behind one interface.

A source is a plain text (`.txt`), a PDF (`.pdf`), a saved web page (`.html`),
a spreadsheet (`.xlsx`, `.csv`) or any kind a plugin registers a reader for
(sources/readers/: one reader per suffix). Whatever its kind, a `Document` gives the
text quotes are found in, where an offset is for readers ("p. 12", "¶ 4") and
for messages, and — for spreadsheets — the cells data points cite. Claims,
`find`, `check` and the source pages ask the document and never branch on
file type.

Extracting a PDF, a web page or a workbook is slow next to the rest of
`check`, so the result is cached by the file's content hash in
build/.state/extract/ (the readers' libraries are imported only on a miss); an
entry is trusted only when its HMAC proves it intact (extractcache.py). Every
kind is read within limits: file size, PDF pages, extracted text, and for a
workbook its zip directory and cells (archives.py, spreadsheets.py).
"""

from __future__ import annotations

import bisect
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from ..findings import Finding
from ..inputs.yamlfile import FileProblem
from .extractcache import read_entry, write_entry
from .grid import Cell, Sheet
from .quotes import SourceText
from .readers import MAX_EXTRACTED_CHARACTERS, Reader, document_suffixes, reader_for
from .readers.pdf import MAX_PDF_PAGES, normalize_pdf_text

# The built-in suffixes; `document_suffixes()` adds the plugins'.
DOCUMENT_SUFFIXES = (".txt", ".pdf", ".html", ".xlsx", ".csv")
EXTRACTOR_VERSION = "2"  # the built-in readers' `version`
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024  # a PDF, web page or workbook (text: yamlfile's limit)
MAX_PAGE_PIXELS = 16_000_000  # a drawn page: A4 at 1.4x is ~1.4 M; a 200-inch page is not
__all__ = ["MAX_EXTRACTED_CHARACTERS", "MAX_PDF_PAGES", "Document", "PageImage",
           "document_paths", "extractor_key", "extractor_of", "load_document", "pdf_page_images"]


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
    """The document files of a source: seeds/<id>.<suffix> that exist, for every suffix a
    reader is registered for (sources/readers/)."""
    return [seeds_dir / f"{source_id}{suffix}" for suffix in document_suffixes()
            if (seeds_dir / f"{source_id}{suffix}").is_file()]


def load_document(path: Path, display: str, cache_dir: Path | None) -> Document:
    """Read a source document with the reader of its suffix; raise FileProblem with a
    positioned finding."""
    reader = reader_for(path.suffix)
    if reader is None:
        raise FileProblem(Finding(display, 1, 1, (
            f"no reader for {path.suffix or 'files without a suffix'}; sources are "
            + ", ".join(document_suffixes()))))
    if not reader.cached:
        extracted = reader.extract(path, b"", display)
        return Document(reader.kind, display, SourceText(extracted["text"]))
    size = path.stat().st_size
    if size > MAX_DOCUMENT_BYTES:
        raise FileProblem(Finding(display, 1, 1, f"file is {size / 1048576:.1f} MB, over the "
                                  f"{MAX_DOCUMENT_BYTES // 1048576} MB limit for a source"))
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    version = _reader_version(reader)
    cached = read_entry(cache_dir, digest, reader.suffix, version)
    extracted = cached if cached is not None else reader.extract(path, raw, display)
    if cached is None:
        write_entry(cache_dir, digest, reader.suffix, version, extracted)
    sheets = {name: Sheet(name, {ref: Cell(*cell) for ref, cell in data["cells"].items()},
                          data["max_row"], data["max_column"])
              for name, data in extracted.get("sheets", {}).items()}
    return Document(reader.kind, display, SourceText(extracted["text"]),
                    tuple(extracted.get("page_starts", ())), sheets, digest)


def extractor_of(path: str) -> str:
    """The library and version that turned a source of this kind into text ('' for text):
    named in a quote error, since an upgrade of it can change the text quotes match."""
    reader = reader_for(Path(path).suffix)
    if reader is None or not reader.package:
        return ""
    version = _package_version(reader.package)
    return f"{reader.package} {version}" if version else reader.package


def extractor_key(suffix: str) -> str:
    """What decides a document's text besides its bytes: the reader of its suffix, its
    rules and its library's version ('' when no reader takes the suffix)."""
    reader = reader_for(suffix)
    return "" if reader is None else f"{reader.kind}/{_reader_version(reader)}"


def _extractor_version(suffix: str) -> str:
    """The cache key of a suffix's reader (see `_reader_version`)."""
    reader = reader_for(suffix)
    return _reader_version(reader) if reader is not None else EXTRACTOR_VERSION


def _reader_version(reader: Reader) -> str:
    """The reader's extraction rules and the extracting library's version: a cached result
    from another version of either is extracted again."""
    version = _package_version(reader.package) if reader.package else ""
    return f"{reader.version}/{reader.package}-{version}" if version else reader.version


def _package_version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return ""


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
