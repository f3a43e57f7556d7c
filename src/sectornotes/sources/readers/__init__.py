"""Source readers by file suffix: seeds/<id>.<suffix> is read by the reader of its suffix.

A reader turns a file into what a `Document` is made of (documents.py): the text quotes
are found in, and optionally where each page starts (`page_starts`) or the cells of its
sheets (`sheets`). Built-in readers live one per module (text, pdf, html, spreadsheet)
and register with `register_reader`, as a plugin does through an entry point of group
`sectornotes.readers` naming a `Reader` (or a sequence of them):

    [project.entry-points."sectornotes.readers"]
    docx = "mypackage.docx:READER"

The registry knows nothing of `Document`, so documents.py may build on it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...findings import Finding
from ...inputs.yamlfile import FileProblem
from ...plugins import PluginError, Registry

MAX_EXTRACTED_CHARACTERS = 20_000_000  # text of a PDF or web page; a 500-page filing ~2 M

Extract = Callable[[Path, bytes, str], dict[str, Any]]


@dataclass(frozen=True)
class Reader:
    """How files of one suffix become a document.

    `extract(path, raw, display)` returns {"text": str} and, for paged documents,
    "page_starts" (offset in the text where each page starts) or, for spreadsheets,
    "sheets" ({name: {"cells": {ref: [value, shown]}, "max_row", "max_column"}}). It raises
    `inputs.yamlfile.FileProblem` with a positioned finding for a file it cannot read.
    The result must be JSON: with `cached`, it is kept in build/.state/extract/ by the
    file's content hash, keyed also by `version` and the version of `package` (the
    library that does the extracting), so an upgrade of either extracts again. An
    uncached reader (plain text: reading it again is cheap) gets `raw` empty and reads
    `path` itself, within its own limit.
    """

    suffix: str  # ".pdf": lower case, with the dot
    kind: str  # Document.kind: text | pdf | html | sheet, or the plugin's own word
    extract: Extract
    package: str = ""  # named in quote errors: an upgrade of it can change the text
    version: str = "2"  # bump when extraction changes: cached results are then ignored
    cached: bool = True


def register_reader(reader: Reader, origin: str = "") -> None:
    """Read files of `reader.suffix` with `reader`; a suffix has one reader."""
    if not reader.suffix.startswith(".") or reader.suffix != reader.suffix.lower():
        raise PluginError(f"{origin or 'a reader'}: suffix {reader.suffix!r} must be lower "
                          "case and start with a dot, e.g. '.docx'")
    if reader.suffix in READERS.items:
        raise PluginError(f"{origin or 'a reader'}: files {reader.suffix} are already read by "
                          f"{READERS.origins[reader.suffix]}")
    READERS.add(reader.suffix, reader, origin or reader.extract.__module__)


READERS = Registry("sectornotes.readers", Reader,
                   tuple(f"{__name__}.{name}" for name in ("text", "pdf", "html", "spreadsheet")),
                   "READERS", register_reader)


def readers() -> dict[str, Reader]:
    """Every reader by suffix: the built-ins, then the plugins' (loaded once)."""
    return READERS.all()


def reader_for(suffix: str) -> Reader | None:
    """The reader of a suffix (any case), or None."""
    return readers().get(suffix.lower())


def document_suffixes() -> tuple[str, ...]:
    """Every suffix a source document may have, built-ins first: .txt .pdf .html …"""
    return tuple(readers())


def too_big(display: str, text: str) -> FileProblem:
    """The error for a source over one of the limits: `text` says which."""
    return FileProblem(Finding(display, 1, 1, f"this source {text}; split it, or keep "
                               "only the part the claims quote"))
