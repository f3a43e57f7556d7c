"""A toy `.docx`-style reader: a zip holding word/document.xml, one <w:p> per paragraph."""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from sectornotes.findings import Finding
from sectornotes.inputs.yamlfile import FileProblem
from sectornotes.sources.readers import Reader

WORD = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def extract(path: Path, raw: bytes, display: str) -> dict[str, Any]:
    try:
        with zipfile.ZipFile(BytesIO(raw)) as archive:
            root = ElementTree.fromstring(archive.read("word/document.xml"))
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError) as error:
        raise FileProblem(Finding(display, 1, 1, f"not a word document ({error})")) from None
    paragraphs = ["".join(t.text or "" for t in p.iter(f"{WORD}t")) for p in root.iter(f"{WORD}p")]
    return {"text": "\n\n".join(p for p in paragraphs if p.strip())}


def make_docx(paragraphs: list[str]) -> bytes:
    """A file this reader reads (for the tests)."""
    from xml.sax.saxutils import escape

    body = "".join(f"<w:p><w:r><w:t>{escape(p)}</w:t></w:r></w:p>" for p in paragraphs)
    xml = (f'<w:document xmlns:w="{WORD[1:-1]}"><w:body>{body}</w:body></w:document>')
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", xml)
    return buffer.getvalue()


READER = Reader(".docx", "docx", extract, version="1")
