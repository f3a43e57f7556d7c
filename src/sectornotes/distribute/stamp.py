"""A client's copy of a PDF: the base PDF's bytes, untouched, plus an incremental update.

The update overlays a visible footer ("Prepared for …") on every page and
carries the watermark id in the document info and the file identifier, so a
copy costs one concatenation, not a re-render or a rewrite of the file.
Imported only when copies are made (it needs WeasyPrint and pikepdf).
"""

from __future__ import annotations

import re
from typing import Any


def stamp_copies(pdf_bytes: bytes, stamps: list[tuple[str, str]],
                 fonts: list[str]) -> list[bytes]:
    """One copy per (visible footer text, watermark id): the base PDF plus an update.

    Every footer is typeset in one WeasyPrint pass (a page each, so the text uses
    embedded fonts). Each copy is the base PDF's bytes, untouched, followed by a
    PDF incremental update that overlays its footer on every page and carries its
    watermark id in the document info and the file identifier. Writing a copy is
    then a concatenation, not a rewrite of the whole file.
    """
    from html import escape

    import weasyprint

    from ..render.pdf import font_config
    from ..render.templates import css_font_list

    pages = "".join(f"<section><p>{escape(text)}</p></section>" for text, _ in stamps)
    html = (f"<html><head><style>@page {{ size: A4; margin: 0 }} section {{ height: 297mm; "
            f"position: relative; page-break-after: always }} p {{ position: absolute; left: 0; "
            f"right: 0; bottom: 6mm; margin: 0; text-align: center; font: 6.5pt "
            f"{css_font_list(['DejaVu Sans', *fonts])}; color: #8a8f98 }}</style></head>"
            f"<body>{pages}</body></html>")
    overlay_bytes = weasyprint.HTML(string=html).write_pdf(font_config=font_config())
    update = _IncrementalStamp(pdf_bytes, overlay_bytes)
    return [update.copy(index, watermark_id) for index, (_, watermark_id) in enumerate(stamps)]


class _IncrementalStamp:
    """The objects every copy's update shares, prepared once per batch."""

    def __init__(self, pdf_bytes: bytes, overlay_bytes: bytes):
        import io

        import pikepdf

        self.base = pdf_bytes if pdf_bytes.endswith(b"\n") else pdf_bytes + b"\n"
        self.overlay = pikepdf.open(io.BytesIO(overlay_bytes))
        # Objects stay valid only while their Pdf lives: keep it with them.
        self.work = work = pikepdf.open(io.BytesIO(pdf_bytes))
        original = pikepdf.open(io.BytesIO(pdf_bytes))
        self.base_size = int(work.trailer.Size)
        startxref = re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", pdf_bytes)
        if startxref is None:
            raise ValueError("the base PDF has no cross-reference offset at its end")
        self.previous_xref = int(startxref.group(1))
        # All footers share one set of fonts and resources: overlay page 0 stands in for
        # all of them, and each copy only swaps in its own page's content stream.
        form = work.copy_foreign(self.overlay.pages[0].as_form_xobject())
        for page in work.pages:
            page.add_overlay(form)
        self.form_number = form.objgen[0]
        self.form_dictionary = pikepdf.Dictionary(form.stream_dict)
        self.info = pikepdf.Dictionary(work.docinfo)
        self.root = work.trailer.Root.objgen
        self.shared: dict[int, bytes] = {}
        for obj in work.objects:
            number = obj.objgen[0]
            if number == self.form_number or number == 0:
                continue
            changed = number >= self.base_size or obj.unparse(resolved=True) != \
                original.get_object(obj.objgen).unparse(resolved=True)
            if changed:
                self.shared[number] = _serialize(obj)

    def copy(self, index: int, watermark_id: str) -> bytes:
        import pikepdf

        content = self.overlay.pages[index].obj.Contents
        raw = content.read_raw_bytes()
        form = pikepdf.Dictionary(self.form_dictionary)
        form.Length = len(raw)
        if "/Filter" in content.stream_dict:
            form.Filter = content.stream_dict.Filter
        objects = dict(self.shared)
        objects[self.form_number] = _object_bytes(self.form_number, form.unparse(), raw)
        info_number = max(max(objects), self.base_size - 1) + 1
        info = pikepdf.Dictionary(self.info)
        info.SectornotesWatermark = watermark_id
        objects[info_number] = _object_bytes(info_number, info.unparse())
        return _append_update(self.base, objects, self.root, info_number, watermark_id,
                              self.previous_xref)


def _serialize(obj: Any) -> bytes:
    import pikepdf

    number = obj.objgen[0]
    if isinstance(obj, pikepdf.Stream):
        raw = obj.read_raw_bytes()
        dictionary = pikepdf.Dictionary(obj.stream_dict)
        dictionary.Length = len(raw)
        return _object_bytes(number, dictionary.unparse(), raw)
    return _object_bytes(number, obj.unparse(resolved=True))


def _object_bytes(number: int, body: bytes, stream: bytes | None = None) -> bytes:
    if stream is None:
        return b"%d 0 obj\n%s\nendobj\n" % (number, body)
    return b"%d 0 obj\n%s\nstream\n%s\nendstream\nendobj\n" % (number, body, stream)


def _append_update(base: bytes, objects: dict[int, bytes], root: tuple[int, int],
                   info_number: int, watermark_id: str, previous_xref: int) -> bytes:
    """base + objects + a cross-reference stream chained to the base's (/Prev)."""
    out = bytearray(base)
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += objects[number]
    xref_number = max(offsets) + 1
    offsets[xref_number] = len(out)
    numbers = sorted(offsets)
    ranges: list[list[int]] = []
    for number in numbers:
        if ranges and ranges[-1][0] + ranges[-1][1] == number:
            ranges[-1][1] += 1
        else:
            ranges.append([number, 1])
    rows = b"".join(b"\x01" + offsets[n].to_bytes(4, "big") + b"\x00\x00" for n in numbers)
    identifier = "<" + watermark_id.encode("ascii").hex() + ">"
    index = " ".join(f"{start} {count}" for start, count in ranges)
    header = (f"<< /Type /XRef /Size {xref_number + 1} /W [1 4 2] /Index [{index}] "
              f"/Root {root[0]} {root[1]} R /Info {info_number} 0 R "
              f"/ID [{identifier} {identifier}] /Prev {previous_xref} /Length {len(rows)} >>")
    out += _object_bytes(xref_number, header.encode("ascii"), rows)
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[xref_number]
    return bytes(out)
