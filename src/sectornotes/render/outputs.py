"""Where every output lives, relative to build/ (the layout DESIGN.md promises).

Every module asks here for an output's path or its link from a note page, so
the layout is written down once.
"""

from __future__ import annotations

NOTE_FORMATS = ("html", "pdf")


def note_output(note_id: str, fmt: str) -> str:
    """build/html/<id>.html or build/pdf/<id>.pdf (fmt: html | pdf)."""
    return f"{fmt}/{note_id}.{fmt}"


def note_html(note_id: str) -> str:
    return note_output(note_id, "html")


def note_pdf(note_id: str) -> str:
    return note_output(note_id, "pdf")


def note_rixml(note_id: str) -> str:
    return f"rixml/{note_id}.xml"


def figure_svg(figure_id: str) -> str:
    return f"figures/{figure_id}.svg"


def figure_csv(figure_id: str) -> str:
    return f"data/{figure_id}.csv"


def source_page(source_id: str) -> str:
    return f"sources/{source_id}.html"


def from_note_page(output: str, anchor: str | None = None) -> str:
    """A link to an output from a page in build/html/ (or any sibling folder)."""
    return f"../{output}" + (f"#{anchor}" if anchor else "")


MANIFEST = "manifest.json"
STATE_DIR = ".state"
