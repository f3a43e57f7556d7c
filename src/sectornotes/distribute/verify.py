"""`sectornotes verify FILE.pdf`: which note, build and client a PDF came from; intact or not."""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass

from .. import outputs
from ..project import Project
from .records import Records, records_path


@dataclass
class Verification:
    """What `verify` found out about a PDF."""

    kind: str  # client-copy | base-build | unknown
    intact: bool
    message: str


def _watermark(pdf_bytes: bytes) -> str | None:
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        watermark = str(pdf.docinfo.get("/SectornotesWatermark", "")) or None
        if watermark is None and "/ID" in pdf.trailer:
            watermark = bytes(pdf.trailer.ID[0]).decode("ascii", "replace")
    return watermark


def _manifest_outputs(project: Project) -> dict[str, dict[str, object]]:
    """The manifest's outputs, or none when it is missing or damaged (a build repairs it)."""
    try:
        manifest = json.loads((project.build_dir / outputs.MANIFEST).read_text(encoding="utf-8"))
        entries = manifest["outputs"]
        return {str(k): v for k, v in entries.items() if isinstance(v, dict)}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def verify_pdf(project: Project, pdf_bytes: bytes) -> Verification:
    """Which note, build and client a PDF came from, and whether it was altered."""
    import pikepdf

    digest = hashlib.sha256(pdf_bytes).hexdigest()
    try:
        watermark = _watermark(pdf_bytes)
    except pikepdf.PdfError:
        return Verification("unknown", False, "not a readable PDF")
    if watermark and records_path(project).exists():
        with Records(project) as records:
            delivery = records.by_watermark(watermark)
        if delivery is not None:
            intact = delivery.copy_sha256 == digest
            state = "intact" if intact else "ALTERED since it was sent (hash differs)"
            return Verification("client-copy", intact, (
                f"client copy of note {delivery.note} (build {delivery.build_sha256[:12]}) "
                f"for {delivery.client_name} <{delivery.address}> [{delivery.client_id}], "
                f"{delivery.status} {delivery.updated_at}, watermark {watermark}: {state}"))
    for output, entry in _manifest_outputs(project).items():
        if entry.get("sha256") == digest:
            return Verification("base-build", True, (
                f"the base build build/{output}, not a client copy: intact"))
        # A client copy is its base build, byte for byte, plus an appended update.
        size = entry.get("size")
        if output.startswith("pdf/") and isinstance(size, int) and len(pdf_bytes) > size and \
                hashlib.sha256(pdf_bytes[:size]).hexdigest() == entry.get("sha256"):
            return Verification("unknown", False, (
                f"a copy derived from build/{output}, watermark {watermark}, but not "
                "recorded in this project's delivery records"))
    if watermark and len(watermark) == 32:
        return Verification("unknown", False, (
            f"watermark {watermark} is not in this project's delivery records"))
    return Verification("unknown", False, "not a copy or build recorded by this project")
