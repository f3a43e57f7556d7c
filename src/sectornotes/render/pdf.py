"""HTML → PDF with WeasyPrint: A4, PDF/A-3b, tagged, data attached, nothing fetched.

Imported only when a PDF is actually rendered. One font configuration is
reused for every PDF a process renders.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import weasyprint
from weasyprint.text.fonts import FontConfiguration

_FONT_CONFIG: FontConfiguration | None = None


def font_config() -> FontConfiguration:
    """The process-wide font configuration (building it costs more than a page)."""
    global _FONT_CONFIG
    if _FONT_CONFIG is None:
        _FONT_CONFIG = FontConfiguration()
    return _FONT_CONFIG


@dataclass
class PdfAttachment:
    """A file embedded in the PDF (claims.json, figure CSVs)."""

    name: str
    content: bytes
    description: str


class ProjectFetcher(weasyprint.URLFetcher):  # type: ignore[misc]  # weasyprint is untyped
    """Serves files inside the project (and data: URLs); refuses everything else."""

    def __init__(self, root: Path) -> None:
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False, timeout=1)
        self.root = root.resolve()
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> object:
        """WeasyPrint's response for `url`, if it is data: or a file inside the project."""
        parsed = urlparse(url)
        allowed = parsed.scheme == "data" or (
            parsed.scheme == "file"
            and Path(unquote(parsed.path)).resolve().is_relative_to(self.root))
        if not allowed:
            self.refused.append(url)
            raise ValueError(f"refused to fetch {url}: only files inside the project are allowed")
        return super().fetch(url, headers)


class _WarningCollector(logging.Handler):
    """Keeps WeasyPrint's warnings so the build reports them instead of losing them."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())



def _each_attachment_once(document: object, pdf: Any) -> None:
    """WeasyPrint's PDF/A-3 writer lists each attachment twice in the catalogue's /AF
    (from the name tree, then from each file specification); PDF/A-3 asks for each
    associated file once. `pdf` is WeasyPrint's pydyf document, before it is written."""
    listed = pdf.catalog.get("AF")
    if listed:
        unique: dict[str, object] = {}
        for reference in listed:  # "12 0 R", as text or bytes
            key = reference.decode() if isinstance(reference, bytes) else str(reference)
            unique.setdefault(key.strip(), reference)
        del listed[:]
        listed.extend(unique.values())

def render_pdf(html: str, base_dir: Path, project_root: Path, attachments: list[PdfAttachment],
               created: dt.date) -> tuple[bytes, list[str], list[str]]:
    """PDF bytes for the HTML, the URLs that were refused, and WeasyPrint's warnings.

    A "Using fontTools instead of HarfBuzz-Subset" warning means libharfbuzz-subset0
    is missing and every CJK PDF is about twenty times slower: it is reported.
    """
    fetcher = ProjectFetcher(project_root)
    timestamp = dt.datetime(created.year, created.month, created.day, tzinfo=dt.UTC)
    files = [weasyprint.Attachment(file_obj=io.BytesIO(a.content), name=a.name,
                                   description=a.description, created=timestamp,
                                   modified=timestamp, relationship="Data",
                                   url_fetcher=fetcher)
             for a in attachments]
    document = weasyprint.HTML(string=html, base_url=str(base_dir) + "/", url_fetcher=fetcher)
    identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
    logger = logging.getLogger("weasyprint")
    collector = _WarningCollector()
    logger.addHandler(collector)
    logger.propagate = False  # collected here, printed by the build
    try:
        pdf_bytes = document.write_pdf(
            font_config=font_config(), attachments=files, pdf_variant="pdf/a-3b",
            pdf_tags=True, pdf_identifier=identifier, custom_metadata=True,
            finisher=_each_attachment_once,
        )
    finally:
        logger.removeHandler(collector)
    warnings = [m for m in collector.messages if not any(url in m for url in fetcher.refused)]
    return pdf_bytes, fetcher.refused, warnings
