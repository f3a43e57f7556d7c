"""Archive-based source formats (.xlsx is a zip of XML parts), opened only within limits.

A few hundred kilobytes of zip can inflate to gigabytes of XML and then to tens of
gigabytes of parsed cells. Before any parser sees a workbook, its central directory is
read (zipfile never inflates a member past the size the directory declares: a member
that lies about it fails its CRC) and the workbook is refused when it has too many
members, too many bytes inflated, a member inflating by a bomb's ratio, or more cells
than a research workbook holds; the cells are counted by streaming the sheet XML,
a bounded amount of memory whatever its size.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from ..findings import Finding
from ..inputs.yamlfile import FileProblem

MB = 1024 * 1024


@dataclass(frozen=True)
class ArchiveLimits:
    """What a source archive may hold (docs/sources.md states these)."""

    max_members: int = 2_000
    max_total_bytes: int = 100 * MB  # all members, inflated
    max_ratio: int = 200  # inflated / compressed, for a member over `ratio_floor` bytes
    ratio_floor: int = 1 * MB
    max_cells: int = 250_000  # cells in all sheets


WORKBOOK_LIMITS = ArchiveLimits()
# A cell in sheet XML: <c r="A1" ...> or <x:c ...> (a namespace prefix), never <cols>.
_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,15}:)?c[\s/>]")
_SHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml", re.IGNORECASE)


def open_bounded_zip(raw: bytes, display: str,
                     limits: ArchiveLimits = WORKBOOK_LIMITS) -> zipfile.ZipFile:
    """The archive, once its directory is within `limits`; FileProblem otherwise."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise _problem(display, "cannot read this workbook (it is not a zip file as .xlsx "
                       "is: a workbook from an old Excel (.xls), or a damaged copy); save it "
                       "again as .xlsx") from None
    if len(members) > limits.max_members:
        raise _problem(display, f"this workbook holds {len(members):,} parts, over the "
                       f"limit of {limits.max_members:,} for a workbook")
    total = sum(member.file_size for member in members)
    if total > limits.max_total_bytes:
        raise _problem(display, f"this workbook inflates to {total / MB:,.0f} MB, over the "
                       f"limit of {limits.max_total_bytes // MB} MB for a workbook")
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > limits.ratio_floor and ratio > limits.max_ratio:
            raise _problem(display, f"this workbook's part {member.filename!r} inflates "
                           f"{ratio:,.0f} times (to {member.file_size / MB:,.0f} MB), over the "
                           "limit of "
                           f"{limits.max_ratio} times: it is built to exhaust memory (a zip "
                           "bomb), not a workbook")
    return archive


def count_cells(archive: zipfile.ZipFile, display: str,
                limits: ArchiveLimits = WORKBOOK_LIMITS) -> int:
    """The cells of every sheet, counted by streaming its XML; FileProblem over the limit."""
    count = 0
    for member in archive.infolist():
        if not _SHEET_PART.fullmatch(member.filename):
            continue
        try:
            count += _count_in(archive, member)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            raise _problem(display, f"cannot read this workbook (its part "
                           f"{member.filename!r} is damaged); save it again as .xlsx") from None
        check_cell_count(count, display, limits)
    return count


def check_cell_count(count: int, display: str,
                     limits: ArchiveLimits = WORKBOOK_LIMITS) -> None:
    """FileProblem when a workbook has more cells than the limit."""
    if count > limits.max_cells:
        raise _problem(display, f"this workbook has more than {limits.max_cells:,} cells (the "
                       "limit for a workbook); keep the cited sheets in a smaller workbook")


def _count_in(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> int:
    count, tail = 0, b""
    with archive.open(member) as stream:
        while chunk := stream.read(1 << 20):
            data = tail + chunk
            # A tag starting in the last 32 bytes (longer than any tag) may be cut by the
            # chunk's end: it is counted in the next round, from the tail.
            cut = max(0, len(data) - 32)
            count += sum(1 for match in _CELL_TAG.finditer(data) if match.start() < cut)
            tail = data[cut:]
    return count + len(_CELL_TAG.findall(tail))


def _problem(display: str, text: str) -> FileProblem:
    return FileProblem(Finding(display, 1, 1, text))
