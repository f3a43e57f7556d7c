"""A client's copy of a PDF: the base PDF's bytes, untouched, plus an incremental update.

The update (written by pypdf's incremental writer) overlays a visible footer
("Prepared for …") on every page and carries the watermark id in the document
info and in the second element of the file identifier; the first element, the
document's permanent identifier, stays the base build's. Pages are not rewritten:
each gets two small compressed content streams around its own (save the graphics
state before, draw the footer form after), and the footer's fonts are the only
other new objects, so a copy is a little larger than the build it comes from.
Imported only when copies are made (it needs WeasyPrint and pypdf).
"""

from __future__ import annotations

import hashlib
import io
import zlib
from typing import Any, cast

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DictionaryObject,
    EncodedStreamObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)

FORM_NAME = "/SectornotesStamp"
WATERMARK_KEY = "/SectornotesWatermark"


def stamp_copies(pdf_bytes: bytes, stamps: list[tuple[str, str]],
                 fonts: list[str]) -> list[bytes]:
    """One copy per (visible footer text, watermark id): the base PDF plus an update.

    Every footer is typeset in one WeasyPrint pass (a page each, so the text uses
    embedded fonts that the footers share). Each copy is the base PDF's bytes,
    untouched, followed by an incremental update that draws its footer on every page
    and names its watermark id in the document info and the file identifier.
    """
    overlay_bytes = _footers_pdf([text for text, _ in stamps], fonts)
    update = _IncrementalStamp(pdf_bytes, overlay_bytes)
    return [update.copy(index, watermark_id) for index, (_, watermark_id) in enumerate(stamps)]


def _footers_pdf(texts: list[str], fonts: list[str]) -> bytes:
    from html import escape

    import weasyprint

    from ..render.pdf import font_config
    from ..render.templates import css_font_list

    pages = "".join(f"<section><p>{escape(text)}</p></section>" for text in texts)
    html = (f"<html><head><style>@page {{ size: A4; margin: 0 }} section {{ height: 297mm; "
            f"position: relative; page-break-after: always }} p {{ position: absolute; left: 0; "
            f"right: 0; bottom: 6mm; margin: 0; text-align: center; font: 6.5pt "
            f"{css_font_list(['DejaVu Sans', *fonts])}; color: #8a8f98 }}</style></head>"
            f"<body>{pages}</body></html>")
    return bytes(weasyprint.HTML(string=html).write_pdf(font_config=font_config()))


def _compressed_stream(writer: PdfWriter, data: bytes,
                       entries: dict[str, PdfObject] | None = None) -> IndirectObject:
    """A new stream object holding `data` Flate-compressed, with extra dictionary entries."""
    stream = EncodedStreamObject()
    for key, value in (entries or {}).items():
        stream[NameObject(key)] = value
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    stream._data = zlib.compress(data, 9)
    return writer._add_object(stream)


