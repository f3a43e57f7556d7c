"""`sectornotes verify FILE.pdf`: which note, build and client a PDF came from; intact or not.

A copy is identified two ways, so that removing one trace does not hide a
leak: by the watermark its update embeds, and by the base build it starts
with. A client copy is the base build's bytes, unchanged, plus an update, so
every prefix of the file that ends a PDF (`%%EOF`) is a candidate base build;
its sha256 is looked up in the records (every build sent or approved) and in
build/manifest.json. A file that *is* a build that only ever went out stamped
is a copy whose stamp was cut off or stripped, and `verify` says who received
that build. The records are opened read-only.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from dataclasses import dataclass, field

from ..inputs.project import Project
from ..render import outputs
from .records import Delivery, Records

MAX_LISTED = 10  # recipients named in a message; the rest are counted


@dataclass
class Verification:
    """What `verify` found out about a PDF."""

    kind: str  # client-copy | base-build | stripped-copy | unknown
    intact: bool
    message: str
    recipients: list[Delivery] = field(default_factory=list)  # who received the build found


@dataclass
class _Base:
    """A prefix of the file that is a known build of a note."""

    end: int  # where the build ends in the file
    sha256: str
    note: str
    output: str | None  # its path under build/, when the manifest names it


class NotAPdf(Exception):
    """The file cannot be read as a PDF; the message says why, for a person."""


def _watermark(pdf_bytes: bytes) -> str | None:
    """The watermark id of a copy (document info, else the file identifier's second
    element, which an update changes; the first is the document's own), if any."""
    import pikepdf

    if not pdf_bytes[:1024].lstrip().startswith(b"%PDF-") and b"%PDF-" not in pdf_bytes[:1024]:
        raise NotAPdf("this file does not start with %PDF- (verify reads the PDF copies "
                      "sectornotes sends), so it is not a readable PDF")
    try:
        with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
            watermark = str(pdf.docinfo.get("/SectornotesWatermark", "")) or None
            if watermark is None and "/ID" in pdf.trailer:
                watermark = bytes(pdf.trailer.ID[-1]).decode("ascii", "replace")
    except pikepdf.PasswordError:
        raise NotAPdf("an encrypted PDF (it needs a password to open): sectornotes never "
                      "encrypts copies, so it was re-saved by someone else; ask for the file "
                      "as received, or open it with the password and verify the result"
                      ) from None
    except (pikepdf.PdfError, ValueError, RuntimeError, KeyError, TypeError) as error:
        raise NotAPdf(f"damaged beyond reading ({type(error).__name__}), so it is not a "
                      "readable PDF") from None
    return watermark


def _manifest_outputs(project: Project) -> dict[str, dict[str, object]]:
    """The manifest's outputs, or none when it is missing or damaged (a build repairs it)."""
    try:
        manifest = json.loads((project.build_dir / outputs.MANIFEST).read_text(encoding="utf-8"))
        entries = manifest["outputs"]
        return {str(k): v for k, v in entries.items() if isinstance(v, dict)}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _prefix_ends(pdf_bytes: bytes) -> list[int]:
    """Where a PDF could end inside the file: after each %%EOF (and its line end)."""
    ends = {len(pdf_bytes), len(pdf_bytes.rstrip())}
    for match in re.finditer(rb"%%EOF(\r\n|\r|\n)?", pdf_bytes):
        ends.update((match.start() + 5, match.end()))
    return sorted(ends)


def _bases(project: Project, records: Records, pdf_bytes: bytes) -> list[_Base]:
    """Every prefix of the file that is a known build, the longest first."""
    manifest = {str(entry.get("sha256")): output
                for output, entry in _manifest_outputs(project).items()
                if output.startswith("pdf/")}
    found = []
    for end in _prefix_ends(pdf_bytes):
        digest = hashlib.sha256(pdf_bytes[:end]).hexdigest()
        notes = [d.note for d in records.of_build(digest)]
        output = manifest.get(digest)
        if notes or output:
            note = notes[0] if notes else outputs_note(output or "")
            found.append(_Base(end, digest, note, output))
    return sorted(found, key=lambda base: -base.end)


def outputs_note(output: str) -> str:
    """The note id of a pdf/<note>.pdf output."""
    return output.removeprefix("pdf/").removesuffix(".pdf")


def _received_by(deliveries: list[Delivery]) -> str:
    shown = [f"{d.client_name} <{d.address}> ({d.status} {d.updated_at})"
             for d in deliveries[:MAX_LISTED]]
    more = len(deliveries) - MAX_LISTED
    return "; ".join(shown) + (f"; and {more} more (sectornotes records list)" if more > 0
                               else "")


def verify_pdf(project: Project, pdf_bytes: bytes) -> Verification:
    """Which note, build and client a PDF came from, and whether it was altered."""
    try:
        watermark = _watermark(pdf_bytes)
    except NotAPdf as problem:
        return Verification("unknown", False, str(problem))
    with Records(project, read_only=True) as records:
        delivery = records.by_watermark(watermark) if watermark else None
        if delivery is not None:
            return _client_copy(delivery, watermark or "", pdf_bytes)
        bases = _bases(project, records, pdf_bytes)
        # Only what went out counts: a failed or pending delivery never left.
        sent = ([d for d in records.of_build(bases[0].sha256)
                 if d.status in ("sent", "in-flight")] if bases else [])
    if not bases:
        if watermark and len(watermark) == 32:
            return Verification("unknown", False, (
                f"watermark {watermark} is not in this project's delivery records"))
        return Verification("unknown", False, "not a copy or build recorded by this project")
    return _from_base(bases[0], sent, watermark, whole=bases[0].end >= len(pdf_bytes.rstrip()))


def _client_copy(delivery: Delivery, watermark: str, pdf_bytes: bytes) -> Verification:
    intact = delivery.copy_sha256 == hashlib.sha256(pdf_bytes).hexdigest()
    state = "intact" if intact else "ALTERED since it was sent (hash differs)"
    return Verification("client-copy", intact, (
        f"client copy of note {delivery.note} (build {delivery.build_sha256[:12]}) "
        f"for {delivery.client_name} <{delivery.address}> [{delivery.client_id}], "
        f"{delivery.status} {delivery.updated_at}, watermark {watermark}: {state}"), [delivery])


def _from_base(base: _Base, sent: list[Delivery], watermark: str | None,
               whole: bool) -> Verification:
    where = f"build/{base.output}" if base.output else f"a build of note {base.note}"
    build = f"note {base.note}, build {base.sha256[:12]}"
    if whole and sent:
        # The base build never left the house unstamped: these bytes are a copy whose
        # appended stamp was cut off (or whose update was stripped).
        return Verification("stripped-copy", False, (
            f"a truncated or stripped copy of a delivered note: its bytes are exactly {where}, "
            f"{build}, which was only ever sent stamped; that build was received by "
            f"{len(sent)} address(es): {_received_by(sent)}"), sent)
    if whole:
        return Verification("base-build", True, (
            f"the base build {where} ({build}), not a client copy: intact"))
    shown = f"watermark {watermark}" if watermark else "no watermark"
    received = (f"; that build was received by {len(sent)} address(es): {_received_by(sent)}"
                if sent else "")
    return Verification("unknown", False, (
        f"a copy derived from {where}, {shown} ({build}), but not recorded in this "
        f"project's delivery records: its stamp was altered or forged{received}"), sent)
