"""The rows of the delivery records, and how people and archives read them."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import astuple, dataclass, fields

from ..errors import SectornotesError
from ..render.csvsafe import safe_row


@dataclass
class Approval:
    """A supervisory sign-off of one built PDF of a note."""

    id: int
    note: str
    build_sha256: str
    approver: str
    approved_at: str


class RecordsError(SectornotesError):
    """The records database cannot be opened or written."""


@dataclass
class Delivery:
    """One row: one copy of one build of a note to one address."""

    id: int
    note: str
    build_sha256: str
    client_id: str
    client_name: str
    address: str
    address_key: str
    watermark_id: str
    message_id: str
    copy_sha256: str | None
    status: str
    smtp_response: str | None
    attempts: int
    created_at: str
    updated_at: str


COLUMNS = tuple(f.name for f in fields(Delivery))


def normalized_address(address: str) -> str:
    """The form two spellings of one mailbox share (case and surrounding space ignored)."""
    return address.strip().casefold()


def now_utc() -> str:
    """The time a row changed, to the second, in UTC (ISO 8601)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def deliveries_csv(deliveries: list[Delivery]) -> str:
    """The records as CSV, every column, for the compliance archive."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    # Client names and SMTP replies come from outside: never a formula in a spreadsheet.
    writer.writerows(safe_row(astuple(d)) for d in deliveries)
    return buffer.getvalue()


def deliveries_table(deliveries: list[Delivery]) -> str:
    """The records as an aligned table of the columns a person scans."""
    if not deliveries:
        return "no deliveries recorded yet (records/sectornotes.sqlite)"
    shown = ("note", "client_id", "address", "status", "attempts", "smtp_response", "updated_at")
    table = [list(shown)] + [[str(getattr(d, c) or "")[:48] for c in shown] for d in deliveries]
    widths = [max(len(row[i]) for row in table) for i in range(len(shown))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
                     for row in table)