class _IncrementalStamp:
    """One writer per batch: what every copy shares is added once, the footer's content
    stream and the watermark change from copy to copy."""

    def __init__(self, pdf_bytes: bytes, overlay_bytes: bytes):
        # The update starts on a line of its own after the base's %%EOF.
        base = pdf_bytes if pdf_bytes.endswith(b"\n") else pdf_bytes + b"\n"
        self.writer = PdfWriter(PdfReader(io.BytesIO(base)), incremental=True)
        self.overlay = PdfReader(io.BytesIO(overlay_bytes))
        self.first_id = self._first_id(base)
        self.form = self._add_form()
        self._overlay_every_page()
        self.info = self._info()
        self._freeze_unchanged()

    def _first_id(self, base: bytes) -> bytes:
        """The base's permanent identifier (made from its bytes if it has none)."""
        identifier = self.writer._ID
        if identifier:
            return bytes(identifier[0].original_bytes)
        return hashlib.md5(base, usedforsecurity=False).digest()

    def _add_form(self) -> StreamObject:
        """The footer as a form XObject; its resources (the footers' fonts) shared by all."""
        page = self.overlay.pages[0]
        box = page.mediabox
        resources = cast(DictionaryObject, page["/Resources"].get_object()).clone(self.writer)
        reference = _compressed_stream(self.writer, b"", {
            "/Type": NameObject("/XObject"), "/Subtype": NameObject("/Form"),
            "/FormType": NumberObject(1), "/Resources": resources.indirect_reference
            if resources.indirect_reference else resources,
            "/BBox": ArrayObject(FloatObject(v) for v in (box.left, box.bottom, box.right,
                                                           box.top))})
        self.overlay_box = (float(box.width), float(box.height))
        return cast(StreamObject, reference.get_object())

    def _overlay_every_page(self) -> None:
        """Each page: `q` before its content, `Q` and the footer (an artifact) after."""
        writer = self.writer
        save = _compressed_stream(writer, b"q\n")
        width, height = self.overlay_box
        draws: dict[tuple[float, float, float, float], IndirectObject] = {}
        for page in writer.pages:
            box = page.mediabox
            key = (float(box.left), float(box.bottom), float(box.width), float(box.height))
            if key not in draws:
                scale = min(key[2] / width, key[3] / height)
                left = key[0] + (key[2] - width * scale) / 2
                draws[key] = _compressed_stream(writer, (
                    f"Q\nq /Artifact <</Type /Pagination>> BDC {scale:.6g} 0 0 {scale:.6g} "
                    f"{left:.6g} {key[1]:.6g} cm {FORM_NAME} Do EMC Q\n").encode("ascii"))
            contents = page.get("/Contents")
            existing = contents.get_object() if contents is not None else ArrayObject()
            kept = list(existing) if isinstance(existing, ArrayObject) else [contents]
            page[NameObject("/Contents")] = ArrayObject([save, *kept, draws[key]])
            resources = _resources(page)
            xobjects = resources.get("/XObject")
            if xobjects is None:
                xobjects = DictionaryObject()
                resources[NameObject("/XObject")] = xobjects
            cast(DictionaryObject, xobjects.get_object())[NameObject(FORM_NAME)] = \
                self.form.indirect_reference

    def _info(self) -> DictionaryObject:
        """The document info, which every copy's update rewrites with its watermark."""
        if self.writer._info is None:
            self.writer.add_metadata({})
        info = self.writer._info
        assert info is not None
        info[NameObject(WATERMARK_KEY)] = TextStringObject("")
        return info

    def _freeze_unchanged(self) -> None:
        """Leave out of the writer's view what no copy changes any more.

        The incremental writer finds what to write by hashing every object it holds,
        on every write, and serialises the changed ones each time; a tagged note has
        thousands of objects. Between copies only the footer form and the info change:
        the base's untouched objects are dropped from the writer's list, and the objects
        this update shares (pages, resources, the footers' fonts) are kept as their
        serialised bytes, so each copy costs a copy of the base and a few small writes.
        """
        writer = self.writer
        changed = {reference.idnum for reference in writer.list_objects_in_increment()}
        varying = {cast(IndirectObject, obj.indirect_reference).idnum
                   for obj in (self.form, self.info)}
        for position, obj in enumerate(writer._objects):
            number = position + 1
            if number not in changed:
                writer._objects[position] = None
            elif number not in varying and obj is not None:
                writer._objects[position] = _Serialised(obj)

    def copy(self, index: int, watermark_id: str) -> bytes:
        content = self.overlay.pages[index].get_contents()
        assert content is not None  # WeasyPrint writes every footer page's content
        self.form._data = zlib.compress(content.get_data(), 9)
        self.info[NameObject(WATERMARK_KEY)] = TextStringObject(watermark_id)
        self.writer._ID = ArrayObject([ByteStringObject(self.first_id),
                                       ByteStringObject(watermark_id.encode("ascii"))])
        out = io.BytesIO()
        self.writer.write(out)
        return out.getvalue()


def _resources(page: DictionaryObject) -> DictionaryObject:
    """The page's resource dictionary, made when the page has none of its own."""
    resources = page.get("/Resources")
    if resources is None:
        resources = DictionaryObject()
        page[NameObject("/Resources")] = resources
    return cast(DictionaryObject, resources.get_object())


class _Serialised(PdfObject):
    """An object of the update written the same way in every copy: its bytes, once."""

    def __init__(self, obj: PdfObject):
        out = io.BytesIO()
        obj.write_to_stream(out)
        self.data = out.getvalue()
        self.indirect_reference = obj.indirect_reference

    def hash_bin(self) -> int:
        # Never the hash of the object it stands for, so the writer always writes it.
        return hash((_Serialised, self.data))

    def write_to_stream(self, stream: Any, encryption_key: object = None) -> None:
        stream.write(self.data)
