"""`sectornotes approve NOTE --by NAME`: supervisory sign-off of exactly one built PDF.

The approval names the sha256 of the PDF as built; `distribute` sends only a
PDF whose exact bytes were approved, so an edit after approval (even a single
claim) needs a new approval. Approvals live in the records, beside the
deliveries, and no command removes them.
"""

from __future__ import annotations

import re

from ..errors import SectornotesError, UsageError
from ..inputs.project import Project
from .records import Approval, Records


def approve(project: Project, note_id: str, approver: str) -> Approval:
    """Approve the note's current PDF; refuse a note that fails check or a stale PDF."""
    from ..loaded.project import load_project
    from .plan import built_pdf

    if not approver.strip() or re.search(r"[\x00-\x1f\x7f]", approver):
        raise UsageError("--by must name the approver on one line")
    model = load_project(project)
    if not model.ok:
        raise SectornotesError(f"{note_id}: check fails with {len(model.errors)} error(s), "
                               f"first: {model.errors[0].format()}; nothing was approved")
    pdf_sha256, _ = built_pdf(model, note_id)
    with Records(project) as records:
        return records.approve(note_id, pdf_sha256, approver.strip())


def approval_trail(project: Project, note_id: str | None = None) -> list[Approval]:
    """Every approval recorded (of one note, or of all), oldest first."""
    with Records(project, read_only=True) as records:
        return records.approvals(note_id)
